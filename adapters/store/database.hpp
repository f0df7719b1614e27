#pragma once
// The database behind pactwatch: a pool of SOCI sessions on SQLite (embedded default) or MySQL/MariaDB.
// Every call here blocks; the server runs them on its worker pool, never on an I/O thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters/store/database_url.hpp"
#include "domain/result.hpp"

namespace soci {
class session;
}

namespace pactwatch::store {

/** Counters the /metrics endpoint exposes. */
struct PoolStats {
  std::size_t size = 0;            ///< sessions in the pool
  std::size_t in_use = 0;          ///< sessions lent out right now
  std::size_t waiting = 0;         ///< callers blocked waiting for a session
  std::uint64_t write_groups = 0;  ///< write transactions committed by the group-commit queue
  std::uint64_t writes = 0;        ///< writes run in them (writes / write_groups: the mean group size)
};

/** One applied or pending migration, as `migrate` and /readyz report it. */
struct MigrationState {
  std::string version;  ///< "0001"
  std::string name;     ///< "init"
  bool applied = false;
};

/** Where the schema stands against the migration files on disk. */
struct MigrationStatus {
  std::vector<MigrationState> migrations;
  bool at_head() const;                  ///< every file applied and no applied migration changed
  std::vector<std::string> problems;     ///< e.g. "0002_ledger.sql changed after it was applied"
  std::vector<std::string> applied_now;  ///< files migrate() applied in this call, in order
  /** The pending files, in the order migrate() would apply them. */
  std::vector<std::string> pending() const;
};

/** How Database::open sets up its sessions. */
struct DatabaseOptions {
  std::size_t pool_size = 4;                      ///< sessions opened up front
  std::chrono::milliseconds busy_timeout{5'000};  ///< SQLite: how long a writer waits for the lock
  std::string sql_dir;                            ///< holds sqlite/ and mysql/; empty: the source tree's sql/
  /** Most concurrent ledger writes committed in one transaction (group commit); 1: each write alone. */
  std::size_t write_group_max = 64;
};

class WriteCombiner;

/**
 * The database: a fixed pool of SOCI sessions (SOCI sessions are not thread-safe, so each caller borrows
 * one through a Lease), the migrations and the health probe. Thread-safe; every call blocks.
 */
class Database {
 public:
  /** A session borrowed from the pool; returns itself when destroyed. */
  class Lease {
   public:
    Lease(Database& db, std::size_t index);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    soci::session& operator*() const;
    soci::session* operator->() const { return &**this; }

   private:
    Database* db_;
    std::size_t index_;
  };

  /**
   * Opens `pool_size` sessions. SQLite gets WAL, foreign_keys=ON, synchronous=FULL and a busy timeout;
   * its parent directory is created. `sql_dir` holds sqlite/ and mysql/ with NNNN_name.sql files.
   */
  static domain::Result<std::unique_ptr<Database>> open(const DatabaseUrl& url, std::size_t pool_size,
                                                        std::string sql_dir);
  static domain::Result<std::unique_ptr<Database>> open(const DatabaseUrl& url,
                                                        const DatabaseOptions& options);
  ~Database();

  /** Blocks until a session is free. */
  Lease acquire();
  /** The group-commit queue every LedgerStore on this database writes through (write_combiner.hpp). */
  WriteCombiner& writes();
  PoolStats stats() const;
  Backend backend() const;

  /** The directory holding this backend's NNNN_name.sql files. */
  const std::string& migrations_dir() const;
  /** A round trip to the server (SELECT 1). */
  domain::Result<void> ping();
  /**
   * Applies pending migrations in order, each in a transaction; refuses (`conflict`, naming the file) when
   * an applied file changed or disappeared. A failed statement is `invalid` naming file and statement.
   */
  domain::Result<MigrationStatus> migrate();
  /** Compares schema_migrations with the files, without changing anything. */
  domain::Result<MigrationStatus> migration_status();

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pactwatch::store
