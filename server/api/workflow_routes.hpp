#pragma once
// The breach workflow over HTTP (issue #5; DESIGN §3-§5): detection runs, breach lists and records, the
// legal lifecycle's transitions, and the answers built on breaches. main.cpp calls add_workflow_routes()
// once; `pactwatch detect --as-of DATE` (server/cli_detect.hpp) runs the same detection as the API.

#include <functional>
#include <memory>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/database.hpp"
#include "domain/calendar.hpp"
#include "domain/date.hpp"
#include "domain/policy.hpp"
#include "server/auth.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/** What the workflow needs beyond the database: policy, calendar, clock and the public limits. */
struct WorkflowOptions {
  domain::DomainPolicy policy;                                          ///< thresholds, periods, weights
  domain::WorkingCalendar calendar = domain::WorkingCalendar::plain();  ///< official working days
  /// "Now", and today in Asia/Shanghai: the default as-of date of detection, statuses and deadlines.
  std::shared_ptr<const domain::Clock> clock = pactwatch::clock::shared_system_clock();
  bool publish_official_names = true;   ///< public list shows the name/post of officials on recorded breaches
  int complaints_per_hour = 5;          ///< anonymous complaints accepted per client address per hour
  int complaint_lookups_per_hour = 60;  ///< look-ups by receipt code accepted per client address per hour
  std::size_t complaint_max_bytes = 16 * 1024;  ///< a larger complaint body is a 413
  int public_cache_seconds = 300;               ///< Cache-Control max-age of the public breach list
};

/**
 * The ledger API's after_fact hook (server/api/api_support.hpp): runs detection as of today for the
 * commitment a new fact touches and opens what it finds. A failure is logged; the fact stays appended.
 */
std::function<void(const Request&, const Principal&, const std::string&)> fact_detection_hook(
    store::Database& database, WorkflowOptions options);

/** Adds every workflow route. `database` must outlive the router. */
void add_workflow_routes(Router& router, const Authenticator& auth, store::Database& database,
                         WorkflowOptions options);

}  // namespace pactwatch::server
