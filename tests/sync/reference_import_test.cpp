// Every file of tests/data/ocds/ stored through the sync layer, with the counts the mapping tests state
// (tests/platform/reference_files_test.cpp) plus what only the store decides: unresolved parties, and
// "unchanged" on a second import.

#include <gtest/gtest.h>

#include <map>
#include <ostream>

#include "adapters/sync/file_import.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

struct Expected {
  const char* file;
  std::size_t records, imported, quarantined_records, input_problems;
  long long agreements, commitments, facts;
  std::map<std::string, std::size_t> reasons;
};

// Releases as in reference_files_test.cpp; rows are distinct entities. The store adds: an agreement whose
// buyer is not a party of the file cannot be stored (unresolved_party) and takes its commitments and facts
// with it (the transaction file's parties are payer and payee only), and a release whose only contract is
// lost so is quarantined, not imported; the PPP file's four releases restate one contract (1 agreement, 7
// distinct milestones of 13 milestone records, plus the payment record of its 11 transactions and the
// commitment its performance failure is about); all 8 releases are new, so none is "unchanged"; facts: 2 met
// milestones + 11 payments + the performance failure + the amendment on each of the 9 commitments = 23.
// The change-history releases, imported alone: a contract with no milestone has no commitment for its
// amendment to apply to (unresolved_commitment), a payment gives the contract its payment record.
/** Names the file when a parameterised test fails (gtest would print the struct's bytes). */
void PrintTo(const Expected& e, std::ostream* os) {
  *os << e.file;
}

const Expected kFiles[] = {
    {"milestones-implementation_financial_milestones_not_met.json",
     1,
     0,
     1,
     0,
     0,
     0,
     0,
     {{"unresolved_party", 1}, {"unresolved_agreement", 4}}},
    {"milestones-implementation_financial_milestones_partially_met.json",
     1,
     0,
     1,
     0,
     0,
     0,
     0,
     {{"unresolved_party", 1}, {"unresolved_agreement", 4}, {"unresolved_commitment", 1}}},
    {"milestones-implementation_financial_milestones_transaction.json",
     1,
     0,
     1,
     0,
     0,
     0,
     0,
     {{"unresolved_party", 1}, {"unresolved_agreement", 4}, {"unresolved_commitment", 2}}},
    {"milestones-implementation_milestones_met.json", 1, 1, 0, 0, 1, 2, 1, {}},
    {"milestones-implementation_milestones_partially_met.json", 1, 1, 0, 0, 1, 2, 2, {}},
    {"milestones-implementation_milestones_scheduled.json", 1, 1, 0, 0, 1, 2, 0, {}},
    {"ppp-full-release-package.json", 8, 8, 0, 0, 1, 9, 23, {}},
    {"change_history-contract.json", 1, 1, 0, 0, 1, 0, 0, {}},
    {"change_history-implementation.json", 1, 1, 0, 0, 1, 1, 1, {}},
    {"change_history-contractAmendment.json", 1, 1, 0, 0, 1, 0, 0, {{"unresolved_commitment", 1}}},
    {"amendments-contract-record-package.json", 2, 2, 0, 0, 1, 0, 0, {{"unresolved_commitment", 1}}},
    {"schema-release-1.2.json", 0, 0, 0, 1, 0, 0, 0, {{"not_a_package", 1}}},
    {"schema-release-package-1.2.json", 0, 0, 0, 1, 0, 0, 0, {{"not_a_package", 1}}},
    {"schema-release-ppp-patched.json", 0, 0, 0, 1, 0, 0, 0, {{"not_a_package", 1}}},
};

class ReferenceImport : public ::testing::TestWithParam<Expected> {};

// Verifies each reference file stores the expected records, agreements, commitments and facts, quarantines
// with the expected reasons, and that a second import of it is all unchanged and adds no row.
TEST_P(ReferenceImport, StoresWithTheExpectedCounts) {
  const Expected& e = GetParam();
  SyncDb db;
  ManualClock clock;
  SyncStore store(*db.db, clock);
  auto lease = store.acquire_lease("file", "test", std::chrono::seconds{60});
  ASSERT_TRUE(lease.has_value());
  auto report = import_ocds_file(store, *lease, ocds_data(e.file), ImportOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  const BatchCounts& c = report->counts;
  EXPECT_EQ(c.records, e.records) << c.describe();
  EXPECT_EQ(c.created, e.imported) << c.describe();
  EXPECT_EQ(c.quarantined, e.quarantined_records) << c.describe();
  EXPECT_EQ(c.records, c.created + c.unchanged + c.quarantined);
  EXPECT_EQ(report->input_problems, e.input_problems);
  EXPECT_EQ(c.by_reason, e.reasons) << c.describe();
  EXPECT_EQ(db.count("agreements"), e.agreements);
  EXPECT_EQ(db.count("commitments"), e.commitments);
  EXPECT_EQ(db.count("facts"), e.facts);
  std::size_t entries = 0;
  for (const auto& [reason, n] : e.reasons)
    entries += n;
  EXPECT_EQ(db.count("sync_quarantine"), static_cast<long long>(entries));

  const long long trail = db.count("trail_entries");
  auto again = import_ocds_file(store, *lease, ocds_data(e.file), ImportOptions{});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->counts.created, 0u) << again->counts.describe();
  EXPECT_EQ(again->counts.unchanged, e.records);
  EXPECT_EQ(db.count("facts"), e.facts);
  EXPECT_EQ(db.count("trail_entries"), trail);
  EXPECT_EQ(db.count("sync_quarantine"), static_cast<long long>(entries));
}

INSTANTIATE_TEST_SUITE_P(AllFiles, ReferenceImport, ::testing::ValuesIn(kFiles),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           std::string name = info.param.file;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace pactwatch::sync::testing
