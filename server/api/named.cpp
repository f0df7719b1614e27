#include "server/api/named.hpp"

#include <algorithm>

#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {

namespace d = pactwatch::domain;
using nlohmann::json;

namespace {

const std::string& of(const std::map<std::string, std::string, std::less<>>& kind, const std::string& id) {
  return store::Names::in(kind, id);
}

bool government(d::ObligorSide side) {
  return side == d::ObligorSide::government;
}

/** One CSV cell of `value`: text as is, numbers and booleans printed, arrays joined, null empty. */
std::string cell(const json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value)
      out += (out.empty() ? "" : "; ") + cell(v);
    return out;
  }
  if (value.is_object()) return value.dump();
  return value.dump();
}

}  // namespace

json name_json(const std::string& name) {
  return name.empty() ? json(nullptr) : json(name);
}

void refer(store::NameRequest& r, const d::Body& b) {
  r.regions.insert(b.region);
  if (!b.parent_id.empty()) r.bodies.insert(b.parent_id);
}
void refer(store::NameRequest& r, const d::Official& o) {
  for (const auto& p : o.posts)
    r.bodies.insert(p.body_id);
}
void refer(store::NameRequest& r, const d::Agreement& a) {
  r.bodies.insert(a.body_id);
  if (!a.counterparty_id.empty()) r.organizations.insert(a.counterparty_id);
  for (const auto& s : a.stages)
    for (const auto& x : s.assignments)
      r.officials.insert(x.official_id);
}
void refer(store::NameRequest& r, const d::Commitment& c) {
  r.agreements.insert(c.agreement_id);
  r.obligor(government(c.obligor_side), c.obligor_id);
  if (!c.committing_official_id.empty()) r.officials.insert(c.committing_official_id);
}
void refer(store::NameRequest& r, const d::Fact& f) {
  r.commitments.insert(f.commitment_id);
}
void refer(store::NameRequest&, const d::Organization&) {}
void refer(store::NameRequest& r, const store::StoredBreach& s) {
  const d::Breach& b = s.breach;
  r.bodies.insert(s.body_id);
  r.regions.insert(s.region);
  r.obligor(government(b.obligor_side), b.obligor_id);
  if (!b.agreement_id.empty()) r.agreements.insert(b.agreement_id);
  if (!b.commitment_id.empty()) r.commitments.insert(b.commitment_id);
  r.officials.insert(b.performing_officials.begin(), b.performing_officials.end());
  if (!b.committing_official.empty()) r.officials.insert(b.committing_official);
  for (const auto& o : s.officials)
    r.officials.insert(o.official_id);
}

void add_names(json& item, const d::Body& b, const store::Names& n) {
  item["region_name"] = name_json(of(n.regions, b.region));
  item["parent_name"] = name_json(of(n.bodies, b.parent_id));
}
void add_names(json& item, const d::Official& o, const store::Names& n) {
  auto& posts = item["posts"];
  for (std::size_t i = 0; i < o.posts.size() && i < posts.size(); ++i)
    posts[i]["body_name"] = name_json(of(n.bodies, o.posts[i].body_id));
}
void add_names(json& item, const d::Agreement& a, const store::Names& n) {
  item["body_name"] = name_json(of(n.bodies, a.body_id));
  item["counterparty_name"] = name_json(of(n.organizations, a.counterparty_id));
  auto& stages = item["stages"];
  if (!stages.is_array()) return;
  for (auto& stage : stages)
    if (stage.contains("assignments"))
      for (auto& x : stage["assignments"])
        x["official_name"] = name_json(of(n.officials, x.value("official_id", "")));
}
void add_names(json& item, const d::Commitment& c, const store::Names& n) {
  item["agreement_title"] = name_json(of(n.agreements, c.agreement_id));
  item["obligor_name"] = name_json(n.obligor(government(c.obligor_side), c.obligor_id));
  item["committing_official_name"] = name_json(of(n.officials, c.committing_official_id));
}
void add_names(json& item, const d::Fact& f, const store::Names& n) {
  item["commitment_title"] = name_json(of(n.commitments, f.commitment_id));
}
void add_names(json&, const d::Organization&, const store::Names&) {}

void add_names(json& item, const store::StoredBreach& s, const store::Names& n) {
  const d::Breach& b = s.breach;
  item["body_name"] = name_json(of(n.bodies, s.body_id));
  item["region_name"] = name_json(of(n.regions, s.region));
  item["obligor_name"] = name_json(n.obligor(government(b.obligor_side), b.obligor_id));
  if (!government(b.obligor_side)) item["obligor_credit_code"] = name_json(of(n.credit_codes, b.obligor_id));
  item["agreement_title"] = name_json(of(n.agreements, b.agreement_id));
  item["commitment_title"] = name_json(of(n.commitments, b.commitment_id));
  item["committing_official_name"] = name_json(of(n.officials, b.committing_official));
  auto performing = json::array();
  for (const auto& id : b.performing_officials)
    performing.push_back(name_json(of(n.officials, id)));
  item["performing_official_names"] = std::move(performing);
  if (item.contains("officials"))
    for (auto& o : item["officials"])
      o["name"] = name_json(of(n.officials, o.value("official_id", "")));
}

d::Result<json> named_breaches(store::LedgerStore& store, const std::vector<store::StoredBreach>& rows,
                               Language language) {
  store::NameRequest request;
  for (const auto& s : rows)
    refer(request, s);
  auto names = store.names(request);
  if (!names) return std::unexpected(names.error());
  auto items = json::array();
  for (const auto& s : rows) {
    json item = store::to_json(s);
    add_names(item, s, *names);
    item["summary"] = localized(s.breach.summary, language);
    items.push_back(std::move(item));
  }
  return items;
}

d::Result<json> breach_briefs(store::LedgerStore& store, const std::vector<store::StoredBreach>& stored,
                              const std::vector<std::string>& ids, Language language) {
  std::map<std::string_view, const store::StoredBreach*> by_id;
  for (const auto& s : stored)
    by_id[s.breach.id] = &s;
  std::vector<store::StoredBreach> rows;
  for (const auto& id : ids)
    if (auto it = by_id.find(id); it != by_id.end()) rows.push_back(*it->second);
  auto named = named_breaches(store, rows, language);
  if (!named) return named;
  auto out = json::array();
  std::size_t next = 0;
  for (const auto& id : ids) {
    if (!by_id.contains(id)) {
      out.push_back({{"id", id}});
      continue;
    }
    const json& full = (*named)[next++];
    json brief = json::object();
    for (const char* key : {"id", "rule", "severity", "state", "region", "region_name", "body_id",
                            "body_name", "obligor_side", "obligor_id", "obligor_name", "agreement_id",
                            "agreement_title", "commitment_id", "commitment_title", "summary"})
      if (full.contains(key)) brief[key] = full[key];
    out.push_back(std::move(brief));
  }
  return out;
}

bool csv_format(const Api& api, const Request& request, ListParams& params) {
  const bool csv = wants_csv(request, params.errors);
  if (csv) params.window.limit = std::max(params.window.limit, api.options.max_limit);
  return csv;
}

Response csv_of_items(const Request& request, const std::vector<std::string>& columns, const json& items,
                      const json& next_cursor, const std::string& filename) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& item : items) {
    std::vector<std::string> row;
    for (const auto& column : columns) {
      const json* at = &item;
      std::string_view rest = column;
      while (at && !rest.empty()) {
        const auto dot = rest.find('.');
        const std::string key(rest.substr(0, dot));
        at = at->is_object() && at->contains(key) ? &(*at)[key] : nullptr;
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
      }
      row.push_back(at ? cell(*at) : std::string{});
    }
    rows.push_back(std::move(row));
  }
  auto r = csv_response(columns, rows, filename);
  if (next_cursor.is_string()) r.headers.set("Link", csv_next_link(request, next_cursor.get<std::string>()));
  return r;
}

std::string csv_next_link(const Request& request, std::string_view cursor) {
  // The request's own query (still encoded, filters kept), without its cursor and format.
  std::string link = "<" + request.path + "?";
  const auto question = request.target.find('?');
  std::string_view query = question == std::string::npos
                               ? std::string_view{}
                               : std::string_view(request.target).substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    if (!part.empty() && !part.starts_with("cursor=") && !part.starts_with("format=")) {
      link += part;
      link += '&';
    }
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return link + "format=csv&cursor=" + std::string(cursor) + ">; rel=\"next\"";
}

}  // namespace pactwatch::server::api
