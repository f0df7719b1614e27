// /api/v1/facts: what happened to a commitment (履约事实). Append-only: there is no PATCH or DELETE route
// (the router answers 405); a correction is a new fact whose `corrects` names a fact of the same commitment.
// The platform role may append facts (fact_write) but not read the ledger; supervisors may do both.
#include "domain/fact_rules.hpp"
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/named.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

const std::set<std::string, std::less<>> kFields{"commitment_id",
                                                 "kind",
                                                 "on",
                                                 "reason",
                                                 "terminated_by",
                                                 "counterparty_loss",
                                                 "score",
                                                 "new_due",
                                                 "amount",
                                                 "new_amount",
                                                 "corrects",
                                                 "legal_basis",
                                                 "competent_authority",
                                                 "procedure_reference",
                                                 "compensation_decision",
                                                 "lawful_grounds",
                                                 "note"};
constexpr std::string_view kKinds =
    "fulfilled, acceptance_passed, acceptance_failed, amended, revoked, refused, not_performed, terminated, "
    "judgment_issued, judgment_fulfilled";
constexpr std::string_view kReasons =
    "none, government_turnover, personnel_change, restructuring, public_interest, legal_change, "
    "force_majeure, other";

std::optional<d::Fact> parse_fact(const Api& api, const json& object, std::vector<FieldError>& errors) {
  FieldReader r(object, errors, {}, 2000);
  (void)api;
  r.reject_unknown(kFields);
  d::Fact f;
  auto commitment_id = r.text("commitment_id", Need::required);
  auto kind = r.enumeration<d::FactKind>("kind", Need::required, store::parse_fact_kind, kKinds);
  auto on = r.date("on", Need::required);
  auto reason = r.enumeration<d::ReasonCode>("reason", Need::optional, store::parse_reason_code, kReasons);
  auto terminated_by = r.enumeration<d::ObligorSide>("terminated_by", Need::nullable,
                                                     store::parse_obligor_side, "government, counterparty");
  auto loss = r.boolean("counterparty_loss", Need::optional);
  auto score = r.integer("score", Need::nullable, 0, 100);
  auto new_due = r.date("new_due", Need::nullable);
  auto amount = r.money("amount", Need::nullable);
  auto new_amount = r.money("new_amount", Need::nullable);
  auto corrects = r.text("corrects", Need::nullable);
  // Legal texts may span lines; the authority and the procedure's reference are names, one line each.
  for (auto [name, target, kind] :
       {std::tuple{"legal_basis", &f.legal_basis, TextKind::multiline},
        std::tuple{"competent_authority", &f.competent_authority, TextKind::line},
        std::tuple{"procedure_reference", &f.procedure_reference, TextKind::line},
        std::tuple{"compensation_decision", &f.compensation_decision, TextKind::multiline},
        std::tuple{"lawful_grounds", &f.lawful_grounds, TextKind::multiline},
        std::tuple{"note", &f.note, TextKind::multiline}}) {
    *target = r.text(name, Need::optional, kind).value_or("");
  }
  // The rules of a valid fact are the domain's (domain/fact_rules.hpp), shared with platform sync.
  const d::FactDraft draft{
      kind.value_or(d::FactKind::fulfilled), reason, terminated_by, score, new_due, amount, new_amount};
  if (kind) {
    for (const auto& e :
         d::fact_rule_errors(draft, [&](std::string_view field) { return r.has_error(field); }))
      r.error(e.field, e.message);
  }
  for (const auto& e : d::fact_amount_errors(draft))
    r.error(e.field, e.message);
  if (!errors.empty()) return std::nullopt;
  f.commitment_id = *commitment_id;
  f.kind = *kind;
  f.on = *on;
  f.reason = reason.value_or(d::ReasonCode::none);
  f.terminated_by = terminated_by;
  f.counterparty_loss = loss.value_or(false);
  f.score = score;
  f.new_due = new_due;
  f.amount = amount;
  f.new_amount = new_amount;
  f.corrects = corrects.value_or("");
  return f;
}

/**
 * A fact's amounts are in its commitment's currency (or, for a commitment without an amount, its
 * agreement's): the fold would silently leave a payment in another currency out of every total.
 */
void check_currency(store::LedgerTransaction& tx, const d::Scope& scope, const d::Commitment& commitment,
                    const d::Fact& fact, std::vector<FieldError>& errors) {
  std::optional<d::Currency> expected;
  if (commitment.amount) {
    expected = commitment.amount->currency;
  } else if (auto agreement = tx.agreement(scope, commitment.agreement_id);
             agreement && agreement->entity.value) {
    expected = agreement->entity.value->currency;
  }
  if (!expected) return;
  for (auto [name, money] : {std::pair{"amount", &fact.amount}, std::pair{"new_amount", &fact.new_amount}}) {
    if (*money && (*money)->currency != *expected) {
      errors.push_back({name, "is in " + std::string((*money)->currency.code()) +
                                  " but the commitment is in " + std::string(expected->code())});
    }
  }
}

/** The CSV columns of the fact list (GET /facts?format=csv). */
const std::vector<std::string> kCsvColumns{"id",
                                           "commitment_id",
                                           "commitment_title",
                                           "kind",
                                           "on",
                                           "amount.amount",
                                           "amount.currency",
                                           "new_due",
                                           "new_amount.amount",
                                           "new_amount.currency",
                                           "score",
                                           "reason",
                                           "terminated_by",
                                           "counterparty_loss",
                                           "source",
                                           "corrects",
                                           "legal_basis",
                                           "competent_authority",
                                           "procedure_reference",
                                           "compensation_decision",
                                           "lawful_grounds",
                                           "note",
                                           "created_at"};

Response list(Api& api, const Request& request, const Principal& principal) {
  auto params = list_params(api, request, {"region", "kind", "commitment_id", "agreement_id", "format"});
  store::FactFilter f;
  f.region = region_filter(api, request, "region", params.errors);
  f.kind = enum_filter(request, "kind", store::parse_fact_kind, kKinds, params.errors);
  f.commitment_id = text_filter(request, "commitment_id");
  f.agreement_id = text_filter(request, "agreement_id");
  const bool csv = csv_format(api, request, params);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto page = api.store.facts(scope_of(principal), f, params.window);
  if (!page) return read_error(request, page.error());
  return named_page(api, request, *page, csv ? &kCsvColumns : nullptr, "facts.csv");
}

Response get(Api& api, const Request& request, const Principal& principal) {
  auto fact = api.store.fact(scope_of(principal), std::string(request.param("id")));
  if (!fact) return read_error(request, fact.error());
  return entity_response(200, store::to_json(*fact), fact->version);
}

Response create(Api& api, const Request& request, const Principal& principal) {
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto fact = parse_fact(api, std::get<json>(parsed), errors);
  if (!fact) return validation_problem(request, std::move(errors));
  fact->id = new_id("fct");
  // Where a fact came from follows from who sent it; clients do not claim it.
  fact->source = principal.role == Role::platform ? d::FactSource::platform : d::FactSource::manual;
  auto response = idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        const auto scope = scope_of(principal);
        auto commitment = tx.commitment(scope, fact->commitment_id);
        if (!commitment && commitment.error().code == d::ErrorCode::not_found) {
          errs.push_back({"commitment_id", "names no commitment " + fact->commitment_id});
        }
        if (commitment) check_currency(tx, scope, commitment->entity, *fact, errs);
        if (!fact->corrects.empty()) {
          auto corrected = tx.fact(scope, fact->corrects);
          if (!corrected) {
            if (corrected.error().code == d::ErrorCode::not_found)
              errs.push_back({"corrects", "names no fact " + fact->corrects});
          } else if (corrected->entity.commitment_id != fact->commitment_id) {
            errs.push_back({"corrects", "names a fact of another commitment"});
          }
        }
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid fact");
        auto stored = tx.insert_fact(*fact);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version, entity_path("facts", fact->id));
      });
  // Issue #5: detection runs on the commitment the new fact touches.
  if (response.status == 201 && api.options.after_fact)
    api.options.after_fact(request, principal, fact->commitment_id);
  return response;
}

}  // namespace

void add_fact_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  // Facts are append-only: no PATCH; the platform may append them (fact_write).
  add_resource_routes(router, auth, api, std::string(kApiPrefix) + "/facts",
                      {list, create, get, nullptr, Permission::fact_write});
}

}  // namespace pactwatch::server::api
