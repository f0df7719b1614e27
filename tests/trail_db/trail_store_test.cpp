// The trail store on SQLite and MariaDB: appends in the write transaction, gap-free under concurrency,
// the Merkle tree from trail_nodes against the in-memory tree (itself checked against Python's hashlib in
// tests/trail), proofs, checkpoints and the checkpoint policy.
#include "adapters/store/trail_store.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "adapters/trail/merkle.hpp"
#include "server/api/trail_routes.hpp"
#include "tests/trail_db/trail_db_support.hpp"

namespace pactwatch::testing {
namespace {

class TrailStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = database_.open(4);
    auto migrated = db_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }
  std::vector<trail::TrailEntry> all_entries() { return all_trail_entries(*db_); }
  TestDatabase database_;
  std::unique_ptr<store::Database> db_;
};

// Verifies each write appends one entry: seq 1…n without gaps, linked, the head on the last, and the whole
// trail verifies; creation is one `add` at "" and an update the diff.
TEST_F(TrailStoreTest, AppendsAreGapFreeLinkedAndVerify) {
  append_entries(*db_, 12);
  const auto entries = all_entries();
  ASSERT_EQ(entries.size(), 12u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, i + 1);
    EXPECT_EQ(entries[i].prev_hash, i == 0 ? trail::kZeroHash : entries[i - 1].hash);
  }
  EXPECT_EQ(entries[0].action, "body.create");
  EXPECT_EQ(entries[0].patch, R"([{"op":"add","path":"","value":{"id":"bod_0","name":"v0"}}])");
  EXPECT_EQ(entries[5].action, "body.update");
  EXPECT_EQ(entries[5].patch, R"([{"op":"replace","path":"/name","value":"v5"}])");
  auto head = store::TrailStore(*db_).head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 12u);
  EXPECT_EQ(head->hash, entries.back().hash);
  auto verified = store::TrailStore(*db_).verify({});
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok()) << (verified->report.finding ? verified->report.finding->detail : "");
  EXPECT_EQ(verified->report.entries_verified, 12u);
}

// Verifies a write that fails after recording its change leaves neither the change nor its entry.
TEST_F(TrailStoreTest, RolledBackWriteLeavesNoEntry) {
  append_entries(*db_, 3);
  store::LedgerStore ledger(*db_);
  auto r = ledger.write(
      context_at(99), std::nullopt,
      [](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
        if (auto ok = tx.record_external_change({"create", "body", "bod_x", nullptr, {{"id", "bod_x"}}}); !ok)
          return std::unexpected(ok.error());
        return domain::fail(domain::ErrorCode::conflict, "the write fails after its change was recorded");
      });
  EXPECT_FALSE(r);
  EXPECT_EQ(all_entries().size(), 3u);
  EXPECT_EQ(store::TrailStore(*db_).head()->seq, 3u);
  append_entries(*db_, 1, 500);
  EXPECT_EQ(all_entries().back().seq, 4u);
  EXPECT_TRUE(store::TrailStore(*db_).verify({})->ok());
}

// Verifies concurrent writers on several sessions are serialized by the chain head: seq runs 1…n without a
// gap or a duplicate and the chain verifies (commit order is chain order).
TEST_F(TrailStoreTest, ConcurrentWritersStayGapFree) {
  constexpr int kThreads = 4, kEach = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "bod_t" + std::to_string(t) + "_" + std::to_string(i);
        store::LedgerStore ledger(*db_);
        // SQLite may answer "busy" beyond its timeout under load; a real client retries, so does this one.
        for (int attempt = 0; attempt < 20; ++attempt) {
          auto r = ledger.write(
              context_at(t * 100 + i), std::nullopt,
              [&](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
                if (auto ok = tx.record_external_change({"create", "body", id, nullptr, {{"id", id}}}); !ok)
                  return std::unexpected(ok.error());
                return store::StoredResponse{};
              });
          if (r) break;
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  const auto entries = all_entries();
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<std::string> ids;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, i + 1);
    ids.insert(entries[i].entity.id);
  }
  EXPECT_EQ(ids.size(), entries.size());
  EXPECT_TRUE(store::TrailStore(*db_).verify({})->ok());
}

/**
 * Checks the stored tree against the in-memory RFC 9162 tree of the entry hashes: for every size 1…n its
 * root, every inclusion and consistency proof verifies, and a flipped bit in a proof or a root is rejected.
 */
void expect_stored_tree_matches(store::Database& db, const std::vector<trail::TrailEntry>& entries) {
  const std::uint64_t total = entries.size();
  trail::MemoryMerkleTree memory;
  for (const auto& e : entries)
    memory.append(e.hash);
  store::TrailStore trail_store(db);
  for (std::uint64_t n = 1; n <= total; ++n) {
    const auto root = trail_store.root(n);
    ASSERT_TRUE(root) << root.error().message;
    ASSERT_EQ(*root, *trail::merkle_root(memory, n)) << "size " << n;
    for (std::uint64_t seq = 1; seq <= n; seq += (n > 12 ? 5 : 1)) {
      auto proof = trail_store.inclusion_proof(seq, n);
      ASSERT_TRUE(proof) << proof.error().message;
      const auto leaf = trail::merkle_leaf_hash(entries[seq - 1].hash);
      EXPECT_TRUE(trail::verify_inclusion(leaf, seq - 1, n, proof->path, *root)) << seq << "/" << n;
      if (!proof->path.empty()) {
        auto bad = proof->path;
        bad[0][7] ^= 0x01;
        EXPECT_FALSE(trail::verify_inclusion(leaf, seq - 1, n, bad, *root));
      }
      auto bad_root = *root;
      bad_root[31] ^= 0x80;
      EXPECT_FALSE(trail::verify_inclusion(leaf, seq - 1, n, proof->path, bad_root));
    }
    for (std::uint64_t m = 1; m <= n; m += 3) {
      auto proof = trail_store.consistency_proof(m, n);
      ASSERT_TRUE(proof) << proof.error().message;
      EXPECT_TRUE(trail::verify_consistency(m, n, proof->from_root, proof->to_root, proof->proof));
      if (!proof->proof.empty()) {
        auto bad = proof->proof;
        bad.back()[0] ^= 0x10;
        EXPECT_FALSE(trail::verify_consistency(m, n, proof->from_root, proof->to_root, bad));
      }
    }
  }
}

// Verifies the stored tree (leaves from the entries' hashes, interior nodes in the rows of the entries that
// completed them): for every size 1…37 its root equals the in-memory RFC 9162 tree of the entry hashes,
// every inclusion and consistency proof verifies, and a flipped bit in a proof or a root is rejected.
TEST_F(TrailStoreTest, StoredTreeGivesTheRfc9162RootsAndProofs) {
  append_entries(*db_, 37);
  expect_stored_tree_matches(*db_, all_entries());
  store::TrailStore trail_store(*db_);
  EXPECT_FALSE(trail_store.inclusion_proof(5, 38));  // beyond the trail
  EXPECT_FALSE(trail_store.inclusion_proof(9, 8));   // the entry is not in that tree
  EXPECT_FALSE(trail_store.consistency_proof(0, 5));
}

// Verifies a trail written before migration 0008 — its interior nodes in trail_nodes, the entries' `nodes`
// column empty — still gives every root and proof, verifies, and takes new appends whose left siblings are
// those older nodes.
TEST_F(TrailStoreTest, NodesWrittenBeforeMigration0008AreStillRead) {
  append_entries(*db_, 21);
  {
    // The layout of migration 0005: every interior node as a trail_nodes row.
    auto lease = db_->acquire();
    std::vector<long long> seqs(100);
    std::vector<std::string> nodes(100);
    *lease << "SELECT seq, nodes FROM trail_entries WHERE nodes <> '' ORDER BY seq", soci::into(seqs),
        soci::into(nodes);
    ASSERT_FALSE(seqs.empty());
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      for (int level = 1; static_cast<std::size_t>(level) * 64 <= nodes[i].size(); ++level) {
        const long long idx = (seqs[i] >> level) - 1;
        const std::string hash = nodes[i].substr(static_cast<std::size_t>(level - 1) * 64, 64);
        *lease << "INSERT INTO trail_nodes (level, idx, hash) VALUES (:level, :idx, :hash)",
            soci::use(level, "level"), soci::use(idx, "idx"), soci::use(hash, "hash");
      }
    }
    *lease << "UPDATE trail_entries SET nodes = ''";
  }
  append_entries(*db_, 16, 1000);
  expect_stored_tree_matches(*db_, all_entries());
  auto verified = store::TrailStore(*db_).verify({});
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok()) << verified->tree_nodes_problem;
}

// Verifies checkpoints: the head is signed once (nothing new: no second one), the signature verifies with
// the key, and a checkpoint whose signature or root is altered in the table fails verification at its size.
TEST_F(TrailStoreTest, CheckpointsAreSignedAndChecked) {
  auto key = trail::SigningKey::generate();
  ASSERT_TRUE(key);
  const auto public_key = key->public_key();
  append_entries(*db_, 6);
  store::TrailStore trail_store(*db_);
  auto taken = trail_store.take_checkpoint(*key, domain::parse_instant("2026-11-26T06:00:00Z").value());
  ASSERT_TRUE(taken && taken->has_value());
  EXPECT_EQ((*taken)->checkpoint.tree_size, 6u);
  EXPECT_TRUE(public_key.verify(**taken));
  EXPECT_FALSE(
      trail_store.take_checkpoint(*key, domain::parse_instant("2026-11-26T06:00:01Z").value())->has_value());
  store::TrailVerifyOptions options;
  options.public_key = &public_key;
  auto good = trail_store.verify(options);
  ASSERT_TRUE(good);
  EXPECT_TRUE(good->ok());
  EXPECT_EQ(good->report.checkpoints_verified, 1u);

  auto cp = trail_store.checkpoint(6);
  ASSERT_TRUE(cp && cp->has_value());
  auto sig = trail::base64_decode(trail::base64_encode((*cp)->signature)).value();
  sig[10] ^= 0x01;
  run_sql(*db_,
          "UPDATE trail_checkpoints SET signature = '" + trail::base64_encode(sig) + "' WHERE tree_size = 6");
  auto bad = trail_store.verify(options);
  ASSERT_TRUE(bad && bad->report.finding);
  EXPECT_EQ(bad->report.finding->kind, trail::TamperKind::bad_signature);
  EXPECT_EQ(bad->report.finding->seq, 6u);
}

// Verifies the checkpoint policy: nothing is signed before N entries are unsigned (or T has passed since
// the oldest unsigned one), and the head is signed once they are.
TEST_F(TrailStoreTest, SchedulerSignsEveryNEntriesOrTSeconds) {
  auto key = std::make_shared<const trail::SigningKey>(trail::SigningKey::generate().value());
  server::CheckpointPolicy policy;
  policy.every_entries = 5;
  policy.every = std::chrono::seconds{60};
  server::CheckpointScheduler scheduler(*db_, key, policy);
  const auto at = [](const char* t) { return domain::parse_instant(t).value(); };
  EXPECT_FALSE(scheduler.tick(at("2026-11-26T05:00:10Z")).value());  // empty trail
  append_entries(*db_, 4);                                           // entries at 05:00:00.000-.003
  EXPECT_FALSE(scheduler.tick(at("2026-11-26T05:00:30Z")).value());  // 4 < 5 and 30 s < 60 s
  EXPECT_TRUE(scheduler.tick(at("2026-11-26T05:01:00Z")).value());   // the oldest waited 60 s
  append_entries(*db_, 5, 1000);
  EXPECT_TRUE(scheduler.tick(at("2026-11-26T05:01:01Z")).value());  // 5 unsigned entries
  auto latest = store::TrailStore(*db_).latest_checkpoint();
  ASSERT_TRUE(latest && latest->has_value());
  EXPECT_EQ((*latest)->checkpoint.tree_size, 9u);
  EXPECT_FALSE(scheduler.tick(at("2026-11-26T05:09:00Z")).value());  // nothing new
}

// Verifies the official filter: the official's own entries and entries whose patch names the official's id
// as a whole JSON string, but not an id that merely starts the same way.
TEST_F(TrailStoreTest, OfficialFilterFollowsReferences) {
  append_change(*db_, context_at(1),
                {"create", "official", "off_1", nullptr, {{"id", "off_1"}, {"name", "张建国"}}});
  append_change(*db_, context_at(2),
                {"create", "official", "off_10", nullptr, {{"id", "off_10"}, {"name", "李明"}}});
  append_change(
      *db_, context_at(3),
      {"append_assignment",
       "agreement",
       "agr_1",
       {{"id", "agr_1"}, {"stages", nlohmann::json::array()}},
       {{"id", "agr_1"},
        {"stages", {{{"kind", "implementation"}, {"assignments", {{{"official_id", "off_1"}}}}}}}}});
  append_change(*db_, context_at(4), {"create", "body", "bod_1", nullptr, {{"id", "bod_1"}}});
  store::TrailFilter f;
  f.official = "off_1";
  auto page = store::TrailStore(*db_).entries(f);
  ASSERT_TRUE(page);
  std::vector<std::uint64_t> seqs;
  for (const auto& e : page->items)
    seqs.push_back(e.seq);
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 3}));
}

}  // namespace
}  // namespace pactwatch::testing
