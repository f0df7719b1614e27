// The trail in the database (docs/PERFORMANCE.md, "## Trail"), on a temporary SQLite file and, when
// PACTWATCH_BENCH_MYSQL_URL names a MariaDB/MySQL server (mysql://USER@localhost/mysql?socket=PATH, a
// database the user may create databases next to), on a throwaway database there:
// - the append overhead: a write transaction (one INSERT, as a ledger create) with and without the trail
//   append (head lock, entry, head update, Merkle nodes) - the two are compared per write;
// - verification streamed from trail_entries (TrailStore::verify: rows + hash + link + root + every stored
//   Merkle node), checked to succeed over every entry (a broken verifier must not look fast);
// - an inclusion proof (and its root) from trail_nodes at 10,000,000 entries (nodes filled in bulk).
// PACTWATCH_BENCH_VERIFY_ENTRIES (default 200000) and PACTWATCH_BENCH_PROOF_ENTRIES (default 10000000) size
// the data sets. The MySQL benchmarks fail with a message saying so when PACTWATCH_BENCH_MYSQL_URL is unset.

#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "adapters/store/database.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/store/trail_rows.hpp"
#include "adapters/store/trail_store.hpp"
#include "adapters/trail/merkle.hpp"

namespace {

using namespace pactwatch;

std::uint64_t env_size(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

const char* const kMysqlUrlVariable = "PACTWATCH_BENCH_MYSQL_URL";

/** Runs one statement on the server of `admin` (creating and dropping the benchmark's database). */
void admin_statement(const store::DatabaseUrl& admin, const std::string& text) {
  store::DatabaseOptions options;
  options.pool_size = 1;
  options.sql_dir = PACTWATCH_SOURCE_DIR "/sql";
  auto db = store::Database::open(admin, options);
  if (!db) throw std::runtime_error(db.error().message);
  auto lease = (*db)->acquire();
  *lease << text;
}

/**
 * A migrated database, removed at exit: a temporary SQLite file, or (mysql) a new database on the server of
 * PACTWATCH_BENCH_MYSQL_URL. `db` stays null when mysql is asked for without the variable.
 */
struct BenchDb {
  BenchDb(const std::string& tag, bool mysql) {
    store::DatabaseUrl url;
    if (mysql) {
      const char* server = std::getenv(kMysqlUrlVariable);
      if (server == nullptr || *server == '\0') return;
      auto parsed = store::DatabaseUrl::parse(server);
      if (!parsed || parsed->backend != store::Backend::mysql) {
        throw std::runtime_error(std::string(kMysqlUrlVariable) + " is not a mysql:// URL");
      }
      admin = *parsed;
      url = admin;
      url.database = "pw_trail_bench_" + tag + "_" + std::to_string(::getpid());
      admin_statement(
          admin, "CREATE DATABASE `" + url.database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      database = url.database;
    } else {
      dir = std::filesystem::temp_directory_path() /
            ("pactwatch-trail-bench-" + tag + "-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      url = store::DatabaseUrl::parse("sqlite:" + (dir / "bench.db").string()).value();
    }
    store::DatabaseOptions options;
    options.pool_size = 1;
    options.sql_dir = PACTWATCH_SOURCE_DIR "/sql";
    db = std::move(store::Database::open(url, options).value());
    (void)db->migrate().value();
  }
  ~BenchDb() {
    db.reset();
    try {
      if (!database.empty()) admin_statement(admin, "DROP DATABASE IF EXISTS `" + database + "`");
    } catch (...) {
      // Best effort: the server may be gone.
    }
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  store::DatabaseUrl admin;
  std::string database;
  std::unique_ptr<store::Database> db;
};

/** Skips the benchmark with the reason when its database is missing; true when it may run. */
bool have_database(benchmark::State& state, const BenchDb& bench) {
  if (bench.db) return true;
  state.SkipWithError(
      "PACTWATCH_BENCH_MYSQL_URL is not set: export mysql://USER@localhost/mysql?socket=PATH "
      "of a MariaDB server to run the MySQL benchmarks");
  return false;
}

store::WriteContext context(std::int64_t i) {
  return {"tok_7Qx", "州财政局采购监管科",      "supervisor", "req-" + std::to_string(i),
          "",        "2026-11-26T05:29:13.042Z"};
}

nlohmann::json body_json(const std::string& id) {
  return {{"id", id},
          {"name", "楚雄市财政局政府采购监管科"},
          {"region", "532301"},
          {"kind", "department"},
          {"parent_id", nullptr},
          {"version", 1},
          {"created_at", "2026-11-26T05:29:13.042Z"},
          {"updated_at", "2026-11-26T05:29:13.042Z"}};
}

/**
 * One ledger-like write transaction: BEGIN IMMEDIATE (SQLite) or START TRANSACTION (MySQL), INSERT a body,
 * [append the trail entry], COMMIT.
 */
void write_once(soci::session& sql, std::int64_t i, bool with_trail) {
  const std::string id = "bod_bench_" + std::to_string(i) + (with_trail ? "t" : "n");
  const std::string name = "楚雄市财政局政府采购监管科", region = "532301", kind = "department",
                    now = "2026-11-26T05:29:13.042Z";
  sql << (sql.get_backend_name() == "sqlite3" ? "BEGIN IMMEDIATE" : "START TRANSACTION");
  sql << "INSERT INTO bodies (id, name, region, kind, parent_id, version, created_at, updated_at) "
         "VALUES (:id, :name, :region, :kind, NULL, 1, :now, :now2)",
      soci::use(id, "id"), soci::use(name, "name"), soci::use(region, "region"), soci::use(kind, "kind"),
      soci::use(now, "now"), soci::use(now, "now2");
  if (with_trail) {
    const store::ChangeRecord change{"create", "body", id, nullptr, body_json(id)};
    auto seq = store::append_change_set(sql, context(i), std::span<const store::ChangeRecord>(&change, 1));
    if (!seq) throw std::runtime_error(seq.error().message);
  }
  sql << "COMMIT";
}

/**
 * CPU seconds the MySQL server process has used so far (user + system, from /proc; the server must run on
 * this machine, as a socket URL implies), or a negative value when it cannot be read.
 */
double server_cpu_seconds(soci::session& sql) {
  std::string pid_file;
  sql << "SELECT @@pid_file", soci::into(pid_file);
  std::ifstream pid_in(pid_file);
  long pid = 0;
  if (!(pid_in >> pid)) return -1;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void ledger_write(benchmark::State& state, bool mysql) {
  const bool with_trail = state.range(0) == 1;
  BenchDb bench(with_trail ? "with" : "without", mysql);
  if (!have_database(state, bench)) return;
  std::int64_t i = 0;
  {
    auto lease = bench.db->acquire();  // the pool's only session: returned before head() below
    // On MySQL the server does most of the work: its CPU per write is reported beside the client's.
    const double server_before = mysql ? server_cpu_seconds(*lease) : -1;
    for (auto _ : state)
      write_once(*lease, i++, with_trail);
    const double server_after = mysql ? server_cpu_seconds(*lease) : -1;
    if (server_before >= 0 && server_after >= 0 && i > 0) {
      state.counters["server_cpu_us"] = (server_after - server_before) * 1e6 / static_cast<double>(i);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(with_trail ? "with trail" : "without trail");
  if (with_trail && store::TrailStore(*bench.db).head().value().seq != static_cast<std::uint64_t>(i)) {
    state.SkipWithError("the trail does not hold one entry per write");
  }
}

void BM_LedgerWrite(benchmark::State& state) {
  ledger_write(state, false);
}
BENCHMARK(BM_LedgerWrite)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(3.0)->UseRealTime();

void BM_LedgerWriteMysql(benchmark::State& state) {
  ledger_write(state, true);
}
BENCHMARK(BM_LedgerWriteMysql)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(3.0)->UseRealTime();

/**
 * `n` entries of a realistic trail (a breach verified by a named supervisor: a change set of one change with
 * a 2-operation patch, Chinese names), sealed in memory and inserted in bulk with the Merkle nodes each
 * completes - as appends leave them, without the setup taking minutes on MySQL.
 */
void fill_trail(store::Database& db, std::uint64_t n) {
  auto lease = db.acquire();
  soci::session& sql = *lease;
  const bool sqlite = sql.get_backend_name() == "sqlite3";
  sql << (sqlite ? "BEGIN IMMEDIATE" : "START TRANSACTION");
  trail::MemoryMerkleTree tree;
  tree.reserve(n);
  trail::Hash prev = trail::kZeroHash;
  constexpr std::size_t kBatch = 2'000;
  std::vector<long long> seq;
  std::vector<std::string> time, token_id, name, role, action, type, id, request_id, reason, patch, prev_hex,
      hash_hex, nodes;
  const auto flush = [&] {
    if (seq.empty()) return;
    sql << "INSERT INTO trail_entries (seq, time, actor_token_id, actor_name, role, action, entity_type, "
           "entity_id, request_id, reason, patch, prev_hash, hash, nodes) VALUES (:seq, :time, :token_id, "
           ":name, :role, :action, :type, :id, :request_id, :reason, :patch, :prev_hash, :hash, :nodes)",
        soci::use(seq, "seq"), soci::use(time, "time"), soci::use(token_id, "token_id"),
        soci::use(name, "name"), soci::use(role, "role"), soci::use(action, "action"),
        soci::use(type, "type"), soci::use(id, "id"), soci::use(request_id, "request_id"),
        soci::use(reason, "reason"), soci::use(patch, "patch"), soci::use(prev_hex, "prev_hash"),
        soci::use(hash_hex, "hash"), soci::use(nodes, "nodes");
    for (auto* v : {&time, &token_id, &name, &role, &action, &type, &id, &request_id, &reason, &patch,
                    &prev_hex, &hash_hex, &nodes})
      v->clear();
    seq.clear();
  };
  for (std::uint64_t i = 0; i < n; ++i) {
    const store::WriteContext c = context(static_cast<std::int64_t>(i));
    trail::EntryDraft d;
    d.time = *domain::parse_instant(c.now);
    d.actor = {c.token_id, c.actor_name};
    d.role = c.role;
    d.action = "breach.verify";
    d.entity = {"breach", "brc_" + std::to_string(i % 5000)};
    d.request_id = c.request_id;
    // A change set of its one change (docs/TRAIL.md §2.4), as the breach workflow appends it.
    d.patch = nlohmann::json::array({{{"type", "breach"},
                                      {"id", d.entity.id},
                                      {"op", "verify"},
                                      {"patch",
                                       {{{"op", "replace"}, {"path", "/state"}, {"value", "verified"}},
                                        {{"op", "add"},
                                         {"path", "/amount"},
                                         {"value", {{"amount", "1234.56"}, {"currency", "CNY"}}}}}}}});
    const trail::TrailEntry e = trail::seal_entry(d, i + 1, prev).value();
    prev = e.hash;
    tree.append(e.hash);
    seq.push_back(static_cast<long long>(e.seq));
    time.push_back(e.time);
    token_id.push_back(e.actor.token_id);
    name.push_back(e.actor.name);
    role.push_back(e.role);
    action.push_back(e.action);
    type.push_back(e.entity.type);
    id.push_back(e.entity.id);
    request_id.push_back(e.request_id);
    reason.push_back(e.reason);
    patch.push_back(e.patch);
    prev_hex.push_back(trail::to_hex(e.prev_hash));
    hash_hex.push_back(trail::to_hex(e.hash));
    // The interior nodes this entry completes, levels 1, 2, … (docs/TRAIL.md §8.1), as the appender stores
    // them.
    std::string completed;
    for (unsigned level = 1; (e.seq & ((std::uint64_t{1} << level) - 1)) == 0; ++level)
      completed += trail::to_hex(tree.level(level)[(e.seq >> level) - 1]);
    nodes.push_back(std::move(completed));
    if (seq.size() == kBatch) flush();
  }
  flush();
  long long head_seq = static_cast<long long>(n);
  std::string head_hash = trail::to_hex(prev);
  sql << "UPDATE trail_head SET seq = :seq, hash = :hash WHERE id = 1", soci::use(head_seq, "seq"),
      soci::use(head_hash, "hash");
  sql << "COMMIT";
}

void verify_from_database(benchmark::State& state, bool mysql) {
  const std::uint64_t n = env_size("PACTWATCH_BENCH_VERIFY_ENTRIES", 200'000);
  BenchDb bench("verify", mysql);
  if (!have_database(state, bench)) return;
  fill_trail(*bench.db, n);
  store::TrailStore trail_store(*bench.db);
  store::TrailVerifyOptions options;
  if (state.range(0) > 0) options.page_size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    auto result = trail_store.verify(options).value();
    // A broken verifier must not look fast: every entry verified, and the stored nodes give the root.
    if (!result.report.ok() || result.report.entries_verified != n || !result.tree_nodes_problem.empty()) {
      state.SkipWithError("the benchmark trail does not verify");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_VerifyFromDatabase(benchmark::State& state) {
  verify_from_database(state, false);
}
BENCHMARK(BM_VerifyFromDatabase)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(3);

/** Arg: rows per keyset page (TrailVerifyOptions::page_size; the service uses the default, 5,000). */
void BM_VerifyFromDatabaseMysql(benchmark::State& state) {
  verify_from_database(state, true);
}
BENCHMARK(BM_VerifyFromDatabaseMysql)->Arg(5'000)->Arg(20'000)->Unit(benchmark::kMillisecond)->Iterations(3);

/**
 * trail_nodes of a tree of `n` leaves, filled in bulk (random hashes: lookups cost the same), and the
 * entries of the leaves in `leaves` and of their siblings (leaves are read from trail_entries).
 */
void fill_nodes(soci::session& sql, std::uint64_t n, const std::vector<std::uint64_t>& leaves) {
  std::mt19937_64 random(42);
  const auto random_hex = [&] {
    trail::Hash h;
    for (auto& b : h)
      b = static_cast<std::uint8_t>(random());
    return trail::to_hex(h);
  };
  sql << "BEGIN IMMEDIATE";
  std::set<std::uint64_t> seqs;
  for (const auto leaf : leaves) {
    seqs.insert(leaf + 1);
    if ((leaf ^ 1) < n) seqs.insert((leaf ^ 1) + 1);
  }
  for (const auto seq : seqs) {
    long long s = static_cast<long long>(seq);
    const std::string hash = random_hex();
    sql << "INSERT INTO trail_entries (seq, time, actor_token_id, actor_name, role, action, entity_type, "
           "entity_id, request_id, reason, patch, prev_hash, hash) VALUES (:seq, '2026-11-26T05:00:00.000Z', "
           "'', 'bench', 'system', 'body.create', 'body', 'bod_x', '', '', '[]', :prev, :hash)",
        soci::use(s, "seq"), soci::use(hash, "prev"), soci::use(hash, "hash");
  }
  constexpr std::size_t kBatch = 10'000;
  std::vector<int> levels;
  std::vector<long long> idx;
  std::vector<std::string> hashes;
  for (unsigned level = 1; (n >> level) > 0; ++level) {
    const std::uint64_t count = n >> level;
    for (std::uint64_t i = 0; i < count; i += kBatch) {
      const std::uint64_t end = std::min<std::uint64_t>(count, i + kBatch);
      levels.assign(end - i, static_cast<int>(level));
      idx.clear();
      hashes.clear();
      for (std::uint64_t k = i; k < end; ++k) {
        idx.push_back(static_cast<long long>(k));
        hashes.push_back(random_hex());
      }
      sql << "INSERT INTO trail_nodes (level, idx, hash) VALUES (:level, :idx, :hash)",
          soci::use(levels, "level"), soci::use(idx, "idx"), soci::use(hashes, "hash");
    }
  }
  sql << "COMMIT";
}

void BM_InclusionProofFromDatabase(benchmark::State& state) {
  const std::uint64_t n = env_size("PACTWATCH_BENCH_PROOF_ENTRIES", 10'000'000);
  BenchDb bench("proof", false);
  auto lease = bench.db->acquire();
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> leaves(4096);
  for (auto& leaf : leaves)
    leaf = random() % n;
  fill_nodes(*lease, n, leaves);
  std::size_t next = 0;
  for (auto _ : state) {
    const store::detail::DbMerkleSource source(*lease, n);
    const std::uint64_t leaf = leaves[next++ % leaves.size()];
    auto proof = trail::inclusion_proof(source, leaf, n);
    auto root = trail::merkle_root(source, n);
    benchmark::DoNotOptimize(proof);
    benchmark::DoNotOptimize(root);
  }
  state.counters["tree_size"] = static_cast<double>(n);
}
BENCHMARK(BM_InclusionProofFromDatabase)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
