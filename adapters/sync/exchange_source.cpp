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
