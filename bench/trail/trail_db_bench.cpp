// The trail in the database (docs/PERFORMANCE.md, "## Trail"), on a temporary SQLite file:
// - the append overhead: a write transaction (one INSERT, as a ledger create) with and without the trail
//   append (head lock, entry, head update, Merkle nodes) - the two are compared per write;
// - verification streamed from trail_entries (TrailStore::verify: SELECT pages + hash + link + root);
// - an inclusion proof (and its root) from trail_nodes at 10,000,000 entries (nodes filled in bulk).
// PACTWATCH_BENCH_VERIFY_ENTRIES (default 200000) and PACTWATCH_BENCH_PROOF_ENTRIES (default 10000000) size
// the data sets.

#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
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

/** A migrated SQLite database in a temporary directory (removed at exit). */
struct BenchDb {
  explicit BenchDb(const std::string& tag) {
    dir = std::filesystem::temp_directory_path() /
          ("pactwatch-trail-bench-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto url = store::DatabaseUrl::parse("sqlite:" + (dir / "bench.db").string()).value();
    store::DatabaseOptions options;
    options.pool_size = 1;
    options.sql_dir = PACTWATCH_SOURCE_DIR "/sql";
    db = std::move(store::Database::open(url, options).value());
    (void)db->migrate().value();
  }
  ~BenchDb() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
};

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

/** One ledger-like write transaction: BEGIN IMMEDIATE, INSERT a body, [append the trail entry], COMMIT. */
void write_once(soci::session& sql, std::int64_t i, bool with_trail) {
  const std::string id = "bod_bench_" + std::to_string(i) + (with_trail ? "t" : "n");
  const std::string name = "楚雄市财政局政府采购监管科", region = "532301", kind = "department",
                    now = "2026-11-26T05:29:13.042Z";
  sql << "BEGIN IMMEDIATE";
  sql << "INSERT INTO bodies (id, name, region, kind, parent_id, version, created_at, updated_at) "
         "VALUES (:id, :name, :region, :kind, NULL, 1, :now, :now2)",
      soci::use(id, "id"), soci::use(name, "name"), soci::use(region, "region"), soci::use(kind, "kind"),
      soci::use(now, "now"), soci::use(now, "now2");
  if (with_trail) {
    auto seq = store::append_trail_entry(sql, context(i), {"create", "body", id, nullptr, body_json(id)});
    if (!seq) throw std::runtime_error(seq.error().message);
  }
  sql << "COMMIT";
}

void BM_LedgerWrite(benchmark::State& state) {
  const bool with_trail = state.range(0) == 1;
  BenchDb bench(with_trail ? "with" : "without");
  auto lease = bench.db->acquire();
  std::int64_t i = 0;
  for (auto _ : state)
    write_once(*lease, i++, with_trail);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(with_trail ? "with trail" : "without trail");
}
BENCHMARK(BM_LedgerWrite)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(3.0)->UseRealTime();

void BM_VerifyFromDatabase(benchmark::State& state) {
  const std::uint64_t n = env_size("PACTWATCH_BENCH_VERIFY_ENTRIES", 200'000);
  BenchDb bench("verify");
  {
    auto lease = bench.db->acquire();
    soci::session& sql = *lease;
    sql << "BEGIN IMMEDIATE";
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string id = "brc_" + std::to_string(i % 5000);
      nlohmann::json before{{"state", "detected"}, {"id", id}};
      nlohmann::json after{
          {"state", "verified"}, {"id", id}, {"amount", {{"amount", "1234.56"}, {"currency", "CNY"}}}};
      (void)store::append_trail_entry(sql, context(static_cast<std::int64_t>(i)),
                                      {"verify", "breach", id, before, after})
          .value();
    }
    sql << "COMMIT";
  }
  store::TrailStore trail_store(*bench.db);
  for (auto _ : state) {
    auto result = trail_store.verify({}).value();
    if (!result.ok()) state.SkipWithError("the benchmark trail does not verify");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_VerifyFromDatabase)->Unit(benchmark::kMillisecond)->Iterations(3);

/** trail_nodes of a tree of `n` leaves, filled in bulk (random hashes: lookups cost the same). */
void fill_nodes(soci::session& sql, std::uint64_t n) {
  std::mt19937_64 random(42);
  sql << "BEGIN IMMEDIATE";
  constexpr std::size_t kBatch = 10'000;
  std::vector<int> levels;
  std::vector<long long> idx;
  std::vector<std::string> hashes;
  for (unsigned level = 0; (n >> level) > 0; ++level) {
    const std::uint64_t count = n >> level;
    for (std::uint64_t i = 0; i < count; i += kBatch) {
      const std::uint64_t end = std::min<std::uint64_t>(count, i + kBatch);
      levels.assign(end - i, static_cast<int>(level));
      idx.clear();
      hashes.clear();
      for (std::uint64_t k = i; k < end; ++k) {
        idx.push_back(static_cast<long long>(k));
        trail::Hash h;
        for (auto& b : h)
          b = static_cast<std::uint8_t>(random());
        hashes.push_back(trail::to_hex(h));
      }
      sql << "INSERT INTO trail_nodes (level, idx, hash) VALUES (:level, :idx, :hash)",
          soci::use(levels, "level"), soci::use(idx, "idx"), soci::use(hashes, "hash");
    }
  }
  sql << "COMMIT";
}

void BM_InclusionProofFromDatabase(benchmark::State& state) {
  const std::uint64_t n = env_size("PACTWATCH_BENCH_PROOF_ENTRIES", 10'000'000);
  BenchDb bench("proof");
  auto lease = bench.db->acquire();
  fill_nodes(*lease, n);
  std::mt19937_64 random(7);
  for (auto _ : state) {
    const store::detail::DbMerkleSource source(*lease, n);
    const std::uint64_t leaf = random() % n;
    auto proof = trail::inclusion_proof(source, leaf, n);
    auto root = trail::merkle_root(source, n);
    benchmark::DoNotOptimize(proof);
    benchmark::DoNotOptimize(root);
  }
  state.counters["tree_size"] = static_cast<double>(n);
}
BENCHMARK(BM_InclusionProofFromDatabase)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
