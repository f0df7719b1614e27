#pragma once
// One run of a sync source, whatever its kind: take the source's lease, open a sync_runs row, sync from the
// stored cursor batch by batch, close the row with the counts, cursors and lag, give the lease back. Used by
// `pactwatch sync SOURCE` and by serve's scheduler (server/sync_scheduler.hpp) for ocds-http and
// exchange-mysql sources alike. A stop request (shutdown) is honoured between batches: every committed batch
// carries its cursor, so the next run continues where this one stopped.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "adapters/sync/file_import.hpp"
#include "adapters/sync/http_feed.hpp"
#include "adapters/sync/sync_store.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::sync {

/** What a source's sync reports besides the batch counts (which the runner adds up itself). */
struct SourceSyncResult {
  std::size_t errors = 0;                 ///< inputs that could not be read at all (quarantined)
  std::optional<domain::Instant> newest;  ///< timestamp of the newest record read so far, for the lag
};

/**
 * Syncs a source under `lease`, calling `after_batch` after each committed batch (the runner's counting,
 * detection and stop check; it may throw SyncStopped, which the sync lets through).
 */
using SourceSync = std::function<domain::Result<SourceSyncResult>(const Lease& lease, const AfterBatch&)>;

/** Thrown from AfterBatch to abandon a run between batches (the batch before it is committed). */
struct SyncStopped {};

/** How a run is made. */
struct RunOptions {
  std::string source;
  std::string owner;  ///< lease owner; empty: host name and process id
  std::chrono::seconds lease_ttl{60};
  AfterBatch after_batch;             ///< detection of the touched commitments, metrics
  std::function<bool()> should_stop;  ///< checked after each batch; true: the run ends there
};

/**
 * One run: lease (held elsewhere: `conflict`, no run row), run row, `sync`, closed run row (succeeded; failed
 * with the error's message; failed "stopped" when `should_stop` ended it), lease released. The run row is
 * returned whether the sync succeeded or not.
 */
domain::Result<RunReport> run_source(SyncStore& store, const RunOptions& options, const SourceSync& sync);

/**
 * The run's SourceSync of an OCDS feed (kind ocds-http): sync_ocds_feed from the stored since-cursor; the
 * lag is measured from the newest release date. `options.after_batch` is replaced by the runner's.
 */
SourceSync ocds_feed_source_sync(SyncStore& store, std::string url, HttpFeedOptions http,
                                 ImportOptions options);

}  // namespace pactwatch::sync
