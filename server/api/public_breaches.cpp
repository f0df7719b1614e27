// GET /api/v1/public/breaches: anonymous public disclosure (信用云南-style, DESIGN §7). Only breaches that
// are recorded and inside their publication period today (domain::publication), only the fields the rules
// allow: never complainant data, never internal notes; the name and post of the traced officials only when
// the configuration switch `publish_official_names` allows. Cacheable: Cache-Control and a strong ETag
// (If-None-Match answers 304). A supplier is named as 信用中国 names a 失信主体: name and 统一社会信用代码;
// names are read in one batch per page.
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "adapters/store/migrations.hpp"
#include "domain/rules.hpp"
#include "server/api/named.hpp"
#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

Response list(Workflow& wf, const Request& request) {
  auto params = list_params(wf.api, request, {"region"});
  const std::string region = region_filter(wf.api, request, "region", params.errors);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto stored = wf.breaches.all(d::Scope{region});
  if (!stored) return read_error(request, stored.error());
  const d::Date today = wf.today();
  std::vector<std::pair<const store::StoredBreach*, d::Date>> page;  // each with its publication's end
  bool more = false;
  for (const auto& s : *stored) {
    const auto& b = s.breach;
    if (b.id <= params.window.after) continue;
    const auto pub = d::publication(b, wf.options.policy.lifecycle, today);
    if (!pub.published || b.state != d::BreachState::recorded) continue;
    if (static_cast<int>(page.size()) == params.window.limit) {
      more = true;
      break;
    }
    page.emplace_back(&s, *pub.until);
  }
  // The traced officials (names only when configured) and every name of the page, each in one read.
  std::map<std::string, std::vector<store::TracedOfficial>, std::less<>> traced;
  store::NameRequest wanted;
  if (wf.options.publish_official_names && !page.empty()) {
    std::vector<std::string> ids;
    for (const auto& [s, until] : page)
      ids.push_back(s->breach.id);
    auto officials = wf.breaches.officials_of(ids);
    if (!officials) return read_error(request, officials.error());
    traced = std::move(*officials);
    for (const auto& [id, list] : traced)
      for (const auto& o : list)
        wanted.officials.insert(o.official_id);
  }
  for (const auto& [s, until] : page) {
    wanted.bodies.insert(s->body_id);
    wanted.regions.insert(s->region);
    wanted.obligor(s->breach.obligor_side == d::ObligorSide::government, s->breach.obligor_id);
  }
  auto names = wf.ledger.names(wanted);
  if (!names) return read_error(request, names.error());

  auto items = json::array();
  for (const auto& [s, until] : page) {
    const auto& b = s->breach;
    const bool government = b.obligor_side == d::ObligorSide::government;
    const auto& info = d::rule_info(b.rule);
    json item{{"id", b.id},
              {"rule", std::string(to_string(b.rule))},
              {"rule_title", std::string(info.title_zh)},
              {"severity", std::string(to_string(b.severity))},
              {"body_id", s->body_id},
              {"body_name", store::Names::in(names->bodies, s->body_id)},
              {"region", s->region},
              {"region_name", name_json(store::Names::in(names->regions, s->region))},
              {"obligor_side", std::string(to_string(b.obligor_side))},
              {"obligor_name", name_json(names->obligor(government, b.obligor_id))},
              {"due", d::format_date(b.due)},
              {"days_late", b.days_late},
              {"committed", b.committed ? store::money_json(*b.committed) : json(nullptr)},
              {"recorded_on", d::format_date(*b.recorded_on)},
              {"published_until", d::format_date(until)},
              {"legal_basis", std::string(info.legal_basis)}};
    if (!government) {
      // As 信用中国 publishes a 失信主体: its name and 统一社会信用代码.
      item["obligor_id"] = b.obligor_id;
      item["obligor_credit_code"] = name_json(store::Names::in(names->credit_codes, b.obligor_id));
    }
    if (wf.options.publish_official_names) {
      auto people = json::array();
      if (auto it = traced.find(b.id); it != traced.end())
        for (const auto& o : it->second)
          people.push_back({{"name", store::Names::in(names->officials, o.official_id)},
                            {"post", o.title},
                            {"role", o.role}});
      item["officials"] = std::move(people);
    }
    items.push_back(std::move(item));
  }
  const std::string last = page.empty() ? std::string{} : page.back().first->breach.id;
  json next = more ? json(encode_cursor(last)) : json(nullptr);
  auto r = json_response(
      200, {{"as_of", d::format_date(today)}, {"items", std::move(items)}, {"next_cursor", next}});
  const std::string etag = "\"" + store::sha256_hex(r.body).substr(0, 32) + "\"";
  r.headers.set("Cache-Control", "public, max-age=" + std::to_string(wf.options.public_cache_seconds));
  r.headers.set("ETag", etag);
  if (auto none_match = request.headers.get("If-None-Match");
      none_match && if_match_matches(*none_match, etag)) {
    Response not_modified;
    not_modified.status = 304;
    not_modified.body.clear();
    not_modified.headers = r.headers;
    return not_modified;
  }
  return r;
}

}  // namespace

void add_public_breach_routes(Router& router, std::shared_ptr<Workflow> wf) {
  router.get(std::string(kApiPrefix) + "/public/breaches", [wf](const Request& r) { return list(*wf, r); });
}

}  // namespace pactwatch::server::api
