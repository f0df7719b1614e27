#pragma once
// The clock of every test: the domain's Clock port (domain/ports.hpp), moved only when the test says so.
// Passed wherever the service takes time from outside (WorkflowOptions::clock, ApiOptions::clock,
// DispatchOptions::clock, SyncStore's constructor).

#include <chrono>
#include <memory>

#include "domain/date.hpp"
#include "domain/ports.hpp"

namespace pactwatch::testing {

/** A clock set by the test. today() is the Asia/Shanghai date of now(). */
class SimulatedClock : public domain::Clock {
 public:
  explicit SimulatedClock(domain::Instant start) : now_(start) {}
  /** 08:00 in Asia/Shanghai (00:00 UTC) on `date`. */
  explicit SimulatedClock(domain::Date date) : now_(std::chrono::sys_days{date}) {}
  domain::Instant now() const override { return now_; }
  domain::Date today() const override { return domain::shanghai_date(now_); }
  void advance(std::chrono::milliseconds d) { now_ += d; }
  void set(domain::Instant t) { now_ = t; }

 private:
  domain::Instant now_;
};

/** A shared clock fixed at `date` (08:00 Asia/Shanghai), for options copied by value. */
inline std::shared_ptr<SimulatedClock> clock_on(domain::Date date) {
  return std::make_shared<SimulatedClock>(date);
}

}  // namespace pactwatch::testing
