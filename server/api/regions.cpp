// /api/v1/regions: GB/T 2260 administrative divisions, read-only reference data filled by seed-demo or an
// import. Visible to every token whatever its scope: a region code is public information.
#include "domain/identifiers.hpp"
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"

namespace pactwatch::server::api {
namespace {

Response list(Api& api, const Request& request, const Principal&) {
  auto params = list_params(api, request, {"within"});
  const std::string within = region_filter(api, request, "within", params.errors);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  // One row more than asked tells whether another page follows.
  store::Window window = params.window;
  window.limit += 1;
  auto rows = api.store.regions(within, window);
  if (!rows) return read_error(request, rows.error());
  const bool more = static_cast<int>(rows->size()) > params.window.limit;
  if (more) rows->pop_back();
  auto items = nlohmann::json::array();
  for (const auto& row : *rows)
    items.push_back(store::to_json(row));
  nlohmann::json next = nullptr;
  if (more && !rows->empty()) next = encode_cursor(rows->back().code);
  return json_response(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response get(Api& api, const Request& request, const Principal&) {
  const std::string code(request.param("code"));
  if (!domain::RegionCode::parse(code)) return problem_response(request, 404, "no region " + code);
  auto row = api.store.region(code);
  if (!row) return read_error(request, row.error());
  return json_response(200, store::to_json(*row));
}

}  // namespace

void add_region_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  const std::string base = std::string(kApiPrefix) + "/regions";
  add_api_route(router, auth, api, Method::get, base, Permission::ledger_read, list);
  add_api_route(router, auth, api, Method::get, base + "/{code}", Permission::ledger_read, get);
}

}  // namespace pactwatch::server::api
