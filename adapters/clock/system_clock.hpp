#pragma once
// The one real clock: domain::Clock (domain/ports.hpp) on std::chrono::system_clock. Every default "now" and
// "today" of the service reads it — request and write times, Asia/Shanghai "today" of detection and the
// workflow, sync leases and runs, the credit push, token times, new ids, trail checkpoints. Tests inject a
// fake through the same hooks as before (WorkflowOptions::today, SyncStore's clock, Dispatcher's now;
// tests/fakes SimulatedClock for the domain::Clock port). Header only: no target of its own.

#include <chrono>

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

}  // namespace pactwatch::clock
