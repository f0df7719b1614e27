#pragma once
// The one real clock: domain::Clock (domain/ports.hpp) on std::chrono::system_clock. Every default "now" and
// "today" of the service reads it — request and write times, Asia/Shanghai "today" of detection and the
// workflow, sync leases and runs, the credit push, token times, new ids, trail checkpoints. Everything that
// takes time from outside takes it the one way, as a domain::Clock: WorkflowOptions::clock,
// ApiOptions::clock, DispatchOptions::clock, SyncStore's constructor; tests pass tests/fakes SimulatedClock.
// Header only: no target of its own.

#include <chrono>
#include <memory>

#include "domain/ports.hpp"

namespace pactwatch::clock {

/** The system clock as the domain's Clock port, to the millisecond. */
class SystemClock final : public domain::Clock {
 public:
  domain::Instant now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  domain::Date today() const override { return domain::shanghai_date(now()); }
};

/** The process's clock. */
inline const domain::Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

/** The process's clock as a shared handle, for options that are copied by value (it owns nothing). */
inline std::shared_ptr<const domain::Clock> shared_system_clock() {
  return {std::shared_ptr<const void>{}, &system_clock()};
}

}  // namespace pactwatch::clock
