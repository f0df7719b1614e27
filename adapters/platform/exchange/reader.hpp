#pragma once
// The reader of the exchange database (前置库) over MySQL Connector/C++ 1.1: one connection, one prepared
// page query per table, values bound. Each call reads one page of one table after the cursor and returns
// the new and changed rows with the cursor to persist (cursor.hpp explains the safety window).

#include <cstddef>
#include <map>
#include <memory>

#include "adapters/platform/exchange/cursor.hpp"
#include "adapters/platform/exchange/source.hpp"
#include "domain/result.hpp"

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace pactwatch::platform::exchange {

/** Paging and lateness; defaults documented in docs/EXCHANGE_DB.md. */
struct ReaderOptions {
  /// Rows per query. A pass over a table ends with the first page shorter than this.
  std::size_t page_size = 500;
  /// Each pass re-reads rows whose DATA_TIMESTAMP is this many seconds below the highest read, to catch
  /// transactions that committed after rows stamped later (the platform stamps before it commits).
  int safety_window_seconds = 300;
  /// Connector/C++ timeouts, in seconds.
  int connect_timeout_seconds = 10;
  int read_timeout_seconds = 60;
};

class ExchangeReader;
using ExchangeReaderPtr = std::unique_ptr<ExchangeReader>;

/**
 * Reads the exchange tables incrementally. Not thread-safe (one connection). Errors: the server cannot be
 * reached or the connection broke → `unavailable`; a query the server rejects (a table missing) →
 * `invalid`; both name the source (password redacted) and the server's message.
 */
class ExchangeReader {
 public:
  static domain::Result<ExchangeReaderPtr> connect(const ExchangeSource& source, ReaderOptions options = {});
  ~ExchangeReader();
  ExchangeReader(const ExchangeReader&) = delete;
  ExchangeReader& operator=(const ExchangeReader&) = delete;

  /** One page of `table` after `cursor`. Persist `Batch::cursor` once the rows are handled. */
  domain::Result<Batch> read_batch(ExchangeTable table, const TableCursor& cursor);

  const ReaderOptions& options() const { return options_; }

 private:
  ExchangeReader(const ExchangeSource& source, ReaderOptions options, std::unique_ptr<sql::Connection> c);
  sql::PreparedStatement& statement(ExchangeTable table);

  ExchangeSource source_;
  ReaderOptions options_;
  std::unique_ptr<sql::Connection> connection_;
  std::map<ExchangeTable, std::unique_ptr<sql::PreparedStatement>> statements_;
};

}  // namespace pactwatch::platform::exchange
