#include "adapters/store/database.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "adapters/store/migrations.hpp"
#include "adapters/store/soci_errors.hpp"
#include "adapters/store/sql_text.hpp"
#include "adapters/store/statement_cache.hpp"
#include "adapters/store/write_combiner.hpp"

#ifndef PACTWATCH_DEFAULT_SQL_DIR
#define PACTWATCH_DEFAULT_SQL_DIR "sql"
#endif

namespace pactwatch::store {

using domain::ErrorCode;
using domain::Result;

namespace {

/** How long `migrate` waits for another instance's migrate to finish (MySQL named lock). */
constexpr int kMigrationLockTimeoutSeconds = 60;
constexpr const char* kMigrationLockName = "pactwatch_migrate";

/** Runs the per-session setup: busy timeout and pragmas on SQLite; charset, SQL mode, isolation on MySQL. */
void set_up_session(soci::session& sql, Backend backend, std::chrono::milliseconds busy_timeout) {
  if (backend == Backend::sqlite) {
    // Set before the pragmas: switching to WAL needs the lock another pooled session may hold.
    auto* native = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    sqlite3_busy_timeout(native->conn_, static_cast<int>(busy_timeout.count()));
    // Without the query planner stability guarantee SQLite compiles every statement with `LIKE :param`
    // (the region scope of every ledger read) twice: once on prepare, again on the first step after the
    // parameter is bound. Our region patterns never qualify for the LIKE index optimization anyway.
    sqlite3_db_config(native->conn_, SQLITE_DBCONFIG_ENABLE_QPSG, 1, nullptr);
  }
  for (const std::string_view statement : sql_text(backend).session_setup)
    sql << std::string(statement);
}

std::vector<AppliedMigration> read_applied(soci::session& sql, const SqlText& text) {
  std::vector<AppliedMigration> applied;
  const std::string table = "schema_migrations";
  int exists = 0;
  sql << std::string(text.table_exists), soci::use(table, "name"), soci::into(exists);
  if (exists == 0) return applied;
  soci::rowset<soci::row> rows = (sql.prepare << std::string(text.select_applied_migrations));
  for (const auto& row : rows) {
    applied.push_back(
        AppliedMigration{row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2)});
  }
  return applied;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

}  // namespace

struct Database::Impl {
  DatabaseUrl url;
  std::string migrations_dir;
  std::chrono::milliseconds busy_timeout{};
  std::vector<std::unique_ptr<soci::session>> sessions;
  std::unique_ptr<WriteCombiner> writes;

  mutable std::mutex mutex;
  std::condition_variable session_freed;
  std::vector<std::size_t> free;  // indexes into `sessions`, used as a stack
  std::size_t waiting = 0;

  void release(std::size_t index) {
    {
      std::lock_guard lock(mutex);
      free.push_back(index);
    }
    session_freed.notify_one();
  }
};

Database::Lease::Lease(Database& db, std::size_t index) : db_(&db), index_(index) {}
Database::Lease::Lease(Lease&& other) noexcept : db_(other.db_), index_(other.index_) {
  other.db_ = nullptr;
}
Database::Lease::~Lease() {
  if (db_ != nullptr) db_->impl_->release(index_);
}
soci::session& Database::Lease::operator*() const {
  return *db_->impl_->sessions[index_];
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() {
  // Statements kept with a SQLite session (LedgerTransaction's cache) must be finalized before it closes.
  for (const auto& session : impl_->sessions)
    StatementCache::forget(session.get());
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseUrl& url, std::size_t pool_size,
                                                 std::string sql_dir) {
  DatabaseOptions options;
  options.pool_size = pool_size;
  options.sql_dir = std::move(sql_dir);
  return open(url, options);
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseUrl& url, const DatabaseOptions& options) {
  if (options.pool_size == 0) return domain::fail(ErrorCode::invalid, "the pool needs at least one session");
  auto impl = std::make_unique<Impl>();
  impl->url = url;
  impl->busy_timeout = options.busy_timeout;
  impl->writes = std::make_unique<WriteCombiner>(options.write_group_max);
  const std::filesystem::path sql_dir = options.sql_dir.empty() ? PACTWATCH_DEFAULT_SQL_DIR : options.sql_dir;
  impl->migrations_dir = (sql_dir / (url.backend == Backend::sqlite ? "sqlite" : "mysql")).string();

  if (url.backend == Backend::sqlite) {
    // SQLite creates the file but not its directory (var/ on a fresh clone).
    const auto parent = std::filesystem::path(url.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return domain::fail(ErrorCode::unavailable,
                          "cannot create directory " + parent.string() + ": " + ec.message());
    }
  }
  try {
    for (std::size_t i = 0; i < options.pool_size; ++i) {
      auto session = url.backend == Backend::sqlite
                         ? std::make_unique<soci::session>(soci::sqlite3, url.soci_connect_string())
                         : std::make_unique<soci::session>(soci::mysql, url.soci_connect_string());
      set_up_session(*session, url.backend, options.busy_timeout);
      impl->sessions.push_back(std::move(session));
      impl->free.push_back(options.pool_size - 1 - i);
    }
  } catch (...) {
    return std::unexpected(map_current_exception("opening " + url.redacted()));
  }
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Database::Lease Database::acquire() {
  std::unique_lock lock(impl_->mutex);
  ++impl_->waiting;
  impl_->session_freed.wait(lock, [this] { return !impl_->free.empty(); });
  --impl_->waiting;
  const std::size_t index = impl_->free.back();
  impl_->free.pop_back();
  return Lease(*this, index);
}

WriteCombiner& Database::writes() {
  return *impl_->writes;
}

PoolStats Database::stats() const {
  const auto writes = impl_->writes->stats();
  std::lock_guard lock(impl_->mutex);
  return PoolStats{impl_->sessions.size(), impl_->sessions.size() - impl_->free.size(), impl_->waiting,
                   writes.groups, writes.writes};
}

Backend Database::backend() const {
  return impl_->url.backend;
}
const std::string& Database::migrations_dir() const {
  return impl_->migrations_dir;
}

Result<void> Database::ping() {
  auto lease = acquire();
  const auto& text = sql_text(backend());
  try {
    int one = 0;
    *lease << std::string(text.ping), soci::into(one);
    return {};
  } catch (...) {
    const auto error = map_current_exception("database round trip");
    if (error.code != ErrorCode::unavailable || backend() != Backend::mysql) return std::unexpected(error);
  }
  // The server went away (restart, failover): reconnect this session once so the pool heals itself.
  try {
    // Statements kept with the session belong to the old connection: drop them first.
    StatementCache::forget(&*lease);
    lease->reconnect();
    set_up_session(*lease, backend(), impl_->busy_timeout);
    int one = 0;
    *lease << std::string(text.ping), soci::into(one);
    return {};
  } catch (...) {
    return std::unexpected(map_current_exception("database round trip"));
  }
}

Result<MigrationStatus> Database::migration_status() {
  auto files = load_migration_files(impl_->migrations_dir);
  if (!files) return std::unexpected(files.error());
  auto lease = acquire();
  try {
    return compare_migrations(*files, read_applied(*lease, sql_text(backend())));
  } catch (...) {
    return std::unexpected(map_current_exception("reading schema_migrations"));
  }
}

Result<MigrationStatus> Database::migrate() {
  auto files = load_migration_files(impl_->migrations_dir);
  if (!files) return std::unexpected(files.error());
  auto lease = acquire();
  soci::session& sql = *lease;
  const SqlText& text = sql_text(backend());
  const std::string lock_name = kMigrationLockName;

  // Two instances starting together must not both apply 0002: MySQL takes a named lock; on SQLite the
  // file's single-writer lock serializes the transactions and the primary key rejects a second record.
  bool locked = false;
  struct Unlock {
    soci::session& sql;
    const SqlText& text;
    const std::string& name;
    bool& locked;
    ~Unlock() {
      if (!locked) return;
      try {
        int released = 0;
        sql << std::string(text.release_migration_lock), soci::use(name, "name"), soci::into(released);
      } catch (...) {
        // The lock dies with the connection anyway.
      }
    }
  } unlock{sql, text, lock_name, locked};

  MigrationStatus status;
  try {
    if (!text.acquire_migration_lock.empty()) {
      int taken = 0;
      soci::indicator ind = soci::i_ok;
      const int timeout = kMigrationLockTimeoutSeconds;
      sql << std::string(text.acquire_migration_lock), soci::use(lock_name, "name"),
          soci::use(timeout, "timeout_s"), soci::into(taken, ind);
      if (ind != soci::i_ok || taken != 1) {
        return domain::fail(ErrorCode::unavailable, "another pactwatch migrate is running; try again");
      }
      locked = true;
    }
    sql << std::string(text.create_schema_migrations);
    status = compare_migrations(*files, read_applied(sql, text));
  } catch (...) {
    return std::unexpected(map_current_exception("reading schema_migrations"));
  }
  if (!status.problems.empty()) {
    return domain::fail(ErrorCode::conflict, "refusing to migrate: " + join(status.problems, "; "));
  }

  for (std::size_t i = 0; i < files->size(); ++i) {
    const MigrationFile& file = (*files)[i];
    if (status.migrations[i].applied) continue;
    const auto statements = split_sql_statements(file.text, backend() == Backend::mysql);
    std::size_t n = 0;
    const bool sqlite = backend() == Backend::sqlite;
    try {
      // On SQLite the file and its record commit or roll back together. On MySQL every DDL statement
      // commits implicitly, so the transaction only covers DML: the record is inserted last, only after
      // every statement succeeded, and a migration that failed half-way runs again from its start next
      // time. MySQL migrations must therefore be safe to re-run (CREATE TABLE IF NOT EXISTS, ...).
      // SQLite cannot change a column's constraints in place: a migration rebuilds the table (create,
      // copy, drop, rename), which its documented procedure does with foreign keys off (the pragma is a
      // no-op inside a transaction) and checked before the commit.
      if (sqlite) sql << "PRAGMA foreign_keys = OFF";
      soci::transaction tr(sql);
      for (n = 0; n < statements.size(); ++n)
        sql << statements[n];
      if (sqlite) {
        std::string table;
        soci::indicator ind = soci::i_null;
        sql << "PRAGMA foreign_key_check", soci::into(table, ind);
        if (sql.got_data()) throw std::runtime_error("foreign key check failed on table " + table);
      }
      sql << std::string(text.insert_migration), soci::use(file.version, "version"),
          soci::use(file.name, "name"), soci::use(file.checksum, "checksum");
      tr.commit();
      if (sqlite) sql << "PRAGMA foreign_keys = ON";
    } catch (...) {
      if (sqlite) {
        try {
          sql << "PRAGMA foreign_keys = ON";
        } catch (...) {
        }
      }
      const std::string where =
          n < statements.size() ? ", statement " + std::to_string(n + 1) : std::string{};
      auto error = map_current_exception("applying " + file.file_name() + where);
      return std::unexpected(std::move(error));
    }
    status.migrations[i].applied = true;
    status.applied_now.push_back(file.file_name());
  }
  return status;
}

}  // namespace pactwatch::store
