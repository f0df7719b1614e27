#include "adapters/sync/exchange_source.hpp"

#include <vector>

namespace pactwatch::sync {

namespace d = pactwatch::domain;
namespace ex = platform::exchange;

std::optional<d::Instant> exchange_timestamp_instant(std::string_view timestamp) {
  if (timestamp.size() < 19) return std::nullopt;
  std::string text(timestamp);
  text[10] = 'T';
  auto instant = d::parse_instant(text + "+08:00");
  if (!instant) return std::nullopt;
  return *instant;
}

namespace {

/**
 * Stores again the rows quarantined because their contract was not stored yet (`unresolved_commitment`,
 * `unresolved_agreement`: a payment pushed before its contract), now that contracts arrived; an entry whose
 * row now stores cleanly is resolved. At most `kReprocessLimit` entries per run.
 */
constexpr std::size_t kReprocessLimit = 1000;

d::Result<void> reprocess_orphans(SyncStore& store, const Lease& lease, const std::string& cursor_text,
                                  const ExchangeSyncOptions& options, const AfterBatch& after_batch,
                                  ExchangeReport& report) {
  std::size_t tried = 0;
  for (const char* reason : {"unresolved_commitment", "unresolved_agreement"}) {
    QuarantineFilter filter;
    filter.source = lease.source;
    filter.status = "open";
    filter.reason = reason;
    filter.limit = 100;
    for (bool more = true; more && tried < kReprocessLimit;) {
      auto page = store.quarantine(filter);
      if (!page) return std::unexpected(page.error());
      more = page->size() == static_cast<std::size_t>(filter.limit);
      for (const QuarantineRow& q : *page) {
        filter.after_id = q.id;
        auto row = ex::row_from_json(q.entry.raw_text);
        if (!row) continue;  // not an exchange row
        ++tried;
        std::vector<SyncRecord> records;
        records.push_back(from_exchange(ex::map_row(*row, options.mapping), q.entry.raw_text));
        auto counts = store.write_batch(lease, records, {}, cursor_text, options.store, true);
        if (!counts) return std::unexpected(counts.error());
        if (counts->quarantine_entries == 0) {
          if (auto resolved = store.set_quarantine_status(q.id, "resolved"); !resolved) return resolved;
          ++report.reprocessed;
        }
        report.counts.add(*counts);
        if (after_batch) after_batch(*counts);
        if (tried >= kReprocessLimit) break;
      }
    }
  }
  return {};
}

}  // namespace

d::Result<ExchangeReport> sync_exchange(SyncStore& store, const Lease& lease, ex::ExchangeReader& reader,
                                        const ExchangeSyncOptions& options, const AfterBatch& after_batch) {
  auto cursor_text = store.cursor(lease.source);
  if (!cursor_text) return std::unexpected(cursor_text.error());
  auto cursor = ex::ExchangeCursor::parse(*cursor_text);
  if (!cursor) {
    return d::fail(d::ErrorCode::invalid, "the stored cursor of source " + lease.source +
                                              " is not an exchange cursor: " + cursor.error().message);
  }
  ExchangeReport report;
  for (const ex::ExchangeTable table : ex::kAllTables) {
    for (bool caught_up = false; !caught_up;) {
      auto batch = reader.read_batch(table, cursor->tables[table]);
      if (!batch) return std::unexpected(batch.error());
      caught_up = batch->caught_up;
      report.fetched += batch->fetched;
      report.duplicates += batch->duplicates;
      if (table == ex::ExchangeTable::contract) report.contracts += batch->rows.size();
      const bool moved = batch->cursor != cursor->tables[table];
      cursor->tables[table] = std::move(batch->cursor);
      if (batch->rows.empty() && !moved) continue;  // nothing read and nothing to remember
      std::vector<SyncRecord> records;
      records.reserve(batch->rows.size());
      for (const ex::ExchangeRow& row : batch->rows) {
        if (auto at = exchange_timestamp_instant(row.data_timestamp);
            at && (!report.newest || *at > *report.newest))
          report.newest = at;
        records.push_back(from_exchange(ex::map_row(row, options.mapping), ex::row_json(row)));
      }
      auto counts = store.write_batch(lease, records, {}, cursor->to_text(), options.store);
      if (!counts) return std::unexpected(counts.error());
      ++report.batches;
      report.counts.add(*counts);
      if (after_batch) after_batch(*counts);
    }
  }
  if (report.contracts > 0) {
    if (auto done = reprocess_orphans(store, lease, cursor->to_text(), options, after_batch, report); !done)
      return std::unexpected(done.error());
  }
  if (!report.newest) {
    // Nothing new this run: the lag is measured from the newest row read by any run.
    for (const auto& [table, c] : cursor->tables) {
      if (!c.high) continue;
      if (auto at = exchange_timestamp_instant(c.high->timestamp);
          at && (!report.newest || *at > *report.newest))
        report.newest = at;
    }
  }
  return report;
}

SourceSync exchange_source_sync(SyncStore& store, std::string url, ExchangeSyncOptions options) {
  return [&store, url = std::move(url), options = std::move(options)](
             const Lease& lease, const AfterBatch& after_batch) -> d::Result<SourceSyncResult> {
    auto source = ex::ExchangeSource::parse(url);
    if (!source) return std::unexpected(source.error());
    auto reader = ex::ExchangeReader::connect(*source, options.reader);
    if (!reader) return std::unexpected(reader.error());
    auto report = sync_exchange(store, lease, **reader, options, after_batch);
    if (!report) return std::unexpected(report.error());
    return SourceSyncResult{0, report->newest};
  };
}

}  // namespace pactwatch::sync
