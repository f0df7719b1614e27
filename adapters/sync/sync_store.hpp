#pragma once
// What the sync layer keeps in the database (sql/*/0006_sync.sql, docs/SYNC.md): the lease that lets one
// syncer per source write (with a fencing epoch), the cursor, the run reports, the quarantine, and the
// external keys that make storing a batch idempotent by (source, external key, content hash).
//
// write_batch() is the heart: ONE LedgerStore transaction that checks the lease's epoch, stores every record
// (absent key: insert + trail entry; same hash: unchanged; other hash: update, or a correcting fact), keeps
// the quarantine entries and writes the cursor. A crash before its commit leaves nothing of the batch.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/database.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/sync/sync_record.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::sync {

/** The right to sync one source until `expires_at`; `epoch` fences out a holder whose lease was taken over.
 */
struct Lease {
  std::string source;
  std::string owner;
  std::int64_t epoch = 0;
  std::string expires_at;  ///< RFC 3339 UTC
};

/** How records are stored; the defaults are documented in docs/SYNC.md and docs/CONFIGURATION.md. */
struct StoreOptions {
  /// GB/T 2260 region of a body whose identifier carries none (no credit code): 楚雄州. A body that says
  /// it is abroad (KeyedParty::outside) never gets it: its region stays unknown (empty).
  std::string default_region = "532300";
  /// Body id used for an agreement whose government party cannot be resolved; empty: quarantine it.
  std::string default_body_id;
  /// How long a lease lasts after each check; a syncer that stops checking loses it after this.
  std::chrono::seconds lease_ttl{60};
  /// SQLite only: the page cache (MiB) of a session that writes a batch (config `sync_sqlite_cache_mib`).
  /// SQLite's default of 2 MiB spills a batch's dirty pages to the WAL before the commit and rereads index
  /// pages through the OS; 64 MiB keeps a batch of 500 releases in memory. A cache that holds all the
  /// (hash-keyed) indexes saved system time but cost as much user time (docs/PERFORMANCE.md, "Sync"). 0
  /// leaves SQLite's default.
  int sqlite_cache_mib = 64;
  /// SQLite only: the WAL size (MiB) after which a commit of that session checkpoints it into the database
  /// file (config `sync_sqlite_checkpoint_mib`). SQLite's default is about 4 MiB; a larger WAL writes a page
  /// that many batches change into the file once instead of once per checkpoint. 0 leaves SQLite's default.
  int sqlite_checkpoint_mib = 256;
  /// Write "detection pending" rows (detection_pending) for the commitments each batch touches, in the
  /// batch's transaction: detection drains them (server/cli_sync.hpp), so that a crash between a batch's
  /// commit and its detection loses no breach. Off for an import run without detection.
  bool detection_pending = false;
  /// The date detection judges the touched commitments as of; absent: each record's own date (a release's
  /// `date`), else the clock's date in Asia/Shanghai.
  std::optional<domain::Date> as_of;
};

/** What a batch (or a run) did. "Records" are releases or rows; "entities" what they became. */
struct BatchCounts {
  std::size_t records = 0;
  std::size_t created = 0;      ///< records that created or changed something
  std::size_t unchanged = 0;    ///< records stored before with the same content hash
  std::size_t quarantined = 0;  ///< records quarantined as a whole
  std::size_t entities_created = 0;
  std::size_t entities_updated = 0;  ///< updates, and correcting facts for changed facts
  std::size_t entities_unchanged = 0;
  std::size_t quarantine_entries = 0;            ///< every entry: input problems, records, sub-objects
  std::map<std::string, std::size_t> by_reason;  ///< quarantine reason -> entries
  std::vector<std::string> touched_commitments;  ///< commitment ids created, updated or given a fact
  std::map<std::string, std::size_t> not_kept;   ///< read and deliberately not kept, by kind (MappingResult)
  std::map<std::string, std::size_t> warnings;   ///< values read with a warning, by kind
  std::set<std::string> regions;  ///< regions of the bodies whose records the batch created or changed

  void add(const BatchCounts& other);
  /** "12 records: 10 imported, 1 unchanged, 1 quarantined; 3 entries quarantined (missing_id: 1, …)". */
  std::string describe() const;
};

/** One run of a source, as GET /api/v1/sync/runs reports it. */
struct RunReport {
  std::int64_t id = 0;
  std::string source, owner;
  std::int64_t epoch = 0;
  std::string started_at, ended_at;  ///< ended_at empty while running (or after a crash)
  std::string status = "running";    ///< running | succeeded | failed
  std::int64_t fetched = 0, created = 0, updated = 0, unchanged = 0, quarantined = 0, errors = 0;
  std::string cursor_before, cursor_after;
  std::optional<std::int64_t> lag_seconds;  ///< from the newest record's timestamp to the run's end
  std::map<std::string, std::size_t> reasons;
  std::string message;
  /// The narrowest region containing every body the run touched (domain::enclosing_region); empty when it
  /// touched none or spans provinces. Region-scoped tokens see a run only when this lies in their region.
  std::string region;

  /** Takes fetched, created, updated, unchanged, quarantined, the reasons and the region from a run's summed
   * batches. */
  void set_counts(const BatchCounts& total);
};

/** One quarantine row. */
struct QuarantineRow {
  std::int64_t id = 0;
  std::string source;
  SyncQuarantine entry;
  std::string status;  ///< open | resolved | failed
  std::string created_at, updated_at;
  /// The narrowest region containing the bodies the quarantined record names; empty when it names none (an
  /// unreadable line, a record without a known party): then only unscoped tokens see the entry.
  std::string region;
};

/** Filters for the quarantine list; empty means any. */
struct QuarantineFilter {
  std::string source, status, reason;
  std::int64_t after_id = 0;
  int limit = 50;
  std::string scope{};  ///< a token's region: only entries filed within it (empty: every entry)
};

/** A commitment a batch touched whose detection has not run yet (table detection_pending). */
struct PendingDetection {
  std::int64_t id = 0;
  std::string commitment_id;
  domain::Date as_of{};
};

/** The sync tables on a Database. Thread-safe: each call borrows its own session. */
class SyncStore {
 public:
  /** `clock` ("now" for leases and timestamps; tests step a SimulatedClock) must outlive the store. */
  explicit SyncStore(store::Database& database,
                     const domain::Clock& clock = pactwatch::clock::system_clock());

  /**
   * Takes the lease of `source` for `owner` when it is free, expired, or already `owner`'s; every taking
   * raises the epoch. Held by another owner: `conflict` naming the holder and its expiry.
   */
  domain::Result<Lease> acquire_lease(const std::string& source, const std::string& owner,
                                      std::chrono::seconds ttl);
  /** Ends the lease now (only if still held with this epoch). */
  domain::Result<void> release_lease(const Lease& lease);
  /** The current holder row, if any. */
  domain::Result<std::optional<Lease>> lease(const std::string& source);

  /** The stored cursor of `source`; empty when it never synced. */
  domain::Result<std::string> cursor(const std::string& source);

  /**
   * Stores `records` and `problems` and sets the cursor to `cursor_after`, in ONE transaction that first
   * extends the lease: `UPDATE sync_leases … WHERE source, owner, epoch AND expires_at > now` must change
   * one row, else nothing is written and the answer is `conflict` (the lease was lost or taken over).
   * `force` re-applies records whose content hash is unchanged (quarantine re-processing).
   */
  domain::Result<BatchCounts> write_batch(const Lease& lease, std::span<SyncRecord> records,
                                          std::span<const SyncQuarantine> problems,
                                          const std::string& cursor_after, const StoreOptions& options,
                                          bool force = false);

  /** Opens a run row (status running). */
  domain::Result<std::int64_t> start_run(const Lease& lease, const std::string& cursor_before);
  /** Closes a run row with its counts. */
  domain::Result<void> finish_run(const RunReport& report);
  /**
   * Runs, newest first, optionally of one source, with ids below `before_id` (0: from the newest); with a
   * `scope` (a token's region) only the runs filed within it.
   */
  domain::Result<std::vector<RunReport>> runs(const std::string& source, std::int64_t before_id, int limit,
                                              const std::string& scope = {});

  domain::Result<std::vector<QuarantineRow>> quarantine(const QuarantineFilter& filter);
  domain::Result<QuarantineRow> quarantine_entry(std::int64_t id);
  domain::Result<void> set_quarantine_status(std::int64_t id, const std::string& status);

  /** RFC 3339 text of the clock's now. */
  std::string now_text() const;
  /** The store's clock. */
  const domain::Clock& clock() const { return *clock_; }

  /** Up to `limit` rows of detection_pending, oldest as-of first. */
  domain::Result<std::vector<PendingDetection>> pending_detection(std::size_t limit);
  /**
   * Deletes the detection_pending rows `ids` inside `tx`, the transaction of the detection run that handled
   * them (the one that opens their breaches): both commit together or neither does.
   */
  static domain::Result<void> delete_pending_detection(store::LedgerTransaction& tx,
                                                       std::span<const std::int64_t> ids);

 private:
  store::Database& database_;
  store::LedgerStore ledger_;
  const domain::Clock* clock_;
};

}  // namespace pactwatch::sync
