// /api/v1/organizations: suppliers, social-capital partners, investors and agencies, identified by the
// unified social credit code (统一社会信用代码, GB 32100-2015). Organizations are not records of a body: a
// supplier serves many counties, so every token sees every organization (docs/API.md, "Region scope").
// Changing one is another matter: a region-scoped token may change an organization only while every
// agreement that names it lies in its region; one used anywhere else needs an unscoped token (403).
#include "domain/identifiers.hpp"
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

const std::set<std::string, std::less<>> kFields{"name", "credit_code", "sme"};

std::optional<d::Organization> parse_organization(const Api& api, const json& object,
                                                  std::vector<FieldError>& errors) {
  FieldReader r(object, errors, {}, api.options.max_text_length);
  r.reject_unknown(kFields);
  auto name = r.text("name", Need::required);
  auto code = r.credit_code("credit_code", Need::nullable);
  auto sme = r.boolean("sme", Need::optional);
  if (!errors.empty()) return std::nullopt;
  return d::Organization{{}, *name, code, sme.value_or(false)};
}

/** 409 when another organization already has the credit code. */
std::optional<Response> duplicate_code(Api& api, const Request& request, const d::Organization& o) {
  if (!o.credit_code) return std::nullopt;
  store::OrganizationFilter filter;
  filter.credit_code = o.credit_code->str();
  auto page = api.store.organizations(filter, store::Window{{}, 2});
  if (!page) return read_error(request, page.error());
  for (const auto& existing : page->items) {
    if (existing.entity.id != o.id) {
      return problem_response(
          request, 409, "credit_code " + o.credit_code->str() + " already belongs to " + existing.entity.id);
    }
  }
  return std::nullopt;
}

Response list(Api& api, const Request& request, const Principal&) {
  auto params = list_params(api, request, {"credit_code", "sme"});
  store::OrganizationFilter filter;
  filter.credit_code = text_filter(request, "credit_code");
  if (auto sme = request.query_param("sme")) {
    if (*sme == "true" || *sme == "false") {
      filter.sme = *sme == "true";
    } else {
      params.errors.push_back({"sme", "must be true or false"});
    }
  }
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto page = api.store.organizations(filter, params.window);
  if (!page) return read_error(request, page.error());
  return page_response(*page);
}

Response get(Api& api, const Request& request, const Principal&) {
  auto organization = api.store.organization(std::string(request.param("id")));
  if (!organization) return read_error(request, organization.error());
  return entity_response(200, store::to_json(*organization), organization->version);
}

Response create(Api& api, const Request& request, const Principal& principal) {
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto organization = parse_organization(api, std::get<json>(parsed), errors);
  if (!organization) return validation_problem(request, std::move(errors));
  organization->id = new_id("org");
  // A replay must not be refused as a duplicate of its own first answer: check only for new keys.
  if (!request.headers.get("Idempotency-Key")) {
    if (auto conflict = duplicate_code(api, request, *organization)) return *conflict;
  }
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>&) -> d::Result<store::StoredResponse> {
        auto stored = tx.insert_organization(*organization);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version,
                             entity_path("organizations", organization->id));
      });
}

Response update(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  PatchSteps<d::Organization> steps;
  std::optional<std::int64_t> used_elsewhere;
  steps.load = [&](store::LedgerTransaction& tx) -> d::Result<store::Stored<d::Organization>> {
    auto organization = tx.organization(id);
    if (!organization || principal.region.empty()) return organization;
    auto outside = tx.agreements_outside(id, scope_of(principal));
    if (!outside) return std::unexpected(outside.error());
    if (*outside > 0) {
      used_elsewhere = *outside;
      return d::fail(d::ErrorCode::conflict, "organization used outside the token's region");
    }
    return organization;
  };
  steps.updatable = kFields;
  steps.parse = [&](store::LedgerTransaction&, const json& merged, const store::Stored<d::Organization>&,
                    std::vector<FieldError>& errors) -> std::optional<d::Organization> {
    auto organization = parse_organization(api, merged, errors);
    if (organization) organization->id = id;
    return organization;
  };
  steps.update = [](store::LedgerTransaction& tx, const store::Stored<d::Organization>& before,
                    const d::Organization& after) { return tx.update_organization(before, after); };
  auto response = patch_entity(api, request, principal, steps);
  if (used_elsewhere) {
    return problem_response(request, 403,
                            "organization " + id + " is named by " + std::to_string(*used_elsewhere) +
                                " agreement(s) outside region " + principal.region +
                                "; only an unscoped token may change a shared organization");
  }
  return response;
}

}  // namespace

void add_organization_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  add_resource_routes(router, auth, api, std::string(kApiPrefix) + "/organizations",
                      {list, create, get, update});
}

}  // namespace pactwatch::server::api
