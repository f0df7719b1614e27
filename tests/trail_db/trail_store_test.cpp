// The trail store on SQLite and MariaDB: appends in the write transaction, gap-free under concurrency,
// the Merkle tree from trail_nodes against the in-memory tree (itself checked against Python's hashlib in
// tests/trail), proofs, checkpoints and the checkpoint policy.
#include "adapters/store/trail_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "adapters/trail/change_set.hpp"
#include "adapters/trail/json_patch.hpp"
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

// Verifies each write appends one entry, a change set of its one change: seq 1…n without gaps, linked, the
// head on the last, and the whole trail verifies; creation is one `add` at "" and an update the diff.
TEST_F(TrailStoreTest, AppendsAreGapFreeLinkedAndVerify) {
  append_entries(*db_, 12);
  const auto entries = all_entries();
  ASSERT_EQ(entries.size(), 12u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, i + 1);
    EXPECT_EQ(entries[i].prev_hash, i == 0 ? trail::kZeroHash : entries[i - 1].hash);
  }
  EXPECT_EQ(entries[0].action, "body.create");
  EXPECT_EQ(
      entries[0].patch,
      R"([{"id":"bod_0","op":"create","patch":[{"op":"add","path":"","value":{"id":"bod_0","name":"v0"}}],)"
      R"("type":"body"}])");
  EXPECT_EQ(entries[5].action, "body.update");
  EXPECT_EQ(
      entries[5].patch,
      R"([{"id":"bod_0","op":"update","patch":[{"op":"replace","path":"/name","value":"v5"}],"type":"body"}])");
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
  // Every older node is checked too: one altered in trail_nodes is named with the row it belongs to.
  run_sql(*db_, "UPDATE trail_nodes SET hash = '" + std::string(64, 'a') + "' WHERE level = 2 AND idx = 1");
  auto altered = store::TrailStore(*db_).verify({});
  ASSERT_TRUE(altered) << altered.error().message;
  EXPECT_TRUE(altered->report.ok());
  EXPECT_FALSE(altered->ok());
  EXPECT_THAT(altered->tree_nodes_problem, ::testing::HasSubstr("(level 2, index 1) of the row of seq 8"));
}

std::vector<std::uint64_t> seqs_of(const std::vector<trail::TrailEntry>& entries) {
  std::vector<std::uint64_t> out;
  for (const auto& e : entries)
    out.push_back(e.seq);
  return out;
}

/** The seqs of the entries `filter` selects (one page of up to 1000). */
std::vector<std::uint64_t> listed(store::Database& db, store::TrailFilter filter) {
  filter.limit = 1000;
  auto page = store::TrailStore(db).entries(filter);
  EXPECT_TRUE(page) << page.error().message;
  return page ? seqs_of(page->items) : std::vector<std::uint64_t>{};
}

store::TrailFilter entity_filter(std::string type, std::string id = {}) {
  store::TrailFilter f;
  f.entity_type = std::move(type);
  f.entity_id = std::move(id);
  return f;
}

/** The state of one entity rebuilt from its history (TrailStore::entity_history, rebuild_state). */
nlohmann::json state_of(store::Database& db, const std::string& type, const std::string& id) {
  auto history = store::TrailStore(db).entity_history(type, id);
  EXPECT_TRUE(history) << history.error().message;
  if (!history) return nullptr;
  auto state = store::rebuild_state(*history, {type, id});
  EXPECT_TRUE(state) << state.error().message;
  return state ? *state : nlohmann::json(nullptr);
}

// Verifies one write is ONE entry listing every entity it changed as {type, id, op, patch}, in order: the
// entry's action and entity are its first change's; queries by entity (with and without id) find it through
// trail_index; each entity's state folds only its own changes, also across later entries.
TEST_F(TrailStoreTest, OneWriteIsOneChangeSetEntry) {
  append_changes(
      *db_, context_at(1),
      {{"create", "body", "bod_a", nullptr, {{"id", "bod_a"}, {"name", "v1"}}},
       {"create", "official", "off_a", nullptr, {{"id", "off_a"}, {"name", "张建国"}}},
       {"update", "body", "bod_a", {{"id", "bod_a"}, {"name", "v1"}}, {{"id", "bod_a"}, {"name", "v2"}}}});
  auto entries = all_entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "body.create");
  EXPECT_EQ(entries[0].entity, (trail::EntityRef{"body", "bod_a"}));
  const auto patch = nlohmann::json::parse(entries[0].patch);
  ASSERT_TRUE(trail::is_change_set(patch)) << entries[0].patch;
  ASSERT_EQ(patch.size(), 3u);
  EXPECT_EQ(
      patch[1],
      (nlohmann::json{
          {"type", "official"},
          {"id", "off_a"},
          {"op", "create"},
          {"patch", {{{"op", "add"}, {"path", ""}, {"value", {{"id", "off_a"}, {"name", "张建国"}}}}}}}));
  EXPECT_EQ(patch[2].at("op"), "update");
  EXPECT_EQ(patch[2].at("patch"), nlohmann::json::parse(R"([{"op":"replace","path":"/name","value":"v2"}])"));

  append_change(*db_, context_at(2),
                {"update",
                 "official",
                 "off_a",
                 {{"id", "off_a"}, {"name", "张建国"}},
                 {{"id", "off_a"}, {"name", "张建國"}}});
  EXPECT_EQ(listed(*db_, entity_filter("body", "bod_a")), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(listed(*db_, entity_filter("official", "off_a")), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(listed(*db_, entity_filter("official")), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(listed(*db_, entity_filter("body")), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(listed(*db_, entity_filter("agreement")).empty());
  EXPECT_TRUE(listed(*db_, entity_filter("body", "bod_b")).empty());
  EXPECT_EQ(state_of(*db_, "body", "bod_a"), (nlohmann::json{{"id", "bod_a"}, {"name", "v2"}}));
  EXPECT_EQ(state_of(*db_, "official", "off_a"), (nlohmann::json{{"id", "off_a"}, {"name", "张建國"}}));
  EXPECT_TRUE(store::TrailStore(*db_).verify({})->ok());
}

// Verifies a change set past its bound (TrailAppender::kMaxChanges) goes on in consecutive entries of the
// same request, each indexed under its own changes, and the trail verifies.
TEST_F(TrailStoreTest, ALargeChangeSetIsSplitIntoConsecutiveEntries) {
  const std::size_t n = 2 * store::TrailAppender::kMaxChanges + 88;
  std::vector<store::ChangeRecord> changes;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string id = "bod_" + std::to_string(i);
    changes.push_back({"create", "body", id, nullptr, {{"id", id}}});
  }
  append_changes(*db_, context_at(7), changes);
  const auto entries = all_entries();
  ASSERT_EQ(entries.size(), 3u);
  std::size_t total = 0;
  for (const auto& e : entries) {
    EXPECT_EQ(e.request_id, "req-7");
    EXPECT_EQ(e.action, "body.create");
    total += nlohmann::json::parse(e.patch).size();
  }
  EXPECT_EQ(total, n);
  EXPECT_EQ(entries[1].entity.id, "bod_" + std::to_string(store::TrailAppender::kMaxChanges));
  EXPECT_EQ(listed(*db_, entity_filter("body", "bod_300")), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(listed(*db_, entity_filter("body")).size(), 3u);
  EXPECT_TRUE(store::TrailStore(*db_).verify({})->ok());
}

/**
 * Writes `changes` as the trail of the layout before migration 0009 (one entry per entity, its patch that
 * entity's RFC 6902 patch, action "<type>.<action>"), each row with the Merkle nodes it completes as the
 * appender of migration 0008 left them. The trail must be empty.
 */
void write_per_entity_trail(store::Database& db, const store::WriteContext& context,
                            const std::vector<store::ChangeRecord>& changes) {
  auto lease = db.acquire();
  trail::MemoryMerkleTree tree;
  trail::Hash prev = trail::kZeroHash;
  for (const auto& c : changes) {
    trail::EntryDraft d;
    d.time = domain::parse_instant(context.now).value();
    d.actor = {context.token_id, context.actor_name};
    d.role = context.role;
    d.action = c.entity_type + "." + c.action;
    d.entity = {c.entity_type, c.entity_id};
    d.request_id = context.request_id;
    d.patch = c.before.is_null() ? nlohmann::json::array({{{"op", "add"}, {"path", ""}, {"value", c.after}}})
                                 : trail::json_patch::diff(c.before, c.after);
    const trail::TrailEntry e = trail::seal_entry(d, tree.size() + 1, prev).value();
    prev = e.hash;
    tree.append(e.hash);
    std::string nodes;
    for (unsigned level = 1; (e.seq & ((std::uint64_t{1} << level) - 1)) == 0; ++level)
      nodes += trail::to_hex(tree.level(level)[(e.seq >> level) - 1]);
    const long long seq = static_cast<long long>(e.seq);
    const std::string prev_hex = trail::to_hex(e.prev_hash), hash_hex = trail::to_hex(e.hash);
    *lease << "INSERT INTO trail_entries (seq, time, actor_token_id, actor_name, role, action, entity_type, "
              "entity_id, request_id, reason, patch, prev_hash, hash, nodes) VALUES (:seq, :time, :token_id, "
              ":name, :role, :action, :type, :id, :request_id, :reason, :patch, :prev_hash, :hash, :nodes)",
        soci::use(seq, "seq"), soci::use(e.time, "time"), soci::use(e.actor.token_id, "token_id"),
        soci::use(e.actor.name, "name"), soci::use(e.role, "role"), soci::use(e.action, "action"),
        soci::use(e.entity.type, "type"), soci::use(e.entity.id, "id"), soci::use(e.request_id, "request_id"),
        soci::use(e.reason, "reason"), soci::use(e.patch, "patch"), soci::use(prev_hex, "prev_hash"),
        soci::use(hash_hex, "hash"), soci::use(nodes, "nodes");
    *lease << "UPDATE trail_head SET seq = :seq, hash = :hash WHERE id = 1", soci::use(seq, "seq"),
        soci::use(hash_hex, "hash");
  }
}

/** A copy of the repository's migrations up to `last` (e.g. "0008"), in a new temporary directory. */
std::filesystem::path migrations_up_to(const std::string& last) {
  const auto dir = make_temp_dir("pactwatch-sql");
  for (const char* backend : {"sqlite", "mysql"}) {
    std::filesystem::create_directories(dir / backend);
    for (const auto& f :
         std::filesystem::directory_iterator(std::filesystem::path(source_sql_dir()) / backend)) {
      if (f.path().filename().string().substr(0, 4) <= last) std::filesystem::copy(f.path(), dir / backend);
    }
  }
  return dir;
}

// Verifies a trail written in the layout before migration 0009 (one entry per entity) stays readable and
// verifiable after it: the migration indexes the old entries, change sets follow them, and queries by
// entity, the official filter, entity histories (folding old whole patches and new sub-patches), every
// proof and verification work across both layouts.
TEST(TrailLayoutTest, EntriesBeforeMigration0009StayReadableAndVerifiable) {
  TestDatabase database;
  const auto old_sql = migrations_up_to("0008");
  {
    auto old_db = database.open(2, old_sql.string());
    ASSERT_TRUE(old_db->migrate());
    write_per_entity_trail(
        *old_db, context_at(1),
        {{"create", "body", "bod_0", nullptr, {{"id", "bod_0"}, {"name", "v0"}}},
         {"create", "official", "off_1", nullptr, {{"id", "off_1"}, {"name", "张建国"}}},
         {"create", "body", "bod_1", nullptr, {{"id", "bod_1"}, {"name", "w0"}}},
         {"update", "body", "bod_0", {{"id", "bod_0"}, {"name", "v0"}}, {{"id", "bod_0"}, {"name", "v1"}}},
         {"create", "agreement", "agr_1", nullptr, {{"id", "agr_1"}, {"official_id", "off_1"}}}});
  }
  std::filesystem::remove_all(old_sql);
  auto db = database.open(4);
  ASSERT_TRUE(db->migrate());  // 0009: trail_index gets the old entries
  append_changes(
      *db, context_at(2),
      {{"update", "body", "bod_0", {{"id", "bod_0"}, {"name", "v1"}}, {{"id", "bod_0"}, {"name", "v2"}}},
       {"create", "body", "bod_2", nullptr, {{"id", "bod_2"}, {"name", "x0"}}}});
  for (int i = 0; i < 9; ++i)
    append_change(*db, context_at(10 + i),
                  {"update",
                   "body",
                   "bod_1",
                   {{"id", "bod_1"}, {"name", "w" + std::to_string(i)}},
                   {{"id", "bod_1"}, {"name", "w" + std::to_string(i + 1)}}});
  const auto entries = all_trail_entries(*db);
  ASSERT_EQ(entries.size(), 15u);
  EXPECT_FALSE(trail::is_change_set(nlohmann::json::parse(entries[3].patch)));
  EXPECT_TRUE(trail::is_change_set(nlohmann::json::parse(entries[5].patch)));

  EXPECT_EQ(listed(*db, entity_filter("body", "bod_0")), (std::vector<std::uint64_t>{1, 4, 6}));
  EXPECT_EQ(listed(*db, entity_filter("body", "bod_2")), (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(listed(*db, entity_filter("official")), (std::vector<std::uint64_t>{2}));
  store::TrailFilter official;
  official.official = "off_1";
  EXPECT_EQ(listed(*db, official), (std::vector<std::uint64_t>{2, 5}));
  EXPECT_EQ(state_of(*db, "body", "bod_0"), (nlohmann::json{{"id", "bod_0"}, {"name", "v2"}}));
  EXPECT_EQ(state_of(*db, "body", "bod_1"), (nlohmann::json{{"id", "bod_1"}, {"name", "w9"}}));
  EXPECT_EQ(state_of(*db, "agreement", "agr_1").at("official_id"), "off_1");

  expect_stored_tree_matches(*db, entries);
  auto verified = store::TrailStore(*db).verify({});
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok()) << verified->tree_nodes_problem;
  EXPECT_EQ(verified->report.entries_verified, 15u);
}

// Verifies `trail verify` checks every stored Merkle node, not only those the root needs: a row whose nodes
// were emptied, or one node altered, is named (seq, level, index) while the chain itself stays intact.
TEST_F(TrailStoreTest, VerifyNamesTheFirstBadStoredNode) {
  store::LedgerStore ledger(*db_);
  auto written = ledger.write(
      context_at(1), std::nullopt, [](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
        for (int i = 0; i < 300; ++i) {
          const std::string id = "bod_" + std::to_string(i);
          if (auto r = tx.record_external_change({"create", "body", id, nullptr, {{"id", id}}}); !r)
            return std::unexpected(r.error());
          if (auto sealed = tx.end_change_set(); !sealed) return std::unexpected(sealed.error());
        }
        return store::StoredResponse{};
      });
  ASSERT_TRUE(written) << written.error().message;
  store::TrailStore trail_store(*db_);
  ASSERT_TRUE(trail_store.verify({})->ok());
  std::string nodes_64, nodes_128;
  {
    auto lease = db_->acquire();
    *lease << "SELECT nodes FROM trail_entries WHERE seq = 64", soci::into(nodes_64);
    *lease << "SELECT nodes FROM trail_entries WHERE seq = 128", soci::into(nodes_128);
  }
  ASSERT_EQ(nodes_64.size(), 6u * 64);

  // Row 128 completes nodes (1, 63) … (7, 0): no root of the 300 entries needs them, 128 proofs do.
  run_sql(*db_, "UPDATE trail_entries SET nodes = '' WHERE seq = 128");
  auto emptied = trail_store.verify({});
  ASSERT_TRUE(emptied) << emptied.error().message;
  EXPECT_TRUE(emptied->report.ok());
  EXPECT_FALSE(emptied->ok());
  EXPECT_THAT(emptied->tree_nodes_problem, ::testing::HasSubstr("(level 1, index 63) of the row of seq 128"));

  run_sql(*db_, "UPDATE trail_entries SET nodes = '" + nodes_128 + "' WHERE seq = 128");
  ASSERT_TRUE(trail_store.verify({})->ok());
  std::string altered = nodes_64;
  altered[2 * 64 + 5] = altered[2 * 64 + 5] == '0' ? '1' : '0';
  run_sql(*db_, "UPDATE trail_entries SET nodes = '" + altered + "' WHERE seq = 64");
  auto changed = trail_store.verify({});
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_FALSE(changed->ok());
  EXPECT_THAT(changed->tree_nodes_problem,
              ::testing::HasSubstr("(level 3, index 7) stored in the row of seq 64 differs"));
  run_sql(*db_, "UPDATE trail_entries SET nodes = '" + nodes_64 + "' WHERE seq = 64");
  run_sql(*db_, "UPDATE trail_entries SET nodes = '" + std::string(64, 'f') + "' WHERE seq = 299");
  EXPECT_THAT(trail_store.verify({})->tree_nodes_problem, ::testing::HasSubstr("the row of seq 299 holds 1"));
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
