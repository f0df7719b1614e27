#include "adapters/platform/ocds/mapping.hpp"

#include <algorithm>

#include "adapters/platform/ocds/extension.hpp"
#include "adapters/platform/ocds/release_mapper.hpp"
#include "domain/text.hpp"

namespace pactwatch::platform::ocds {

std::string canonical_json(const nlohmann::json& value) {
  // nlohmann's object is a std::map: dump() already sorts keys; replace keeps odd bytes from throwing.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

MappingResult map_release(const RawRelease& release, const MappingOptions& options) {
  return detail::ReleaseMapper(release, options).run();
}

namespace detail {

MappingResult ReleaseMapper::run() {
  const json& doc = r_.json;
  out_.content_hash = sha256_hex(canonical_json(doc));
  auto reject = [&](QuarantineReason reason, std::string message) {
    out_.quarantined = true;
    QuarantineEntry q{reason, std::move(message), out_.ocid, out_.release_id, "", r_.location, r_.text};
    out_.quarantine.push_back(std::move(q));
    return std::move(out_);
  };
  if (!doc.is_object()) return reject(QuarantineReason::release_not_object, "the release is not an object");
  ocid_ = text(doc, "ocid");
  out_.ocid = ocid_;
  out_.release_id = identifier(doc).value_or("");
  if (ocid_.empty()) return reject(QuarantineReason::missing_ocid, "the release has no `ocid`");
  // Longer than an agreement keeps (domain::kMaxTextBytes): quarantined here rather than failing its batch.
  if (ocid_.size() > domain::kMaxTextBytes) {
    return reject(QuarantineReason::malformed_field, "the `ocid` is " + std::to_string(ocid_.size()) +
                                                         " bytes long; at most " +
                                                         std::to_string(domain::kMaxTextBytes) + " are kept");
  }
  if (out_.release_id.empty()) return reject(QuarantineReason::missing_id, "the release has no `id`");
  if (auto d = date_member(doc, "date", ""); !d) {
    note("release `date` not used: " + d.error().message);
  } else {
    release_date_ = *d;
  }
  out_.date = release_date_;
  ppp_ = detect_ppp();
  map_parties();
  for_each_in_array(doc, "contracts", "",
                    [&](const json& c, const std::string& path) { map_contract(c, path); });
  // Milestones of the planning and tender stages are promises of the procedure, not of a contract.
  for (const char* stage : {"planning", "tender"}) {
    const json* section = member(doc, stage);
    const json* ms = section ? member(*section, "milestones") : nullptr;
    if (!ms || !ms->is_array()) continue;
    for (const json& m : *ms)
      ++out_.not_kept[std::string(stage) + " milestone " +
                      (text(m, "type").empty() ? "(no type)" : text(m, "type"))];
  }
  return std::move(out_);
}

bool ReleaseMapper::detect_ppp() const {
  for (const std::string& url : r_.package.extensions) {
    if (url.find("/ppp/") != std::string::npos ||
        url.find("public-private-partnerships") != std::string::npos) {
      return true;
    }
  }
  if (const json* parties = member(r_.json, "parties"); parties && parties->is_array()) {
    for (const json& p : *parties) {
      const json* roles = member(p, "roles");
      if (roles && roles->is_array() &&
          std::find(roles->begin(), roles->end(), "privateParty") != roles->end()) {
        return true;
      }
    }
  }
  if (const json* contracts = member(r_.json, "contracts"); contracts && contracts->is_array()) {
    for (const json& c : *contracts) {
      for (const char* f : {"signatories", "finance", "financeSummary", "riskAllocation", "agreedMetrics"}) {
        if (member(c, f)) return true;
      }
      if (const json* impl = member(c, "implementation")) {
        for (const char* f : {"performanceFailures", "tariffs", "charges", "metrics"}) {
          if (member(*impl, f)) return true;
        }
      }
    }
  }
  return false;
}

void ReleaseMapper::map_parties() {
  has_parties_ = member(r_.json, "parties") != nullptr;
  for_each_in_array(r_.json, "parties", "",
                    [&](const json& p, const std::string& path) { map_party(p, path); });
}

void ReleaseMapper::map_party(const json& party, const std::string& path) {
  if (!party.is_object()) {
    quarantine(QuarantineReason::malformed_field, "a party is not an object", path, party);
    return;
  }
  const auto id = identifier(party);
  if (!id) {
    quarantine(QuarantineReason::missing_id, "a party has no `id`", path, party);
    return;
  }
  std::set<std::string> roles;
  if (const json* rs = member(party, "roles"); rs && rs->is_array()) {
    for (const json& role : *rs) {
      if (role.is_string()) roles.insert(role.get<std::string>());
    }
  }
  auto has_any = [&](const std::set<std::string>& wanted) {
    return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) { return wanted.contains(r); });
  };
  using Side = PartyRef::Side;
  const Side side = has_any(o_.government_roles)     ? Side::government
                    : has_any(o_.organization_roles) ? Side::organization
                    : has_any(o_.paying_roles)       ? Side::government
                                                     : Side::other;
  // A Chinese identifier, in `identifier` or in `additionalIdentifiers`, must be a valid credit code.
  std::optional<domain::CreditCode> code;
  std::vector<const json*> ids;
  if (const json* i = member(party, "identifier")) ids.push_back(i);
  if (const json* extra = member(party, "additionalIdentifiers"); extra && extra->is_array()) {
    for (const json& i : *extra)
      ids.push_back(&i);
  }
  for (const json* i : ids) {
    if (!o_.credit_code_schemes.contains(text(*i, "scheme"))) continue;
    const std::string value = identifier(*i).value_or("");
    auto parsed = domain::CreditCode::parse(value);
    if (!parsed) {
      quarantine(QuarantineReason::invalid_credit_code,
                 "party " + *id + ": " + text(*i, "scheme") + " \"" + value + "\": " + parsed.error().message,
                 path, party);
      return;
    }
    if (!code) code = *parsed;
  }
  std::string name = text(party, "name");
  if (name.empty()) name = member(party, "identifier") ? text(*member(party, "identifier"), "legalName") : "";
  PartyRef ref{side, "ocds:" + ocid_ + ":parties/" + *id, name,
               roles.contains("supplier") || roles.contains("privateParty")};
  parties_[*id] = ref;
  const std::string key = code ? "uscc:" + code->str() : ref.local_key;
  const std::string hash = sha256_hex(canonical_json(party));
  if (side == Side::government) {
    domain::Body b;
    b.id = key;
    b.name = name;
    if (code && domain::RegionCode::parse(code->region_part())) b.region = std::string(code->region_part());
    // This service's export says the region a body without a credit code had (none: it is abroad).
    const auto exported_region = code ? std::nullopt : extension_text(party, "region");
    if (exported_region && domain::RegionCode::parse(*exported_region)) b.region = *exported_region;
    KeyedParty<domain::Body> body{{key, hash, std::move(b)}, ref.local_key};
    // A body that says it is abroad (a foreign identifier scheme, an address in another country) gets no
    // default region: its region stays unknown rather than the configured prefecture's.
    if (!code) body.outside = exported_region ? b.region.empty() : foreign_party(party);
    out_.bodies.push_back(std::move(body));
  } else if (side == Side::organization) {
    domain::Organization org;
    org.id = key;
    org.name = name;
    org.credit_code = code;
    if (const json* details = member(party, "details"))
      org.sme = o_.sme_scales.contains(text(*details, "scale"));
    out_.organizations.push_back({{key, hash, std::move(org)}, ref.local_key});
  } else {
    std::string listed;
    for (const std::string& r : roles)
      listed += (listed.empty() ? "" : ", ") + r;
    note("party " + *id + " (" + name + ") not mapped: roles [" + listed +
         "] are neither government nor counterparty");
    ++out_.not_kept["party role " + (listed.empty() ? std::string("(none)") : listed)];
  }
}

bool ReleaseMapper::foreign_party(const json& party) const {
  // org-id.guide schemes start with the ISO 3166 country code ("GB-LAC", "XX-GOV"); China's are "CN-…".
  if (const json* i = member(party, "identifier")) {
    const std::string scheme = text(*i, "scheme");
    if (scheme.size() > 3 && scheme[2] == '-' && !scheme.starts_with("CN-")) return true;
  }
  if (const json* address = member(party, "address")) {
    const std::string country = text(*address, "country");  // OCDS 1.2: ISO 3166-1 alpha-2
    if (!country.empty() && country != "CN") return true;
    const std::string name = text(*address, "countryName");
    if (!name.empty() && name != "China" && name != "中国" && name != "中华人民共和国" &&
        name != "People's Republic of China") {
      return true;
    }
  }
  return false;
}

std::string ReleaseMapper::party_key(const std::string& ocds_id) const {
  const auto it = parties_.find(ocds_id);
  return it != parties_.end() ? it->second.local_key : "ocds:" + ocid_ + ":parties/" + ocds_id;
}

std::string ReleaseMapper::find_body() const {
  if (const json* buyer = member(r_.json, "buyer")) {
    if (auto id = identifier(*buyer)) return party_key(*id);
  }
  for (const char* role : {"buyer", "procuringEntity", "publicAuthority"}) {
    if (const json* parties = member(r_.json, "parties"); parties && parties->is_array()) {
      for (const json& p : *parties) {
        const json* roles = member(p, "roles");
        const auto id = identifier(p);
        if (id && roles && roles->is_array() &&
            std::find(roles->begin(), roles->end(), role) != roles->end()) {
          return party_key(*id);
        }
      }
    }
    if (std::string(role) == "procuringEntity") {
      if (const json* tender = member(r_.json, "tender"); tender && member(*tender, "procuringEntity")) {
        if (auto id = identifier(*member(*tender, "procuringEntity"))) return party_key(*id);
      }
    }
  }
  return {};
}

std::string ReleaseMapper::find_counterparty(const json& contract, const std::string& contract_id) {
  // The award the contract implements names its suppliers; a single one is the counterparty.
  const auto award_id = identifier(contract, "awardID");
  if (const json* awards = member(r_.json, "awards"); award_id && awards && awards->is_array()) {
    for (const json& a : *awards) {
      if (identifier(a) != award_id) continue;
      const json* suppliers = member(a, "suppliers");
      if (suppliers && suppliers->is_array() && suppliers->size() == 1) {
        if (auto id = identifier((*suppliers)[0])) return party_key(*id);
      }
    }
  }
  std::vector<std::string> candidates;
  for (const auto& [id, ref] : parties_) {
    if (ref.side == PartyRef::Side::organization && ref.contractor) candidates.push_back(ref.local_key);
  }
  if (candidates.size() == 1) return candidates.front();
  if (candidates.size() > 1) {
    note("contract " + contract_id + ": " + std::to_string(candidates.size()) +
         " counterparty parties and no single award supplier; counterparty not set");
  }
  return {};
}

void ReleaseMapper::quarantine(QuarantineReason reason, std::string message, const std::string& path,
                               const json& source) {
  out_.quarantine.push_back(
      {reason, std::move(message), ocid_, out_.release_id, path, r_.location, canonical_json(source)});
}

void ReleaseMapper::quarantine(const ValueError& e, const std::string& path, const json& source) {
  quarantine(e.reason, e.message, path, source);
}

ValueResult<std::optional<domain::Date>> ReleaseMapper::date_member(const json& object, const char* key,
                                                                    const std::string& path) const {
  const json* v = member(object, key);
  if (!v) return std::optional<domain::Date>{};
  if (!v->is_string()) {
    return std::unexpected(ValueError{QuarantineReason::unparsable_date,
                                      path + "/" + key + " is a JSON " + v->type_name() + ", not a date"});
  }
  auto d = parse_ocds_date(v->get_ref<const std::string&>());
  if (!d) return std::unexpected(ValueError{d.error().reason, path + "/" + key + ": " + d.error().message});
  return std::optional<domain::Date>{*d};
}

ValueResult<domain::Money> ReleaseMapper::money(const json& value, const std::string& path) {
  const json* amount = member(value, "amount");
  std::string number;
  if (amount && amount->is_number_integer()) {
    number = amount->dump();
  } else if (amount && amount->is_number_float()) {
    const auto it = r_.numbers.find(path + "/amount");
    number = it != r_.numbers.end() ? it->second : amount->dump();
  } else if (amount && amount->is_string()) {
    // Some publishers quote amounts ("755969.71"): read the text as the number it spells, with a warning.
    number = amount->get<std::string>();
    auto m = parse_amount(number, text(value, "currency"));
    if (!m) return std::unexpected(ValueError{m.error().reason, path + ": " + m.error().message});
    ++out_.warnings["amount given as a JSON string"];
    note("warning: " + path + "/amount is the JSON string \"" + number + "\"; read as the number " + number);
    return *m;
  } else {
    return std::unexpected(
        ValueError{QuarantineReason::unparsable_amount,
                   path + "/amount is " + (amount ? amount->dump() : "absent") + ", not a JSON number"});
  }
  auto m = parse_amount(number, text(value, "currency"));
  if (!m) return std::unexpected(ValueError{m.error().reason, path + ": " + m.error().message});
  return *m;
}

MappedFact ReleaseMapper::make_fact(const ContractContext& c, std::string key, domain::FactKind kind,
                                    domain::Date on, const json& source) const {
  MappedFact f;
  f.key = std::move(key);
  f.content_hash = sha256_hex(canonical_json(source));
  f.value.id = f.key;
  f.value.kind = kind;
  f.value.on = on;
  f.value.source = domain::FactSource::platform;
  f.agreement_key = c.key;
  return f;
}

}  // namespace detail
}  // namespace pactwatch::platform::ocds
