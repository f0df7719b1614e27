#pragma once
// The ports (DESIGN §9): the small abstract interfaces through which the domain's callers read the ledger,
// write findings and breach transitions, and learn the time. The store adapter implements the ledger
// ports on SOCI; tests use the in-memory fakes in tests/fakes/. Nothing in domain/ reads the clock but
// through Clock.

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/breach.hpp"
#include "domain/breach_lifecycle.hpp"
#include "domain/ledger.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

namespace pactwatch::domain {

/** Which part of the ledger a read covers: a region prefix (empty: everything). */
struct Scope {
  std::string region;  ///< GB/T 2260 code; a token scoped to 532301 sees only bodies within it
};

/** The calendar date in Asia/Shanghai (UTC+8, no daylight saving) of the instant `t`. */
inline Date shanghai_date(Instant t) {
  return Date{std::chrono::floor<std::chrono::days>(t + std::chrono::hours{8})};
}

/**
 * "Now", the only way to learn it. The real one is adapters/clock/system_clock.hpp; tests use
 * tests/fakes SimulatedClock.
 */
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
  /** The calendar date in Asia/Shanghai (UTC+8, no daylight saving) of now(). */
  virtual Date today() const = 0;
};
using ClockPtr = std::unique_ptr<Clock>;

/** Reading the ledger. Every read is confined to a scope. */
class LedgerReader {
 public:
  virtual ~LedgerReader() = default;
  /** Organizations, agreements, commitments and facts of bodies in scope, linked (see link_ledger). */
  virtual Result<Ledger> load_ledger(const Scope& scope) = 0;
  virtual Result<std::vector<Body>> bodies(const Scope& scope) = 0;
  virtual Result<std::vector<Official>> officials(const Scope& scope) = 0;
  virtual Result<std::vector<Breach>> breaches(const Scope& scope) = 0;
  /** `not_found` when the breach does not exist or lies outside the scope. */
  virtual Result<Breach> breach(const Scope& scope, const std::string& id) = 0;
};

/** Writing what detection found and what the workflow decided. */
class BreachWriter {
 public:
  virtual ~BreachWriter() = default;
  /**
   * Opens a breach (state detected, responsible officials filled in) for each finding whose key no
   * breach carries yet, and returns the ones opened. Idempotent: the same findings again open nothing.
   */
  virtual Result<std::vector<Breach>> open_breaches(std::span<const Finding> findings, Date detected_on,
                                                    const std::string& actor) = 0;
  /**
   * Stores a transition. `expected_state` is the state the transition started from: a breach that moved
   * meanwhile is `stale` (optimistic concurrency), so two supervisors cannot both act on one state.
   */
  virtual Result<void> save_transition(const Transition& transition, BreachState expected_state) = 0;
};

}  // namespace pactwatch::domain
