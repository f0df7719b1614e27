#pragma once
// The credit-platform push (归集至信用信息共享平台, DESIGN §7, docs/CREDIT_PUSH.md): sends the outbox's rows
// (adapters/store/credit_outbox.hpp) to the configured endpoint, one at a time, each POSTed with its record
// id in the body and as the Idempotency-Key header. A 2xx settles the row `sent`; a network failure, a
// timeout, 408, 425, 429 or a 5xx schedules it again after an exponential back-off with equal jitter (never
// sooner than half the ceiling, so a platform that just failed is not hit again at once; or the endpoint's
// Retry-After), until max_attempts; any other answer (a 4xx that will never succeed) fails it
// at once. A `failed` row waits for an operator (POST /api/v1/outbox/{id}/retry) and holds back the later
// rows of its breach, so the receiver sees each breach's events in order.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "adapters/clock/system_clock.hpp"
#include "adapters/http/http_client.hpp"
#include "adapters/store/credit_outbox.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::credit {

/** Where and how to push; the defaults are the documented ones (docs/CONFIGURATION.md). */
struct DispatchOptions {
  std::string url;           ///< the endpoint (http:// or https://)
  std::string bearer_token;  ///< sent as Authorization: Bearer when not empty
  http_client::ClientOptions http{std::chrono::milliseconds{5'000},
                                  std::chrono::milliseconds{10'000},
                                  1024 * 1024,
                                  {},
                                  "pactwatch-credit-push"};
  int max_attempts = 8;                               ///< per row, the first included
  std::chrono::milliseconds initial_backoff{30'000};  ///< the first retry waits up to this
  std::chrono::milliseconds max_backoff{3'600'000};   ///< no wait is longer (Retry-After included)
  std::string owner;  ///< the name claims are made in (host and process); empty: sync::default_owner style
  /** "Now"; tests step a SimulatedClock. */
  std::shared_ptr<const domain::Clock> clock = pactwatch::clock::shared_system_clock();
  /** Fault injection for the crash tests: runs after the endpoint acknowledged a row, before it is settled.
   */
  std::function<void(const store::OutboxRow&)> after_delivery;
};

/** How long a claim lasts: both timeouts of one attempt plus 5 s, so a live sender never loses its row. */
std::chrono::milliseconds claim_lease(const DispatchOptions& options);

/**
 * The outcome of attempt number `attempts` (1-based) that got `answer`: sent (2xx); pending again after the
 * back-off (retryable, attempts left); failed otherwise. `now` dates the next attempt. Pure but for `random`.
 */
store::OutboxOutcome decide(const domain::Result<http_client::Answer>& answer, int attempts,
                            const DispatchOptions& options, domain::Instant now, std::mt19937_64& random);

/** One attempt as it ended. */
struct Attempt {
  store::OutboxRow row;  ///< as claimed
  store::OutboxOutcome outcome;
  bool settled = true;  ///< false: the claim was lost meanwhile (another instance owns the row now)
  std::optional<std::chrono::milliseconds> delivery_latency;  ///< sent: from the row's creation
};

/** What run_once did. */
struct DispatchReport {
  int sent = 0, retried = 0, failed = 0, lost = 0;
  std::vector<Attempt> attempts;
};

/** Sends due rows of an outbox store. Not thread-safe; one per thread. */
class Dispatcher {
 public:
  Dispatcher(store::OutboxStore& store, DispatchOptions options);

  /**
   * Claims and sends due rows one at a time until none is due or `should_stop` says so; `on_attempt` (when
   * set) sees every attempt as it ends. A database error stops the pass and is returned.
   */
  domain::Result<DispatchReport> run_once(const std::function<bool()>& should_stop = {},
                                          const std::function<void(const Attempt&)>& on_attempt = {});

 private:
  domain::Instant now() const;
  store::OutboxStore& store_;
  DispatchOptions options_;
  std::mt19937_64 random_;
};

}  // namespace pactwatch::credit
