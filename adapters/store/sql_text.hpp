#pragma once
// Every SQL statement the store runs, one named constant per statement and one file per backend
// (sqlite_sql.cpp, mysql_sql.cpp). Values are always bound with soci::use (":name"), never concatenated.

#include <span>
#include <string_view>

#include "adapters/store/database_url.hpp"

namespace pactwatch::store {

/** The SQL text of one backend. Both backends fill every member with equivalent statements. */
struct SqlText {
  /** Run once on every new session, in order (pragmas, SQL mode, isolation level). */
  std::span<const std::string_view> session_setup;
  std::string_view ping;  ///< a round trip: SELECT 1
  /** Counts tables named :name in the current database (0 or 1). */
  std::string_view table_exists;
  std::string_view create_schema_migrations;
  /** version, name, checksum_sha256 of every applied migration, ordered by version. */
  std::string_view select_applied_migrations;
  /** Binds :version, :name, :checksum; applied_at is the database's current UTC time. */
  std::string_view insert_migration;
  /** Serializes concurrent `migrate` runs (MySQL only; empty on SQLite, whose writer lock does it). */
  std::string_view acquire_migration_lock;  ///< binds :name, :timeout_s; yields 1 when taken
  std::string_view release_migration_lock;  ///< binds :name
};

const SqlText& sqlite_sql();
const SqlText& mysql_sql();
inline const SqlText& sql_text(Backend backend) {
  return backend == Backend::sqlite ? sqlite_sql() : mysql_sql();
}

}  // namespace pactwatch::store
