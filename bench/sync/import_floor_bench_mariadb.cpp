// import_floor_bench_mariadb: import_floor_bench on MariaDB (docs/PERFORMANCE.md, "Sync"). It creates the
// schema with the real migrations (sql/mysql/*.sql, in order) in an empty database and writes exactly the
// rows and indexes that N synthetic releases become (bench/sync/floor_rows.hpp, the same generator as on
// SQLite), with the importer's session settings (utf8mb4, strict mode, READ COMMITTED, UTC). Each batch is
// one transaction; each table's rows of a batch go in multi-row INSERTs of up to 500 rows (one round trip per
// statement, fewer than the importer makes), there is no mapping, JSON or hashing: its rate is an upper bound
// for any import that stores this data model on this server.
//
//   import_floor_bench_mariadb SOCKET DATABASE [--releases 100000] [--batch 500] [--sql-dir sql]
//                              [--every 10000]
//
// Connects as root over the unix socket (bench/sync_bench.sh's throwaway server); DATABASE must be empty.
// The values of a batch are generated before its transaction and that time is left out, as on SQLite. The CPU
// figures are this program's only: the server's own CPU time is not in them.

#include <mysql.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/sync/floor_rows.hpp"

namespace {

using namespace pactwatch::bench::floor;

/** Runs one statement (or several, with their results drained); fails the benchmark on an error. */
void exec(MYSQL* db, const std::string& sql) {
  if (mysql_real_query(db, sql.data(), sql.size()) != 0) {
    std::cerr << "import_floor_bench_mariadb: " << sql.substr(0, 80) << ": " << mysql_error(db) << "\n";
    std::exit(1);
  }
  do {
    if (MYSQL_RES* r = mysql_store_result(db)) mysql_free_result(r);
  } while (mysql_next_result(db) == 0);
  if (mysql_errno(db) != 0) {
    std::cerr << "import_floor_bench_mariadb: " << sql.substr(0, 80) << ": " << mysql_error(db) << "\n";
    std::exit(1);
  }
}

/** Builds `INSERT INTO table (columns) VALUES (…), (…)` and sends it every `kRows` rows. */
class MultiRowInsert {
 public:
  static constexpr std::size_t kRows = 500;
  MultiRowInsert(MYSQL* db, std::string head) : db_(db), head_(std::move(head)) {}

  /** Starts a row; then add its values in column order. */
  MultiRowInsert& row() {
    if (rows_ == kRows) flush();
    text_ += rows_ == 0 ? head_ + " VALUES (" : "), (";
    first_ = true;
    ++rows_;
    return *this;
  }
  MultiRowInsert& text(const std::string& v) {
    separate();
    escaped_.resize(v.size() * 2 + 1);
    escaped_.resize(mysql_real_escape_string(db_, escaped_.data(), v.data(), v.size()));
    text_ += '\'';
    text_ += escaped_;
    text_ += '\'';
    return *this;
  }
  MultiRowInsert& number(long long v) {
    separate();
    text_ += std::to_string(v);
    return *this;
  }
  MultiRowInsert& null() {
    separate();
    text_ += "NULL";
    return *this;
  }
  void flush() {
    if (rows_ == 0) return;
    text_ += ")";
    exec(db_, text_);
    text_.clear();
    rows_ = 0;
  }

 private:
  void separate() {
    if (!first_) text_ += ", ";
    first_ = false;
  }
  MYSQL* db_;
  std::string head_, text_, escaped_;
  std::size_t rows_ = 0;
  bool first_ = true;
};

void store(MYSQL* db, const Batch& b, const std::string& now) {
  exec(db, "UPDATE sync_leases SET expires_at = '" + now + "', checks = checks + 1 WHERE source = 'bench'");
  MultiRowInsert bodies(
      db, "INSERT INTO bodies (id, name, region, kind, parent_id, version, created_at, updated_at)");
  MultiRowInsert orgs(
      db, "INSERT INTO organizations (id, name, credit_code, sme, version, created_at, updated_at)");
  for (const auto& p : b.parties) {
    if (p.body) {
      bodies.row()
          .text(p.id)
          .text(p.name)
          .text("532300")
          .text("department")
          .null()
          .number(1)
          .text(now)
          .text(now);
    } else {
      orgs.row().text(p.id).text(p.name).text(p.code).number(1).number(1).text(now).text(now);
    }
  }
  bodies.flush();
  orgs.flush();
  MultiRowInsert agreements(
      db,
      "INSERT INTO agreements (id, kind, title, body_id, counterparty_id, value_fen, currency, "
      "signed_on, ocid, version, created_at, updated_at)");
  for (std::size_t i = 0; i < b.agreements.size(); ++i) {
    const auto& a = b.agreements[i];
    agreements.row()
        .text(a[0])
        .text("procurement")
        .text(a[1])
        .text(a[2])
        .text(a[3])
        .number(b.agreement_fen[i]);
    agreements.text("CNY").text(a[4]).text(a[5]).number(1).text(now).text(now);
  }
  agreements.flush();
  MultiRowInsert commitments(
      db,
      "INSERT INTO commitments (id, agreement_id, obligor_side, obligor_id, kind, title, due, "
      "amount_fen, currency, grace_days, version, created_at, updated_at)");
  for (const auto& c : b.commitments) {
    commitments.row().text(c.id).text(c.agreement).text(c.side).text(c.obligor).text(c.kind).text(c.title);
    commitments.text(c.due);
    if (c.amount) {
      commitments.number(c.fen).text("CNY");
    } else {
      commitments.null().null();
    }
    commitments.number(0).number(1).text(now).text(now);
  }
  commitments.flush();
  MultiRowInsert facts(
      db,
      "INSERT INTO facts (id, commitment_id, kind, on_date, reason, counterparty_loss, source, "
      "amount_fen, amount_currency, version, created_at)");
  for (const auto& f : b.facts) {
    facts.row().text(f.id).text(f.commitment).text(f.kind).text(f.on).text("none").number(0).text("platform");
    if (f.amount) {
      facts.number(f.fen).text("CNY");
    } else {
      facts.null().null();
    }
    facts.number(1).text(now);
  }
  facts.flush();
  MultiRowInsert entries(db,
                         "INSERT INTO trail_entries (seq, time, actor_token_id, actor_name, role, action, "
                         "entity_type, entity_id, request_id, reason, patch, prev_hash, hash, nodes)");
  MultiRowInsert index(db, "INSERT INTO trail_index (entity_type, entity_id, seq)");
  for (const auto& t : b.trail) {
    entries.row().number(t.seq).text(now).text("").text("sync:bench").text("platform").text(t.action);
    entries.text(t.type).text(t.id).text("sync-sync-bench").text(t.reason).text(t.patch);
    entries.text(t.prev).text(t.hash).text(t.nodes);
    for (const auto& [type, id] : t.index)
      index.row().text(type).text(id).number(t.seq);
  }
  entries.flush();
  index.flush();
  MultiRowInsert keys(db,
                      "INSERT INTO external_keys (source, lookup_key, external_key, entity_type, entity_id, "
                      "content_hash, updated_at)");
  for (const auto& k : b.keys)
    keys.row().text(k.source).text(k.lookup).text(k.key).text(k.type).text(k.id).text(k.hash).text(now);
  keys.flush();
  if (!b.trail.empty()) {
    exec(db, "UPDATE trail_head SET seq = " + std::to_string(b.trail.back().seq) + ", hash = '" +
                 b.trail.back().hash + "' WHERE id = 1");
  }
  exec(db, "INSERT INTO sync_cursors (source, cursor_text, epoch, updated_at) VALUES ('bench', '" + b.cursor +
               "', 1, '" + now + "') ON DUPLICATE KEY UPDATE cursor_text = VALUES(cursor_text)");
}

/** Creates the schema with the migrations (sql/mysql/NNNN_*.sql, in order). */
void migrate(MYSQL* db, const std::string& sql_dir) {
  for (const auto& text : migration_scripts(sql_dir + "/mysql"))
    exec(db, text);
  exec(db, kBenchLease);
}

struct Options {
  std::string socket, database, sql_dir = "sql";
  std::size_t releases = 100'000, batch = 500, every = 10'000;
};

bool parse(int argc, char** argv, Options& o) {
  if (argc < 3 || argc % 2 == 0) return false;
  o.socket = argv[1];
  o.database = argv[2];
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string_view name = argv[i];
    const std::string_view text = argv[i + 1];
    if (name == "--sql-dir") {
      o.sql_dir = std::string(text);
      continue;
    }
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n == 0) return false;
    if (name == "--releases") {
      o.releases = n;
    } else if (name == "--batch") {
      o.batch = n;
    } else if (name == "--every") {
      o.every = n;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::cerr << "usage: import_floor_bench_mariadb SOCKET DATABASE [--releases 100000] [--batch 500] "
                 "[--sql-dir sql] [--every 10000]\n";
    return 2;
  }
  MYSQL* db = mysql_init(nullptr);
  if (mysql_real_connect(db, nullptr, "root", nullptr, o.database.c_str(), 0, o.socket.c_str(),
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    std::cerr << "import_floor_bench_mariadb: connect: " << mysql_error(db) << "\n";
    return 1;
  }
  // The importer's session (adapters/store/mysql_sql.cpp).
  exec(db, "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
  exec(db,
       "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
       "NO_ENGINE_SUBSTITUTION'");
  exec(db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  exec(db, "SET SESSION time_zone = '+00:00'");
  migrate(db, o.sql_dir);
  Generator gen;
  std::printf("%10s %10s %10s %12s %12s %12s\n", "releases", "entities", "wall s", "store wall s",
              "store CPU s", "rel/s (wall)");
  const FloorTotals t = run_batches(
      gen, o.releases, o.batch, o.every,
      [&](const Batch& batch, const std::string& now) {
        exec(db, "START TRANSACTION");
        store(db, batch, now);
        exec(db, "COMMIT");
      },
      [&](std::size_t done, const FloorTotals& so_far) {
        std::printf("%10zu %10lld %10.1f %12.1f %12.1f %12.0f\n", done, gen.changes(),
                    so_far.wall + so_far.gen_wall, so_far.wall, so_far.cpu,
                    static_cast<double>(done) / so_far.wall);
        std::fflush(stdout);
      });
  std::printf(
      "# %zu releases, %lld entities in %lld trail entries (one per release), batch %zu, multi-row INSERTs "
      "of "
      "%zu rows\n",
      o.releases, gen.changes(), gen.trail_size(), o.batch, MultiRowInsert::kRows);
  std::printf(
      "# store: %.1f s wall, %.1f s CPU of this program: %.0f releases/s of wall time, %.0f entities/s; "
      "generating the values (left out): %.1f s wall, %.1f s CPU\n",
      t.wall, t.cpu, static_cast<double>(o.releases) / t.wall, static_cast<double>(gen.changes()) / t.wall,
      t.gen_wall, t.gen_cpu);
  mysql_close(db);
  return 0;
}
