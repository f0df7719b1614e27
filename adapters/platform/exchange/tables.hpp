#pragma once
// The five exchange tables (前置库, sql/exchange/schema.sql) as the reader and the mapping see them: their
// names, key column and columns. All SQL text of the adapter is built here from these constants; values
// are always bound (reader.cpp), never formatted into the text.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pactwatch::platform::exchange {

/** An exchange table, in the order a sync round reads them: contracts before what refers to them. */
enum class ExchangeTable { contract, change, acceptance, payment, termination };

inline constexpr std::array<ExchangeTable, 5> kAllTables{ExchangeTable::contract, ExchangeTable::change,
                                                         ExchangeTable::acceptance, ExchangeTable::payment,
                                                         ExchangeTable::termination};

/** How a column is read: every value travels as text; DECIMAL and dates are cast to exact text in SQL. */
enum class ColumnType { text, decimal, date, integer };

/** One column of an exchange table. */
struct Column {
  std::string_view name;
  ColumnType type = ColumnType::text;
};

/** A table: its SQL name, its key column (unique, ASCII, binary collation) and its data columns. */
struct TableInfo {
  ExchangeTable table;
  std::string_view name;
  std::string_view key_column;
  std::span<const Column> columns;  ///< without DATA_TIMESTAMP, which every table has
};

const TableInfo& table_info(ExchangeTable t);
/** The SQL table name, e.g. "CONTRACT_INFO". */
std::string_view to_string(ExchangeTable t);
std::optional<ExchangeTable> table_from_string(std::string_view name);

/**
 * The page query of a table: rows after a (DATA_TIMESTAMP, key) position in that order, every column as
 * exact text, DATA_TIMESTAMP as "YYYY-MM-DD HH:MM:SS.ffffff". Parameters: 1 timestamp, 2 timestamp,
 * 3 key, 4 limit.
 */
std::string page_query(ExchangeTable t);

}  // namespace pactwatch::platform::exchange
