// /api/v1/bodies: government-side parties (政府机关/部门/乡镇/街道) with region, kind, parent body and an
// optional 统一社会信用代码 (what the credit-platform push names the body by, docs/CREDIT_PUSH.md).
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/named.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

const std::set<std::string, std::less<>> kFields{"name", "region", "kind", "parent_id", "credit_code"};
constexpr std::string_view kKinds = "government, department, township, street, other";

std::optional<d::Body> parse_body(const Api& api, const json& object, std::vector<FieldError>& errors) {
  FieldReader r(object, errors, {}, api.options.max_text_length);
  r.reject_unknown(kFields);
  auto name = r.text("name", Need::required);
  auto region = r.region("region", Need::required);
  auto kind = r.enumeration<d::BodyKind>("kind", Need::required, store::parse_body_kind, kKinds);
  auto parent = r.text("parent_id", Need::nullable);
  auto code = r.credit_code("credit_code", Need::nullable);
  if (!errors.empty()) return std::nullopt;
  return d::Body{{}, *name, *region, *kind, parent.value_or(""), code};
}

/**
 * Checks a body against stored state: its region is within the token's scope and in the regions table
 * (GB/T 2260 reference data: a well-formed code that names no region is a typo), its parent exists.
 */
void check_body(store::LedgerTransaction& tx, const Principal& principal, const d::Body& body,
                std::vector<FieldError>& errors) {
  if (!principal.sees_region(body.region)) {
    errors.push_back({"region", "is outside the region " + principal.region + " of this token"});
  } else if (auto region = tx.region(body.region);
             !region && region.error().code == d::ErrorCode::not_found) {
    errors.push_back({"region", "names no region " + body.region + " (see GET /api/v1/regions)"});
  }
  if (!body.parent_id.empty()) {
    if (body.parent_id == body.id) {
      errors.push_back({"parent_id", "cannot be the body itself"});
    } else if (auto parent = tx.body(scope_of(principal), body.parent_id); !parent) {
      if (parent.error().code != d::ErrorCode::not_found) return;
      errors.push_back({"parent_id", "names no body " + body.parent_id});
    }
  }
}

Response list(Api& api, const Request& request, const Principal& principal) {
  auto params = list_params(api, request, {"region", "kind", "parent_id"});
  store::BodyFilter filter;
  filter.region = region_filter(api, request, "region", params.errors);
  filter.kind = enum_filter(request, "kind", store::parse_body_kind, kKinds, params.errors);
  filter.parent_id = text_filter(request, "parent_id");
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto page = api.store.bodies(scope_of(principal), filter, params.window);
  if (!page) return read_error(request, page.error());
  return named_page(api, request, *page, nullptr, {});
}

Response get(Api& api, const Request& request, const Principal& principal) {
  auto body = api.store.body(scope_of(principal), std::string(request.param("id")));
  if (!body) return read_error(request, body.error());
  return entity_response(200, store::to_json(*body), body->version);
}

Response create(Api& api, const Request& request, const Principal& principal) {
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto body = parse_body(api, std::get<json>(parsed), errors);
  if (!body) return validation_problem(request, std::move(errors));
  body->id = new_id("bod");
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        check_body(tx, principal, *body, errs);
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid body");
        auto stored = tx.insert_body(*body);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version, entity_path("bodies", body->id));
      });
}

Response update(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  PatchSteps<d::Body> steps;
  steps.load = [&](store::LedgerTransaction& tx) { return tx.body(scope_of(principal), id); };
  steps.updatable = kFields;
  steps.parse = [&](store::LedgerTransaction& tx, const json& merged, const store::Stored<d::Body>&,
                    std::vector<FieldError>& errors) -> std::optional<d::Body> {
    auto body = parse_body(api, merged, errors);
    if (!body) return std::nullopt;
    body->id = id;
    check_body(tx, principal, *body, errors);
    if (!errors.empty()) return std::nullopt;
    return body;
  };
  steps.update = [](store::LedgerTransaction& tx, const store::Stored<d::Body>& before,
                    const d::Body& after) { return tx.update_body(before, after); };
  return patch_entity(api, request, principal, steps);
}

}  // namespace

void add_body_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  add_resource_routes(router, auth, api, std::string(kApiPrefix) + "/bodies", {list, create, get, update});
}

}  // namespace pactwatch::server::api
