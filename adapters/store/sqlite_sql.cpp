// All SQL text the store runs on SQLite.
#include <array>

#include "adapters/store/sql_text.hpp"

namespace pactwatch::store {
namespace {

// WAL lets readers run beside the one writer; synchronous=FULL makes an acknowledged commit survive a
// power loss; foreign keys are off by default in SQLite and must be switched on per connection.
// The busy timeout is set through sqlite3_busy_timeout(), so that no value is formatted into SQL.
constexpr std::array<std::string_view, 3> kSessionSetup = {
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
};

constexpr SqlText kSqlite{
    .session_setup = kSessionSetup,
    .ping = "SELECT 1",
    .table_exists = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name",
    .create_schema_migrations =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version TEXT NOT NULL PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " checksum_sha256 TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)",
    .select_applied_migrations =
        "SELECT version, name, checksum_sha256 FROM schema_migrations ORDER BY version",
    .insert_migration =
        "INSERT INTO schema_migrations (version, name, checksum_sha256, applied_at)"
        " VALUES (:version, :name, :checksum, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    .acquire_migration_lock = {},
    .release_migration_lock = {},
};

}  // namespace

const SqlText& sqlite_sql() {
  return kSqlite;
}

}  // namespace pactwatch::store
