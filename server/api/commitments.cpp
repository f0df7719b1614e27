// /api/v1/commitments: one obligation (承诺/义务) of an agreement: who owes it (government body or
// counterparty organization), what, by when, how much. No commitment falls due before its agreement was
// signed.
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/named.hpp"
#include "server/api/workflow_routes.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

const std::set<std::string, std::less<>> kFields{"agreement_id",
                                                 "obligor_side",
                                                 "obligor_id",
                                                 "kind",
                                                 "title",
                                                 "due",
                                                 "amount",
                                                 "grace_days",
                                                 "stage",
                                                 "committing_official_id",
                                                 "payment_term_days"};
constexpr std::string_view kKinds =
    "payment, delivery, acceptance, milestone, policy_promise, judgment, pledge";
constexpr std::string_view kSides = "government, counterparty";
constexpr std::string_view kStages = "preparation, tendering, procurement, financing, implementation";

/** Limits of the numeric fields (configuration of the API, documented in docs/API.md). */
constexpr int kMaxGraceDays = 3650;
constexpr int kMaxPaymentTermDays = 3650;

std::optional<d::Commitment> parse_commitment(const Api& api, const json& object,
                                              std::vector<FieldError>& errors) {
  FieldReader r(object, errors, {}, api.options.max_text_length);
  r.reject_unknown(kFields);
  auto agreement_id = r.text("agreement_id", Need::required);
  auto side =
      r.enumeration<d::ObligorSide>("obligor_side", Need::required, store::parse_obligor_side, kSides);
  auto obligor_id = r.text("obligor_id", Need::required);
  auto kind = r.enumeration<d::CommitmentKind>("kind", Need::required, store::parse_commitment_kind, kKinds);
  auto title = r.text("title", Need::required);
  auto due = r.date("due", Need::required);
  auto amount = r.money("amount", Need::nullable);
  auto grace = r.integer("grace_days", Need::optional, 0, kMaxGraceDays);
  auto stage = r.enumeration<d::StageKind>("stage", Need::nullable, store::parse_stage_kind, kStages);
  auto committing = r.text("committing_official_id", Need::nullable);
  auto term = r.integer("payment_term_days", Need::nullable, 0, kMaxPaymentTermDays);
  if (amount && amount->fen < 0) r.error("amount", "must not be negative");
  if (!errors.empty()) return std::nullopt;
  d::Commitment c;
  c.agreement_id = *agreement_id;
  c.obligor_side = *side;
  c.obligor_id = *obligor_id;
  c.kind = *kind;
  c.title = *title;
  c.due = *due;
  c.amount = amount;
  c.grace_days = grace.value_or(0);
  c.stage = stage;
  c.committing_official_id = committing.value_or("");
  c.payment_term_days = term;
  return c;
}

/** Referenced ids exist (within scope), and the due date is not before the agreement's signing date. */
void check_commitment(store::LedgerTransaction& tx, const Principal& principal, const d::Commitment& c,
                      std::vector<FieldError>& errors) {
  const auto scope = scope_of(principal);
  auto agreement = tx.agreement(scope, c.agreement_id);
  if (!agreement) {
    if (agreement.error().code == d::ErrorCode::not_found)
      errors.push_back({"agreement_id", "names no agreement " + c.agreement_id});
  } else if (c.due < agreement->entity.signed_on) {
    errors.push_back(
        {"due", "is before the agreement's signing date " + d::format_date(agreement->entity.signed_on)});
  }
  if (c.obligor_side == d::ObligorSide::government) {
    auto body = tx.body(scope, c.obligor_id);
    if (!body && body.error().code == d::ErrorCode::not_found)
      errors.push_back({"obligor_id", "names no body " + c.obligor_id + " (the obligor_side is government)"});
  } else {
    auto org = tx.organization(c.obligor_id);
    if (!org && org.error().code == d::ErrorCode::not_found)
      errors.push_back(
          {"obligor_id", "names no organization " + c.obligor_id + " (the obligor_side is counterparty)"});
  }
  if (!c.committing_official_id.empty()) {
    auto official = tx.official(scope, c.committing_official_id);
    if (!official && official.error().code == d::ErrorCode::not_found)
      errors.push_back({"committing_official_id", "names no official " + c.committing_official_id});
  }
}

constexpr std::string_view kStatuses = "open, fulfilled, overdue, excused";

/** The list's `as_of`: the date statuses are judged at (default: today in Asia/Shanghai). */
d::Date status_date(const Api& api, const Request& request, std::vector<FieldError>& errors) {
  const d::Date today = api.options.clock->today();
  auto text = request.query_param("as_of");
  if (!text) return today;
  auto date = d::parse_date(*text);
  if (!date) {
    errors.push_back({"as_of", "must be a date YYYY-MM-DD"});
    return today;
  }
  return *date;
}

/** The CSV columns of the commitment list (GET /commitments?format=csv). */
const std::vector<std::string> kCsvColumns{"id",
                                           "agreement_id",
                                           "agreement_title",
                                           "obligor_side",
                                           "obligor_id",
                                           "obligor_name",
                                           "kind",
                                           "title",
                                           "due",
                                           "amount.amount",
                                           "amount.currency",
                                           "grace_days",
                                           "stage",
                                           "committing_official_id",
                                           "committing_official_name",
                                           "payment_term_days",
                                           "status",
                                           "status_as_of",
                                           "version",
                                           "created_at",
                                           "updated_at"};

/**
 * `{"items": [...], "next_cursor"}` with each item's names, computed `status` and `status_as_of`; or the
 * same as CSV.
 */
Response commitment_page(Api& api, const Request& request, const store::CommitmentPage& page, d::Date as_of,
                         bool csv) {
  auto named = named_items(api.store, page.items);
  if (!named) return read_error(request, named.error());
  json items = std::move(*named);
  const std::string as_of_text = d::format_date(as_of);
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    items[i]["status"] = std::string(d::to_string(page.statuses.at(i)));
    items[i]["status_as_of"] = as_of_text;
  }
  json next = nullptr;
  if (page.more) {
    if (!page.resume_after.empty()) {
      next = encode_cursor(page.resume_after);
    } else if (!page.items.empty()) {
      next = encode_cursor(page.items.back().entity.id);
    }
  }
  if (csv) return csv_of_items(request, kCsvColumns, items, next, "commitments.csv");
  return json_response(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response list(Api& api, const Request& request, const Principal& principal) {
  auto params = list_params(api, request,
                            {"region", "kind", "agreement_id", "obligor_side", "obligor", "stage",
                             "due_after", "due_before", "status", "as_of", "format"});
  store::CommitmentFilter f;
  f.region = region_filter(api, request, "region", params.errors);
  f.kind = enum_filter(request, "kind", store::parse_commitment_kind, kKinds, params.errors);
  f.agreement_id = text_filter(request, "agreement_id");
  f.obligor_side = enum_filter(request, "obligor_side", store::parse_obligor_side, kSides, params.errors);
  f.obligor_id = text_filter(request, "obligor");
  f.stage = enum_filter(request, "stage", store::parse_stage_kind, kStages, params.errors);
  f.due_after = date_filter(request, "due_after", params.errors);
  f.due_before = date_filter(request, "due_before", params.errors);
  f.statuses = enum_list_filter<d::CommitmentStatus>(request, "status", d::parse_commitment_status, kStatuses,
                                                     params.errors);
  f.as_of = status_date(api, request, params.errors);
  f.max_scan = api.options.max_status_scan;
  const bool csv = csv_format(api, request, params);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto page = api.store.commitments(scope_of(principal), f, params.window);
  if (!page) return read_error(request, page.error());
  return commitment_page(api, request, *page, *f.as_of, csv);
}

Response get(Api& api, const Request& request, const Principal& principal) {
  auto commitment = api.store.commitment(scope_of(principal), std::string(request.param("id")));
  if (!commitment) return read_error(request, commitment.error());
  return entity_response(200, store::to_json(*commitment), commitment->version);
}

Response create(Api& api, const Request& request, const Principal& principal) {
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto commitment = parse_commitment(api, std::get<json>(parsed), errors);
  if (!commitment) return validation_problem(request, std::move(errors));
  commitment->id = new_id("com");
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        check_commitment(tx, principal, *commitment, errs);
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid commitment");
        auto stored = tx.insert_commitment(*commitment);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version,
                             entity_path("commitments", commitment->id));
      });
}

Response update(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  PatchSteps<d::Commitment> steps;
  steps.load = [&](store::LedgerTransaction& tx) { return tx.commitment(scope_of(principal), id); };
  steps.updatable = kFields;
  steps.updatable.erase("agreement_id");
  steps.parse = [&](store::LedgerTransaction& tx, const json& merged, const store::Stored<d::Commitment>&,
                    std::vector<FieldError>& errors) -> std::optional<d::Commitment> {
    auto after = parse_commitment(api, merged, errors);
    if (!after) return std::nullopt;
    after->id = id;
    check_commitment(tx, principal, *after, errors);
    if (!errors.empty()) return std::nullopt;
    return after;
  };
  steps.update = [](store::LedgerTransaction& tx, const store::Stored<d::Commitment>& before,
                    const d::Commitment& after) { return tx.update_commitment(before, after); };
  return patch_entity(api, request, principal, steps);
}

}  // namespace

void add_commitment_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  add_resource_routes(router, auth, api, std::string(kApiPrefix) + "/commitments",
                      {list, create, get, update});
}

}  // namespace pactwatch::server::api
