#pragma once
// The configured sync sources (keys source.<name>.*, docs/SYNC.md "Operating"): one run of a source, as
// `pactwatch sync SOURCE` makes it; serve's scheduler, which runs every source whose schedule is not off at
// its interval on a thread of its own (never two runs of one source at once in a process; across processes
// the source's lease decides, and an instance that finds it held skips the run and logs it); and the
// per-source metrics, read from the sync_runs table at scrape time so that runs of other processes
// (a `pactwatch sync` cron job, another serve instance) count too.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/sync/source_runner.hpp"
#include "server/api/workflow_routes.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"

namespace pactwatch::server {

/** How batches are stored, from the configuration (`sync_sqlite_cache_mib`, `sync_sqlite_checkpoint_mib`). */
sync::StoreOptions sync_store_options(const Config& config);

/**
 * One run of `source` (ocds-http or exchange-mysql) under its lease, with `after_batch` (detection) after
 * each batch; `url` overrides the configured URL when not empty. `store` gives the session settings; the
 * source's default region and body replace its own. A lease held elsewhere is `conflict` (no run).
 */
domain::Result<sync::RunReport> run_configured_source(store::Database& database, const SourceConfig& source,
                                                      const std::string& owner, sync::AfterBatch after_batch,
                                                      std::function<bool()> should_stop = {},
                                                      const std::string& url = {},
                                                      sync::StoreOptions store = {});

/** What the scheduler needs besides the sources. */
struct SchedulerOptions {
  std::string owner;         ///< lease owner of this instance; empty: host name and process id
  bool detection = true;     ///< detection of the touched commitments after each batch
  WorkflowOptions workflow;  ///< the configured workflow (calendar, policy) detection runs with
  sync::StoreOptions store;  ///< session settings of the batch writer (sync_store_options)
};

/**
 * Runs the sources whose schedule is not off: each at once, then every `schedule` after the start of its
 * previous run (immediately when a run took longer), on its own thread. Destruction (SIGTERM) stops the
 * threads: a run in progress ends after the batch it is writing (committed with its cursor, so the next run
 * continues from there) and is recorded `failed` "stopped"; waiting threads wake at once.
 */
class SyncScheduler {
 public:
  SyncScheduler(store::Database& database, std::vector<SourceConfig> sources, SchedulerOptions options);
  ~SyncScheduler();
  SyncScheduler(const SyncScheduler&) = delete;
  SyncScheduler& operator=(const SyncScheduler&) = delete;

  /** Asks every thread to stop and waits for them. */
  void stop();

 private:
  void loop(const SourceConfig& source);
  store::Database& database_;
  std::vector<SourceConfig> sources_;
  SchedulerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

/**
 * Registers, for each source name, pactwatch_sync_runs_total{source,status}, pactwatch_sync_records_total
 * {source,outcome}, pactwatch_sync_lag_seconds{source} and pactwatch_sync_last_success_timestamp_seconds
 * {source}, read from sync_runs at scrape time (a few indexed queries, the figures reused for `max_age`).
 */
void register_sync_metrics(Metrics& metrics, store::Database& database,
                           const std::vector<std::string>& sources,
                           std::chrono::milliseconds max_age = std::chrono::seconds{1});

}  // namespace pactwatch::server
