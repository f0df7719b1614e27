#pragma once
// `pactwatch import FILE…`: reads OCDS files (release packages, record packages, JSON Lines) release by
// release, maps each, and stores them in batches through SyncStore::write_batch under the source's lease.
// A second thread reads and maps while the caller writes; memory stays bounded by three batches, whatever the
// file size.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "adapters/platform/ocds/mapping.hpp"
#include "adapters/sync/sync_store.hpp"
#include "domain/result.hpp"

namespace pactwatch::sync {

/** Called after each committed batch with its counts (detection of the touched commitments, metrics). */
using AfterBatch = std::function<void(const BatchCounts&)>;

/** How an import runs; defaults in docs/SYNC.md. */
struct ImportOptions {
  std::string source = "file";   ///< the source name: lease, cursor, runs and external keys are per source
  std::string owner;             ///< lease owner; empty: host name and process id
  std::size_t batch_size = 500;  ///< releases per transaction
  /// Releases per transaction while the source has no cursor yet (its first import; config
  /// `sync_first_import_batch_size`); 0, or not above batch_size: batch_size. Fewer, larger commits write
  /// each index page fewer times; each batch is still one transaction with its cursor (crash-safe alike).
  std::size_t first_import_batch_size = 0;
  StoreOptions store;
  platform::ocds::MappingOptions mapping;
  AfterBatch after_batch;
};

/** What one file gave. */
struct FileReport {
  std::string path;
  BatchCounts counts;
  std::size_t input_problems =
      0;               ///< input that was not a release at all (counted in counts.quarantine_entries)
  bool empty = false;  ///< the file holds nothing but white space: nothing was read, nothing quarantined
};

/** What the whole import did. */
struct ImportReport {
  std::int64_t run_id = 0;
  std::vector<FileReport> files;
  BatchCounts total;
};

/** "host:pid", the default lease owner of this process. */
std::string default_owner();

/**
 * Imports `paths` in order under one lease and one run row. A file that cannot be opened is quarantined
 * (malformed_json) like any unreadable input. A lost lease or a database failure stops the import with that
 * error; batches committed before it stay (they are idempotent, so running the import again completes it).
 */
domain::Result<ImportReport> import_ocds_files(SyncStore& store, std::span<const std::string> paths,
                                               const ImportOptions& options);

/** The same under a lease the caller holds (no run row): for tests and for the scheduler. */
domain::Result<FileReport> import_ocds_file(SyncStore& store, const Lease& lease, const std::string& path,
                                            const ImportOptions& options);

}  // namespace pactwatch::sync
