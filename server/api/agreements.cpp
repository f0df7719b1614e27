// /api/v1/agreements: procurement contracts, PPP projects, investment promises and public pledges, with
// their stages and the officials assigned to them (政府方责任人). Assignments are appended through
// POST /agreements/{id}/stages/{kind}/assignments; two tenures of one role in one stage may not overlap.
#include "app/assignments.hpp"
#include "domain/date.hpp"
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/named.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

const std::set<std::string, std::less<>> kFields{"kind",
                                                 "title",
                                                 "body_id",
                                                 "counterparty_id",
                                                 "value",
                                                 "signed_on",
                                                 "platform_project_code",
                                                 "unified_deal_code",
                                                 "ocid",
                                                 "stages"};
const std::set<std::string, std::less<>> kUpdatable{
    "title", "counterparty_id", "value", "signed_on", "platform_project_code", "unified_deal_code", "ocid"};
constexpr std::string_view kKinds = "procurement, ppp, investment, pledge";
constexpr std::string_view kStages = "preparation, tendering, procurement, financing, implementation";

std::optional<d::Agreement> parse_agreement(const Api& api, const json& object,
                                            std::vector<FieldError>& errors) {
  FieldReader r(object, errors, {}, api.options.max_text_length);
  r.reject_unknown(kFields);
  d::Agreement a;
  auto kind = r.enumeration<d::AgreementKind>("kind", Need::required, store::parse_agreement_kind, kKinds);
  auto title = r.text("title", Need::required);
  auto body_id = r.text("body_id", Need::required);
  auto counterparty = r.text("counterparty_id", Need::nullable);
  auto value = r.money("value", Need::nullable);
  auto signed_on = r.date("signed_on", Need::required);
  a.refs.platform_project_code = r.text("platform_project_code", Need::nullable).value_or("");
  a.refs.unified_deal_code = r.text("unified_deal_code", Need::nullable).value_or("");
  a.refs.ocid = r.text("ocid", Need::nullable).value_or("");
  if (value && value->fen < 0) r.error("value", "must not be negative");
  // Only a public pledge has no counterparty (it is made to the residents).
  if (kind && *kind != d::AgreementKind::pledge && !counterparty && !r.has_error("counterparty_id")) {
    r.error("counterparty_id", "is required unless kind is pledge");
  }
  if (r.present("stages")) {
    const json& stages = object.at("stages");
    if (!stages.is_array()) {
      r.error("stages", "must be an array of stage kinds (" + std::string(kStages) + ")");
    } else {
      for (const auto& s : stages) {
        auto stage = s.is_string() ? store::parse_stage_kind(s.get<std::string>()) : std::nullopt;
        if (!stage) {
          r.error("stages", "must be an array of stage kinds (" + std::string(kStages) + ")");
          break;
        }
        bool seen = false;
        for (const auto& existing : a.stages)
          seen = seen || existing.kind == *stage;
        if (!seen) a.stages.push_back(d::Stage{*stage, {}});
      }
    }
  }
  if (!errors.empty()) return std::nullopt;
  a.kind = *kind;
  a.title = *title;
  a.body_id = *body_id;
  a.counterparty_id = counterparty.value_or("");
  a.value = value;
  a.signed_on = *signed_on;
  return a;
}

/** The body must be in scope, the counterparty must exist. */
void check_references(store::LedgerTransaction& tx, const Principal& principal, const d::Agreement& a,
                      std::vector<FieldError>& errors) {
  if (auto body = tx.body(scope_of(principal), a.body_id);
      !body && body.error().code == d::ErrorCode::not_found) {
    errors.push_back({"body_id", "names no body " + a.body_id});
  }
  if (!a.counterparty_id.empty()) {
    auto org = tx.organization(a.counterparty_id);
    if (!org && org.error().code == d::ErrorCode::not_found) {
      errors.push_back({"counterparty_id", "names no organization " + a.counterparty_id});
    }
  }
}

/** 409 when another agreement already carries one of the unique external references. */
std::optional<Response> duplicate_reference(Api& api, const Request& request, const d::Agreement& a) {
  const std::pair<std::string_view, const std::string*> refs[] = {
      {"platform_project_code", &a.refs.platform_project_code},
      {"unified_deal_code", &a.refs.unified_deal_code},
      {"ocid", &a.refs.ocid}};
  for (const auto& [field, value] : refs) {
    if (value->empty()) continue;
    store::AgreementFilter filter;
    if (field == "platform_project_code") filter.platform_project_code = *value;
    if (field == "unified_deal_code") filter.unified_deal_code = *value;
    if (field == "ocid") filter.ocid = *value;
    // Unscoped on purpose: the reference is unique across all regions.
    auto page = api.store.agreements(domain::Scope{}, filter, store::Window{{}, 2});
    if (!page) return read_error(request, page.error());
    for (const auto& existing : page->items) {
      if (existing.entity.id != a.id) {
        return problem_response(request, 409,
                                std::string(field) + " " + *value + " already belongs to another agreement");
      }
    }
  }
  return std::nullopt;
}

/** The CSV columns of the agreement list (GET /agreements?format=csv). */
const std::vector<std::string> kCsvColumns{"id",
                                           "kind",
                                           "title",
                                           "body_id",
                                           "body_name",
                                           "counterparty_id",
                                           "counterparty_name",
                                           "value.amount",
                                           "value.currency",
                                           "signed_on",
                                           "platform_project_code",
                                           "unified_deal_code",
                                           "ocid",
                                           "version",
                                           "created_at",
                                           "updated_at"};

Response list(Api& api, const Request& request, const Principal& principal) {
  auto params = list_params(api, request,
                            {"region", "kind", "body_id", "counterparty_id", "platform_project_code",
                             "unified_deal_code", "ocid", "signed_after", "signed_before", "format"});
  store::AgreementFilter f;
  f.region = region_filter(api, request, "region", params.errors);
  f.kind = enum_filter(request, "kind", store::parse_agreement_kind, kKinds, params.errors);
  f.body_id = text_filter(request, "body_id");
  f.counterparty_id = text_filter(request, "counterparty_id");
  f.platform_project_code = text_filter(request, "platform_project_code");
  f.unified_deal_code = text_filter(request, "unified_deal_code");
  f.ocid = text_filter(request, "ocid");
  f.signed_after = date_filter(request, "signed_after", params.errors);
  f.signed_before = date_filter(request, "signed_before", params.errors);
  const bool csv = csv_format(api, request, params);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto page = api.store.agreements(scope_of(principal), f, params.window);
  if (!page) return read_error(request, page.error());
  return named_page(api, request, *page, csv ? &kCsvColumns : nullptr, "agreements.csv");
}

Response get(Api& api, const Request& request, const Principal& principal) {
  auto agreement = api.store.agreement(scope_of(principal), std::string(request.param("id")));
  if (!agreement) return read_error(request, agreement.error());
  return entity_response(200, store::to_json(*agreement), agreement->version);
}

Response create(Api& api, const Request& request, const Principal& principal) {
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto agreement = parse_agreement(api, std::get<json>(parsed), errors);
  if (!agreement) return validation_problem(request, std::move(errors));
  agreement->id = new_id("agr");
  if (!request.headers.get("Idempotency-Key")) {
    if (auto conflict = duplicate_reference(api, request, *agreement)) return *conflict;
  }
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        check_references(tx, principal, *agreement, errs);
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid agreement");
        auto stored = tx.insert_agreement(*agreement);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version,
                             entity_path("agreements", agreement->id));
      });
}

Response update(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  PatchSteps<d::Agreement> steps;
  steps.load = [&](store::LedgerTransaction& tx) { return tx.agreement(scope_of(principal), id); };
  steps.updatable = kUpdatable;
  steps.server_set = {"stages"};
  steps.parse = [&](store::LedgerTransaction& tx, const json& merged,
                    const store::Stored<d::Agreement>& before,
                    std::vector<FieldError>& errors) -> std::optional<d::Agreement> {
    auto after = parse_agreement(api, merged, errors);
    if (!after) return std::nullopt;
    after->id = id;
    after->stages = before.entity.stages;
    check_references(tx, principal, *after, errors);
    // A commitment may not fall due before the agreement was signed, whichever of the two moves.
    auto earliest = tx.earliest_due(id);
    if (earliest && *earliest && d::format_date(after->signed_on) > **earliest) {
      errors.push_back({"signed_on", "is after the due date " + **earliest + " of one of its commitments"});
    }
    if (!errors.empty()) return std::nullopt;
    return after;
  };
  steps.update = [](store::LedgerTransaction& tx, const store::Stored<d::Agreement>& before,
                    const d::Agreement& after) { return tx.update_agreement(before, after); };
  return patch_entity(api, request, principal, steps);
}

Response append_assignment(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  const std::string stage_text(request.param("kind"));
  auto stage = store::parse_stage_kind(stage_text);
  if (!stage)
    return problem_response(request, 404,
                            "no stage " + stage_text + " (stages: " + std::string(kStages) + ")");
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  FieldReader r(std::get<json>(parsed), errors, {}, api.options.max_text_length);
  r.reject_unknown({"official_id", "role", "from", "to"});
  auto official_id = r.text("official_id", Need::required);
  auto role = r.text("role", Need::required);
  auto from = r.date("from", Need::required);
  auto to = r.date("to", Need::nullable);
  if (from && to && *to < *from) r.error("to", "is before from");
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  const d::Assignment assignment{*official_id, *role, *from, to};
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        auto before = tx.agreement(scope_of(principal), id);
        if (!before) return std::unexpected(before.error());
        auto official = tx.official(scope_of(principal), assignment.official_id);
        if (!official && official.error().code == d::ErrorCode::not_found) {
          errs.push_back({"official_id", "names no official " + assignment.official_id});
        }
        // No two tenures of one role in one stage may overlap (inclusive dates; an open end runs forever).
        for (const auto& s : before->entity.stages) {
          if (s.kind != *stage) continue;
          if (auto overlap = app::tenure_overlap(s, assignment))
            errs.push_back({overlap->field, overlap->message});
        }
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid assignment");
        auto stored = tx.append_assignment(*before, *stage, assignment);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version, entity_path("agreements", id));
      });
}

}  // namespace

void add_agreement_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  const std::string base = std::string(kApiPrefix) + "/agreements";
  add_resource_routes(router, auth, api, base, {list, create, get, update});
  add_api_route(router, auth, api, Method::post, base + "/{id}/stages/{kind}/assignments",
                Permission::ledger_write, append_assignment);
}

}  // namespace pactwatch::server::api
