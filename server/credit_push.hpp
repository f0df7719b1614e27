#pragma once
// The credit-platform push in the service (issue 14, docs/CREDIT_PUSH.md): the dispatcher's options from the
// configuration (credit_push_*), serve's dispatcher thread (off the I/O threads, every
// credit_push_interval; stops at SIGTERM after the attempt in flight), the outbox metrics, and
// `pactwatch outbox dispatch`, one pass from the command line.

#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "adapters/credit/dispatcher.hpp"
#include "adapters/store/credit_outbox.hpp"
#include "adapters/store/database.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"

namespace pactwatch::server {

/** The dispatcher's options of a configuration; `owner` names this instance's claims. */
credit::DispatchOptions credit_push_options(const Config& config, std::string owner);

/**
 * The fault-injection point of the crash tests, from PACTWATCH_TEST_FAULT=credit_push_hang_after_delivery:N:
 * after the N-th acknowledged delivery of this process, before it is settled, the dispatcher logs
 * `fault_injected` and blocks for good (the test then kills the process). Empty without the variable.
 */
std::function<void(const store::OutboxRow&)> credit_push_fault(const Environment& env);

/**
 * Registers the outbox metrics read from the database at scrape time (at most once a second, so that every
 * instance's work counts): pactwatch_credit_outbox_rows{state}, pactwatch_credit_push_attempts_total (claims
 * over all rows), pactwatch_credit_push_last_success_timestamp_seconds and
 * pactwatch_credit_outbox_oldest_pending_age_seconds.
 */
void register_credit_outbox_metrics(Metrics& metrics, store::Database& database,
                                    std::chrono::milliseconds max_age = std::chrono::seconds{1});

/**
 * serve's dispatcher: a thread that runs Dispatcher::run_once every `interval` and counts this instance's
 * attempts (pactwatch_credit_push_results_total{outcome}) and delivery latencies
 * (pactwatch_credit_push_delivery_seconds, from the row's creation to its acknowledgement).
 */
class CreditPushService {
 public:
  CreditPushService(store::Database& database, credit::DispatchOptions options, std::chrono::seconds interval,
                    Metrics& metrics);
  ~CreditPushService();
  CreditPushService(const CreditPushService&) = delete;
  CreditPushService& operator=(const CreditPushService&) = delete;

  /** Asks the thread to stop after the attempt in flight and waits for it. */
  void stop();

 private:
  void loop();
  store::OutboxStore store_;
  credit::Dispatcher dispatcher_;
  std::chrono::seconds interval_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

/** `pactwatch outbox dispatch [--config FILE] [--KEY VALUE]...`. Exit codes: 0, 1 runtime failure, 2 usage.
 */
int run_outbox_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err);

}  // namespace pactwatch::server
