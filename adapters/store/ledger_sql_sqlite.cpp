// The ledger's SQL text on SQLite.
#include "adapters/store/ledger_sql_common.hpp"

namespace pactwatch::store {
namespace {

// BEGIN IMMEDIATE takes the write lock up front: a transaction that reads and then writes cannot fail
// half-way with SQLITE_BUSY because another session wrote in between; it waits (busy timeout) instead.
constexpr LedgerSql kSqlite = detail::make_ledger_sql("BEGIN IMMEDIATE");

}  // namespace

const LedgerSql& ledger_sqlite_sql() {
  return kSqlite;
}

}  // namespace pactwatch::store
