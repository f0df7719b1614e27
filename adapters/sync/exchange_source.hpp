#pragma once
// The exchange database (前置库) as a sync source (kind exchange-mysql): reads each table incrementally by
// (DATA_TIMESTAMP, key) with the safety window (adapters/platform/exchange/reader.hpp), drops rows read
// twice, maps each row (from_exchange) and stores every page as one batch through SyncStore::write_batch,
// with the whole ExchangeCursor (all tables) written in the same transaction. Tables are read in kAllTables
// order (contracts first), so a round's payments, changes and terminations find the contracts it stored.

#include <optional>
#include <string>

#include "adapters/platform/exchange/mapping.hpp"
#include "adapters/platform/exchange/reader.hpp"
#include "adapters/sync/file_import.hpp"
#include "adapters/sync/source_runner.hpp"
#include "adapters/sync/sync_store.hpp"
#include "domain/result.hpp"

namespace pactwatch::sync {

/** How the exchange source is read, mapped and stored; defaults in docs/SYNC.md and docs/EXCHANGE_DB.md. */
struct ExchangeSyncOptions {
  platform::exchange::ReaderOptions reader;    ///< page size (= batch size), safety window, timeouts
  platform::exchange::MappingOptions mapping;  ///< key prefix, default payment term, reason keywords
  StoreOptions store;
};

/** What one exchange sync did. */
struct ExchangeReport {
  BatchCounts counts;
  std::size_t batches = 0;
  std::size_t fetched = 0;                ///< rows the queries returned
  std::size_t duplicates = 0;             ///< of those, rows read again with the same content (dropped)
  std::size_t contracts = 0;              ///< contract rows handed to the store
  std::size_t reprocessed = 0;            ///< rows of unknown contracts stored once their contract came
  std::optional<domain::Instant> newest;  ///< the newest DATA_TIMESTAMP read (Asia/Shanghai), for the lag
};

/**
 * Syncs every table once to its end under `lease`: one write_batch per page (rows mapped, cursor of all
 * tables), `after_batch` after each. Dependent rows whose contract is not stored are quarantined by the store
 * (`unresolved_commitment`); after a run that stored contracts, those entries (up to 1000) are stored again
 * from their raw row and resolved when they now store cleanly. A failure of the reader (`unavailable`,
 * `invalid`) or the store (`conflict`: the lease was lost) stops the sync; the batches committed before it
 * stay.
 */
domain::Result<ExchangeReport> sync_exchange(SyncStore& store, const Lease& lease,
                                             platform::exchange::ExchangeReader& reader,
                                             const ExchangeSyncOptions& options,
                                             const AfterBatch& after_batch);

/** The run's SourceSync: connects to `url` (mysql://…), then sync_exchange. */
SourceSync exchange_source_sync(SyncStore& store, std::string url, ExchangeSyncOptions options);

/** DATA_TIMESTAMP text ("YYYY-MM-DD HH:MM:SS.ffffff", Beijing time as the platform writes it) as an instant.
 */
std::optional<domain::Instant> exchange_timestamp_instant(std::string_view timestamp);

}  // namespace pactwatch::sync
