// The export mapping: each rule here undoes one of the import rules of contract_mapping.cpp and mapping.cpp
// (docs/OCDS_MAPPING.md, "Export").

#include "adapters/platform/ocds/export.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "adapters/platform/ocds/extension.hpp"

namespace pactwatch::platform::ocds {

namespace {

using domain::CommitmentKind;
using domain::FactKind;
using domain::ObligorSide;
using nlohmann::json;

/** A calendar day as an OCDS date-time: midnight in China's offset (the importer takes the day as written).
 */
std::string date_time(domain::Date d) {
  return domain::format_date(d) + "T00:00:00+08:00";
}

/** An amount as a JSON number, exact: whole units as an integer, else the decimal (two places at most). */
json amount_number(const domain::Money& m) {
  if (m.fen % 100 == 0) return m.fen / 100;
  const std::string text = m.to_decimal();
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;  // nlohmann writes the shortest text that reads back as this double: the decimal itself
}

json value_of(const domain::Money& m) {
  return {{"amount", amount_number(m)}, {"currency", std::string(m.currency.code())}};
}

json reference(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}};
}

/** The milestone type whose import rule gives the commitment's kind and side (financing for that stage). */
std::string milestone_type(const domain::Commitment& c, const MappingOptions& o) {
  std::string same_kind;
  std::string best;
  for (const auto& [type, rule] : o.milestone_rules) {
    if (rule.kind != c.kind) continue;
    if (same_kind.empty()) same_kind = type;
    if (rule.side != c.obligor_side) continue;
    if (type == "financing") {
      if (c.stage == domain::StageKind::financing) return type;
      continue;
    }
    if (best.empty()) best = type;
  }
  return best.empty() ? same_kind : best;
}

/** The facts no other fact corrects (a correction supersedes what it corrects). */
std::vector<const domain::Fact*> current_facts(const std::vector<domain::Fact>& facts) {
  std::set<std::string> corrected;
  for (const auto& f : facts) {
    if (!f.corrects.empty()) corrected.insert(f.corrects);
  }
  std::vector<const domain::Fact*> out;
  for (const auto& f : facts) {
    if (!corrected.contains(f.id)) out.push_back(&f);
  }
  return out;
}

class ReleaseWriter {
 public:
  ReleaseWriter(const AgreementSnapshot& s, const ExportOptions& o) : s_(s), o_(o) {}

  ExportedRelease run() {
    const domain::Agreement& a = s_.agreement;
    facts_ = current_facts(s_.facts);
    for (const auto* f : facts_)
      by_commitment_[f->commitment_id].push_back(f);
    json contract = {{"id", a.id}, {"awardID", a.id}, {"title", a.title}};
    if (a.value) contract["value"] = value_of(*a.value);
    contract["dateSigned"] = date_time(a.signed_on);
    contract["status"] = "active";
    json ext = {{"kind", std::string(domain::to_string(a.kind))}};
    signatories(contract, ext);
    json implementation = json::object();
    milestones(implementation);
    json failures = json::array();
    json amendments = json::array();
    agreement_wide(contract, ext, failures, amendments);
    if (!failures.empty()) implementation["performanceFailures"] = std::move(failures);
    contract["implementation"] = std::move(implementation);
    if (!amendments.empty()) contract["amendments"] = std::move(amendments);
    contract[kExtension] = std::move(ext);

    json release = {{"ocid", export_ocid(a, o_)},
                    {"id", a.id + "/" + s_.changed_at},
                    {"date", s_.changed_at},
                    {"tag", terminated_ ? json{"contract", "implementation", "contractTermination"}
                                        : json{"contract", "implementation"}},
                    {"initiationType", "tender"},
                    {"language", "zh"},
                    {"parties", parties()}};
    if (s_.body) release["buyer"] = reference(s_.body->id, s_.body->name);
    json award = {{"id", a.id}, {"title", a.title}, {"status", "active"}};
    if (s_.counterparty)
      award["suppliers"] = json::array({reference(s_.counterparty->id, s_.counterparty->name)});
    release["awards"] = json::array({std::move(award)});
    release["contracts"] = json::array({std::move(contract)});
    if (!not_exported_.empty()) release[kExtension] = {{"notExported", not_exported_}};
    return {std::move(release), std::move(not_exported_)};
  }

 private:
  json parties() const {
    json out = json::array();
    if (s_.body) {
      json p = {{"id", s_.body->id}, {"name", s_.body->name}, {"roles", {"buyer"}}};
      // A body has no credit code to take its region from: the extension says it (empty: none, abroad).
      if (!s_.body->region.empty()) p["address"] = {{"region", s_.body->region}, {"countryName", "中国"}};
      p[kExtension] = {{"region", s_.body->region}};
      out.push_back(std::move(p));
    }
    if (s_.counterparty) {
      const auto& o = *s_.counterparty;
      json p = {{"id", o.id},
                {"name", o.name},
                {"roles", {s_.agreement.kind == domain::AgreementKind::ppp ? "privateParty" : "supplier"}},
                {"details", {{"scale", o.sme ? "sme" : "large"}}}};
      if (o.credit_code) p["identifier"] = {{"scheme", "CN-USCC"}, {"id", o.credit_code->str()}};
      out.push_back(std::move(p));
    }
    return out;
  }

  /** The committing officials: PPP signatories, or the extension's (a signatory makes a contract PPP). */
  void signatories(json& contract, json& ext) const {
    if (s_.officials.empty()) return;
    json list = json::array();
    for (const auto& o : s_.officials)
      list.push_back({{"id", o.id}, {"name", o.name}});
    if (s_.agreement.kind == domain::AgreementKind::ppp)
      contract["signatories"] = std::move(list);
    else
      ext["signatories"] = std::move(list);
  }

  /** The side's party of this agreement, as a reference (payer or payee of a transaction). */
  json party_of(ObligorSide side) const {
    if (side == ObligorSide::government && s_.body) return reference(s_.body->id, s_.body->name);
    if (side == ObligorSide::counterparty && s_.counterparty)
      return reference(s_.counterparty->id, s_.counterparty->name);
    return json::object();
  }

  void lost(const std::string& what) { ++not_exported_[what]; }

  void milestones(json& implementation) {
    json milestones = json::array();
    json transactions = json::array();
    for (const auto& c : s_.commitments) {
      json m = {{"id", c.id}, {"title", c.title}};
      if (const std::string type = milestone_type(c, o_.mapping); !type.empty()) m["type"] = type;
      m["dueDate"] = date_time(c.due);
      if (c.amount) m["value"] = value_of(*c.amount);
      json ext = {{"kind", std::string(domain::to_string(c.kind))},
                  {"obligorSide", std::string(domain::to_string(c.obligor_side))},
                  {"graceDays", c.grace_days}};
      if (c.stage) ext["stage"] = std::string(domain::to_string(*c.stage));
      if (c.payment_term_days) ext["paymentTermDays"] = *c.payment_term_days;
      if (!c.committing_official_id.empty()) ext["committingOfficial"] = c.committing_official_id;
      const std::string& party =
          c.obligor_side == ObligorSide::government ? s_.agreement.body_id : s_.agreement.counterparty_id;
      if (c.obligor_id != party) lost("commitment obligor other than the agreement's party");
      // Payments of a payment commitment are its transactions; any other fulfilment is its status.
      const domain::Fact* status_fact = nullptr;
      std::int64_t paid = 0;
      for (const domain::Fact* f : by_commitment_[c.id]) {
        if (f->kind != FactKind::fulfilled) continue;
        if (c.kind == CommitmentKind::payment && f->amount) {
          transactions.push_back(transaction(c, *f));
          paid += f->amount->fen;
          continue;
        }
        if (status_fact) lost("fulfilled fact beyond a milestone's one status");
        if (!status_fact || status_fact->on < f->on) status_fact = f;
      }
      m["status"] = "scheduled";
      if (status_fact) {
        // met: the whole committed amount (or none was committed); partiallyMet: less, or not stated.
        const auto& amount = status_fact->amount;
        const bool whole = !c.amount || (amount && *amount == *c.amount);
        m["status"] = whole ? "met" : "partiallyMet";
        m["dateMet"] = date_time(status_fact->on);
        ext["note"] = status_fact->note;
        if (amount && (!whole || !c.amount)) ext["factAmount"] = value_of(*amount);
      } else if (paid > 0) {
        m["status"] = c.amount && paid >= c.amount->fen ? "met" : "partiallyMet";
      }
      m[kExtension] = std::move(ext);
      milestones.push_back(std::move(m));
    }
    if (!milestones.empty()) implementation["milestones"] = std::move(milestones);
    if (!transactions.empty()) implementation["transactions"] = std::move(transactions);
  }

  json transaction(const domain::Commitment& c, const domain::Fact& f) const {
    const ObligorSide payee =
        c.obligor_side == ObligorSide::government ? ObligorSide::counterparty : ObligorSide::government;
    return {{"id", f.id},
            {"date", date_time(f.on)},
            {"value", value_of(*f.amount)},
            {"payer", party_of(c.obligor_side)},
            {"payee", party_of(payee)},
            {"relatedImplementationMilestone", {{"id", c.id}}},
            {kExtension, {{"note", f.note}}}};
  }

  /** An OCDS amendment for an amended fact; its legality fields travel in the extension when stated. */
  static json amendment(const domain::Fact& f) {
    json ext = {{"note", f.note}, {"commitments", json::array()}};
    const std::pair<const char*, const std::string*> legality[] = {
        {"legalBasis", &f.legal_basis},
        {"competentAuthority", &f.competent_authority},
        {"procedureReference", &f.procedure_reference},
        {"compensationDecision", &f.compensation_decision}};
    for (const auto& [field, value] : legality) {
      if (!value->empty()) ext[field] = *value;
    }
    return {{"id", f.id}, {"date", date_time(f.on)}, {"rationale", f.note}, {kExtension, std::move(ext)}};
  }

  /**
   * Facts the importer reads as agreement-wide (amendments, termination) are stored once per commitment: one
   * amendment per date, note and legality (its extension lists the commitments with the new due date or
   * amount each got), one termination (with its side). Performance failures
   * name their milestone. Other kinds have no OCDS object.
   */
  void agreement_wide(json& contract, json& ext, json& failures, json& amendments) {
    // (date, note, legal basis, authority, procedure, compensation) -> index in `amendments`
    std::map<std::array<std::string, 6>, std::size_t> amendment_at;
    const domain::Fact* termination = nullptr;
    for (const domain::Fact* f : facts_) {
      switch (f->kind) {
        case FactKind::fulfilled:
          break;
        case FactKind::amended: {
          // One amendment per date, note and legality, naming the commitments it was recorded on, each with
          // the new due date or amount it set there.
          const auto [at, added] = amendment_at.try_emplace(
              {domain::format_date(f->on), f->note, f->legal_basis, f->competent_authority,
               f->procedure_reference, f->compensation_decision},
              amendments.size());
          if (added) amendments.push_back(amendment(*f));
          json change = {{"id", f->commitment_id}};
          if (f->new_due) change["newDueDate"] = domain::format_date(*f->new_due);
          if (f->new_amount) change["newAmount"] = value_of(*f->new_amount);
          amendments[at->second][kExtension]["commitments"].push_back(std::move(change));
          break;
        }
        case FactKind::terminated:
          if (!termination || f->on < termination->on) termination = f;
          break;
        case FactKind::not_performed: {
          failures.push_back(
              {{"id", f->id},
               {"period", {{"endDate", date_time(f->on)}}},
               {"relatedImplementationMilestone", {{"id", f->commitment_id}}},
               {kExtension, {{"note", f->note}, {"reason", std::string(domain::to_string(f->reason))}}}});
          break;
        }
        default:
          lost("fact " + std::string(domain::to_string(f->kind)));
      }
    }
    if (termination) {
      terminated_ = true;
      contract["status"] = "terminated";
      contract["finalStatusDate"] = date_time(termination->on);
      if (!termination->note.empty()) contract["finalStatusDetails"] = termination->note;
      ext["terminationNote"] = termination->note;
      if (termination->terminated_by)
        ext["terminatedBy"] = std::string(domain::to_string(*termination->terminated_by));
    }
  }

  const AgreementSnapshot& s_;
  const ExportOptions& o_;
  std::vector<const domain::Fact*> facts_;
  std::map<std::string, std::vector<const domain::Fact*>> by_commitment_;
  std::map<std::string, std::size_t> not_exported_;
  bool terminated_ = false;
};

}  // namespace

std::string export_ocid(const domain::Agreement& agreement, const ExportOptions& options) {
  return agreement.refs.ocid.empty() ? options.ocid_prefix + "-" + agreement.id : agreement.refs.ocid;
}

ExportedRelease export_release(const AgreementSnapshot& snapshot, const ExportOptions& options) {
  return ReleaseWriter(snapshot, options).run();
}

json release_package(json releases, const std::string& published_date, const ExportOptions& options,
                     const std::string& next_page) {
  json package = {{"version", "1.1"},
                  {"publishedDate", published_date},
                  {"publisher", {{"name", options.publisher_name}}},
                  {"releases", std::move(releases)}};
  if (!next_page.empty()) package["links"] = {{"next", next_page}};
  return package;
}

}  // namespace pactwatch::platform::ocds
