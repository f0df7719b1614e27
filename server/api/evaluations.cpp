// Answers built on the breach records (DESIGN §4-§5), all read-only (breach_read) and confined to the
// caller's region:
//   GET /api/v1/officials/{id}/eligibility      评优评先 and promotion (不予晋升、提拔), with the breach ids
//   GET /api/v1/bodies/{id}/eligibility         honours (荣誉评选), public criticism, with the breach ids
//   GET /api/v1/officials/{id}/accountability   every breach traced to the official (项目责任回溯)
//   GET /api/v1/organizations/{id}/performance  supplier grade, per-contract breakdown, evidence
//   GET /api/v1/integrity?level=region|body     integrity index ranking with components and monthly series
//   GET /api/v1/warnings?within_days=N          W01-W05 (监测预警)
// Every answer takes ?as_of=YYYY-MM-DD (default: today in Asia/Shanghai).
#include <cmath>
#include <map>
#include <set>

#include "domain/consequences.hpp"
#include "domain/detection.hpp"
#include "domain/evaluation.hpp"
#include "domain/integrity.hpp"
#include "server/api/named.hpp"
#include "server/api/workflow_support.hpp"
#include "server/messages.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

/** The eligibility with its reasons (breach ids) and, in `reason_breaches`, those breaches with names. */
d::Result<json> eligibility_json(Workflow& wf, const std::vector<store::StoredBreach>& stored,
                                 const d::Eligibility& e, bool body, Language language) {
  auto briefs = breach_briefs(wf.ledger, stored, e.reasons, language);
  if (!briefs) return std::unexpected(briefs.error());
  json j{{"eligible", e.eligible},
         {"reasons", e.reasons},
         {"reason_breaches", std::move(*briefs)},
         {"notes", e.notes}};
  if (body) j["listed_for_criticism"] = e.listed_for_criticism;
  return j;
}

/**
 * Eligibility is judged on every breach (an official answers for all of their posts), but a region-scoped
 * caller is shown only the breaches of its region: the others are counted in `reasons_outside_scope`, their
 * ids and mitigation notes left out (issue 13: a 532301 token read 禄丰市 breach ids and reasons here).
 */
d::Result<json> scoped_eligibility_json(Workflow& wf, const Principal& principal,
                                        const std::vector<store::StoredBreach>& stored, d::Eligibility e,
                                        bool body, Language language) {
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
  auto j = eligibility_json(wf, stored, e, body, language);
  if (!j) return j;
  (*j)["reasons_outside_scope"] = hidden;
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
  const Language language = language_of(request);
  auto merit_json = scoped_eligibility_json(wf, principal, *stored, merit, false, language);
  if (!merit_json) return read_error(request, merit_json.error());
  auto promotion_json = scoped_eligibility_json(wf, principal, *stored, promotion, false, language);
  if (!promotion_json) return read_error(request, promotion_json.error());
  return json_response(200, {{"official_id", id},
                             {"official_name", official->entity.name},
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
  auto scoped = scoped_eligibility_json(wf, principal, *stored, honours, true, language_of(request));
  if (!scoped) return read_error(request, scoped.error());
  json j = std::move(*scoped);
  j["body_id"] = id;
  j["body_name"] = body->entity.name;
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
  auto named = named_breaches(wf.ledger, *traced, language_of(request));
  if (!named) return read_error(request, named.error());
  auto items = json::array();
  for (std::size_t i = 0; i < traced->size(); ++i) {
    const auto& s = (*traced)[i];
    const json& n = (*named)[i];
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
                     {"body_name", n["body_name"]},
                     {"agreement_id", b.agreement_id},
                     {"agreement_title", n["agreement_title"]},
                     {"commitment_id", b.commitment_id},
                     {"commitment_title", n["commitment_title"]},
                     {"due", d::format_date(b.due)},
                     {"evidence", b.evidence},
                     {"summary", n["summary"]}});
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
  store::NameRequest wanted;
  for (const auto& c : contracts)
    if (c.supplier_id == id) wanted.agreements.insert(c.agreement_id);
  auto names = wf.ledger.names(wanted);
  if (!names) return read_error(request, names.error());
  auto breakdown = json::array();
  for (const auto& c : contracts) {
    if (c.supplier_id != id) continue;
    double weight = 0;
    for (const auto& w : grade.contracts)
      if (w.agreement_id == c.agreement_id) weight = w.weight;
    breakdown.push_back({{"agreement_id", c.agreement_id},
                         {"agreement_title", name_json(store::Names::in(names->agreements, c.agreement_id))},
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
  return json_response(
      200, {{"organization_id", id},
            {"name", organization->entity.name},
            {"credit_code", organization->entity.credit_code ? json(organization->entity.credit_code->str())
                                                             : json(nullptr)},
            {"as_of", d::format_date(*as_of)},
            {"score", grade.score ? json(*grade.score) : json(nullptr)},
            {"grade", grade.grade == '-' ? json(nullptr) : json(std::string(1, grade.grade))},
            {"contracts", std::move(breakdown)}});
}

/** Rounded to one decimal for the answer (computed exactly), or null. */
json tenth(const std::optional<double>& value) {
  return value ? json(d::one_decimal(*value)) : json(nullptr);
}

/**
 * One ranked row: its name, the score rounded (null with `no_data_reason` when nothing was due) and the
 * breaches behind its penalty points with their rule and severity.
 */
json score_json(const d::IntegrityScore& s, const std::string& name,
                const std::map<std::string, const d::Breach*>& by_id, Language language) {
  auto breaches = json::array();
  for (const auto& id : s.breaches) {
    json b{{"id", id}};
    if (auto it = by_id.find(id); it != by_id.end()) {
      b["rule"] = std::string(to_string(it->second->rule));
      b["severity"] = std::string(to_string(it->second->severity));
    }
    breaches.push_back(std::move(b));
  }
  return {{"subject_id", s.subject_id},
          {"subject_name", name_json(name)},
          {"rank", s.score ? json(s.rank) : json(nullptr)},
          {"score", tenth(s.score)},
          {"no_data_reason",
           s.score ? json(nullptr) : json(localized("nothing was due in the window: no data", language))},
          {"due", s.due},
          {"kept", s.kept},
          {"kept_rate", s.kept_rate ? json(*s.kept_rate) : json(nullptr)},
          {"penalty_points", d::one_decimal(s.penalty_points)},
          {"breaches", std::move(breaches)}};
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
  // The counties and cities (and the prefecture itself) whose bodies are on file are what gets ranked;
  // the prefecture, containing its counties, is given apart (`enclosing`), not ranked among them.
  // A body of unknown region (stored empty) is ranked as a body but in no region.
  std::set<std::string> region_set;
  store::NameRequest wanted;
  for (const auto& b : *bodies) {
    if (d::RegionCode::parse(b.region)) region_set.insert(b.region);
  }
  const std::vector<std::string> regions(region_set.begin(), region_set.end());
  const auto& policy = wf.options.policy.evaluation;
  const auto report = d::integrity_index(*bodies, *ledger, breaches, regions, policy, *as_of);
  const auto& ranked = level == "region" ? report.regions : report.bodies;
  std::map<std::string, const d::Breach*> by_id;
  for (const auto& b : breaches)
    by_id[b.id] = &b;
  std::map<std::string, std::string, std::less<>> subject_names;
  if (level == "region") {
    wanted.regions = region_set;
    auto names = wf.ledger.names(wanted);
    if (!names) return read_error(request, names.error());
    subject_names = std::move(names->regions);
  } else {
    for (const auto& b : *bodies)
      subject_names[b.id] = b.name;
  }
  const auto name_of = [&](const std::string& id) -> const std::string& {
    return store::Names::in(subject_names, id);
  };
  const Language language = language_of(request);
  if (csv) {
    std::vector<std::vector<std::string>> rows;
    const auto add_rows = [&](const std::vector<d::IntegrityScore>& list) {
      for (const auto& s : list) {
        const auto cell = [](const json& j) { return j.is_null() ? std::string{} : j.dump(); };
        const json row = score_json(s, name_of(s.subject_id), by_id, language);
        std::string ids;
        for (const auto& id : s.breaches)
          ids += (ids.empty() ? "" : "; ") + id;
        rows.push_back({cell(row["rank"]), s.subject_id, name_of(s.subject_id), cell(row["score"]),
                        row["no_data_reason"].is_null() ? "" : row["no_data_reason"].get<std::string>(),
                        std::to_string(s.due), std::to_string(s.kept), cell(row["kept_rate"]),
                        cell(row["penalty_points"]), ids});
      }
    };
    add_rows(ranked);
    if (level == "region") add_rows(report.enclosing);
    return csv_response({"rank", "subject_id", "subject_name", "score", "no_data_reason", "due", "kept",
                         "kept_rate", "penalty_points", "breaches"},
                        rows, "integrity-" + level + ".csv");
  }
  auto items = json::array();
  for (const auto& s : ranked)
    items.push_back(score_json(s, name_of(s.subject_id), by_id, language));
  auto enclosing = json::array();
  json series = json::object();
  if (level == "region") {
    for (const auto& s : report.enclosing)
      enclosing.push_back(score_json(s, name_of(s.subject_id), by_id, language));
    for (const auto& point :
         d::integrity_series(*bodies, *ledger, breaches, regions, policy, *as_of, months)) {
      for (const auto* list : {&point.regions, &point.enclosing})
        for (const auto& s : *list)
          series[s.subject_id].push_back({{"as_of", d::format_date(point.as_of)},
                                          {"score", tenth(s.score)},
                                          {"rank", s.score ? json(s.rank) : json(nullptr)}});
    }
  }
  return json_response(200, {{"as_of", d::format_date(*as_of)},
                             {"level", level},
                             {"items", std::move(items)},
                             {"enclosing", std::move(enclosing)},
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
  store::NameRequest wanted;
  for (const auto& w : result.warnings) {
    wanted.agreements.insert(w.agreement_id);
    wanted.commitments.insert(w.subject_id);
  }
  auto names = wf.ledger.names(wanted);
  if (!names) return read_error(request, names.error());
  auto items = json::array();
  for (const auto& w : result.warnings) {
    items.push_back({{"rule", std::string(to_string(w.rule))},
                     {"subject_id", w.subject_id},
                     {"subject_title", name_json(store::Names::in(names->commitments, w.subject_id))},
                     {"agreement_id", w.agreement_id},
                     {"agreement_title", name_json(store::Names::in(names->agreements, w.agreement_id))},
                     {"date", d::format_date(w.date)},
                     {"summary", localized(w.summary, language_of(request))}});
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
