// Answers built on the breach records (DESIGN §4-§5), all read-only (breach_read) and confined to the
// caller's region:
//   GET /api/v1/officials/{id}/eligibility      评优评先 and promotion (不予晋升、提拔), with the breach ids
//   GET /api/v1/bodies/{id}/eligibility         honours (荣誉评选), public criticism, with the breach ids
//   GET /api/v1/officials/{id}/accountability   every breach traced to the official (项目责任回溯)
//   GET /api/v1/organizations/{id}/performance  supplier grade, per-contract breakdown, evidence
//   GET /api/v1/integrity?level=region|body     integrity index ranking with components and monthly series
//   GET /api/v1/warnings?within_days=N          W01-W05 (监测预警)
// Every answer takes ?as_of=YYYY-MM-DD (default: today in Asia/Shanghai).
#include <set>

#include "domain/consequences.hpp"
#include "domain/detection.hpp"
#include "domain/evaluation.hpp"
#include "domain/integrity.hpp"
#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

json eligibility_json(const d::Eligibility& e, bool body) {
  json j{{"eligible", e.eligible}, {"reasons", e.reasons}, {"notes", e.notes}};
  if (body) j["listed_for_criticism"] = e.listed_for_criticism;
  return j;
}

/**
 * Eligibility is judged on every breach (an official answers for all of their posts), but a region-scoped
 * caller is shown only the breaches of its region: the others are counted in `reasons_outside_scope`, their
 * ids and mitigation notes left out (issue 13: a 532301 token read 禄丰市 breach ids and reasons here).
 */
d::Result<json> scoped_eligibility_json(Workflow& wf, const Principal& principal, d::Eligibility e,
                                        bool body) {
  int hidden = 0;
  if (!principal.region.empty()) {
    auto visible = wf.breaches.all(scope_of(principal));
    if (!visible) return std::unexpected(visible.error());
    std::set<std::string, std::less<>> ids;
    for (const auto& b : *visible)
      ids.insert(b.breach.id);
    hidden =
        static_cast<int>(std::erase_if(e.reasons, [&](const std::string& id) { return !ids.contains(id); }));
    std::erase_if(e.notes,
                  [&](const std::string& note) { return !ids.contains(note.substr(0, note.find(':'))); });
  }
  json j = eligibility_json(e, body);
  j["reasons_outside_scope"] = hidden;
  return j;
}

/** Checks the query parameters; nullopt and the 422 in `problem` when one is bad or unknown. */
std::optional<d::Date> common_params(Workflow& wf, const Request& request,
                                     const std::set<std::string>& allowed, std::vector<FieldError>& errors) {
  for (const auto& [name, value] : request.query)
    if (name != "as_of" && !allowed.contains(name))
      errors.push_back({name, "is not a parameter of this route"});
  auto as_of = as_of_param(wf, request, errors);
  if (!errors.empty()) return std::nullopt;
  return as_of;
}

Response official_eligibility(Workflow& wf, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  auto as_of = common_params(wf, request, {}, errors);
  if (!as_of) return validation_problem(request, std::move(errors));
  const std::string id(request.param("id"));
  auto official = wf.ledger.official(scope_of(principal), id);
  if (!official) return read_error(request, official.error());
  auto stored = wf.breaches.all(d::Scope{});
  if (!stored) return read_error(request, stored.error());
  auto officials = wf.ledger.all_officials(d::Scope{});
  if (!officials) return read_error(request, officials.error());
  const auto breaches = plain(*stored);
  const auto merit = d::official_merit_eligibility(id, breaches, *as_of);
  const auto promotion = d::promotion_eligibility(id, *officials, breaches, *as_of);
  auto merit_json = scoped_eligibility_json(wf, principal, merit, false);
  if (!merit_json) return read_error(request, merit_json.error());
  auto promotion_json = scoped_eligibility_json(wf, principal, promotion, false);
  if (!promotion_json) return read_error(request, promotion_json.error());
  return json_response(200, {{"official_id", id},
                             {"as_of", d::format_date(*as_of)},
                             {"eligible", merit.eligible && promotion.eligible},
                             {"merit", std::move(*merit_json)},
                             {"promotion", std::move(*promotion_json)}});
}

Response body_eligibility(Workflow& wf, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  auto as_of = common_params(wf, request, {}, errors);
  if (!as_of) return validation_problem(request, std::move(errors));
  const std::string id(request.param("id"));
  auto body = wf.ledger.body(scope_of(principal), id);
  if (!body) return read_error(request, body.error());
  auto stored = wf.breaches.all(d::Scope{});
  if (!stored) return read_error(request, stored.error());
  const auto honours = d::body_honours_eligibility(id, plain(*stored), *as_of);
  auto scoped = scoped_eligibility_json(wf, principal, honours, true);
  if (!scoped) return read_error(request, scoped.error());
  json j = std::move(*scoped);
  j["body_id"] = id;
  j["as_of"] = d::format_date(*as_of);
  return json_response(200, j);
}

Response accountability(Workflow& wf, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  auto as_of = common_params(wf, request, {}, errors);
  if (!as_of) return validation_problem(request, std::move(errors));
  const std::string id(request.param("id"));
  const auto scope = scope_of(principal);
  auto official = wf.ledger.official(scope, id);
  if (!official) return read_error(request, official.error());
  auto traced = wf.breaches.traced_to(scope, id);
  if (!traced) return read_error(request, traced.error());
  auto items = json::array();
  for (const auto& s : *traced) {
    auto roles = json::array();
    for (const auto& o : s.officials)
      if (o.official_id == id) roles.push_back({{"role", o.role}, {"basis", o.basis}, {"title", o.title}});
    const auto& b = s.breach;
    items.push_back({{"breach_id", b.id},
                     {"rule", std::string(to_string(b.rule))},
                     {"severity", std::string(to_string(b.severity))},
                     {"state", std::string(to_string(b.state))},
                     {"unrepaired_record", d::unrepaired_on(b, *as_of)},
                     {"roles", std::move(roles)},
                     {"body_id", s.body_id},
                     {"agreement_id", b.agreement_id},
                     {"commitment_id", b.commitment_id},
                     {"due", d::format_date(b.due)},
                     {"evidence", b.evidence},
                     {"summary", b.summary}});
  }
  return json_response(200, {{"official_id", id},
                             {"name", official->entity.name},
                             {"as_of", d::format_date(*as_of)},
                             {"items", std::move(items)}});
}

Response performance(Workflow& wf, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  auto as_of = common_params(wf, request, {}, errors);
  if (!as_of) return validation_problem(request, std::move(errors));
  const std::string id(request.param("id"));
  auto organization = wf.ledger.organization(id);
  if (!organization) return read_error(request, organization.error());
  const auto scope = scope_of(principal);
  auto ledger = wf.ledger.load_ledger(scope);
  if (!ledger) return read_error(request, ledger.error());
  auto stored = wf.breaches.all(scope);
  if (!stored) return read_error(request, stored.error());
  const auto& policy = wf.options.policy.evaluation;
  const auto contracts = d::contract_performance(*ledger, plain(*stored), policy, *as_of);
  const auto grade = d::supplier_grade(id, contracts, policy, *as_of);
  auto breakdown = json::array();
  for (const auto& c : contracts) {
    if (c.supplier_id != id) continue;
    double weight = 0;
    for (const auto& w : grade.contracts)
      if (w.agreement_id == c.agreement_id) weight = w.weight;
    breakdown.push_back({{"agreement_id", c.agreement_id},
                         {"acceptance_score", c.acceptance_score ? json(*c.acceptance_score) : json(nullptr)},
                         {"commitments_due", c.commitments_due},
                         {"met_on_time", c.met_on_time},
                         {"on_time_share", c.on_time_share},
                         {"breach_penalty", c.breach_penalty},
                         {"score", c.score},
                         {"weight", weight},
                         {"evaluated_on", d::format_date(c.evaluated_on)},
                         {"evidence", c.evidence}});
  }
  return json_response(200,
                       {{"organization_id", id},
                        {"name", organization->entity.name},
                        {"as_of", d::format_date(*as_of)},
                        {"score", grade.score ? json(*grade.score) : json(nullptr)},
                        {"grade", grade.grade == '-' ? json(nullptr) : json(std::string(1, grade.grade))},
                        {"contracts", std::move(breakdown)}});
}

json score_json(const d::IntegrityScore& s) {
  return {{"subject_id", s.subject_id},
          {"rank", s.rank},
          {"score", s.score},
          {"due", s.due},
          {"kept", s.kept},
          {"kept_rate", s.kept_rate ? json(*s.kept_rate) : json(nullptr)},
          {"penalty_points", s.penalty_points},
          {"breaches", s.breaches}};
}

Response integrity(Workflow& wf, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  auto as_of = common_params(wf, request, {"level", "months", "format"}, errors);
  const std::string level(request.query_param("level").value_or("region"));
  if (level != "region" && level != "body") errors.push_back({"level", "must be region or body"});
  const int months = int_query(request, "months", 1, 60, errors).value_or(12);
  const bool csv = wants_csv(request, errors);
  if (!as_of || !errors.empty()) return validation_problem(request, std::move(errors));
  const auto scope = scope_of(principal);
  auto bodies = wf.ledger.all_bodies(scope);
  if (!bodies) return read_error(request, bodies.error());
  auto ledger = wf.ledger.load_ledger(scope);
  if (!ledger) return read_error(request, ledger.error());
  auto stored = wf.breaches.all(scope);
  if (!stored) return read_error(request, stored.error());
  const auto breaches = plain(*stored);
  // The counties and cities (and the prefecture itself) whose bodies are on file are what gets ranked.
  // A body of unknown region (stored empty) is ranked as a body but in no region.
  std::set<std::string> region_set;
  for (const auto& b : *bodies) {
    if (d::RegionCode::parse(b.region)) region_set.insert(b.region);
  }
  const std::vector<std::string> regions(region_set.begin(), region_set.end());
  const auto& policy = wf.options.policy.evaluation;
  const auto report = d::integrity_index(*bodies, *ledger, breaches, regions, policy, *as_of);
  const auto& ranked = level == "region" ? report.regions : report.bodies;
  if (csv) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : ranked) {
      rows.push_back({std::to_string(s.rank), s.subject_id, std::to_string(s.score), std::to_string(s.due),
                      std::to_string(s.kept), s.kept_rate ? std::to_string(*s.kept_rate) : "",
                      std::to_string(s.penalty_points)});
    }
    return csv_response({"rank", "subject_id", "score", "due", "kept", "kept_rate", "penalty_points"}, rows,
                        "integrity-" + level + ".csv");
  }
  auto items = json::array();
  for (const auto& s : ranked)
    items.push_back(score_json(s));
  json series = json::object();
  if (level == "region") {
    for (const auto& point :
         d::integrity_series(*bodies, *ledger, breaches, regions, policy, *as_of, months)) {
      for (const auto& s : point.regions)
        series[s.subject_id].push_back(
            {{"as_of", d::format_date(point.as_of)}, {"score", s.score}, {"rank", s.rank}});
    }
  }
  return json_response(200, {{"as_of", d::format_date(*as_of)},
                             {"level", level},
                             {"items", std::move(items)},
                             {"series", std::move(series)}});
}

Response warnings(Workflow& wf, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  auto as_of = common_params(wf, request, {"within_days"}, errors);
  auto policy = wf.options.policy.rules;
  if (auto days = int_query(request, "within_days", 0, 250, errors)) {
    policy.due_soon_working_days = *days;
    policy.rectification_warning_working_days = *days;
  }
  if (!as_of || !errors.empty()) return validation_problem(request, std::move(errors));
  const auto scope = scope_of(principal);
  auto ledger = wf.ledger.load_ledger(scope);
  if (!ledger) return read_error(request, ledger.error());
  auto stored = wf.breaches.all(scope);
  if (!stored) return read_error(request, stored.error());
  const auto result = d::detect_breaches(*ledger, plain(*stored), wf.options.calendar, policy, *as_of);
  auto items = json::array();
  for (const auto& w : result.warnings) {
    items.push_back({{"rule", std::string(to_string(w.rule))},
                     {"subject_id", w.subject_id},
                     {"agreement_id", w.agreement_id},
                     {"date", d::format_date(w.date)},
                     {"summary", w.summary}});
  }
  return json_response(200, {{"as_of", d::format_date(*as_of)}, {"items", std::move(items)}});
}

}  // namespace

void add_evaluation_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf) {
  const std::string base(kApiPrefix);
  auto read = [&](auto fn) {
    return auth.guard(Permission::breach_read,
                      [wf, fn](const Request& r, const Principal& p) { return fn(*wf, r, p); });
  };
  router.get(base + "/officials/{id}/eligibility", read(official_eligibility));
  router.get(base + "/bodies/{id}/eligibility", read(body_eligibility));
  router.get(base + "/officials/{id}/accountability", read(accountability));
  router.get(base + "/organizations/{id}/performance", read(performance));
  router.get(base + "/integrity", read(integrity));
  router.get(base + "/warnings", read(warnings));
}

}  // namespace pactwatch::server::api
