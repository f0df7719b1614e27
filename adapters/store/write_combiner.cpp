#include "adapters/store/write_combiner.hpp"

#include <algorithm>
#include <vector>

namespace pactwatch::store {

namespace {
/** The combiner whose group this thread is running, if any. */
thread_local const WriteCombiner* running_here = nullptr;
}  // namespace

bool WriteCombiner::submit(Job& job, const Runner& run) {
  if (running_here == this) return false;
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  if (running_) {
    job.wake.wait(lock, [&] { return job.done || job.lead; });
    if (job.done) return true;
    // The last leader handed the lead to this job, the first queued: running_ stayed true meanwhile, so
    // nobody else started a group.
  } else {
    // No group running means nothing was queued before this job: it is the front and leads.
    running_ = true;
  }
  job.lead = false;
  const std::size_t n = std::min(max_group_, queue_.size());
  std::vector<Job*> group(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  lock.unlock();
  running_here = this;
  try {
    run(group);
  } catch (...) {
    // A runner must not throw; if one did, its jobs end without an outcome (LedgerStore::write reports
    // that as an error) rather than leaving the combiner running forever.
  }
  running_here = nullptr;
  lock.lock();
  ++groups_;
  writes_ += group.size();
  for (Job* j : group) {
    j->done = true;
    if (j != &job) j->wake.notify_one();
  }
  if (queue_.empty()) {
    running_ = false;
  } else {
    // The lead passes to the first queued job (running_ stays true); a leader's own job is always in its
    // group, since a leader is the front of the queue when it takes the group.
    queue_.front()->lead = true;
    queue_.front()->wake.notify_one();
  }
  return true;
}

WriteCombiner::Stats WriteCombiner::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{groups_, writes_, queue_.size()};
}

}  // namespace pactwatch::store
