#include "server/cli_detect.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "adapters/clock/system_clock.hpp"
#include "server/api/workflow_support.hpp"
#include "server/logging.hpp"

namespace pactwatch::server {

namespace d = pactwatch::domain;

d::Result<d::WorkingCalendar> load_calendar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return d::fail(d::ErrorCode::invalid, "cannot read " + path, "calendar_file");
  std::ostringstream text;
  text << in.rdbuf();
  return d::WorkingCalendar::parse_csv(text.str());
}

WorkflowOptions workflow_options(const Config& config, d::WorkingCalendar calendar) {
  WorkflowOptions options;
  options.calendar = std::move(calendar);
  options.publish_official_names = config.publish_official_names;
  options.complaints_per_hour = config.complaints_per_hour;
  options.complaint_lookups_per_hour = config.complaint_lookups_per_hour;
  options.policy.lifecycle.default_rectification_working_days = config.rectification_working_days;
  return options;
}

namespace {

store::WriteContext system_context(std::string actor) {
  store::WriteContext context;
  context.actor_name = std::move(actor);
  context.role = "system";
  context.request_id = api::new_id("req");
  context.reason = "scheduled breach detection";
  context.now = api::now_text();
  return context;
}

}  // namespace

int run_detect_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err) {
  std::optional<d::Date> as_of;
  // The configuration options are the usual ones; `detect` adds --as-of.
  std::vector<std::string> rest{"check-config"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string value;
    if (args[i] == "--as-of" && i + 1 < args.size()) {
      value = args[++i];
    } else if (args[i].starts_with("--as-of=")) {
      value = args[i].substr(8);
    } else {
      rest.push_back(args[i]);
      continue;
    }
    auto parsed = d::parse_date(value);
    if (!parsed) {
      err << "pactwatch: detect: --as-of '" << value << "' is not a date YYYY-MM-DD\n";
      return 2;
    }
    as_of = *parsed;
  }
  if (!as_of) {
    err << "pactwatch: detect: --as-of DATE is required\n";
    return 2;
  }
  auto command_line = parse_command_line(rest);
  if (!command_line) {
    err << "pactwatch: detect: " << command_line.error().message << "\n";
    return 2;
  }
  auto loaded = load_config(*command_line, env);
  if (!loaded) {
    err << "pactwatch: " << loaded.error().message << "\n";
    return 2;
  }
  const Config& config = loaded->config;
  auto calendar = load_calendar(config.calendar_file);
  if (!calendar) {
    err << "pactwatch: calendar_file (" << config.calendar_file << "): " << calendar.error().message << "\n";
    return 2;
  }
  store::DatabaseOptions db_options;
  db_options.pool_size = config.db_pool_size;
  db_options.busy_timeout = config.db_busy_timeout;
  db_options.sql_dir = config.sql_dir;
  auto db = store::Database::open(config.database, db_options);
  if (!db) {
    err << "pactwatch: cannot open " << config.database.redacted() << ": " << db.error().message << "\n";
    return 1;
  }
  api::Workflow wf(**db, workflow_options(config, std::move(*calendar)));
  auto summary = api::run_detection(wf, system_context("pactwatch detect"), d::Scope{}, *as_of);
  if (!summary) {
    err << "pactwatch: detect: " << summary.error().message << "\n";
    return 1;
  }
  out << summary->to_json().dump(2) << "\n";
  return 0;
}

DailyDetection::DailyDetection(store::Database& database, WorkflowOptions options, std::string at)
    : database_(database), options_(std::move(options)) {
  minute_of_day_ = std::stoi(at.substr(0, 2)) * 60 + std::stoi(at.substr(3, 2));
  thread_ = std::thread([this] { loop(); });
}

DailyDetection::~DailyDetection() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DailyDetection::loop() {
  using namespace std::chrono;
  api::Workflow wf(database_, options_);
  std::unique_lock lock(mutex_);
  while (!stop_) {
    // The next HH:MM in Asia/Shanghai (UTC+8), as a system_clock instant.
    const auto now = clock::system_clock().now();
    const auto local = now + hours(8);
    auto next = floor<days>(local) + minutes(minute_of_day_);
    if (next <= local) next += days(1);
    const auto wake_at = next - hours(8);
    if (wake_.wait_until(lock, wake_at, [this] { return stop_; })) break;
    lock.unlock();
    auto summary = api::run_detection(wf, system_context("daily detection"), d::Scope{}, wf.today());
    if (summary) {
      log_event("info", "daily_detection", {{"summary", summary->to_json()}});
    } else {
      log_event("error", "daily_detection_failed", {{"error", summary.error().message}});
    }
    lock.lock();
  }
}

}  // namespace pactwatch::server
