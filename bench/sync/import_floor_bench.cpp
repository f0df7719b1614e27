// import_floor_bench: the floor of `pactwatch import` on SQLite (docs/PERFORMANCE.md, "Sync"). It writes into
// a fresh SQLite file, created by the real migrations (sql/sqlite/*.sql, in order), exactly the rows and
// indexes that N synthetic releases (bench/sync/synthetic_ocds.hpp) become in the change-set model (migration
// 0009): parties from the same pools (270 buyers, 3,000 suppliers), per release one agreement, 3-8
// commitments, about 8.6 facts, ONE trail entry listing every change (about 8.8 KB of patch, with the Merkle
// nodes it completes in its row) and a trail_index row per change, about 18.5 external keys, the lease check
// and the cursor. Row sizes are those of a real import (average lengths per column measured with sqlite3 on
// imported releases); ids are time-ordered as store::new_id makes them, keys and hashes random text of the
// real shape, so every index is as random, or as ordered, as the real one. The session is set up as the
// importer's (WAL, synchronous=FULL, foreign keys on, the same page cache and checkpoint interval), each
// batch is one transaction of prepared single-row INSERTs, and there is no mapping, JSON or hashing: its rate
// is an upper bound for any import that stores this data model on this machine.
//
//   import_floor_bench DB_FILE [--releases 100000] [--batch 500] [--sql-dir sql] [--cache-mib 64]
//                      [--checkpoint-mib 256] [--every 10000] [--drop-index NAME]...
//
// The values of a batch are generated before its transaction; that time is measured and left out of the
// "store" figures, which are what is reported as the floor. --drop-index (an index of the migrations,
// repeatable) measures what an index costs; --batch what the transaction size does. Prints a line per
// `--every` releases and a total.

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/sync/floor_rows.hpp"

namespace {

using namespace pactwatch::bench::floor;

/** Fails the benchmark with SQLite's message. */
void check(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  std::cerr << "import_floor_bench: " << what << ": " << sqlite3_errmsg(db) << "\n";
  std::exit(1);
}

void exec(sqlite3* db, const std::string& sql) {
  check(db, sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), sql.substr(0, 60));
}

/** A prepared statement, executed again with new values. */
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr), sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /** Binds each value in order (an empty optional as NULL) and runs the statement once. */
  template <class... Values>
  void run(const Values&... values) {
    int i = 0;
    (bind(++i, values), ...);
    check(db_, sqlite3_step(stmt_), sqlite3_sql(stmt_));
    sqlite3_reset(stmt_);
  }

 private:
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind(int i, long long v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, const std::string* v) {  // nullptr: NULL
    if (v == nullptr) {
      sqlite3_bind_null(stmt_, i);
    } else {
      bind(i, *v);
    }
  }
  void bind(int i, const long long* v) {  // nullptr: NULL
    if (v == nullptr) {
      sqlite3_bind_null(stmt_, i);
    } else {
      bind(i, *v);
    }
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/** The importer's statements (sql/sqlite, adapters/store and adapters/sync), as single-row INSERTs. */
struct Statements {
  explicit Statements(sqlite3* db)
      : body(db,
             "INSERT INTO bodies (id, name, region, kind, parent_id, version, created_at, updated_at) "
             "VALUES (?, ?, '532300', 'department', NULL, 1, ?, ?)"),
        organization(
            db,
            "INSERT INTO organizations (id, name, credit_code, sme, version, created_at, updated_at) "
            "VALUES (?, ?, ?, 1, 1, ?, ?)"),
        agreement(
            db,
            "INSERT INTO agreements (id, kind, title, body_id, counterparty_id, value_fen, currency, "
            "signed_on, platform_project_code, unified_deal_code, ocid, version, created_at, updated_at) "
            "VALUES (?, 'procurement', ?, ?, ?, ?, 'CNY', ?, NULL, NULL, ?, 1, ?, ?)"),
        commitment(db,
                   "INSERT INTO commitments (id, agreement_id, obligor_side, obligor_id, kind, title, due, "
                   "amount_fen, currency, grace_days, stage, committing_official_id, payment_term_days, "
                   "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, "
                   "NULL, 1, ?, ?)"),
        fact(db,
             "INSERT INTO facts (id, commitment_id, kind, on_date, reason, counterparty_loss, source, "
             "amount_fen, amount_currency, version, created_at) VALUES (?, ?, ?, ?, 'none', 0, 'platform', "
             "?, ?, 1, ?)"),
        entry(db,
              "INSERT INTO trail_entries (seq, time, actor_token_id, actor_name, role, action, entity_type, "
              "entity_id, request_id, reason, patch, prev_hash, hash, nodes) VALUES (?, ?, '', 'sync:bench', "
              "'platform', ?, ?, ?, 'sync-sync-bench', ?, ?, ?, ?, ?)"),
        index(db, "INSERT INTO trail_index (entity_type, entity_id, seq) VALUES (?, ?, ?)"),
        head(db, "UPDATE trail_head SET seq = ?, hash = ? WHERE id = 1"),
        key(db,
            "INSERT INTO external_keys (source, lookup_key, external_key, entity_type, entity_id, "
            "content_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        lease(db, "UPDATE sync_leases SET expires_at = ?, checks = checks + 1 WHERE source = 'bench'"),
        cursor(db,
               "INSERT INTO sync_cursors (source, cursor_text, epoch, updated_at) VALUES ('bench', ?, 1, ?) "
               "ON CONFLICT (source) DO UPDATE SET cursor_text = excluded.cursor_text, "
               "updated_at = excluded.updated_at") {}
  Statement body, organization, agreement, commitment, fact, entry, index, head, key, lease, cursor;
};

void store(Statements& s, const Batch& b, const std::string& now) {
  s.lease.run(now);
  for (const auto& p : b.parties) {
    if (p.body) {
      s.body.run(p.id, p.name, now, now);
    } else {
      s.organization.run(p.id, p.name, p.code, now, now);
    }
  }
  for (std::size_t i = 0; i < b.agreements.size(); ++i) {
    const auto& a = b.agreements[i];
    s.agreement.run(a[0], a[1], a[2], a[3], b.agreement_fen[i], a[4], a[5], now, now);
  }
  static const std::string kCny = "CNY";
  for (const auto& c : b.commitments) {
    s.commitment.run(c.id, c.agreement, c.side, c.obligor, c.kind, c.title, c.due,
                     c.amount ? &c.fen : nullptr, c.amount ? &kCny : nullptr, now, now);
  }
  for (const auto& f : b.facts) {
    s.fact.run(f.id, f.commitment, f.kind, f.on, f.amount ? &f.fen : nullptr, f.amount ? &kCny : nullptr,
               now);
  }
  for (const auto& t : b.trail) {
    s.entry.run(t.seq, now, t.action, t.type, t.id, t.reason, t.patch, t.prev, t.hash, t.nodes);
    for (const auto& [type, id] : t.index)
      s.index.run(type, id, t.seq);
  }
  for (const auto& k : b.keys)
    s.key.run(k.source, k.lookup, k.key, k.type, k.id, k.hash, now);
  s.head.run(b.trail.empty() ? 0LL : b.trail.back().seq,
             b.trail.empty() ? std::string() : b.trail.back().hash);
  s.cursor.run(b.cursor, now);
}

}  // namespace

namespace {

/** Creates the schema with the migrations the importer's database has (sql/sqlite/NNNN_*.sql, in order). */
void migrate(sqlite3* db, const std::string& sql_dir) {
  for (const auto& text : migration_scripts(sql_dir + "/sqlite"))
    exec(db, text);
  exec(db, kBenchLease);
}

struct Options {
  std::string path, sql_dir = "sql";
  std::size_t releases = 100'000, batch = 500, every = 10'000;
  long long cache_mib = 64, checkpoint_mib = 256;  // the importer's defaults
  std::vector<std::string> drop;                   ///< indexes to drop after migrating: what each one costs
};

bool parse(int argc, char** argv, Options& o) {
  if (argc < 2) return false;
  o.path = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view name = argv[i];
    const std::string_view text = argv[i + 1];
    if (name == "--sql-dir") {
      o.sql_dir = std::string(text);
      continue;
    }
    if (name == "--drop-index") {
      o.drop.emplace_back(text);
      continue;
    }
    long long n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n < 0) return false;
    if (name == "--releases") {
      o.releases = static_cast<std::size_t>(n);
    } else if (name == "--batch" && n > 0) {
      o.batch = static_cast<std::size_t>(n);
    } else if (name == "--every" && n > 0) {
      o.every = static_cast<std::size_t>(n);
    } else if (name == "--cache-mib") {
      o.cache_mib = n;
    } else if (name == "--checkpoint-mib") {
      o.checkpoint_mib = n;
    } else {
      return false;
    }
  }
  return argc % 2 == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::cerr << "usage: import_floor_bench DB_FILE [--releases 100000] [--batch 500] [--sql-dir sql] "
                 "[--cache-mib 64] [--checkpoint-mib 256] [--every 10000] [--drop-index NAME]...\n";
    return 2;
  }
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(o.path + suffix);
  sqlite3* db = nullptr;
  check(db, sqlite3_open(o.path.c_str(), &db), "open " + o.path);
  // The importer's session (adapters/store/sqlite_sql.cpp, adapters/sync/batch_writer.cpp).
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "PRAGMA foreign_keys = ON");
  exec(db, "PRAGMA synchronous = FULL");
  if (o.cache_mib > 0) exec(db, "PRAGMA cache_size = -" + std::to_string(o.cache_mib * 1024));
  if (o.checkpoint_mib > 0) exec(db, "PRAGMA wal_autocheckpoint = " + std::to_string(o.checkpoint_mib * 256));
  migrate(db, o.sql_dir);
  for (const auto& index : o.drop)
    exec(db, "DROP INDEX " + index);
  {
    Statements s(db);
    Generator gen;
    const long long written0 = written_bytes();
    std::printf("%10s %10s %10s %12s %12s %12s %10s\n", "releases", "entities", "wall s", "store wall s",
                "store CPU s", "rel/s (wall)", "DB MiB");
    const FloorTotals t = run_batches(
        gen, o.releases, o.batch, o.every,
        [&](const Batch& batch, const std::string& now) {
          exec(db, "BEGIN IMMEDIATE");
          store(s, batch, now);
          exec(db, "COMMIT");
        },
        [&](std::size_t done, const FloorTotals& so_far) {
          std::printf("%10zu %10lld %10.1f %12.1f %12.1f %12.0f %10lld\n", done, gen.changes(),
                      so_far.wall + so_far.gen_wall, so_far.wall, so_far.cpu,
                      static_cast<double>(done) / so_far.wall, file_bytes(o.path) / (1024 * 1024));
          std::fflush(stdout);
        });
    std::printf(
        "# %zu releases, %lld entities in %lld trail entries (one per release), batch %zu, cache %lld MiB, "
        "checkpoint %lld MiB\n",
        o.releases, gen.changes(), gen.trail_size(), o.batch, o.cache_mib, o.checkpoint_mib);
    std::printf(
        "# store: %.1f s wall, %.1f s CPU: %.0f releases/s of wall time, %.0f of CPU time, %.0f "
        "entities/s; generating the values (left out): %.1f s wall, %.1f s CPU\n",
        t.wall, t.cpu, static_cast<double>(o.releases) / t.wall, static_cast<double>(o.releases) / t.cpu,
        static_cast<double>(gen.changes()) / t.wall, t.gen_wall, t.gen_cpu);
    std::printf("# written to storage: %.0f MiB; database file %lld MiB, WAL %lld MiB\n",
                static_cast<double>(written_bytes() - written0) / (1024 * 1024),
                file_bytes(o.path) / (1024 * 1024), file_bytes(o.path + "-wal") / (1024 * 1024));
  }
  sqlite3_close(db);
  return 0;
}
