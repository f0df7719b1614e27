#include "domain/detection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "domain/rules.hpp"
#include "tests/fakes/fake_ledger.hpp"
#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::LedgerBuilder;
using testing::ymd;

WorkingCalendar official_calendar() {
  std::ifstream in(std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv");
  std::stringstream text;
  text << in.rdbuf();
  auto cal = WorkingCalendar::parse_csv(text.str());
  if (!cal) throw std::runtime_error(cal.error().message);
  return *cal;
}

/** A ledger where several rules fire as of 2026-06-30. */
LedgerBuilder mixed_ledger() {
  LedgerBuilder b;
  b.organization("S1", true);
  b.organization("S2", false);
  b.agreement("A1", AgreementKind::procurement, "G1", "S1");
  b.commitment("C1", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 1, 10));
  b.fact("F1", "C1", FactKind::fulfilled, ymd(2026, 1, 20));
  b.fact("F2", "C1", FactKind::acceptance_failed, ymd(2026, 1, 25)).score = 40;
  b.fact("F3", "C1", FactKind::acceptance_passed, ymd(2026, 2, 5)).score = 85;
  b.commitment("C2", "A1", ObligorSide::government, "G1", CommitmentKind::payment, ymd(2026, 12, 31),
               300'000);
  b.paid("F4", "C2", ymd(2026, 3, 1), 100'000);
  b.paid("F5", "C2", ymd(2026, 6, 1), 50'000);
  b.agreement("A2", AgreementKind::investment, "G2", "S2", 50'000'000);
  b.commitment("C3", "A2", ObligorSide::government, "G2", CommitmentKind::policy_promise, ymd(2026, 4, 1),
               2'000'000);
  b.paid("F6", "C3", ymd(2026, 4, 1), 500'000);
  b.fact("F7", "C3", FactKind::refused, ymd(2026, 4, 15)).reason = ReasonCode::personnel_change;
  b.commitment("C4", "A2", ObligorSide::government, "G2", CommitmentKind::milestone, ymd(2026, 5, 1));
  b.fact("F8", "C4", FactKind::amended, ymd(2026, 4, 20)).new_due = ymd(2026, 9, 1);
  b.fact("F9", "C4", FactKind::fulfilled, ymd(2026, 5, 1));
  b.fact("F10", "C4", FactKind::fulfilled, ymd(2026, 5, 20)).corrects = "F9";
  return b;
}

// Verifies detection gives identical findings and warnings whatever the order of the facts.
TEST(Detection, IndependentOfFactOrder) {
  const LedgerBuilder b = mixed_ledger();
  const Date as_of = ymd(2026, 6, 30);
  const DetectionResult expected =
      detect_breaches(b.build(), {}, WorkingCalendar::plain(), RulePolicy{}, as_of);
  ASSERT_GE(expected.findings.size(), 5u);
  std::mt19937 rng(20260630);
  for (int round = 0; round < 20; ++round) {
    LedgerBuilder shuffled = b;
    std::shuffle(shuffled.facts.begin(), shuffled.facts.end(), rng);
    std::shuffle(shuffled.commitments.begin(), shuffled.commitments.end(), rng);
    const DetectionResult got =
        detect_breaches(shuffled.build(), {}, WorkingCalendar::plain(), RulePolicy{}, as_of);
    EXPECT_EQ(got.findings, expected.findings) << "round " << round;
    EXPECT_EQ(got.warnings, expected.warnings) << "round " << round;
  }
}

// Verifies what the mixed ledger yields, each finding keyed by (rule, commitment) and sorted.
TEST(Detection, FindsTheExpectedBreaches) {
  const DetectionResult r =
      detect_breaches(mixed_ledger().build(), {}, WorkingCalendar::plain(), RulePolicy{}, ymd(2026, 6, 30));
  std::vector<std::string> keys;
  for (const Finding& f : r.findings)
    keys.push_back(f.key());
  // C1 delivered 10 days late and failed its first acceptance; C2 is SME arrears; C3 was paid in part and
  // then refused citing a personnel change; C4 was postponed without legal basis and performed late.
  EXPECT_EQ(keys, (std::vector<std::string>{"BC01|C1", "BC01|C4", "BC02|C3", "BC03|C2", "BC04|C4", "BC05|C3",
                                            "BC07|C1"}));
  const Finding& arrears = r.findings[3];
  EXPECT_EQ(arrears.due, ymd(2026, 3, 7));  // accepted 2026-02-05 + 30 days
  EXPECT_EQ(arrears.shortfall, Money::yuan(150'000));
  EXPECT_EQ(arrears.evidence, (std::vector<std::string>{"F4", "F5"}));
}

// Verifies a second run over the same ledger opens nothing new through the ports, and a later run opens
// only what is new.
TEST(Detection, SecondRunCreatesNothingNew) {
  testing::FakeLedger store;
  const LedgerBuilder b = mixed_ledger();
  store.organizations = b.organizations;
  store.agreements = b.agreements;
  store.commitments = b.commitments;
  store.facts = b.facts;
  const Scope all;
  auto run = [&](Date as_of) {
    const Ledger l = store.load_ledger(all).value();
    const auto breaches = store.breaches(all).value();
    const DetectionResult r = detect_breaches(l, breaches, WorkingCalendar::plain(), RulePolicy{}, as_of);
    EXPECT_EQ(new_findings(r.findings, breaches).size(),
              r.findings.size() - std::min(r.findings.size(), breaches.size()));
    return store.open_breaches(r.findings, as_of, "detector").value();
  };
  EXPECT_EQ(run(ymd(2026, 6, 30)).size(), 7u);
  EXPECT_TRUE(run(ymd(2026, 6, 30)).empty());
  EXPECT_TRUE(run(ymd(2026, 7, 31)).empty());
  EXPECT_EQ(store.breach_list.size(), 7u);
  // The purchaser then ends the contract without a compensation decision: exactly one new breach.
  Fact end;
  end.id = "F11";
  end.commitment_id = "C2";
  end.kind = FactKind::terminated;
  end.on = ymd(2026, 7, 15);
  end.terminated_by = ObligorSide::government;
  end.lawful_grounds = "民法典第五百六十三条";
  store.facts.push_back(end);
  const auto opened = run(ymd(2026, 7, 31));
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].key, "BC08|C2");
  EXPECT_EQ(opened[0].state, BreachState::detected);
}

// Verifies BC09 fires once per obligor, keyed by the breach that brought recorded breaches within 365 days
// to three, and not for two, nor counting voided ones.
TEST(Detection, Bc09RepeatCountsRecordedBreaches) {
  auto recorded = [](std::string id, std::string obligor, Date on,
                     BreachState state = BreachState::recorded) {
    Breach b;
    b.id = std::move(id);
    b.rule = RuleCode::BC01;
    b.obligor_id = std::move(obligor);
    b.state = state;
    b.recorded_on = on;
    return b;
  };
  std::vector<Breach> breaches{recorded("B1", "G1", ymd(2025, 9, 1)),
                               recorded("B2", "G1", ymd(2026, 1, 5)),
                               recorded("B4", "G1", ymd(2026, 6, 1)),
                               recorded("B3", "G1", ymd(2026, 3, 1)),
                               recorded("B5", "G2", ymd(2026, 3, 1)),
                               recorded("B6", "G2", ymd(2026, 4, 1)),
                               recorded("B7", "G2", ymd(2026, 5, 1), BreachState::voided)};
  const auto findings = check_bc09_repeat(breaches, RulePolicy{}, ymd(2026, 7, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].key(), "BC09|G1|B3");
  EXPECT_EQ(findings[0].severity, Severity::serious);
  EXPECT_EQ(findings[0].evidence, (std::vector<std::string>{"B1", "B2", "B3"}));
  // The window ending on B4's day holds B1..B4: four, so B4 did not "reach" the count and adds nothing.
  EXPECT_EQ(check_bc09_repeat(breaches, RulePolicy{}, ymd(2026, 8, 1)).size(), 1u);
  EXPECT_TRUE(check_bc09_repeat(breaches, RulePolicy{}, ymd(2026, 2, 28)).empty());
  // A year after B3 it is no longer "in the trailing 12 months".
  EXPECT_TRUE(check_bc09_repeat(breaches, RulePolicy{}, ymd(2027, 3, 2)).empty());
}

// Verifies W01 counts its 10 working days on the official calendar across 2026 春节 and its 调休 days.
TEST(Detection, W01DueSoonAcrossSpringFestival) {
  LedgerBuilder b;
  b.organization("S1", false);
  b.agreement("A1", AgreementKind::procurement, "G1", "S1");
  b.commitment("C1", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 3, 4));
  b.commitment("C2", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 3, 5));
  const DetectionResult r =
      detect_breaches(b.build(), {}, official_calendar(), RulePolicy{}, ymd(2026, 2, 12));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].key(), "W01|C1");
  // On the plain Monday-Friday calendar the tenth working day is 2026-02-26.
  EXPECT_TRUE(detect_breaches(b.build(), {}, WorkingCalendar::plain(), RulePolicy{}, ymd(2026, 2, 12))
                  .warnings.empty());
}

// Verifies W02 (two extensions), W03 (value raised by more than 10 %) and W04 (rectification deadline
// within 5 working days) fire, and W03 not at exactly 10 %.
TEST(Detection, ExtensionValueAndRectificationWarnings) {
  LedgerBuilder b;
  b.organization("S1", false);
  b.agreement("A1", AgreementKind::procurement, "G1", "S1", 1'000'000);
  b.commitment("C1", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 3, 1),
               500'000);
  b.fact("F1", "C1", FactKind::amended, ymd(2026, 2, 1)).new_due = ymd(2026, 4, 1);
  Fact& second = b.fact("F2", "C1", FactKind::amended, ymd(2026, 3, 20));
  second.new_due = ymd(2026, 5, 1);
  second.new_amount = Money::yuan(600'000);
  Breach rectifying;
  rectifying.id = "B1";
  rectifying.state = BreachState::rectifying;
  rectifying.rectification_deadline = ymd(2026, 4, 7);
  const std::vector<Breach> breaches{rectifying};
  const DetectionResult r =
      detect_breaches(b.build(), breaches, WorkingCalendar::plain(), RulePolicy{}, ymd(2026, 4, 1));
  std::vector<std::string> keys;
  for (const Warning& w : r.warnings)
    keys.push_back(w.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"W02|C1", "W04|B1"}));  // +100,000 is exactly 10 %

  b.facts[1].new_amount = Money::yuan(600'001);
  const DetectionResult more =
      detect_breaches(b.build(), breaches, WorkingCalendar::plain(), RulePolicy{}, ymd(2026, 4, 1));
  keys.clear();
  for (const Warning& w : more.warnings)
    keys.push_back(w.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"W02|C1", "W03|A1", "W04|B1"}));
}

}  // namespace
}  // namespace pactwatch::domain
