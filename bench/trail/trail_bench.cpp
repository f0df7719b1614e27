// Benchmarks of the trail core. Targets (issue #6): verification >= 1,000,000 entries/s per core; an
// inclusion proof (generation + verification) under 1 ms at 10,000,000 entries.
#include <benchmark/benchmark.h>

#include <random>

#include "adapters/trail/chain_verifier.hpp"
#include "adapters/trail/entry.hpp"
#include "adapters/trail/merkle.hpp"

namespace pactwatch::trail {
namespace {

using nlohmann::json;

// A realistic entry: a breach transition by a named supervisor, with Chinese reason and a 3-operation patch
// (about 520 canonical bytes).
EntryDraft realistic_draft(std::uint64_t seq) {
  EntryDraft d;
  d.time = domain::Instant{std::chrono::milliseconds(1795000000000LL + static_cast<std::int64_t>(seq) * 37)};
  d.actor = {"tok_" + std::to_string(seq % 17), "楚雄州财政局政府采购监管科"};
  d.role = "supervisor";
  d.action = "breach.order_rectification";
  d.entity = {"breach", "br_" + std::to_string(100000 + seq)};
  d.request_id = "0f8e2a4c-" + std::to_string(seq);
  d.reason = "逾期 45 日未支付中小企业款项，责令限期整改（保障中小企业款项支付条例）";
  d.patch = json::array({
      {{"op", "replace"}, {"path", "/state"}, {"value", "rectifying"}},
      {{"op", "add"}, {"path", "/rectification_deadline"}, {"value", "2026-12-10"}},
      {{"op", "replace"},
       {"path", "/amount"},
       {"value", {{"amount", std::to_string(seq % 100000) + ".50"}, {"currency", "CNY"}}}},
  });
  return d;
}

const std::vector<TrailEntry>& chain() {
  static const std::vector<TrailEntry> rows = [] {
    std::vector<TrailEntry> out;
    constexpr std::uint64_t kEntries = 200000;
    out.reserve(kEntries);
    Hash prev = kZeroHash;
    for (std::uint64_t seq = 1; seq <= kEntries; ++seq) {
      out.push_back(*seal_entry(realistic_draft(seq), seq, prev));
      prev = out.back().hash;
    }
    return out;
  }();
  return rows;
}

// Chain verification: per entry one SHA-256 over the stored fields and one Merkle append.
void BM_VerifyChain(benchmark::State& state) {
  const auto& rows = chain();
  std::size_t bytes = 0;
  std::string buffer;
  for (const auto& r : rows) {
    buffer.clear();
    append_entry_canonical(r, buffer);
    bytes += buffer.size();
  }
  for (auto _ : state) {
    const auto report = verify_chain(rows);
    if (!report.ok()) state.SkipWithError("chain did not verify");
    benchmark::DoNotOptimize(report.root);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
  state.counters["bytes_per_entry"] = static_cast<double>(bytes) / static_cast<double>(rows.size());
}
BENCHMARK(BM_VerifyChain)->Unit(benchmark::kMillisecond);

// The same with a signed checkpoint every 10,000 entries (20 Ed25519 verifications and root comparisons).
void BM_VerifyChainWithCheckpoints(benchmark::State& state) {
  const auto& rows = chain();
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  std::vector<SignedCheckpoint> checkpoints;
  MerkleFrontier frontier;
  for (const auto& r : rows) {
    frontier.append(r.hash);
    if (frontier.size() % 10000 == 0) {
      checkpoints.push_back(
          key.sign(Checkpoint{frontier.size(), frontier.root(), "2026-11-26T00:00:00.000Z"}));
    }
  }
  for (auto _ : state) {
    const auto report = verify_chain(rows, {checkpoints, &pub, ChainHead{rows.back().seq, rows.back().hash}});
    if (!report.ok()) state.SkipWithError("chain did not verify");
    benchmark::DoNotOptimize(report.root);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
}
BENCHMARK(BM_VerifyChainWithCheckpoints)->Unit(benchmark::kMillisecond);

// Sealing one entry on the write path: canonicalise the patch through nlohmann, format, hash.
void BM_SealEntry(benchmark::State& state) {
  const EntryDraft d = realistic_draft(12345);
  Hash prev = kZeroHash;
  std::uint64_t seq = 1;
  for (auto _ : state) {
    auto e = seal_entry(d, seq++, prev);
    prev = e->hash;
    benchmark::DoNotOptimize(prev);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SealEntry);

constexpr std::uint64_t kBigTree = 10000000;

const MemoryMerkleTree& big_tree() {
  static const MemoryMerkleTree tree = [] {
    MemoryMerkleTree t;
    t.reserve(kBigTree);
    for (std::uint64_t i = 0; i < kBigTree; ++i)
      t.append(sha256(std::to_string(i)));
    return t;
  }();
  return tree;
}

// Appending to the in-memory tree (amortised: a leaf hash and on average one interior node).
void BM_TreeAppend(benchmark::State& state) {
  MemoryMerkleTree tree;
  const Hash leaf = sha256("leaf");
  for (auto _ : state)
    benchmark::DoNotOptimize(tree.append(leaf));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TreeAppend);

// Inclusion proof for a random leaf of the 10M tree: generate PATH and verify it against the root.
void BM_InclusionProof10M(benchmark::State& state) {
  const auto& tree = big_tree();
  const Hash root = *merkle_root(tree, kBigTree);
  std::mt19937_64 rng(42);
  for (auto _ : state) {
    const std::uint64_t m = rng() % kBigTree;
    const auto proof = inclusion_proof(tree, m, kBigTree);
    if (!verify_inclusion(tree.leaf_hash(m), m, kBigTree, *proof, root))
      state.SkipWithError("did not verify");
  }
}
BENCHMARK(BM_InclusionProof10M)->Unit(benchmark::kMicrosecond);

// The same at a random tree size below 10M (an older checkpoint), root recomputed from stored nodes.
void BM_InclusionProofRandomSize10M(benchmark::State& state) {
  const auto& tree = big_tree();
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    const std::uint64_t n = 1 + rng() % kBigTree;
    const std::uint64_t m = rng() % n;
    const Hash root = *merkle_root(tree, n);
    const auto proof = inclusion_proof(tree, m, n);
    if (!verify_inclusion(tree.leaf_hash(m), m, n, *proof, root)) state.SkipWithError("did not verify");
  }
}
BENCHMARK(BM_InclusionProofRandomSize10M)->Unit(benchmark::kMicrosecond);

// Consistency proof from a random earlier size to 10M: both roots, the proof, and its verification.
void BM_ConsistencyProof10M(benchmark::State& state) {
  const auto& tree = big_tree();
  const Hash second = *merkle_root(tree, kBigTree);
  std::mt19937_64 rng(99);
  for (auto _ : state) {
    const std::uint64_t m = 1 + rng() % (kBigTree - 1);
    const Hash first = *merkle_root(tree, m);
    const auto proof = consistency_proof(tree, m, kBigTree);
    if (!verify_consistency(m, kBigTree, first, second, *proof)) state.SkipWithError("did not verify");
  }
}
BENCHMARK(BM_ConsistencyProof10M)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pactwatch::trail
