#include "adapters/platform/ocds/mapping.hpp"

#include <gtest/gtest.h>

#include "domain/identifiers.hpp"
#include "tests/platform/ocds_test_support.hpp"

namespace pactwatch::platform::ocds::testing {
namespace {

using namespace std::chrono;

/** A release with one contract whose implementation is `implementation` (JSON text). */
std::string release_with(const std::string& contract_extra, const std::string& implementation,
                         const std::string& parties = "[]") {
  return R"({"releases":[{"ocid":"ocds-x-1","id":"r1","date":"2024-05-01T10:00:00+08:00","tag":["implementation"],
    "parties":)" +
         parties + R"(,"buyer":{"id":"B"},
    "contracts":[{"id":"C1","title":"采购合同")" +
         contract_extra + R"(,"implementation":)" + implementation + "}]}]}";
}

std::string valid_code(char authority, char type, const char* body9) {
  std::string first17 = std::string{authority, type} + "532301" + body9;
  return first17 + domain::credit_code_check_character(first17);
}

// Verifies 1234.56 becomes exactly 123456 fen and a 16-digit amount survives without a double in between.
TEST(OcdsMapping, AmountsComeFromTheNumbersText) {
  const Collected c =
      import_text(release_with(R"(,"value":{"amount":9999999999999.99,"currency":"CNY"})",
                               R"({"milestones":[{"id":"m1","type":"payment","dueDate":"2024-06-30",
      "value":{"amount":1234.56,"currency":"CNY"}}]})"));
  const MappingResult& r = c.results.at(0);
  ASSERT_TRUE(r.quarantine.empty()) << r.quarantine[0].message;
  EXPECT_EQ(r.agreements.at(0).value.value->fen, 999999999999999);
  EXPECT_EQ(r.commitments.at(0).value.amount->fen, 123456);
}

// Verifies a contract that states no value has none (not 0.00 CNY), and an amount quoted as a JSON string
// ("755969.71", as some publishers write it) is read as that number with a warning, not quarantined.
TEST(OcdsMapping, MissingValueIsNoneAndQuotedAmountIsReadWithAWarning) {
  const Collected none = import_text(release_with("", R"({"milestones":[{"id":"m1","type":"payment",
      "dueDate":"2024-06-30","value":{"amount":"755969.71","currency":"CNY"}}]})"));
  const MappingResult& r = none.results.at(0);
  EXPECT_FALSE(r.agreements.at(0).value.value.has_value());
  EXPECT_FALSE(r.agreements.at(0).stated.contains("value"));
  EXPECT_TRUE(r.quarantine.empty()) << r.quarantine.at(0).message;
  ASSERT_EQ(r.commitments.size(), 1u);
  EXPECT_EQ(r.commitments[0].value.amount->fen, 75596971);
  EXPECT_EQ(r.warnings, (std::map<std::string, std::size_t>{{"amount given as a JSON string", 1}}));
  bool noted = false;
  for (const auto& n : r.notes)
    noted = noted || n.find("\"755969.71\"") != std::string::npos;
  EXPECT_TRUE(noted);
  // A quoted amount that is not a number is still what it was: unparsable.
  const Collected bad = import_text(release_with(R"(,"value":{"amount":"about 5k","currency":"CNY"})", "{}"));
  ASSERT_EQ(bad.results.at(0).quarantine.size(), 1u);
  EXPECT_EQ(bad.results.at(0).quarantine[0].reason, QuarantineReason::unparsable_amount);
}

// Verifies a transaction that no payment milestone accounts for is a payment of its contract all the same:
// a fact on the contract's payment record (due on the first payment), never unmatched_transaction.
TEST(OcdsMapping, TransactionWithoutPaymentMilestoneIsRecordedOnTheContract) {
  const std::string parties =
      R"([{"id":"B","roles":["buyer","payer"]},{"id":"S","roles":["supplier","payee"]}])";
  const Collected c = import_text(release_with("", R"({"milestones":[
      {"id":"d","type":"delivery","dueDate":"2024-06-01"}],
    "transactions":[{"id":"t1","date":"2024-06-20","value":{"amount":100,"currency":"CNY"},"payer":{"id":"B"},
                     "relatedImplementationMilestone":{"id":"d"}},
                    {"id":"t2","date":"2024-06-10","value":{"amount":50,"currency":"CNY"},"payer":{"id":"B"}}]})",
                                               parties));
  const MappingResult& r = c.results.at(0);
  EXPECT_TRUE(r.quarantine.empty());
  ASSERT_EQ(r.facts.size(), 2u);
  const std::string record = "ocds:ocds-x-1:contracts/C1/payments/B";
  EXPECT_EQ(r.facts[0].value.commitment_id, record);
  EXPECT_EQ(r.facts[1].value.commitment_id, record);
  ASSERT_EQ(r.commitments.size(), 2u);
  const auto& k = r.commitments[1].value;
  EXPECT_EQ(k.id, record);
  EXPECT_EQ(k.kind, domain::CommitmentKind::payment);
  EXPECT_EQ(k.obligor_side, domain::ObligorSide::government);
  EXPECT_EQ(k.due, 2024y / June / 10);
  EXPECT_FALSE(k.amount.has_value());
}

// Verifies a contract value beyond 10^15 fen (十万亿元) is quarantined, not stored (issue 13).
TEST(OcdsMapping, AmountsBeyondTheBoundAreQuarantined) {
  const Collected c =
      import_text(release_with(R"(,"value":{"amount":12345678901234567.89,"currency":"CNY"})", "{}"));
  const MappingResult& r = c.results.at(0);
  ASSERT_FALSE(r.quarantine.empty());
  EXPECT_EQ(r.quarantine[0].reason, QuarantineReason::unparsable_amount);
  EXPECT_NE(r.quarantine[0].message.find("too large"), std::string::npos) << r.quarantine[0].message;
}

// Verifies a milestone with a sub-fen amount is quarantined alone; the contract and the other milestone map.
TEST(OcdsMapping, SubFenAmountQuarantinesOnlyItsMilestone) {
  const Collected c = import_text(release_with("", R"({"milestones":[
      {"id":"m1","type":"payment","dueDate":"2024-06-30","value":{"amount":1234.567,"currency":"CNY"}},
      {"id":"m2","type":"delivery","dueDate":"2024-06-30"}]})"));
  const MappingResult& r = c.results.at(0);
  EXPECT_FALSE(r.quarantined);
  EXPECT_EQ(r.agreements.size(), 1u);
  ASSERT_EQ(r.commitments.size(), 1u);
  EXPECT_TRUE(r.commitments[0].key.ends_with("/milestones/m2"));
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].reason, QuarantineReason::amount_too_precise);
  EXPECT_EQ(r.quarantine[0].path, "/contracts/0/implementation/milestones/0");
  EXPECT_NE(r.quarantine[0].raw_text.find("1234.567"), std::string::npos);
}

// Verifies several currencies map as published, and a non-ISO currency quarantines its milestone.
TEST(OcdsMapping, MultipleCurrencies) {
  const Collected c =
      import_text(release_with(R"(,"value":{"amount":100,"currency":"CNY"})", R"({"milestones":[
      {"id":"usd","type":"payment","dueDate":"2024-06-30","value":{"amount":10.5,"currency":"USD"}},
      {"id":"eur","type":"payment","dueDate":"2024-06-30","value":{"amount":7,"currency":"EUR"}},
      {"id":"rmb","type":"payment","dueDate":"2024-06-30","value":{"amount":7,"currency":"RMB"}},
      {"id":"none","type":"payment","dueDate":"2024-06-30","value":{"amount":7}}]})"));
  const MappingResult& r = c.results.at(0);
  ASSERT_EQ(r.commitments.size(), 2u);
  EXPECT_EQ(r.agreements[0].value.value->currency.code(), "CNY");
  EXPECT_EQ(r.commitments[0].value.amount->currency.code(), "USD");
  EXPECT_EQ(r.commitments[0].value.amount->fen, 1050);
  EXPECT_EQ(r.commitments[1].value.amount->currency.code(), "EUR");
  ASSERT_EQ(r.quarantine.size(), 2u);
  EXPECT_EQ(r.quarantine[0].reason, QuarantineReason::unknown_currency);
  EXPECT_NE(r.quarantine[0].message.find("RMB"), std::string::npos);
  EXPECT_EQ(r.quarantine[1].reason, QuarantineReason::unknown_currency);
}

// Verifies a release without ocid is quarantined whole, with its exact source text, and nothing is mapped.
TEST(OcdsMapping, ReleaseWithoutOcidIsQuarantinedWhole) {
  const std::string release = R"({"id": "r9", "contracts": [{"id": "C1"}]})";
  const Collected c = import_text(R"({"releases": [)" + release + R"(, {"ocid": "ocds-x-2", "id": "r2"}]})");
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_TRUE(c.results[0].quarantined);
  EXPECT_TRUE(c.results[0].agreements.empty());
  ASSERT_EQ(c.results[0].quarantine.size(), 1u);
  EXPECT_EQ(c.results[0].quarantine[0].reason, QuarantineReason::missing_ocid);
  EXPECT_EQ(c.results[0].quarantine[0].raw_text, release);
  EXPECT_EQ(c.results[0].quarantine[0].location, "releases[0]");
  EXPECT_FALSE(c.results[1].quarantined);
  EXPECT_EQ(c.summary.releases_quarantined, 1u);
  EXPECT_EQ(c.summary.releases_imported, 1u);
}

// Verifies an ocid longer than an agreement keeps (500 bytes) quarantines its release whole with the reason,
// and one of exactly 500 bytes maps (on MariaDB a longer one used to fail the whole import batch).
TEST(OcdsMapping, OcidLongerThanAnAgreementKeepsIsQuarantined) {
  const std::string too_long(501, 'x');
  const std::string longest(500, 'y');
  const Collected c = import_text(R"({"releases": [{"ocid": ")" + too_long + R"(", "id": "r1"}, {"ocid": ")" +
                                  longest + R"(", "id": "r2"}]})");
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_TRUE(c.results[0].quarantined);
  ASSERT_EQ(c.results[0].quarantine.size(), 1u);
  EXPECT_EQ(c.results[0].quarantine[0].reason, QuarantineReason::malformed_field);
  EXPECT_NE(c.results[0].quarantine[0].message.find("501 bytes"), std::string::npos);
  EXPECT_FALSE(c.results[1].quarantined);
  EXPECT_EQ(c.summary.releases_quarantined, 1u);
}

// Verifies missing dueDate, unparsable dates and missing ids each quarantine with their own reason.
TEST(OcdsMapping, MilestoneProblemsHaveTheirOwnReasons) {
  const Collected c = import_text(release_with("", R"({"milestones":[
      {"id":"a","type":"delivery"},
      {"id":"b","type":"delivery","dueDate":"2024-13-01"},
      {"type":"delivery","dueDate":"2024-06-01"},
      {"id":"d","type":"delivery","dueDate":"2024-06-01","status":"met","dateMet":"yesterday"}]})"));
  const MappingResult& r = c.results.at(0);
  EXPECT_TRUE(r.commitments.empty());
  ASSERT_EQ(r.quarantine.size(), 4u);
  EXPECT_EQ(r.quarantine[0].reason, QuarantineReason::missing_due_date);
  EXPECT_EQ(r.quarantine[1].reason, QuarantineReason::unparsable_date);
  EXPECT_NE(r.quarantine[1].message.find("2024-13-01"), std::string::npos);
  EXPECT_EQ(r.quarantine[2].reason, QuarantineReason::missing_id);
  EXPECT_EQ(r.quarantine[3].reason, QuarantineReason::unparsable_date);
}

// Verifies a valid Chinese credit code identifies the organization across projects (uscc: key), sets
// the SME flag and the body's region, and an invalid one quarantines the party.
TEST(OcdsMapping, CreditCodesIdentifyParties) {
  const std::string supplier = valid_code('9', '1', "MA6K00010");
  const std::string buyer = valid_code('1', '1', "015110001");
  std::string broken = supplier;
  broken[17] = broken[17] == '0' ? '1' : '0';
  const std::string parties = R"([
      {"id":"B","name":"楚雄市财政局","roles":["buyer"],"identifier":{"scheme":"CN-USCC","id":")" +
                              buyer + R"("}},
      {"id":"S","name":"云南某公司","roles":["supplier"],"details":{"scale":"sme"},
       "identifier":{"scheme":"XX-LOCAL","id":"7"},
       "additionalIdentifiers":[{"scheme":"CN-SAIC","id":")" +
                              supplier + R"("}]},
      {"id":"Z","name":"假公司","roles":["tenderer"],"identifier":{"scheme":"CN-USCC","id":")" +
                              broken + R"("}}])";
  const Collected c = import_text(release_with("", "{}", parties));
  const MappingResult& r = c.results.at(0);
  ASSERT_EQ(r.bodies.size(), 1u);
  EXPECT_EQ(r.bodies[0].key, "uscc:" + buyer);
  EXPECT_EQ(r.bodies[0].value.region, "532301");
  ASSERT_EQ(r.organizations.size(), 1u);
  EXPECT_EQ(r.organizations[0].key, "uscc:" + supplier);
  EXPECT_EQ(r.organizations[0].local_key, "ocds:ocds-x-1:parties/S");
  EXPECT_TRUE(r.organizations[0].value.sme);
  EXPECT_EQ(r.organizations[0].value.credit_code->str(), supplier);
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].reason, QuarantineReason::invalid_credit_code);
  EXPECT_EQ(r.agreements.at(0).value.body_id, "ocds:ocds-x-1:parties/B");
  EXPECT_EQ(r.agreements.at(0).value.counterparty_id, "ocds:ocds-x-1:parties/S");
}

// Verifies an unlinked transaction pays the single payment commitment the payer owes, and a transaction
// without value is quarantined.
TEST(OcdsMapping, UnlinkedTransactionMatchesTheOnlyPaymentCommitment) {
  const std::string parties =
      R"([{"id":"B","roles":["buyer","payer"]},{"id":"S","roles":["supplier","payee"]}])";
  const Collected c = import_text(release_with("", R"({"milestones":[
      {"id":"p","type":"payment","dueDate":"2024-06-30","status":"met","value":{"amount":500,"currency":"CNY"}},
      {"id":"d","type":"delivery","dueDate":"2024-06-01"}],
    "transactions":[{"id":"t1","date":"2024-06-20","value":{"amount":300.10,"currency":"CNY"},"payer":{"id":"B"}},
                    {"id":"t2","date":"2024-06-21","payer":{"id":"B"}}]})",
                                               parties));
  const MappingResult& r = c.results.at(0);
  ASSERT_EQ(r.facts.size(), 1u);  // the transaction; the "met" status does not count the money twice
  EXPECT_EQ(r.facts[0].value.commitment_id, "ocds:ocds-x-1:contracts/C1/milestones/p");
  EXPECT_EQ(r.facts[0].value.amount->fen, 30010);
  EXPECT_EQ(r.facts[0].value.on, 2024y / June / 20);
  ASSERT_EQ(r.quarantine.size(), 1u);
  EXPECT_EQ(r.quarantine[0].reason, QuarantineReason::transaction_without_value);
}

// Verifies partiallyMet gives a fulfilled fact without an amount, so the commitment is not complete.
TEST(OcdsMapping, PartiallyMetIsAFulfilmentWithoutAmount) {
  const Collected c = import_text(release_with("", R"({"milestones":[
      {"id":"p","type":"payment","dueDate":"2024-06-30","status":"partiallyMet","dateModified":"2024-06-10",
       "value":{"amount":500,"currency":"CNY"}}]})"));
  const MappingResult& r = c.results.at(0);
  ASSERT_EQ(r.facts.size(), 1u);
  EXPECT_EQ(r.facts[0].value.kind, domain::FactKind::fulfilled);
  EXPECT_FALSE(r.facts[0].value.amount.has_value());
  EXPECT_EQ(r.facts[0].value.on, 2024y / June / 10);
}

// Verifies termination: "terminated" gives an agreement-wide terminated fact on finalStatusDate, while
// finalStatus "complete" (normal end) gives none.
TEST(OcdsMapping, TerminationButNotCompletion) {
  const Collected ended = import_text(release_with(
      R"(,"status":"terminated","finalStatus":"incomplete","finalStatusDate":"2024-04-02T00:00:00+08:00",
         "finalStatusDetails":"政府方提前解除")",
      "{}"));
  const MappingResult& r = ended.results.at(0);
  ASSERT_EQ(r.facts.size(), 1u);
  EXPECT_EQ(r.facts[0].value.kind, domain::FactKind::terminated);
  EXPECT_EQ(r.facts[0].scope, FactScope::agreement);
  EXPECT_EQ(r.facts[0].value.on, 2024y / April / 2);
  EXPECT_NE(r.facts[0].note.find("政府方提前解除"), std::string::npos);
  EXPECT_FALSE(r.facts[0].value.terminated_by.has_value());  // OCDS does not say who ended it

  const Collected done =
      import_text(release_with(R"(,"status":"terminated","finalStatus":"complete")", "{}"));
  EXPECT_TRUE(done.results.at(0).facts.empty());
}

// Verifies a person signatory (not a party) becomes a committing official of the government commitments.
TEST(OcdsMapping, SignatoryPersonIsTheCommittingOfficial) {
  const Collected c = import_text(
      release_with(R"(,"signatories":[{"id":"B","name":"楚雄市财政局"},{"id":"sig-1","name":"张三"}])",
                   R"({"milestones":[{"id":"p","type":"payment","dueDate":"2024-06-30"},
                        {"id":"d","type":"delivery","dueDate":"2024-06-01"}]})",
                   R"([{"id":"B","roles":["buyer"]}])"));
  const MappingResult& r = c.results.at(0);
  ASSERT_EQ(r.officials.size(), 1u);
  EXPECT_EQ(r.officials[0].value.name, "张三");
  EXPECT_EQ(r.commitments.at(0).value.committing_official_id, r.officials[0].key);
  EXPECT_TRUE(r.commitments.at(1).value.committing_official_id.empty());  // the counterparty's delivery
  EXPECT_EQ(r.agreements.at(0).value.kind, domain::AgreementKind::ppp);   // signatories: PPP profile
}

// Verifies content hashes: the same release hashes the same whatever its key order; a change changes it.
TEST(OcdsMapping, ContentHashIsCanonical) {
  const Collected a = import_text(R"({"releases":[{"ocid":"o","id":"1","tag":["planning"]}]})");
  const Collected b = import_text(R"({"releases":[{"tag":["planning"],"id":"1","ocid":"o"}]})");
  const Collected d = import_text(R"({"releases":[{"tag":["tender"],"id":"1","ocid":"o"}]})");
  EXPECT_EQ(a.results.at(0).content_hash, b.results.at(0).content_hash);
  EXPECT_NE(a.results.at(0).content_hash, d.results.at(0).content_hash);
  EXPECT_EQ(a.results.at(0).content_hash.size(), 64u);
}

}  // namespace
}  // namespace pactwatch::platform::ocds::testing
