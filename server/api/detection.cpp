// POST /api/v1/detection-runs {"as_of": "YYYY-MM-DD"}: runs BC01-BC10 over the ledger in the caller's region
// scope as of the date and opens a `detected` breach for each new finding. Idempotent by the findings' keys:
// a second run as of the same date opens nothing. Answers the counts by rule and severity.
#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

Response run(Workflow& wf, const Request& request, const Principal& principal) {
  if (auto problem = context_problem(request)) return *problem;
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  FieldReader r(std::get<json>(parsed), errors);
  r.reject_unknown({"as_of"});
  auto as_of = r.date("as_of", Need::required);
  if (as_of && *as_of > wf.today())
    r.error("as_of", "must not be after today: facts of the future are unknown");
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  auto summary = run_detection(wf, write_context(request, principal), scope_of(principal), *as_of);
  if (!summary) return read_error(request, summary.error());
  return json_response(200, summary->to_json());
}

}  // namespace

void add_detection_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf) {
  router.post(std::string(kApiPrefix) + "/detection-runs",
              auth.guard(Permission::breach_workflow,
                         [wf](const Request& r, const Principal& p) { return run(*wf, r, p); }));
}

}  // namespace pactwatch::server::api
