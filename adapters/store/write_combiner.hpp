#pragma once
// Group commit for the write transactions of one Database (docs/PERFORMANCE.md, "Trail"). Concurrent writers
// queue their work; whichever finds no group running leads: it takes every queued write (up to a maximum),
// runs them one after the other in ONE transaction and commits once, then wakes the others with their
// results. Writers that came while a group ran form the next group. The per-commit costs — the SQLite WAL
// frames and their fsync, the MySQL redo-log flush, and the trail's chain-head read, lock and update — are
// then paid once per group rather than once per write, while each write still sees the effects of the ones
// committed before it in the same order as the trail's sequence numbers.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>

namespace pactwatch::store {

/** Leader/follower queue of one Database's writes. Thread-safe. */
class WriteCombiner {
 public:
  /** One queued write; the caller derives from it what its group runner needs. */
  struct Job {
    bool done = false;             ///< set (under the lock) once a group ran this job
    bool lead = false;             ///< set (under the lock) when this job's thread is to run the next group
    std::condition_variable wake;  ///< signalled for done or lead: only this job's thread wakes
  };
  /** Runs a group: every job in `group` must have its outcome when it returns; must not throw. */
  using Runner = std::function<void(std::span<Job* const> group)>;

  /** `max_group`: most writes in one transaction (1: each write alone, as without the combiner). */
  explicit WriteCombiner(std::size_t max_group) : max_group_(max_group < 1 ? 1 : max_group) {}

  /**
   * Queues `job` and returns once a group holding it has run: led by this thread (through `run`, with the
   * jobs queued at that moment) or by another. A leader wakes the threads of its group's jobs and hands the
   * lead to the first job still queued, if any; threads are never woken for someone else's group.
   */
  /**
   * Returns false, without running `job`, when called from inside a group this thread is running (a write
   * that starts another write in its transaction): that write would wait for its own group forever.
   */
  [[nodiscard]] bool submit(Job& job, const Runner& run);

  /** Counters for /metrics and the tests. */
  struct Stats {
    std::uint64_t groups = 0;  ///< groups run so far
    std::uint64_t writes = 0;  ///< writes run in them (writes / groups: the mean group size)
    std::size_t queued = 0;    ///< writes waiting for the next group right now
  };
  Stats stats() const;

 private:
  const std::size_t max_group_;
  mutable std::mutex mutex_;
  std::deque<Job*> queue_;
  bool running_ = false;
  std::uint64_t groups_ = 0, writes_ = 0;
};

}  // namespace pactwatch::store
