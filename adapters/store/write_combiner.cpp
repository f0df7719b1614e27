#include "adapters/store/write_combiner.hpp"

#include <algorithm>
#include <vector>

namespace pactwatch::store {

void WriteCombiner::submit(Job& job, const Runner& run) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  for (;;) {
    if (job.done) return;
    if (running_) {
      ran_.wait(lock);
      continue;
    }
    running_ = true;
    const std::size_t n = std::min(max_group_, queue_.size());
    std::vector<Job*> group(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    try {
      run(group);
    } catch (...) {
      // A runner must not throw; if one did, its jobs end without an outcome (LedgerStore::write reports
      // that as an error) rather than leaving the combiner running forever.
    }
    lock.lock();
    for (Job* j : group)
      j->done = true;
    ++groups_;
    writes_ += group.size();
    running_ = false;
    ran_.notify_all();
  }
}

WriteCombiner::Stats WriteCombiner::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{groups_, writes_, queue_.size()};
}

}  // namespace pactwatch::store
