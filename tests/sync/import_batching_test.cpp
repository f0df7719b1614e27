// What the bulk import's batching must not change (adapters/sync/batch_writer.cpp, the StatementCache and
// TrailAppender of a ledger transaction): external keys looked up a hundred at a time and written at the end
// of the batch, the trail head and Merkle edge kept in memory, inserted rows handed to the trail without
// reading them back.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/store/ledger_json.hpp"
#include "adapters/store/trail_store.hpp"
#include "adapters/sync/file_import.hpp"
#include "adapters/sync/sync_store.hpp"
#include "bench/sync/synthetic_ocds.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;
namespace synthetic = platform::ocds::testing;

/** `count` synthetic releases as JSON Lines, one string per line. */
std::vector<std::string> synthetic_lines(std::size_t count) {
  std::stringstream s;
  synthetic::write_synthetic_ocds(s, count, synthetic::SyntheticLayout::json_lines, 11);
  std::vector<std::string> lines;
  for (std::string line; std::getline(s, line);)
    lines.push_back(line);
  return lines;
}

std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
  std::string text;
  for (std::size_t i = from; i < to; ++i)
    text += lines[i] + "\n";
  return text;
}

/** A database, a sync store on a clock that stands still, and a way to import files into it. */
struct Target {
  SyncDb db;
  ManualClock clock;
  SyncStore store{*db.db, clock};
  Lease lease = store.acquire_lease("file", "batching-test", 600s).value();

  BatchCounts import(const std::string& path, std::size_t batch_size) {
    ImportOptions options;
    options.batch_size = batch_size;
    auto r = import_ocds_file(store, lease, path, options);
    if (!r) throw std::runtime_error(r.error().message);
    return r->counts;
  }

  /**
   * The ledger, the external keys and the whole trail as text, modulo ids (SyncDb::modulo_ids), rows sorted
   * after that. The trail is compared by its content (seq, action, entity, reason, patch), not by hashes,
   * which cover the ids.
   */
  std::vector<std::string> snapshot() {
    std::vector<std::string> all;
    const auto add = [&all](std::vector<std::string> part) {
      all.insert(all.end(), part.begin(), part.end());
    };
    add(db.sorted_rows_modulo_ids("SELECT id, name, region, kind, parent_id FROM bodies", 5));
    add(db.sorted_rows_modulo_ids("SELECT id, name, credit_code, sme FROM organizations", 4));
    add(db.sorted_rows_modulo_ids(
        "SELECT id, title, body_id, counterparty_id, ocid, signed_on FROM agreements", 6));
    add(db.sorted_rows_modulo_ids("SELECT id, agreement_id, obligor_id, kind, due FROM commitments", 5));
    add(db.sorted_rows_modulo_ids("SELECT id, commitment_id, kind, on_date, corrects FROM facts", 5));
    add(db.sorted_rows_modulo_ids(
        "SELECT source, external_key, entity_type, entity_id, content_hash FROM external_keys", 5));
    // Sorted by seq once the seq is the first column.
    add(db.sorted_rows_modulo_ids(
        "SELECT " +
            std::string(db.test_db.backend() == store::Backend::sqlite ? "printf('%09d', seq)"
                                                                       : "LPAD(seq, 9, '0')") +
            ", entity_type, entity_id, action, reason, patch FROM trail_entries",
        6));
    add(db.sorted_rows_modulo_ids("SELECT entity_type, entity_id, seq FROM trail_index", 3));
    add(db.rows("SELECT seq FROM trail_head", 1));
    return all;
  }

  bool trail_verifies() {
    auto verified = store::TrailStore(*db.db).verify({});
    return verified && verified->ok();
  }
};

class ImportBatchingTest : public ::testing::Test {
 protected:
  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-batching");
  ~ImportBatchingTest() override { std::filesystem::remove_all(dir); }
};

// Verifies the batch size changes nothing that is stored: 120 synthetic releases (buyers and suppliers
// reused across releases, so a batch meets new, already stored and aliased parties, and agreement-wide facts)
// imported one release per batch, 7 per batch and all in one batch give the same ledger, the same external
// keys and the same trail — one change set per release, entry by entry with the same content — modulo the
// ids (mapped through the external keys), and a trail that verifies.
TEST_F(ImportBatchingTest, BatchSizeDoesNotChangeLedgerKeysOrTrail) {
  const auto lines = synthetic_lines(120);
  const auto path = write_file(dir, "all.jsonl", join(lines, 0, lines.size()));
  Target one, seven, all;
  const BatchCounts by_one = one.import(path, 1);
  seven.import(path, 7);
  const BatchCounts by_all = all.import(path, 500);
  EXPECT_EQ(by_one.records, 120u);
  EXPECT_EQ(by_all.entities_created, by_one.entities_created);
  EXPECT_GT(by_all.entities_unchanged, 0u) << "the releases must reuse parties";
  EXPECT_EQ(by_all.quarantine_entries, 0u) << by_all.describe();

  const auto expected = one.snapshot();
  EXPECT_GT(expected.size(), 1000u);
  EXPECT_EQ(seven.snapshot(), expected);
  EXPECT_EQ(all.snapshot(), expected);
  EXPECT_TRUE(one.trail_verifies());
  EXPECT_TRUE(all.trail_verifies());
}

// Verifies one batch that mixes releases stored before (unchanged by content hash) with new releases naming
// the same parties stores only the new ones, and ends in the same state as importing every release at once.
TEST_F(ImportBatchingTest, BatchMixingUnchangedAndNewReleasesEqualsOneImport) {
  const auto lines = synthetic_lines(90);
  Target stepwise, at_once;
  const BatchCounts first = stepwise.import(write_file(dir, "first.jsonl", join(lines, 0, 60)), 500);
  EXPECT_EQ(first.created, 60u);
  const BatchCounts mixed = stepwise.import(write_file(dir, "mixed.jsonl", join(lines, 30, 90)), 500);
  EXPECT_EQ(mixed.records, 60u);
  EXPECT_EQ(mixed.unchanged, 30u) << mixed.describe();
  EXPECT_EQ(mixed.created, 30u) << mixed.describe();
  at_once.import(write_file(dir, "all.jsonl", join(lines, 0, 90)), 500);
  EXPECT_EQ(stepwise.snapshot(), at_once.snapshot());
  EXPECT_TRUE(stepwise.trail_verifies());
}

// Verifies each entity's trail history rebuilds exactly the entity as the database holds it, also after an
// update: the rows given to the trail without reading them back are the rows stored.
TEST_F(ImportBatchingTest, TrailHistoryRebuildsEveryStoredEntity) {
  Target t;
  const auto lines = synthetic_lines(40);
  t.import(write_file(dir, "a.jsonl", join(lines, 0, lines.size())), 500);
  // A changed restatement of release 0 (another title): its agreement is updated.
  std::string changed = lines[0];
  const auto title = changed.find("楚雄州政府采购合同0\"");
  ASSERT_NE(title, std::string::npos);
  changed.replace(title, std::string("楚雄州政府采购合同0").size(), "楚雄州政府采购合同（变更）");
  const BatchCounts update = t.import(write_file(dir, "b.jsonl", changed + "\n"), 500);
  EXPECT_EQ(update.entities_updated, 1u) << update.describe();

  store::LedgerStore ledger(*t.db.db);
  store::TrailStore trail(*t.db.db);
  const domain::Scope everywhere{};
  std::size_t checked = 0;
  const auto check = [&](const std::string& type, const std::string& id, const nlohmann::json& stored) {
    auto history = trail.entity_history(type, id);
    ASSERT_TRUE(history) << history.error().message;
    auto rebuilt = store::rebuild_state(*history, {type, id});
    ASSERT_TRUE(rebuilt) << rebuilt.error().message;
    EXPECT_EQ(*rebuilt, stored) << type << " " << id;
    ++checked;
  };
  for (const auto& id : t.db.rows("SELECT id FROM bodies", 1))
    check("body", id, store::to_json(ledger.body(everywhere, id).value()));
  for (const auto& id : t.db.rows("SELECT id FROM organizations", 1))
    check("organization", id, store::to_json(ledger.organization(id).value()));
  for (const auto& id : t.db.rows("SELECT id FROM agreements", 1))
    check("agreement", id, store::to_json(ledger.agreement(everywhere, id).value()));
  for (const auto& id : t.db.rows("SELECT id FROM commitments", 1))
    check("commitment", id, store::to_json(ledger.commitment(everywhere, id).value()));
  for (const auto& id : t.db.rows("SELECT id FROM facts", 1))
    check("fact", id, store::to_json(ledger.fact(everywhere, id).value()));
  EXPECT_GT(checked, 500u);
  EXPECT_TRUE(t.trail_verifies());
}

}  // namespace
}  // namespace pactwatch::sync::testing
