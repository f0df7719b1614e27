// The token store's SQL for SQLite and MySQL/MariaDB. The statements are the same text on both backends
// today; each backend still has its own constant so that either can change without touching the other.
#include "adapters/store/token_sql.hpp"

namespace pactwatch::store {
namespace {

constexpr TokenSql kSqlite{
    .insert =
        "INSERT INTO api_tokens (id, name, role, region, token_sha256, created_at, revoked_at, row_mac)"
        " VALUES (:id, :name, :role, :region, :sha, :created_at, NULL, :mac)",
    .select_by_id =
        "SELECT id, name, role, region, created_at, revoked_at, token_sha256, row_mac FROM api_tokens"
        " WHERE id = :id",
    .select_active_by_hash =
        "SELECT id, name, role, region, created_at, revoked_at, token_sha256, row_mac FROM api_tokens"
        " WHERE token_sha256 = :sha AND revoked_at IS NULL",
    .select_all =
        "SELECT id, name, role, region, created_at, revoked_at, token_sha256, row_mac FROM api_tokens"
        " ORDER BY created_at, id",
    .revoke =
        "UPDATE api_tokens SET revoked_at = :revoked_at, row_mac = :mac WHERE id = :id AND revoked_at IS "
        "NULL",
    .set_mac = "UPDATE api_tokens SET row_mac = :mac WHERE id = :id",
};

// The same text on MySQL/MariaDB today; a statement that must differ gets its own member here.
constexpr TokenSql kMysql = kSqlite;

}  // namespace

const TokenSql& token_sql(Backend backend) {
  return backend == Backend::sqlite ? kSqlite : kMysql;
}

}  // namespace pactwatch::store
