#pragma once
// GB/T 2260 reference data (行政区划) for the regions table: loaded by seed-demo (or an import) from
// config/regions/, never written through the API. The ledger store reads it (LedgerStore::regions).

#include <span>

#include "adapters/store/database.hpp"
#include "adapters/store/ledger_store.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/**
 * Inserts the regions that are not stored yet, in the given order (parents before children), in one
 * transaction, each with its trail entry (`region.create`, made by `context`; docs/TRAIL.md §8.2); existing
 * codes are left as they are. Returns how many were inserted.
 */
domain::Result<int> insert_missing_regions(Database& db, std::span<const RegionRow> regions,
                                           const WriteContext& context);

}  // namespace pactwatch::store
