// GET /api/v1/public/breaches: anonymous public disclosure (信用云南-style, DESIGN §7). Only breaches that
// are recorded and inside their publication period today (domain::publication), only the fields the rules
// allow: never complainant data, never internal notes; the name and post of the traced officials only when
// the configuration switch `publish_official_names` allows. Cacheable: Cache-Control and a strong ETag
// (If-None-Match answers 304).
#include <algorithm>
#include <unordered_map>

#include "adapters/store/migrations.hpp"
#include "domain/rules.hpp"
#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

Response list(Workflow& wf, const Request& request) {
  auto params = list_params(wf.api, request, {"region"});
  const std::string region = region_filter(request, "region", params.errors);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto stored = wf.breaches.all(d::Scope{region});
  if (!stored) return read_error(request, stored.error());
  auto bodies = wf.ledger.all_bodies(d::Scope{});
  if (!bodies) return read_error(request, bodies.error());
  auto officials = wf.ledger.all_officials(d::Scope{});
  if (!officials) return read_error(request, officials.error());
  std::unordered_map<std::string, std::string> body_name, official_name;
  for (const auto& b : *bodies)
    body_name[b.id] = b.name;
  for (const auto& o : *officials)
    official_name[o.id] = o.name;

  const d::Date today = wf.today();
  auto items = json::array();
  std::string last;
  bool more = false;
  for (const auto& s : *stored) {
    const auto& b = s.breach;
    if (b.id <= params.window.after) continue;
    const auto pub = d::publication(b, wf.options.policy.lifecycle, today);
    if (!pub.published || b.state != d::BreachState::recorded) continue;
    if (static_cast<int>(items.size()) == params.window.limit) {
      more = true;
      break;
    }
    const auto& info = d::rule_info(b.rule);
    json item{{"id", b.id},
              {"rule", std::string(to_string(b.rule))},
              {"rule_title", std::string(info.title_zh)},
              {"severity", std::string(to_string(b.severity))},
              {"body_id", s.body_id},
              {"body_name", body_name[s.body_id]},
              {"region", s.region},
              {"obligor_side", std::string(to_string(b.obligor_side))},
              {"due", d::format_date(b.due)},
              {"days_late", b.days_late},
              {"committed", b.committed ? store::money_json(*b.committed) : json(nullptr)},
              {"recorded_on", d::format_date(*b.recorded_on)},
              {"published_until", d::format_date(*pub.until)},
              {"legal_basis", std::string(info.legal_basis)}};
    if (b.obligor_side == d::ObligorSide::counterparty) item["obligor_id"] = b.obligor_id;
    if (wf.options.publish_official_names) {
      auto people = json::array();
      auto full = wf.breaches.breach(d::Scope{}, b.id);
      if (full) {
        for (const auto& o : full->officials)
          people.push_back({{"name", official_name[o.official_id]}, {"post", o.title}, {"role", o.role}});
      }
      item["officials"] = std::move(people);
    }
    items.push_back(std::move(item));
    last = b.id;
  }
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
