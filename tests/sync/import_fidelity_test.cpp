// Issue #12, fidelity: the real OCDS files of tests/data/ocds/ stored through the sync layer, checked against
// what the files say — payments, notes, performance failures, missing values, regions, honest counts, no
// empty updates, the history of amendments, and detection as of each release's own date.

#include <gtest/gtest.h>

#include "adapters/sync/file_import.hpp"
#include "server/api/workflow_support.hpp"
#include "server/cli_sync.hpp"
#include "tests/cli/process.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

/** Imports `files` in order, in one SyncStore under one lease; the counts of each. */
std::vector<BatchCounts> import_files(SyncDb& db, const std::vector<std::string>& files,
                                      ImportOptions options = {}) {
  ManualClock clock;
  SyncStore store(*db.db, clock);
  auto lease = store.acquire_lease(options.source, "test", std::chrono::seconds{60});
  if (!lease) throw std::runtime_error(lease.error().message);
  std::vector<BatchCounts> out;
  for (const auto& f : files) {
    auto report = import_ocds_file(store, *lease, ocds_data(f), options);
    if (!report) throw std::runtime_error(report.error().message);
    out.push_back(report->counts);
  }
  return out;
}

std::vector<std::string> strings(SyncDb& db, const std::string& query) {
  auto lease = db.db->acquire();
  std::vector<std::string> out;
  std::string value;
  soci::indicator ind = soci::i_ok;
  soci::statement st = (lease->prepare << query, soci::into(value, ind));
  st.execute(false);
  while (st.fetch())
    out.push_back(ind == soci::i_null ? std::string("NULL") : value);
  return out;
}

const std::vector<std::string> kBarnet{"change_history-contract.json", "change_history-implementation.json",
                                       "change_history-contractAmendment.json"};

// Verifies the three change-history releases of one contract: the council's payment is a payment fact
// (not quarantined), the amendment keeps its rationale with the value before and after (11.0M -> 13.5M GBP)
// and the new end date, a release that restates the parties in other words raises no version, and the
// council (London) gets no 楚雄 region.
TEST(ImportFidelity, ChangeHistoryKeepsPaymentsAndTheEarlierValue) {
  SyncDb db;
  const auto counts = import_files(db, kBarnet);
  for (const auto& c : counts)
    EXPECT_EQ(c.quarantine_entries, 0u) << c.describe();
  EXPECT_EQ(db.count("agreements", "value_fen = 1350000000 AND currency = 'GBP' AND version = 2"), 1);

  const auto paid = joined_rows(db,
                                "SELECT f.amount_fen, c.kind, c.obligor_side FROM facts f JOIN commitments c "
                                "ON c.id = f.commitment_id WHERE f.kind = 'fulfilled'");
  EXPECT_EQ(paid, std::vector<std::string>{"50000000 payment government"});

  const auto notes = strings(db, "SELECT note FROM facts WHERE kind = 'amended'");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("Due to unforeseen complications"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("value 13500000.00 GBP"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("period ends 2011-10-30"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("value before: 11000000.00 GBP"), std::string::npos) << notes[0];

  // The implementation release words the addresses differently (countryName): a new content hash, but
  // nothing the ledger keeps changed, so no new version and no update counted.
  EXPECT_EQ(counts[1].entities_updated, 0u) << counts[1].describe();
  EXPECT_EQ(db.count("bodies", "version = 1"), 1);
  EXPECT_EQ(db.count("organizations", "version = 1"), 1);
  EXPECT_EQ(strings(db, "SELECT region FROM bodies"), std::vector<std::string>{""});
}

// Verifies a record package is stored from its embedded releases in date order, so the agreement went
// from 750 to 1,250 AUD (version 2) instead of appearing at 1,250 AUD only.
TEST(ImportFidelity, RecordPackageKeepsTheHistoryOfItsReleases) {
  SyncDb db;
  const auto counts = import_files(db, {"amendments-contract-record-package.json"});
  EXPECT_EQ(counts[0].records, 2u);
  EXPECT_EQ(counts[0].created, 2u);
  EXPECT_EQ(db.count("agreements", "value_fen = 125000 AND currency = 'AUD' AND version = 2"), 1);
  // Its amendment has no commitment to apply to (the contract has no milestone and no payment): it is
  // quarantined with its text, not dropped.
  EXPECT_EQ(counts[0].by_reason, (std::map<std::string, std::size_t>{{"unresolved_commitment", 1}}));
}

// Verifies the PPP package: no value stored as 0.00, the eleven payments are payment facts of the private
// party, the performance failure applies to no milestone (milestone 1 of its year was met, the others are
// due later) but to its own commitment with its category, events and penalty, the amendment keeps its
// rationale, and what the ledger does not keep is counted.
TEST(ImportFidelity, PppPackage) {
  SyncDb db;
  const auto counts = import_files(db, {"ppp-full-release-package.json"});
  const BatchCounts& c = counts[0];
  EXPECT_EQ(c.records, 8u);
  EXPECT_EQ(c.created, 8u) << c.describe();  // never-seen releases are never "unchanged"
  EXPECT_EQ(c.quarantine_entries, 0u) << c.describe();
  EXPECT_EQ(c.not_kept.at("party role equityInvestor"), 9u);
  EXPECT_EQ(c.not_kept.at("party role assetProvider"), 4u);
  EXPECT_EQ(c.not_kept.at("party role leadBank"), 1u);
  EXPECT_EQ(c.not_kept.at("contract milestone financial"), 1u);

  EXPECT_EQ(strings(db, "SELECT value_fen FROM agreements"), std::vector<std::string>{"NULL"});
  EXPECT_EQ(strings(db, "SELECT DISTINCT region FROM bodies"), std::vector<std::string>{""});
  EXPECT_EQ(db.count("facts f JOIN commitments c ON c.id = f.commitment_id",
                     "f.kind = 'fulfilled' AND f.amount_fen = 10000000 AND c.kind = 'payment' AND "
                     "c.obligor_side = 'counterparty'"),
            11);

  const auto failures = joined_rows(db,
                                    "SELECT c.title, f.note FROM facts f JOIN commitments c ON "
                                    "c.id = f.commitment_id WHERE f.kind = 'not_performed'");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures[0].starts_with("Performance 2018-01-01 – 2018-12-31")) << failures[0];
  EXPECT_NE(failures[0].find("events: 6"), std::string::npos);
  EXPECT_NE(failures[0].find("penalty imposed: 300000.0"), std::string::npos);
  EXPECT_NE(failures[0].find("penalty paid: yes"), std::string::npos);
  EXPECT_EQ(db.count("facts f JOIN commitments c ON c.id = f.commitment_id",
                     "f.kind = 'not_performed' AND c.title LIKE '%milestone%'"),
            0);
  EXPECT_GT(db.count("facts", "kind = 'amended' AND note LIKE '%provisions in section X%'"), 0);
}

// Verifies the reference files of the milestone examples count a release whose only contract could not be
// stored (no buyer) as quarantined, not imported.
TEST(ImportFidelity, ReleaseWhoseOnlyContractIsQuarantinedIsNotImported) {
  SyncDb db;
  const auto counts = import_files(db, {"milestones-implementation_financial_milestones_transaction.json"});
  EXPECT_EQ(counts[0].created, 0u) << counts[0].describe();
  EXPECT_EQ(counts[0].quarantined, 1u) << counts[0].describe();
  EXPECT_EQ(db.count("agreements"), 0);
}

// Verifies detection after an import judges each commitment as of the date of the release that touched it:
// the PPP milestones due 2020-2024, scheduled in the 2019 release, are not overdue; only the 2018 service
// failure is a breach. The pending rows are written with the batch and gone after the drain.
TEST(ImportFidelity, DetectionUsesTheReleaseDate) {
  SyncDb db;
  ImportOptions options;
  options.store.detection_pending = true;
  import_files(db, {"ppp-full-release-package.json"}, options);
  EXPECT_GT(db.count("detection_pending"), 0);
  EXPECT_EQ(db.count("detection_pending", "as_of > '2020-01-24'"), 0);  // no release is later

  server::WorkflowOptions workflow;
  server::api::Workflow wf(*db.db, workflow);
  auto drained = server::drain_detection_pending(*db.db, wf);
  ASSERT_TRUE(drained.has_value()) << drained.error().message;
  EXPECT_EQ(db.count("detection_pending"), 0);
  const auto breaches = joined_rows(db,
                                    "SELECT b.rule, c.title FROM breaches b JOIN commitments c ON "
                                    "c.id = b.commitment_id");
  ASSERT_EQ(breaches.size(), 1u);
  EXPECT_TRUE(breaches[0].starts_with("BC01 Performance 2018-01-01")) << breaches[0];
}

// Verifies an explicit as-of date replaces the releases' own dates.
TEST(ImportFidelity, ExplicitAsOfReplacesTheReleaseDate) {
  SyncDb db;
  ImportOptions options;
  options.store.detection_pending = true;
  options.store.as_of = domain::Date{std::chrono::year{2030} / 1 / 1};
  import_files(db, {"ppp-full-release-package.json"}, options);
  EXPECT_EQ(db.count("detection_pending"), db.count("detection_pending", "as_of = '2030-01-01'"));
  EXPECT_GT(db.count("detection_pending"), 0);
}

std::vector<std::string> cli(SyncDb& db, std::vector<std::string> args, int& exit_code, std::string& out) {
  args.insert(args.begin(), PACTWATCH_BINARY);
  const auto r =
      pactwatch::testing::run_process(args,
                                      {{"PACTWATCH_DATABASE", db.test_db.url_text()},
                                       {"PACTWATCH_SQL_DIR", std::string(PACTWATCH_SOURCE_DIR) + "/sql"},
                                       {"PACTWATCH_LOG_LEVEL", "warn"}},
                                      PACTWATCH_SOURCE_DIR);
  exit_code = r.exit_code;
  out = r.out;
  return {r.err};
}

// Verifies `pactwatch import` of a missing file fails with a clear message and writes nothing, and an empty
// file says it read nothing (no quarantine entry, no error).
TEST(ImportFidelity, MissingAndEmptyFilesAreReportedAsSuch) {
  SyncDb db;
  int code = 0;
  std::string out;
  const auto err = cli(db, {"import", "/nonexistent/releases.json"}, code, out);
  EXPECT_EQ(code, 2);
  EXPECT_NE(err[0].find("/nonexistent/releases.json: no such file; nothing imported"), std::string::npos)
      << err[0];
  EXPECT_EQ(db.count("sync_runs"), 0);

  const auto dir = pactwatch::testing::make_temp_dir("pactwatch-empty");
  const std::string empty = write_file(dir, "empty.json", "\n");
  cli(db, {"import", "--no-detection", "true", empty}, code, out);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("the file is empty: nothing read"), std::string::npos) << out;
  EXPECT_EQ(db.count("sync_quarantine"), 0);
  std::filesystem::remove_all(dir);
}

// Verifies the import summary lists what was read but not kept, so nothing is dropped silently.
TEST(ImportFidelity, SummaryListsWhatIsNotKept) {
  SyncDb db;
  int code = 0;
  std::string out;
  cli(db, {"import", "--no-detection", "true", ocds_data("ppp-full-release-package.json")}, code, out);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("8 records read: 8 imported, 0 unchanged, 0 quarantined"), std::string::npos) << out;
  EXPECT_NE(out.find("read but not kept (not part of the ledger): 18"), std::string::npos) << out;
  EXPECT_NE(out.find("party role equityInvestor: 9"), std::string::npos) << out;
  EXPECT_NE(out.find("planning milestone preProcurement: 1"), std::string::npos) << out;
}

}  // namespace
}  // namespace pactwatch::sync::testing
