#pragma once
// One row of an exchange table as read: every column as exact text (NULL as nullopt), its key, its
// DATA_TIMESTAMP and the SHA-256 of its content. DATA_TIMESTAMP is left out of the hash: a row the
// platform re-stamps without changing is the same version (DESIGN §7: idempotent by key and version).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/platform/exchange/tables.hpp"
#include "domain/result.hpp"

namespace pactwatch::platform::exchange {

/** A row of an exchange table. */
struct ExchangeRow {
  ExchangeTable table = ExchangeTable::contract;
  std::string key;             ///< value of the table's key column
  std::string data_timestamp;  ///< "YYYY-MM-DD HH:MM:SS.ffffff"
  std::map<std::string, std::optional<std::string>, std::less<>> columns;  ///< all but DATA_TIMESTAMP
  std::string content_hash;  ///< lower-case hex SHA-256 of the canonical JSON of `columns`

  /** The column's text; nullopt when NULL or not a column of the row. */
  std::optional<std::string_view> value(std::string_view column) const;
};

/**
 * Builds a row from its column values: takes the key from the table's key column and computes the
 * content hash. Used by the reader and by tests that map rows without a database.
 */
ExchangeRow make_row(ExchangeTable table,
                     std::map<std::string, std::optional<std::string>, std::less<>> columns,
                     std::string data_timestamp);

/** The row as canonical JSON text, DATA_TIMESTAMP and the table name included: the quarantine's raw text. */
std::string row_json(const ExchangeRow& row);

/** The row back from row_json (a quarantined row re-processed after a fix); bad text is `invalid`. */
domain::Result<ExchangeRow> row_from_json(std::string_view text);

}  // namespace pactwatch::platform::exchange
