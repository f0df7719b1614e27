#include "adapters/sync/source_runner.hpp"

namespace pactwatch::sync {

domain::Result<RunReport> run_source(SyncStore& store, const RunOptions& options, const SourceSync& sync) {
  const std::string owner = options.owner.empty() ? default_owner() : options.owner;
  auto lease = store.acquire_lease(options.source, owner, options.lease_ttl);
  if (!lease) return std::unexpected(lease.error());
  auto before = store.cursor(options.source);
  if (!before) {
    (void)store.release_lease(*lease);
    return std::unexpected(before.error());
  }
  auto run_id = store.start_run(*lease, *before);
  if (!run_id) {
    (void)store.release_lease(*lease);
    return std::unexpected(run_id.error());
  }
  RunReport run;
  run.id = *run_id;
  run.source = options.source;
  run.owner = owner;
  run.epoch = lease->epoch;
  run.cursor_before = *before;

  BatchCounts total;
  std::size_t batches = 0;
  const AfterBatch after_batch = [&](const BatchCounts& counts) {
    total.add(counts);
    ++batches;
    if (options.after_batch) options.after_batch(counts);
    if (options.should_stop && options.should_stop()) throw SyncStopped{};
  };
  domain::Result<SourceSyncResult> result = SourceSyncResult{};
  bool stopped = false;
  try {
    result = sync(*lease, after_batch);
  } catch (const SyncStopped&) {
    stopped = true;
  } catch (const std::exception& e) {
    result = domain::fail(domain::ErrorCode::unavailable, std::string("sync failed: ") + e.what());
  }
  run.set_counts(total);
  if (stopped) {
    run.status = "failed";
    run.message = "stopped after " + std::to_string(batches) +
                  " committed batches (shutdown); the next run continues from the cursor";
  } else if (result) {
    run.status = "succeeded";
    run.errors = static_cast<std::int64_t>(result->errors);
    if (result->newest) {
      run.lag_seconds =
          std::chrono::duration_cast<std::chrono::seconds>(store.clock().now() - *result->newest).count();
    }
  } else {
    run.status = "failed";
    run.errors = 1;
    run.message = result.error().message;
  }
  if (auto after = store.cursor(options.source)) run.cursor_after = *after;
  (void)store.finish_run(run);
  (void)store.release_lease(*lease);
  return run;
}

SourceSync ocds_feed_source_sync(SyncStore& store, std::string url, HttpFeedOptions http,
                                 ImportOptions options) {
  return [&store, url = std::move(url), http = std::move(http), options = std::move(options)](
             const Lease& lease, const AfterBatch& after_batch) -> domain::Result<SourceSyncResult> {
    ImportOptions run_options = options;
    run_options.after_batch = after_batch;
    auto report = sync_ocds_feed(store, lease, url, http, run_options);
    if (!report) return std::unexpected(report.error());
    SourceSyncResult result;
    result.errors = report->errors;
    if (auto newest = domain::parse_instant(report->newest_release_date)) result.newest = *newest;
    return result;
  };
}

}  // namespace pactwatch::sync
