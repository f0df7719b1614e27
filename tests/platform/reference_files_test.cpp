// Every file of tests/data/ocds/ with the counts worked out by reading it (see docs/OCDS_MAPPING.md,
// "Reference files"), then the values that matter in each.

#include <gtest/gtest.h>

#include <map>
#include <ostream>

#include "tests/platform/ocds_test_support.hpp"

namespace pactwatch::platform::ocds::testing {
namespace {

using namespace std::chrono;

struct Expected {
  const char* file;
  std::size_t releases, imported, input_problems, bodies, organizations, officials, agreements, commitments,
      facts, quarantined;
  std::map<std::string, std::size_t> reasons;
};

/** Names the file when a parameterised test fails (gtest would print the struct's bytes). */
void PrintTo(const Expected& e, std::ostream* os) {
  *os << e.file;
}

const Expected kFiles[] = {
    {"milestones-implementation_financial_milestones_not_met.json", 1, 1, 0, 0, 0, 0, 1, 4, 0, 0, {}},
    {"milestones-implementation_financial_milestones_partially_met.json", 1, 1, 0, 0, 0, 0, 1, 4, 1, 0, {}},
    {"milestones-implementation_financial_milestones_transaction.json", 1, 1, 0, 1, 1, 0, 1, 4, 2, 0, {}},
    {"milestones-implementation_milestones_met.json", 1, 1, 0, 1, 0, 0, 1, 2, 1, 0, {}},
    {"milestones-implementation_milestones_partially_met.json", 1, 1, 0, 1, 0, 0, 1, 2, 2, 0, {}},
    {"milestones-implementation_milestones_scheduled.json", 1, 1, 0, 1, 0, 0, 1, 2, 0, 0, {}},
    // The 11 transactions are payments of contract 1: facts on its payment record (one more commitment).
    {"ppp-full-release-package.json", 8, 8, 0, 8, 2, 0, 4, 14, 15, 0, {}},
    {"change_history-contract.json", 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, {}},
    // The council's payment to the contractor: a fact on the contract's payment record, not quarantined.
    {"change_history-implementation.json", 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, {}},
    {"change_history-contractAmendment.json", 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, {}},
    // The record's two embedded releases (contract, contractAmendment), not its compiledRelease.
    {"amendments-contract-record-package.json", 2, 2, 0, 2, 2, 0, 2, 0, 1, 0, {}},
    {"schema-release-1.2.json", 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, {{"not_a_package", 1}}},
    {"schema-release-package-1.2.json", 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, {{"not_a_package", 1}}},
    {"schema-release-ppp-patched.json", 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, {{"not_a_package", 1}}},
};

class ReferenceFile : public ::testing::TestWithParam<Expected> {};

// Verifies each reference file yields exactly the releases, entities, facts and quarantine reasons
// counted by hand, and that no release is lost (read = imported + quarantined).
TEST_P(ReferenceFile, ImportsWithTheExpectedCounts) {
  const Expected& e = GetParam();
  const Collected c = import_path(data_file(e.file));
  const ImportSummary& s = c.summary;
  EXPECT_EQ(s.releases_read, e.releases);
  EXPECT_EQ(s.releases_imported, e.imported);
  EXPECT_EQ(s.releases_read, s.releases_imported + s.releases_quarantined);
  EXPECT_EQ(s.input_problems, e.input_problems);
  EXPECT_EQ(s.bodies, e.bodies);
  EXPECT_EQ(s.organizations, e.organizations);
  EXPECT_EQ(s.officials, e.officials);
  EXPECT_EQ(s.agreements, e.agreements);
  EXPECT_EQ(s.commitments, e.commitments);
  EXPECT_EQ(s.facts, e.facts);
  EXPECT_EQ(s.quarantined, e.quarantined);
  EXPECT_EQ(s.by_reason, e.reasons);
  for (const QuarantineEntry& q : c.all_quarantine()) {
    EXPECT_FALSE(q.message.empty());
    EXPECT_FALSE(q.location.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(AllFiles, ReferenceFile, ::testing::ValuesIn(kFiles),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           std::string name = info.param.file;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// Verifies the schema files are reported as schemas, not as data with missing fields.
TEST(ReferenceFiles, SchemaIsNamedAsNotAPackage) {
  const Collected c = import_path(data_file("schema-release-1.2.json"));
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_EQ(c.problems[0].reason, QuarantineReason::not_a_package);
  EXPECT_NE(c.problems[0].message.find("JSON Schema"), std::string::npos);
}

const Keyed<domain::Commitment>& commitment(const MappingResult& r, const std::string& key_suffix) {
  for (const auto& k : r.commitments) {
    if (k.key.ends_with(key_suffix)) return k;
  }
  throw std::runtime_error("no commitment " + key_suffix);
}

// Verifies a linked transaction becomes the payment fact (exact AFN amount, its date) and the milestone's
// own "met" is not counted twice; the delivery milestone is fulfilled on its dateMet.
TEST(ReferenceFiles, TransactionPaysItsLinkedPaymentMilestone) {
  const Collected c =
      import_path(data_file("milestones-implementation_financial_milestones_transaction.json"));
  ASSERT_EQ(c.results.size(), 1u);
  const MappingResult& r = c.results[0];
  const std::string contract = "ocds:ocds-afalqw-001:contracts/MOBTA/1397/NCB/OPT/W.003";
  ASSERT_EQ(r.agreements.size(), 1u);
  const domain::Agreement& a = r.agreements[0].value;
  EXPECT_EQ(a.id, contract);
  EXPECT_EQ(a.kind, domain::AgreementKind::procurement);
  ASSERT_TRUE(a.value.has_value());
  EXPECT_EQ(a.value->fen, 23086500);
  EXPECT_EQ(a.value->currency.code(), "AFN");
  EXPECT_EQ(a.signed_on, 2018y / September / 16);
  EXPECT_EQ(a.counterparty_id, "ocds:ocds-afalqw-001:parties/AF-TIN-9000321217");
  EXPECT_TRUE(a.body_id.empty());  // the release names a payer but no buyer
  const auto& pay = commitment(r, "/milestones/20653payment").value;
  EXPECT_EQ(pay.kind, domain::CommitmentKind::payment);
  EXPECT_EQ(pay.obligor_side, domain::ObligorSide::government);
  EXPECT_EQ(pay.due, 2018y / October / 10);
  EXPECT_EQ(pay.amount->fen, 7695500);
  ASSERT_EQ(r.facts.size(), 2u);
  std::map<std::string, const MappedFact*> by_commitment;
  for (const MappedFact& f : r.facts)
    by_commitment[f.value.commitment_id] = &f;
  const MappedFact* paid = by_commitment.at(contract + "/milestones/20653payment");
  EXPECT_EQ(paid->key, contract + "/transactions/20653");
  EXPECT_EQ(paid->value.amount->fen, 7695500);
  EXPECT_EQ(paid->value.on, 2018y / October / 9);
  const MappedFact* delivered = by_commitment.at(contract + "/milestones/20653Delivery");
  EXPECT_EQ(delivered->value.kind, domain::FactKind::fulfilled);
  EXPECT_EQ(delivered->value.on, 2018y / October / 5);
  EXPECT_EQ(delivered->value.source, domain::FactSource::platform);
}

// Verifies the buyer becomes a Body that the agreement and the government commitments refer to, and
// scheduled/notMet milestones give commitments but no facts.
TEST(ReferenceFiles, BuyerIsTheAgreementsBody) {
  const Collected c = import_path(data_file("milestones-implementation_milestones_met.json"));
  const MappingResult& r = c.results.at(0);
  ASSERT_EQ(r.bodies.size(), 1u);
  EXPECT_EQ(r.bodies[0].value.name, "London Borough of Barnet");
  EXPECT_EQ(r.bodies[0].local_key, "ocds:ocds-213czf-000-00001:parties/GB-LAC-E09000003");
  EXPECT_EQ(r.agreements.at(0).value.body_id, r.bodies[0].local_key);
  ASSERT_EQ(r.facts.size(), 1u);
  EXPECT_EQ(r.facts[0].value.on, 2018y / March / 31);
  EXPECT_TRUE(r.facts[0].key.ends_with("/milestones/1/met"));
}

// Verifies the PPP package: PPP kind everywhere, the performance failure kept with its penalty and limited
// to its period, the amendment with its rationale, and the private party's payments (the first linked to a
// delivery milestone, the others to none) recorded as payment facts of contract 1, none quarantined.
TEST(ReferenceFiles, PppPackageKeepsPenaltyAndRationale) {
  const Collected c = import_path(data_file("ppp-full-release-package.json"));
  ASSERT_EQ(c.results.size(), 8u);
  for (const MappingResult& r : c.results) {
    for (const auto& a : r.agreements)
      EXPECT_EQ(a.value.kind, domain::AgreementKind::ppp) << r.release_id;
  }
  const MappingResult& contract = c.results[4];
  EXPECT_EQ(contract.release_id, "5.1.1");
  EXPECT_EQ(contract.agreements.at(0).value.signed_on, 2016y / January / 24);
  EXPECT_EQ(contract.agreements.at(0).value.body_id, "ocds:ocds-213czf-example-ppp:parties/XX-GOV-00000000");
  EXPECT_EQ(contract.agreements.at(0).value.counterparty_id, "ocds:ocds-213czf-example-ppp:parties/MEGA");
  EXPECT_EQ(commitment(contract, "/milestones/1").value.due, 2018y / March / 31);
  EXPECT_EQ(commitment(contract, "/milestones/1").value.stage, domain::StageKind::implementation);

  const MappingResult& failures = c.results[6];
  ASSERT_EQ(failures.facts.size(), 2u);
  const MappedFact& pf = failures.facts[1];
  EXPECT_EQ(pf.value.kind, domain::FactKind::not_performed);
  EXPECT_EQ(pf.scope, FactScope::agreement);
  EXPECT_EQ(pf.applies_to, domain::ObligorSide::counterparty);
  EXPECT_EQ(pf.value.on, 2018y / December / 31);
  EXPECT_NE(pf.note.find("Service outages"), std::string::npos);
  EXPECT_NE(pf.note.find("penalty imposed: 300000.0"), std::string::npos);
  EXPECT_NE(pf.note.find("penalty paid: yes"), std::string::npos);
  EXPECT_NE(pf.note.find("events: 6"), std::string::npos);
  ASSERT_TRUE(pf.period_start && pf.period_end);
  EXPECT_EQ(*pf.period_start, 2018y / January / 1);
  EXPECT_EQ(*pf.period_end, 2018y / December / 31);
  EXPECT_TRUE(pf.only_unfulfilled);
  ASSERT_TRUE(pf.fallback.has_value());
  EXPECT_EQ(pf.fallback->value.due, 2018y / December / 31);
  EXPECT_EQ(pf.fallback->value.obligor_side, domain::ObligorSide::counterparty);

  const MappingResult& amendment = c.results[7];
  ASSERT_EQ(amendment.facts.size(), 1u);
  EXPECT_EQ(amendment.facts[0].value.kind, domain::FactKind::amended);
  EXPECT_EQ(amendment.facts[0].value.on, 2020y / January / 24);
  EXPECT_NE(amendment.facts[0].note.find("in accordance with the provisions in section X"),
            std::string::npos);

  const MappingResult& payments = c.results[5];
  EXPECT_TRUE(payments.quarantine.empty());
  const std::string record = "ocds:ocds-213czf-example-ppp:contracts/1/payments/MEGA";
  const auto& paid = commitment(payments, "/payments/MEGA").value;
  EXPECT_EQ(paid.kind, domain::CommitmentKind::payment);
  EXPECT_EQ(paid.due, 2017y / April / 1);  // the first payment
  EXPECT_EQ(paid.obligor_id, "ocds:ocds-213czf-example-ppp:parties/MEGA");
  EXPECT_TRUE(payments.side_from_obligor.contains(record));  // MEGA is not a party of release 6.1.1
  std::size_t on_record = 0;
  for (const MappedFact& f : payments.facts) {
    if (f.value.commitment_id != record) continue;
    ++on_record;
    EXPECT_EQ(f.value.kind, domain::FactKind::fulfilled);
    EXPECT_EQ(f.value.amount->fen, 10'000'000);
    EXPECT_NE(f.note.find("Mega Consortium paid National Fiber Infrastructure"), std::string::npos);
  }
  EXPECT_EQ(on_record, 11u);
}

// Verifies what the package read but does not keep is counted, by kind: parties whose roles the ledger has
// no place for, and milestones of the planning and tender stages and of the contract itself.
TEST(ReferenceFiles, PppPackageCountsWhatItDoesNotKeep) {
  const Collected c = import_path(data_file("ppp-full-release-package.json"));
  std::map<std::string, std::size_t> not_kept;
  for (const MappingResult& r : c.results) {
    for (const auto& [kind, n] : r.not_kept)
      not_kept[kind] += n;
  }
  EXPECT_EQ(not_kept, (std::map<std::string, std::size_t>{{"contract milestone financial", 1},
                                                          {"party role assetProvider", 4},
                                                          {"party role equityInvestor", 9},
                                                          {"party role leadBank", 1},
                                                          {"planning milestone approval", 1},
                                                          {"planning milestone preProcurement", 1},
                                                          {"tender milestone assessment", 1}}));
  // Its bodies say they are abroad (scheme XX-GOV, address in "Example Country"): no default region.
  for (const MappingResult& r : c.results) {
    for (const auto& b : r.bodies) {
      EXPECT_TRUE(b.outside) << b.key;
      EXPECT_TRUE(b.value.region.empty()) << b.key;
    }
  }
}

// Verifies a record package hands over its embedded releases in date order (the contract at 750 AUD, then
// the amendment at 1,250 AUD), not its compiledRelease, so the history they carry is kept.
TEST(ReferenceFiles, RecordPackageImportsItsEmbeddedReleasesInOrder) {
  const Collected c = import_path(data_file("amendments-contract-record-package.json"));
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_EQ(c.results[0].release_id,
            "ocds-d2phr6-12b0ab8ac4c28d322a82062e99918856-9887f9ebe7043172ab2abe4db2a5aa24");
  EXPECT_EQ(c.results[0].agreements.at(0).value.value->fen, 75'000);
  EXPECT_EQ(c.results[1].release_id,
            "ocds-d2phr6-12b0ab8ac4c28d322a82062e99918856-2000b475e7c23fcda74fcae13275e6c5");
  EXPECT_EQ(c.results[1].agreements.at(0).value.value->fen, 125'000);
  ASSERT_EQ(c.results[1].facts.size(), 1u);
  // The release's own rationale, not the compiledRelease's shorter "Increased scope of goods required."
  EXPECT_NE(c.results[1].facts[0].note.find("After negotiations with the supplier"), std::string::npos);
  EXPECT_NE(c.results[1].facts[0].note.find("value 1250.00 AUD"), std::string::npos);
  EXPECT_EQ(c.results[1].date, 2019y / February / 17);
}

}  // namespace
}  // namespace pactwatch::platform::ocds::testing
