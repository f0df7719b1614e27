#pragma once
// The incremental position of the exchange reader, per table, by (DATA_TIMESTAMP, key), with a safety
// window: each pass over a table starts `safety_window_seconds` before the highest row read so far, so a
// row committed late with an older DATA_TIMESTAMP is still read. Rows read again are dropped by
// (table, key, content hash) against the `recent` rows the cursor remembers. The cursor is a value: the
// caller persists it (to_text) together with what it did with the rows of the batch.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/platform/exchange/row.hpp"
#include "adapters/platform/exchange/tables.hpp"
#include "domain/result.hpp"

namespace pactwatch::platform::exchange {

/** A (DATA_TIMESTAMP, key) position; timestamps are "YYYY-MM-DD HH:MM:SS.ffffff" and compare as text. */
struct Position {
  std::string timestamp;
  std::string key;
  friend auto operator<=>(const Position&, const Position&) = default;
  friend bool operator==(const Position&, const Position&) = default;
};

/** A row read recently: enough to recognize it when the safety window reads it again. */
struct SeenRow {
  std::string key;
  std::string content_hash;
  std::string timestamp;
  friend bool operator==(const SeenRow&, const SeenRow&) = default;
};

/** Where the reader stands in one table. */
struct TableCursor {
  std::optional<Position> high;  ///< the largest (DATA_TIMESTAMP, key) read so far; none before the first row
  std::optional<Position> scan;  ///< the position of the pass under way; none: the next batch starts a pass
  std::vector<SeenRow> recent;   ///< rows with DATA_TIMESTAMP >= high - window, one per key, sorted by key
  friend bool operator==(const TableCursor&, const TableCursor&) = default;
};

/** The cursors of all tables of one source, with a text form for persisting. */
struct ExchangeCursor {
  std::map<ExchangeTable, TableCursor> tables;

  /** Compact JSON. */
  std::string to_text() const;
  /** Parses to_text(); "" is the empty cursor (read from the beginning). Bad text is `invalid`. */
  static domain::Result<ExchangeCursor> parse(std::string_view text);
  friend bool operator==(const ExchangeCursor&, const ExchangeCursor&) = default;
};

/** The timestamp `seconds` before `timestamp` ("YYYY-MM-DD HH:MM:SS.ffffff"); bad text is `invalid`. */
domain::Result<std::string> timestamp_minus(std::string_view timestamp, int seconds);

/** The earliest DATETIME(6) MariaDB stores: where a table with no cursor is read from. */
inline constexpr std::string_view kBeginningOfTime = "1000-01-01 00:00:00.000000";

/** What one batch of a table gave. */
struct Batch {
  ExchangeTable table = ExchangeTable::contract;
  std::vector<ExchangeRow> rows;  ///< new rows and new versions of rows, in (DATA_TIMESTAMP, key) order
  std::size_t fetched = 0;        ///< rows the query returned
  std::size_t duplicates = 0;     ///< of those, rows already read with the same content hash (dropped)
  bool caught_up = false;         ///< this page reached the end of the table: the pass is over
  TableCursor cursor;             ///< the cursor after this batch: persist it with what the rows became
};

/** Where a batch's query starts: the scan position of the pass under way, else high - window. */
domain::Result<Position> batch_start(const TableCursor& cursor, int safety_window_seconds);

/**
 * Folds one fetched page into the cursor: drops rows already seen with the same hash, advances the scan
 * and the high position, remembers the rows within the window and forgets older ones. `fetched` is in
 * (DATA_TIMESTAMP, key) order; a page shorter than `page_size` ends the pass.
 */
domain::Result<Batch> fold_page(ExchangeTable table, const TableCursor& before,
                                std::vector<ExchangeRow> fetched, std::size_t page_size,
                                int safety_window_seconds);

}  // namespace pactwatch::platform::exchange
