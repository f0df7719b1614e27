// Exactly-once storage of platform records and the lease that fences syncers (adapters/sync/sync_store.hpp).

#include "adapters/sync/sync_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/sync/file_import.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;

class SyncStoreTest : public ::testing::Test {
 protected:
  SyncDb db;
  ManualClock clock;
  SyncStore store{*db.db, clock};
  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-sync");

  ~SyncStoreTest() override { std::filesystem::remove_all(dir); }

  FileReport import(const Lease& lease, const std::string& path, std::size_t batch = 500) {
    ImportOptions options;
    options.batch_size = batch;
    auto r = import_ocds_file(store, lease, path, options);
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }
  Lease take(const std::string& owner = "test-owner", const std::string& source = "file") {
    auto l = store.acquire_lease(source, owner, 60s);
    if (!l) throw std::runtime_error(l.error().message);
    return *l;
  }
};

// Verifies a release is stored once: the first import creates the agreement, commitment and fact in one
// trail entry (the release's change set), and importing the same file again changes nothing and says
// "unchanged".
TEST_F(SyncStoreTest, SameRecordTwiceIsStoredOnce) {
  const auto path = write_file(dir, "a.json", package_json({release_json("r1", "met", "2025-02-20")}));
  const Lease lease = take();
  const FileReport first = import(lease, path);
  EXPECT_EQ(first.counts.records, 1u);
  EXPECT_EQ(first.counts.created, 1u);
  EXPECT_EQ(first.counts.unchanged, 0u);
  EXPECT_EQ(db.count("agreements"), 1);
  EXPECT_EQ(db.count("commitments"), 1);
  EXPECT_EQ(db.count("facts"), 1);
  EXPECT_EQ(db.count("bodies"), 1);
  EXPECT_EQ(db.count("organizations"), 1);
  // One release, one change set: ONE trail entry naming the body, organization, agreement, commitment and
  // fact.
  const long long trail_after_first = db.count("trail_entries");
  EXPECT_EQ(trail_after_first, 1);
  EXPECT_EQ(db.count("trail_index"), 5);

  const FileReport second = import(lease, path);
  EXPECT_EQ(second.counts.records, 1u);
  EXPECT_EQ(second.counts.created, 0u);
  EXPECT_EQ(second.counts.unchanged, 1u);
  EXPECT_EQ(db.count("facts"), 1);
  EXPECT_EQ(db.count("agreements"), 1);
  EXPECT_EQ(db.count("trail_entries"), trail_after_first);
}

// Verifies that sync applies the API's definition of a valid fact (domain/fact_rules.hpp): a met milestone
// whose stated amount is negative breaks "amount must not be negative", so that fulfilment is quarantined
// `invalid_fact` with the rule it breaks and the record's text — neither stored as it is nor dropped
// silently — while the rest of the release (agreement, commitment) is stored. A termination without a side,
// which OCDS cannot state, is still stored (the platform rule set, FactRuleSet::platform).
TEST_F(SyncStoreTest, FactBreakingTheFactRulesIsQuarantinedWithTheReason) {
  std::string release = release_json("r1", "met", "2025-02-20");
  const std::string met = R"("status":"met")";
  release.replace(release.find(met), met.size(),
                  R"("status":"met","pactwatch":{"factAmount":{"amount":-5.00,"currency":"CNY"}})");
  const std::string active = R"("status":"active")";
  release.replace(release.find(active), active.size(),
                  R"("status":"terminated","finalStatusDate":"2025-02-25")");
  const FileReport report = import(take(), write_file(dir, "t.json", package_json({release})));
  EXPECT_EQ(db.count("agreements"), 1);
  EXPECT_EQ(db.count("commitments"), 1);
  EXPECT_EQ(db.count("facts", "kind = 'fulfilled'"), 0) << "the negative fulfilment is not stored";
  EXPECT_EQ(db.count("facts", "kind = 'terminated'"), 1);
  ASSERT_EQ(db.count("sync_quarantine", "reason = 'invalid_fact'"), 1) << report.counts.describe();
  const auto rows = joined_rows(db, "SELECT message FROM sync_quarantine WHERE reason = 'invalid_fact'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].find("(fulfilled) is not a valid fact: amount must not be negative"), std::string::npos)
      << rows[0];
  EXPECT_EQ(db.count("sync_quarantine", "reason = 'invalid_fact' AND raw_text LIKE '%factAmount%'"), 1);
}

// Verifies a restated release with the same content (another release id) adds nothing — yet, never seen
// before, it is counted imported, not "unchanged" — and one whose fact changed adds a correcting fact that
// names the one it supersedes (facts are append-only).
TEST_F(SyncStoreTest, ChangedFactBecomesACorrectingFact) {
  const Lease lease = take();
  import(lease, write_file(dir, "1.json", package_json({release_json("r1", "met", "2025-02-20")})));
  const FileReport same =
      import(lease, write_file(dir, "2.json", package_json({release_json("r2", "met", "2025-02-20")})));
  EXPECT_EQ(same.counts.created, 1u) << same.counts.describe();
  EXPECT_EQ(same.counts.unchanged, 0u) << same.counts.describe();
  EXPECT_EQ(same.counts.entities_created + same.counts.entities_updated, 0u) << same.counts.describe();
  EXPECT_EQ(db.count("facts"), 1);

  const FileReport changed =
      import(lease, write_file(dir, "3.json", package_json({release_json("r3", "met", "2025-02-25")})));
  EXPECT_EQ(changed.counts.created, 1u) << changed.counts.describe();
  EXPECT_EQ(db.count("facts"), 2);
  EXPECT_EQ(db.count("facts", "corrects IS NOT NULL AND on_date = '2025-02-25'"), 1);
  EXPECT_EQ(db.count("facts", "corrects IS NULL AND on_date = '2025-02-20'"), 1);
  EXPECT_EQ(db.count("commitments"), 1);
  ASSERT_EQ(changed.counts.touched_commitments.size(), 1u);
}

// Verifies a changed agreement title updates the stored agreement (version 2) instead of adding one.
TEST_F(SyncStoreTest, ChangedAgreementIsUpdated) {
  const Lease lease = take();
  import(lease, write_file(dir, "1.json", package_json({release_json("r1", "scheduled", "")})));
  import(lease,
         write_file(dir, "2.json", package_json({release_json("r2", "scheduled", "", "办公家具采购")})));
  EXPECT_EQ(db.count("agreements"), 1);
  EXPECT_EQ(db.count("agreements", "title = '办公家具采购' AND version = 2"), 1);
}

// Verifies a record that cannot be mapped is kept in the quarantine with its reason and raw text, once,
// however often it is read, and that the rest of the file is stored.
TEST_F(SyncStoreTest, QuarantineKeepsReasonAndRawTextOnce) {
  const std::string bad = R"({"ocid":"ocds-test-0002","date":"2025-01-10T00:00:00Z"})";  // no id
  const auto path =
      write_file(dir, "q.jsonl", release_json("r1", "met", "2025-02-20") + "\n" + bad + "\n{not json\n");
  const Lease lease = take();
  const FileReport report = import(lease, path);
  EXPECT_EQ(report.counts.records, 2u) << report.counts.describe();
  EXPECT_EQ(report.counts.quarantined, 1u);
  EXPECT_EQ(report.input_problems, 1u);
  EXPECT_EQ(report.counts.by_reason.at("missing_id"), 1u);
  EXPECT_EQ(report.counts.by_reason.at("malformed_json"), 1u);
  EXPECT_EQ(db.count("sync_quarantine"), 2);
  EXPECT_EQ(db.count("sync_quarantine", "reason = 'missing_id' AND raw_text = '" + bad + "'"), 1);
  EXPECT_EQ(db.count("facts"), 1);

  import(lease, path);
  EXPECT_EQ(db.count("sync_quarantine"), 2);
  auto listed = store.quarantine(QuarantineFilter{"file", "open", "missing_id", 0, 10});
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().entry.raw_text, bad);
}

// Verifies an agreement whose government party is unknown is quarantined as unresolved_party (the ledger
// needs a body), and stored under the configured default body instead when the source names one.
TEST_F(SyncStoreTest, AgreementWithoutBuyerIsQuarantinedUnlessADefaultBodyIsSet) {
  const Lease lease = take();
  const FileReport report =
      import(lease, ocds_data("milestones-implementation_financial_milestones_not_met.json"));
  EXPECT_EQ(report.counts.by_reason.at("unresolved_party"), 1u);
  EXPECT_EQ(db.count("agreements"), 0);
  EXPECT_EQ(db.count("sync_quarantine", "reason = 'unresolved_party'"), 1);
}

// Verifies the cursor is written with the batch: it names the last release of the last committed batch.
TEST_F(SyncStoreTest, CursorIsWrittenWithTheBatch) {
  const Lease lease = take();
  const auto path = write_file(
      dir, "c.json",
      package_json({release_json("r1", "met", "2025-02-20"), release_json("r2", "met", "2025-02-20")}));
  import(lease, path, 1);
  auto cursor = store.cursor("file");
  ASSERT_TRUE(cursor.has_value());
  EXPECT_EQ(*cursor, "file:" + path + "#2");
}

// Verifies only one syncer holds a source: a second owner is refused while the lease runs, takes it over
// after expiry with a higher epoch, and the first holder's next batch is refused and writes nothing.
TEST_F(SyncStoreTest, TwoSyncersOneLease) {
  const Lease a = take("syncer-a");
  auto refused = store.acquire_lease("file", "syncer-b", 60s);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("syncer-a"), std::string::npos);

  clock.advance(61s);  // syncer-a stopped renewing
  const Lease b = take("syncer-b");
  EXPECT_GT(b.epoch, a.epoch);

  const auto path = write_file(dir, "l.json", package_json({release_json("r1", "met", "2025-02-20")}));
  ImportOptions options;
  auto stale = import_ocds_file(store, a, path, options);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, domain::ErrorCode::conflict);
  EXPECT_EQ(db.count("facts"), 0);
  auto cursor = store.cursor("file");
  ASSERT_TRUE(cursor.has_value());
  EXPECT_TRUE(cursor->empty());

  auto fresh = import_ocds_file(store, b, path, options);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().message;
  EXPECT_EQ(db.count("facts"), 1);
  auto held = store.lease("file");
  ASSERT_TRUE(held.has_value() && held->has_value());
  EXPECT_EQ((*held)->owner, "syncer-b");
  EXPECT_EQ((*held)->epoch, b.epoch);
}

// Verifies an expired lease cannot write even when nobody took it over (the check compares with now).
TEST_F(SyncStoreTest, ExpiredLeaseCannotWrite) {
  const Lease a = take("syncer-a");
  clock.advance(61s);
  std::vector<SyncRecord> none;
  auto r = store.write_batch(a, none, {}, "x", StoreOptions{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, domain::ErrorCode::conflict);
}

}  // namespace
}  // namespace pactwatch::sync::testing
