#pragma once
// `pactwatch detect --as-of DATE [--config FILE] [--KEY VALUE]...`: runs breach detection once over the whole
// ledger and prints the summary as JSON (the same counts as POST /api/v1/detection-runs). Also the daily
// detection run of `serve` (configuration key detection_time) and the mapping of Config to WorkflowOptions.

#include <condition_variable>
#include <iosfwd>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "adapters/store/database.hpp"
#include "server/api/workflow_routes.hpp"
#include "server/config.hpp"

namespace pactwatch::server {

/** Reads and parses the working-day calendar file. */
domain::Result<domain::WorkingCalendar> load_calendar(const std::string& path);

/** The workflow options of a configuration (the calendar is loaded separately). */
WorkflowOptions workflow_options(const Config& config, domain::WorkingCalendar calendar);

/** Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error. */
int run_detect_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err);

/**
 * Runs detection as of today once a day at `HH:MM` Asia/Shanghai on its own thread, until destroyed. Each
 * run is logged; a failed run is logged and retried the next day. Several instances may run it: detection is
 * idempotent by the findings' keys, so the second run opens nothing.
 */
class DailyDetection {
 public:
  DailyDetection(store::Database& database, WorkflowOptions options, std::string at);
  ~DailyDetection();
  DailyDetection(const DailyDetection&) = delete;
  DailyDetection& operator=(const DailyDetection&) = delete;

 private:
  void loop();
  store::Database& database_;
  WorkflowOptions options_;
  int minute_of_day_ = 120;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace pactwatch::server
