#include "domain/evaluation.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::LedgerBuilder;
using testing::ymd;

// Verifies the grade cut-offs: A from 90, B from 75, C from 60, D below.
TEST(SupplierGrade, CutOffs) {
  const EvaluationPolicy p;
  EXPECT_EQ(grade_for(100, p), 'A');
  EXPECT_EQ(grade_for(90, p), 'A');
  EXPECT_EQ(grade_for(89.99, p), 'B');
  EXPECT_EQ(grade_for(75, p), 'B');
  EXPECT_EQ(grade_for(74.99, p), 'C');
  EXPECT_EQ(grade_for(60, p), 'C');
  EXPECT_EQ(grade_for(59.99, p), 'D');
  EXPECT_EQ(grade_for(0, p), 'D');
}

/** Contract A1: the supplier delivered one lot on time and one late; acceptance scored 80. */
LedgerBuilder contract() {
  LedgerBuilder b;
  b.organization("S1", true);
  b.agreement("A1", AgreementKind::procurement, "G1", "S1");
  b.commitment("C1", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 1, 10));
  b.fact("F1", "C1", FactKind::fulfilled, ymd(2026, 1, 10));
  b.commitment("C2", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 2, 10));
  b.fact("F2", "C2", FactKind::fulfilled, ymd(2026, 2, 20));
  b.commitment("C3", "A1", ObligorSide::government, "G1", CommitmentKind::acceptance, ymd(2026, 3, 1));
  b.fact("F3", "C3", FactKind::acceptance_passed, ymd(2026, 3, 1)).score = 80;
  b.commitment("C4", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 12, 1));
  return b;
}

// Verifies the per-contract score: weighted acceptance score and on-time share, minus the penalty of a
// verified breach, with the evidence; a detected-only breach does not count yet.
TEST(ContractPerformance, AcceptanceOnTimeAndPenalties) {
  Breach verified;
  verified.id = "B1";
  verified.severity = Severity::general;
  verified.obligor_side = ObligorSide::counterparty;
  verified.obligor_id = "S1";
  verified.agreement_id = "A1";
  verified.state = BreachState::verified;
  verified.verified_on = ymd(2026, 4, 1);
  Breach detected = verified;
  detected.id = "B2";
  detected.state = BreachState::detected;
  detected.verified_on.reset();
  const std::vector<Breach> breaches{verified, detected};
  const auto all = contract_performance(contract().build(), breaches, EvaluationPolicy{}, ymd(2026, 6, 30));
  ASSERT_EQ(all.size(), 1u);
  const ContractPerformance& c = all[0];
  EXPECT_EQ(c.supplier_id, "S1");
  EXPECT_EQ(c.acceptance_score, 80);
  EXPECT_EQ(c.commitments_due, 2);  // C4 is not due yet
  EXPECT_EQ(c.met_on_time, 1);
  EXPECT_DOUBLE_EQ(c.on_time_share, 0.5);
  EXPECT_DOUBLE_EQ(c.breach_penalty, 10);
  EXPECT_DOUBLE_EQ(c.score, 0.5 * 80 + 0.5 * 50 - 10);
  EXPECT_EQ(c.evaluated_on, ymd(2026, 3, 1));
  EXPECT_EQ(c.evidence, (std::vector<std::string>{"B1", "F3"}));
}

// Verifies a grade as of a past date counts only the breaches verified or recorded by then: a breach
// verified on 2026-04-01 does not lower the score as of 2026-03-31 (it was found later), and does from
// 2026-04-01; a breach recorded without a verified_on counts from its recording.
TEST(ContractPerformance, AsOfCountsOnlyBreachesVerifiedByThen) {
  Breach b;
  b.id = "B1";
  b.severity = Severity::general;
  b.obligor_side = ObligorSide::counterparty;
  b.obligor_id = "S1";
  b.agreement_id = "A1";
  b.state = BreachState::recorded;
  b.detected_on = ymd(2026, 3, 2);
  b.verified_on = ymd(2026, 4, 1);
  b.recorded_on = ymd(2026, 4, 20);
  const std::vector<Breach> breaches{b};
  const auto before =
      contract_performance(contract().build(), breaches, EvaluationPolicy{}, ymd(2026, 3, 31));
  EXPECT_DOUBLE_EQ(before[0].breach_penalty, 0);
  EXPECT_TRUE(before[0].evidence == std::vector<std::string>{"F3"});
  const auto on = contract_performance(contract().build(), breaches, EvaluationPolicy{}, ymd(2026, 4, 1));
  EXPECT_DOUBLE_EQ(on[0].breach_penalty, 10);
  std::vector<Breach> recorded_only = breaches;
  recorded_only[0].verified_on.reset();
  EXPECT_DOUBLE_EQ(
      contract_performance(contract().build(), recorded_only, EvaluationPolicy{}, ymd(2026, 4, 19))[0]
          .breach_penalty,
      0);
  EXPECT_DOUBLE_EQ(
      contract_performance(contract().build(), recorded_only, EvaluationPolicy{}, ymd(2026, 4, 20))[0]
          .breach_penalty,
      10);
}

// Verifies a contract without an acceptance score is judged by the on-time share alone.
TEST(ContractPerformance, WithoutAcceptance) {
  LedgerBuilder b = contract();
  b.facts.pop_back();
  const auto all = contract_performance(b.build(), {}, EvaluationPolicy{}, ymd(2026, 6, 30));
  EXPECT_FALSE(all[0].acceptance_score);
  EXPECT_DOUBLE_EQ(all[0].score, 50);
}

// Verifies the supplier's grade weights each contract by 0.5^(age / 365 days): a year-old contract counts
// half, a two-year-old one a quarter.
TEST(SupplierGrade, HalfLifeWeighting) {
  const Date today = ymd(2026, 6, 30);
  std::vector<ContractPerformance> contracts(3);
  contracts[0] = {"A1", "S1", 95, 1, 1, 1.0, 0, 100, today, {}};
  contracts[1] = {"A2", "S1", 40, 1, 0, 0.0, 0, 40, add_days(today, -365), {}};
  contracts[2] = {"A3", "S2", 10, 1, 0, 0.0, 0, 10, today, {}};
  const SupplierGrade g = supplier_grade("S1", contracts, EvaluationPolicy{}, today);
  ASSERT_TRUE(g.score);
  EXPECT_DOUBLE_EQ(*g.score, (100 * 1.0 + 40 * 0.5) / 1.5);  // 80
  EXPECT_EQ(g.grade, 'B');
  ASSERT_EQ(g.contracts.size(), 2u);
  EXPECT_DOUBLE_EQ(g.contracts[1].weight, 0.5);
  contracts[1].evaluated_on = add_days(today, -730);
  EXPECT_DOUBLE_EQ(*supplier_grade("S1", contracts, EvaluationPolicy{}, today).score,
                   (100 + 40 * 0.25) / 1.25);
  const SupplierGrade none = supplier_grade("S9", contracts, EvaluationPolicy{}, today);
  EXPECT_FALSE(none.score);
  EXPECT_EQ(none.grade, '-');
}

}  // namespace
}  // namespace pactwatch::domain
