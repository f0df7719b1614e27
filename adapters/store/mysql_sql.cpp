// All SQL text the store runs on MySQL and MariaDB.
#include <array>

#include "adapters/store/sql_text.hpp"

namespace pactwatch::store {
namespace {

// Strict mode turns silent truncation and invalid dates into errors. READ COMMITTED: every statement
// sees the latest committed rows and InnoDB takes no gap locks, so concurrent ledger inserts do not
// deadlock on ranges; the places that need a stable view (the trail append, sync leases) lock the rows
// they read explicitly (SELECT ... FOR UPDATE). It is also the level Galera and Group Replication
// clusters behave most predictably under. Instants are stored in UTC.
constexpr std::array<std::string_view, 4> kSessionSetup = {
    "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET SESSION time_zone = '+00:00'",
};

constexpr SqlText kMysql{
    .session_setup = kSessionSetup,
    .ping = "SELECT 1",
    .table_exists =
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = "
        ":name",
    .create_schema_migrations =
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version CHAR(4) NOT NULL PRIMARY KEY,"
        " name VARCHAR(200) NOT NULL,"
        " checksum_sha256 CHAR(64) NOT NULL,"
        " applied_at DATETIME(3) NOT NULL"
        ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci",
    .select_applied_migrations =
        "SELECT version, name, checksum_sha256 FROM schema_migrations ORDER BY version",
    .insert_migration =
        "INSERT INTO schema_migrations (version, name, checksum_sha256, applied_at)"
        " VALUES (:version, :name, :checksum, UTC_TIMESTAMP(3))",
    .acquire_migration_lock = "SELECT GET_LOCK(:name, :timeout_s)",
    .release_migration_lock = "SELECT RELEASE_LOCK(:name)",
};

}  // namespace

const SqlText& mysql_sql() {
  return kMysql;
}

}  // namespace pactwatch::store
