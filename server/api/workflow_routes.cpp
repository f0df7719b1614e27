#include "server/api/workflow_routes.hpp"

#include <memory>

#include "server/api/workflow_support.hpp"
#include "server/logging.hpp"

namespace pactwatch::server {

void add_workflow_routes(Router& router, const Authenticator& auth, store::Database& database,
                         WorkflowOptions options) {
  auto wf = std::make_shared<api::Workflow>(database, std::move(options));
  api::add_detection_routes(router, auth, wf);
  api::add_breach_routes(router, auth, wf);
  api::add_evaluation_routes(router, auth, wf);
  api::add_complaint_routes(router, auth, wf);
  api::add_public_breach_routes(router, wf);
}

std::function<void(const Request&, const Principal&, const std::string&)> fact_detection_hook(
    store::Database& database, WorkflowOptions options) {
  auto wf = std::make_shared<api::Workflow>(database, std::move(options));
  return [wf](const Request& request, const Principal& principal, const std::string& commitment_id) {
    const std::vector<std::string> only{commitment_id};
    auto summary = api::run_detection(*wf, api::write_context(request, principal), api::scope_of(principal),
                                      wf->today(), &only);
    if (!summary) {
      log_event("warn", "fact_detection_failed",
                {{"commitment_id", commitment_id}, {"error", summary.error().message}});
    } else if (summary->opened > 0) {
      log_event("info", "fact_detection",
                {{"commitment_id", commitment_id}, {"opened", summary->opened_ids}});
    }
  };
}

}  // namespace pactwatch::server
