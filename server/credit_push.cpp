#include "server/credit_push.hpp"

#include <atomic>
#include <charconv>
#include <iostream>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/clock/system_clock.hpp"
#include "adapters/sync/file_import.hpp"
#include "server/cli_token.hpp"
#include "server/logging.hpp"

namespace pactwatch::server {

namespace d = pactwatch::domain;
using nlohmann::json;

credit::DispatchOptions credit_push_options(const Config& config, std::string owner) {
  credit::DispatchOptions o;
  o.url = config.credit_push_url;
  o.bearer_token = config.credit_push_token;
  o.http.connect_timeout = config.credit_push_connect_timeout;
  o.http.request_timeout = config.credit_push_request_timeout;
  o.http.ca_file = config.credit_push_ca_file;
  o.max_attempts = config.credit_push_max_attempts;
  o.initial_backoff = config.credit_push_backoff_initial;
  o.max_backoff = config.credit_push_backoff_max;
  o.owner = std::move(owner);
  return o;
}

std::function<void(const store::OutboxRow&)> credit_push_fault(const Environment& env) {
  constexpr std::string_view kPoint = "credit_push_hang_after_delivery:";
  const auto it = env.find("PACTWATCH_TEST_FAULT");
  if (it == env.end() || !std::string_view(it->second).starts_with(kPoint)) return {};
  const std::string_view count_text = std::string_view(it->second).substr(kPoint.size());
  int after = 0;
  std::from_chars(count_text.data(), count_text.data() + count_text.size(), after);
  auto delivered = std::make_shared<std::atomic<int>>(0);
  return [after, delivered](const store::OutboxRow& row) {
    if (++*delivered < after) return;
    log_event(
        "warn", "fault_injected",
        {{"point", "credit_push_hang_after_delivery"}, {"id", row.id}, {"delivered", delivered->load()}});
    for (;;)
      std::this_thread::sleep_for(std::chrono::hours{1});  // until the test kills the process
  };
}

namespace {

/** The database totals of the outbox, read at most once per `max_age`. */
class OutboxStatsCache {
 public:
  OutboxStatsCache(store::Database& database, std::chrono::milliseconds max_age)
      : store_(database), max_age_(max_age) {}

  store::OutboxStats get() {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!read_at_ || now - *read_at_ >= max_age_) {
      read_at_ = now;
      if (auto stats = store_.stats()) {
        current_ = *stats;
      } else {
        // Keep the last figures: a scrape must not fail because the database is briefly away.
        log_event("warn", "credit_outbox_metrics_unavailable", {{"error", stats.error().message}});
      }
    }
    return current_;
  }

 private:
  store::OutboxStore store_;
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> read_at_;
  store::OutboxStats current_;
};

/** Unix seconds of an RFC 3339 instant; nullopt when empty or malformed. */
std::optional<double> unix_seconds(const std::string& instant) {
  auto at = d::parse_instant(instant);
  if (!at) return std::nullopt;
  return static_cast<double>(at->time_since_epoch().count()) / 1000.0;
}

json attempt_json(const credit::Attempt& a) {
  json j{{"id", a.row.id},
         {"breach_id", a.row.breach_id},
         {"event", a.row.event},
         {"attempt", a.row.attempts},
         {"outcome", a.settled ? a.outcome.state : std::string("lost")},
         {"status", a.outcome.status ? json(*a.outcome.status) : json(nullptr)}};
  if (!a.outcome.error.empty()) j["error"] = a.outcome.error;
  if (a.outcome.state == "pending") j["next_attempt_at"] = a.outcome.next_attempt_at;
  return j;
}

}  // namespace

void register_credit_outbox_metrics(Metrics& metrics, store::Database& database,
                                    std::chrono::milliseconds max_age) {
  auto stats = std::make_shared<OutboxStatsCache>(database, max_age);
  for (const char* state : {"pending", "sent", "failed"}) {
    metrics.gauge_callback(
        "pactwatch_credit_outbox_rows",
        "Credit-platform outbox rows by state (from the database, every instance).", {{"state", state}},
        [stats, s = std::string(state)] {
          const auto t = stats->get();
          return static_cast<double>(s == "pending" ? t.pending : s == "sent" ? t.sent : t.failed);
        });
  }
  metrics.counter_callback("pactwatch_credit_push_attempts_total",
                           "Delivery attempts made for the outbox's rows (claims, every instance).", {},
                           [stats] { return static_cast<double>(stats->get().attempts); });
  metrics.gauge_callback("pactwatch_credit_push_last_success_timestamp_seconds",
                         "When the newest acknowledged record was settled, Unix time (0: none yet).", {},
                         [stats] { return unix_seconds(stats->get().last_sent_at).value_or(0); });
  metrics.gauge_callback("pactwatch_credit_outbox_oldest_pending_age_seconds",
                         "Age of the oldest pending outbox row (0: none pending).", {}, [stats] {
                           const auto created = unix_seconds(stats->get().oldest_pending_created);
                           if (!created) return 0.0;
                           const auto now =
                               std::chrono::duration<double>(clock::system_clock().now().time_since_epoch());
                           return std::max(0.0, now.count() - *created);
                         });
}

CreditPushService::CreditPushService(store::Database& database, credit::DispatchOptions options,
                                     std::chrono::seconds interval, Metrics& metrics)
    : store_(database), dispatcher_(store_, std::move(options)), interval_(interval), metrics_(metrics) {
  thread_ = std::thread([this] { loop(); });
}

CreditPushService::~CreditPushService() {
  stop();
}

void CreditPushService::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CreditPushService::loop() {
  constexpr std::string_view kResults = "pactwatch_credit_push_results_total";
  constexpr std::string_view kResultsHelp = "Delivery attempts of this instance by how they ended.";
  std::map<std::string, Counter*> results;
  for (const char* outcome : {"sent", "pending", "failed", "lost"})
    results[outcome] = &metrics_.counter(kResults, kResultsHelp, {{"outcome", outcome}});
  Histogram& latency = metrics_.histogram(
      "pactwatch_credit_push_delivery_seconds",
      "From a credit event's commit to its acknowledgement by the platform (this instance's deliveries).", {},
      {1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600});
  const auto should_stop = [this] {
    std::lock_guard lock(mutex_);
    return stop_;
  };
  const auto on_attempt = [&](const credit::Attempt& a) {
    const std::string outcome = a.settled ? a.outcome.state : "lost";
    results[outcome]->inc();
    if (a.delivery_latency && a.settled)
      latency.observe(std::chrono::duration<double>(*a.delivery_latency).count());
    log_event(outcome == "sent"     ? "info"
              : outcome == "failed" ? "error"
                                    : "warn",
              "credit_push_attempt", attempt_json(a));
  };
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    try {
      if (auto report = dispatcher_.run_once(should_stop, on_attempt); !report)
        log_event("error", "credit_push_failed", {{"error", report.error().message}});
    } catch (const std::exception& e) {
      // Never let a pass end the thread (and the process): report it and try again at the next interval.
      log_event("error", "credit_push_failed", {{"error", e.what()}});
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

int run_outbox_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err) {
  auto a = split_cli_args(args, {});
  if (!a || a->positional.size() != 1 || a->positional[0] != "dispatch") {
    err << "pactwatch: outbox: expected `outbox dispatch [--config FILE] [--KEY VALUE]...`\n";
    return 2;
  }
  int code = 0;
  Config config;
  auto db = open_cli_database(a->config_args, env, err, code, &config);
  if (!db) return code;
  if (config.credit_push_url.empty()) {
    err << "pactwatch: outbox dispatch: credit_push_url is empty, the push is disabled "
           "(docs/CREDIT_PUSH.md)\n";
    return 2;
  }
  store::OutboxStore store(*db);
  auto options = credit_push_options(config, sync::default_owner());
  options.after_delivery = credit_push_fault(env);
  credit::Dispatcher dispatcher(store, std::move(options));
  auto report = dispatcher.run_once();
  if (!report) {
    err << "pactwatch: outbox dispatch: " << report.error().message << "\n";
    return 1;
  }
  json attempts = json::array();
  for (const auto& attempt : report->attempts)
    attempts.push_back(attempt_json(attempt));
  out << json{{"sent", report->sent},
              {"retried", report->retried},
              {"failed", report->failed},
              {"lost", report->lost},
              {"attempts", std::move(attempts)}}
             .dump(2)
      << "\n";
  return 0;
}

}  // namespace pactwatch::server
