// /api/v1/breaches: breach records (失信违约记录) and their lifecycle (DESIGN §4).
//   GET  /api/v1/breaches                         filters state, severity, rule, region, obligor_id,
//                                                 official_id, body_id, detected_from, detected_to;
//                                                 cursor pagination; ?format=csv or Accept: text/csv
//   GET  /api/v1/breaches/{id}                    the record with evidence (the facts), traced officials,
//                                                 history and the actions allowed now; ETag
//   POST /api/v1/breaches/{id}/actions/{action}   one transition; If-Match (428/412); reason required;
//                                                 an illegal action is a 409 listing allowed_actions
#include <algorithm>

#include "adapters/store/breach_json.hpp"
#include "domain/breach_lifecycle.hpp"
#include "server/api/named.hpp"
#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

constexpr std::string_view kStates =
    "detected, verified, rectifying, rectified, recorded, repair_requested, repaired, dismissed, "
    "under_review, "
    "voided";
constexpr std::string_view kSeverities = "minor, general, serious, severe";
constexpr std::string_view kRules = "BC01 ... BC10";
constexpr std::string_view kActions =
    "verify, dismiss, order_rectification, file_explanation, mark_rectified, record, file_objection, "
    "decide_objection, decide_mitigation, request_repair, decide_repair";

json action_names(const std::vector<d::BreachAction>& actions) {
  auto out = json::array();
  for (auto a : actions)
    out.push_back(std::string(to_string(a)));
  return out;
}

/** The CSV columns of the breach list (GET /breaches?format=csv). */
const std::vector<std::string> kCsvColumns{"id",
                                           "rule",
                                           "severity",
                                           "state",
                                           "region",
                                           "region_name",
                                           "body_id",
                                           "body_name",
                                           "obligor_id",
                                           "obligor_name",
                                           "agreement_id",
                                           "agreement_title",
                                           "commitment_id",
                                           "commitment_title",
                                           "due",
                                           "days_late",
                                           "committed.amount",
                                           "shortfall.amount",
                                           "detected_on",
                                           "recorded_on",
                                           "summary"};

/** The full representation: record, names, officials, history, evidence facts and the allowed actions. */
json full_json(Workflow& wf, const store::StoredBreach& b, Language language) {
  auto named = named_breaches(wf.ledger, {b}, language);
  json j = named ? std::move(named->at(0)) : store::to_json(b);
  auto evidence = json::array();
  for (const auto& fact_id : b.breach.evidence) {
    auto fact = wf.ledger.fact(d::Scope{}, fact_id);
    evidence.push_back(fact ? store::to_json(*fact) : json{{"id", fact_id}});
  }
  j["evidence_facts"] = std::move(evidence);
  j["allowed_actions"] = action_names(d::allowed_actions(b.breach));
  return j;
}

Response list(Workflow& wf, const Request& request, const Principal& principal) {
  auto params = list_params(wf.api, request,
                            {"state", "severity", "rule", "region", "obligor_id", "official_id", "body_id",
                             "detected_from", "detected_to", "format"});
  store::BreachFilter f;
  f.state = enum_filter(request, "state", store::parse_breach_state, kStates, params.errors);
  f.severity = enum_filter(request, "severity", store::parse_severity, kSeverities, params.errors);
  f.rule = enum_filter(
      request, "rule", [](std::string_view t) { return d::parse_rule_code(t).has_value(); }, kRules,
      params.errors);
  f.region = region_filter(wf.api, request, "region", params.errors);
  f.obligor_id = text_filter(request, "obligor_id");
  f.official_id = text_filter(request, "official_id");
  f.body_id = text_filter(request, "body_id");
  f.detected_from = date_filter(request, "detected_from", params.errors);
  f.detected_to = date_filter(request, "detected_to", params.errors);
  const bool csv = csv_format(wf.api, request, params);
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  std::vector<store::StoredBreach> rows;
  auto page = wf.breaches.list(scope_of(principal), f, params.window, &rows);
  if (!page) return read_error(request, page.error());
  json next = nullptr;
  if (page->more && !rows.empty()) next = encode_cursor(rows.back().breach.id);
  auto items = named_breaches(wf.ledger, rows, language_of(request));
  if (!items) return read_error(request, items.error());
  if (csv) return csv_of_items(request, kCsvColumns, *items, next, "breaches.csv");
  return json_response(200, {{"items", std::move(*items)}, {"next_cursor", std::move(next)}});
}

Response get(Workflow& wf, const Request& request, const Principal& principal) {
  auto b = wf.breaches.breach(scope_of(principal), std::string(request.param("id")));
  if (!b) return read_error(request, b.error());
  auto r = json_response(200, full_json(wf, *b, language_of(request)));
  r.headers.set("ETag", etag_of(b->version));
  return r;
}

/** Parses the body of an action into a Command (actor and as_of are set by the caller). */
std::optional<d::Command> parse_command(Workflow& wf, d::BreachAction action, const json& object,
                                        std::vector<FieldError>& errors) {
  FieldReader r(object, errors, {}, 4000);
  r.reject_unknown({"reason", "as_of", "deadline_working_days", "decision", "mitigation", "explanation",
                    "evidence", "refused"});
  d::Command c;
  c.action = action;
  auto reason = r.text("reason", Need::required, TextKind::multiline);
  auto as_of = r.date("as_of", Need::optional);
  auto days = r.integer("deadline_working_days", Need::optional, 1, 250);
  auto decision = r.enumeration<d::Decision>("decision", Need::optional, store::parse_decision,
                                             "upheld, rejected (objection); granted, denied (repair)");
  auto mitigation = r.enumeration<d::MitigationDecision>("mitigation", Need::optional,
                                                         store::parse_mitigation, "lighter, exempt");
  auto explanation = r.text("explanation", Need::optional, TextKind::multiline);
  auto evidence = r.text("evidence", Need::optional, TextKind::multiline);
  auto refused = r.boolean("refused", Need::optional);
  if (reason && reason->find_first_not_of(" \t\r\n") == std::string::npos)
    r.error("reason", "must not be blank");
  if (as_of && *as_of > wf.today()) r.error("as_of", "must not be after today");
  using A = d::BreachAction;
  if (action == A::decide_objection && decision && *decision != d::Decision::upheld &&
      *decision != d::Decision::rejected)
    r.error("decision", "an objection is upheld or rejected");
  if (action == A::decide_repair && decision && *decision != d::Decision::granted &&
      *decision != d::Decision::denied)
    r.error("decision", "a repair request is granted or denied");
  if ((action == A::decide_objection || action == A::decide_repair) && !decision && !r.has_error("decision"))
    r.error("decision", "is required for " + std::string(to_string(action)));
  if (action == A::decide_mitigation && !mitigation && !r.has_error("mitigation"))
    r.error("mitigation", "is required: lighter (从轻) or exempt (免于惩戒)");
  if (action == A::file_explanation && !explanation && !r.has_error("explanation"))
    r.error("explanation", "is required: the written explanation (书面说明原因)");
  if (action == A::request_repair && !evidence && !r.has_error("evidence"))
    r.error("evidence", "is required: the evidence of rectification");
  if (!errors.empty()) return std::nullopt;
  c.reason = *reason;
  c.as_of = as_of.value_or(wf.today());
  c.deadline_working_days = days;
  if (action == A::order_rectification && !days)
    c.deadline_working_days = wf.options.policy.lifecycle.default_rectification_working_days;
  c.decision = decision;
  c.mitigation = mitigation;
  c.explanation = explanation.value_or("");
  c.evidence = evidence.value_or("");
  c.refused = refused.value_or(false);
  return c;
}

Response act(Workflow& wf, const Request& request, const Principal& principal) {
  auto action = d::parse_breach_action(request.param("action"));
  if (!action)
    return problem_response(
        request, 404,
        "No action " + std::string(request.param("action")) + "; the actions are " + std::string(kActions));
  auto if_match = request.headers.get("If-Match");
  if (!if_match)
    return problem_response(request, 428,
                            "A transition needs If-Match with the ETag of the breach it acts on.");
  if (auto problem = context_problem(request)) return *problem;
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto command = parse_command(wf, *action, std::get<json>(parsed), errors);
  if (!command) return validation_problem(request, std::move(errors));
  command->actor = principal.name + " (" + principal.token_id + ")";

  const std::string tag(*if_match), id(request.param("id"));
  const auto scope = scope_of(principal);
  std::optional<std::vector<d::BreachAction>> allowed;
  store::StoredBreach after;
  auto written = wf.ledger.write(
      write_context(request, principal), std::nullopt,
      [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
        auto before = store::BreachStore::read(tx, scope, id);
        if (!before) return std::unexpected(before.error());
        const std::string etag = etag_of(before->version);
        if (!if_match_matches(tag, etag)) return std::unexpected(precondition_failed(etag));
        auto transition =
            d::apply_command(before->breach, *command, wf.options.calendar, wf.options.policy.lifecycle);
        if (!transition) {
          if (transition.error().code == d::ErrorCode::illegal_transition)
            allowed = d::allowed_actions(before->breach);
          return std::unexpected(transition.error());
        }
        auto saved = store::BreachStore::save_transition(tx, *transition, before->breach.state,
                                                         before->version, wf.options.policy.lifecycle);
        if (!saved) return std::unexpected(saved.error());
        after = std::move(*saved);
        return store::StoredResponse{};
      });
  if (!written) {
    if (allowed) {
      auto r = problem_response(request, 409, written.error().message);
      auto body = json::parse(r.body);
      body["type"] = std::string(problem_type::illegal_transition);
      body["allowed_actions"] = action_names(*allowed);
      r.body = body.dump();
      return r;
    }
    return read_error(request, written.error());
  }
  auto r = json_response(200, full_json(wf, after, language_of(request)));
  r.headers.set("ETag", etag_of(after.version));
  return r;
}

}  // namespace

void add_breach_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf) {
  const std::string base = std::string(kApiPrefix) + "/breaches";
  router.get(base, auth.guard(Permission::breach_read,
                              [wf](const Request& r, const Principal& p) { return list(*wf, r, p); }));
  router.get(base + "/{id}", auth.guard(Permission::breach_read, [wf](const Request& r, const Principal& p) {
    return get(*wf, r, p);
  }));
  router.post(base + "/{id}/actions/{action}",
              auth.guard(Permission::breach_workflow,
                         [wf](const Request& r, const Principal& p) { return act(*wf, r, p); }));
}

}  // namespace pactwatch::server::api
