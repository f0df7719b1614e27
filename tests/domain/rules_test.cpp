#include "domain/rules.hpp"

#include <gtest/gtest.h>

#include "domain/detection.hpp"
#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::LedgerBuilder;
using testing::ymd;

const Date kDue = ymd(2026, 3, 2);

/** Runs detection and returns the finding of `rule` on `commitment`, if any. */
std::optional<Finding> finding(const LedgerBuilder& b, RuleCode rule, const std::string& commitment,
                               Date as_of) {
  const Ledger l = b.build();
  const DetectionResult r = detect_breaches(l, {}, WorkingCalendar::plain(), RulePolicy{}, as_of);
  for (const Finding& f : r.findings) {
    if (f.rule == rule && f.commitment_id == commitment) return f;
  }
  return std::nullopt;
}

bool has_warning(const LedgerBuilder& b, RuleCode rule, const std::string& subject, Date as_of) {
  const Ledger l = b.build();
  const DetectionResult r = detect_breaches(l, {}, WorkingCalendar::plain(), RulePolicy{}, as_of);
  for (const Warning& w : r.warnings) {
    if (w.rule == rule && w.subject_id == subject) return true;
  }
  return false;
}

/** A supplier delivery (counterparty side) in a procurement contract. */
LedgerBuilder delivery(int grace = 0, std::optional<std::int64_t> amount = std::nullopt) {
  LedgerBuilder b;
  b.organization("S1", false);
  b.agreement("A1", AgreementKind::procurement, "G1", "S1");
  b.commitment("C1", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, kDue, amount)
      .grace_days = grace;
  return b;
}

/** A subsidy promised to an investor: government side, judged by BC01/BC02. */
LedgerBuilder subsidy(std::int64_t yuan) {
  LedgerBuilder b;
  b.organization("I1", false);
  b.agreement("A1", AgreementKind::investment, "G1", "I1");
  b.commitment("C1", "A1", ObligorSide::government, "G1", CommitmentKind::policy_promise, kDue, yuan);
  return b;
}

// Verifies BC01 does not fire on the due date and fires the day after, minor, one day late.
TEST(Bc01Overdue, FiresTheDayAfterTheDueDate) {
  const LedgerBuilder b = delivery();
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", kDue));
  const auto f = finding(b, RuleCode::BC01, "C1", add_days(kDue, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::minor);
  EXPECT_EQ(f->days_late, 1);
  EXPECT_EQ(f->obligor_id, "S1");
  EXPECT_EQ(f->occurred_on, add_days(kDue, 1));
  EXPECT_EQ(f->key(), "BC01|C1");
}

// Verifies the grace days hold BC01 back until due + grace has passed, and days late count from the due date.
TEST(Bc01Overdue, WaitsForTheGraceDays) {
  const LedgerBuilder b = delivery(10);
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(kDue, 10)));
  const auto f = finding(b, RuleCode::BC01, "C1", add_days(kDue, 11));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->days_late, 11);
}

// Verifies BC01 severity by days late on the 30 / 90 boundaries: minor, general past 30, serious past 90.
TEST(Bc01Overdue, SeverityByDaysLate) {
  const LedgerBuilder b = delivery();
  EXPECT_EQ(finding(b, RuleCode::BC01, "C1", add_days(kDue, 30))->severity, Severity::minor);
  EXPECT_EQ(finding(b, RuleCode::BC01, "C1", add_days(kDue, 31))->severity, Severity::general);
  EXPECT_EQ(finding(b, RuleCode::BC01, "C1", add_days(kDue, 90))->severity, Severity::general);
  EXPECT_EQ(finding(b, RuleCode::BC01, "C1", add_days(kDue, 91))->severity, Severity::serious);
  EXPECT_EQ(finding(b, RuleCode::BC01, "C1", add_days(kDue, 180))->severity, Severity::serious);
}

// Verifies BC01 severity by the amount at stake: general from 1,000,000 CNY, serious from 10,000,000 CNY.
TEST(Bc01Overdue, SeverityByAmount) {
  EXPECT_EQ(finding(subsidy(999'999), RuleCode::BC01, "C1", add_days(kDue, 1))->severity, Severity::minor);
  EXPECT_EQ(finding(subsidy(1'000'000), RuleCode::BC01, "C1", add_days(kDue, 1))->severity,
            Severity::general);
  EXPECT_EQ(finding(subsidy(9'999'999), RuleCode::BC01, "C1", add_days(kDue, 1))->severity,
            Severity::general);
  EXPECT_EQ(finding(subsidy(10'000'000), RuleCode::BC01, "C1", add_days(kDue, 1))->severity,
            Severity::serious);
}

// Verifies performance on the due date prevents BC01, and a late performance stays a finding whose lateness
// stops on the day it was performed.
TEST(Bc01Overdue, OnTimeAndLatePerformance) {
  LedgerBuilder on_time = delivery();
  on_time.fact("F1", "C1", FactKind::fulfilled, kDue);
  EXPECT_FALSE(finding(on_time, RuleCode::BC01, "C1", add_days(kDue, 100)));

  LedgerBuilder late = delivery();
  late.fact("F1", "C1", FactKind::fulfilled, add_days(kDue, 5));
  const auto f = finding(late, RuleCode::BC01, "C1", add_days(kDue, 100));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->days_late, 5);
  EXPECT_EQ(f->severity, Severity::minor);
  EXPECT_EQ(f->evidence, std::vector<std::string>{"F1"});
}

// Verifies a fact dated after as_of is not known yet, and a corrected fact is replaced by its correction.
TEST(Bc01Overdue, IgnoresFutureFactsAndHonoursCorrections) {
  LedgerBuilder b = delivery();
  b.fact("F1", "C1", FactKind::fulfilled, add_days(kDue, -3));
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(kDue, 40)));
  // The delivery was in fact 40 days late: the correction supersedes F1 from the day it is entered.
  b.fact("F2", "C1", FactKind::fulfilled, add_days(kDue, 40)).corrects = "F1";
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(kDue, 39)));  // F1 still stands then
  const auto f = finding(b, RuleCode::BC01, "C1", add_days(kDue, 41));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->days_late, 40);
  EXPECT_EQ(f->severity, Severity::general);
}

// Verifies a lawful amendment moves the due date BC01 measures against, and an unlawful one of the
// government side does not excuse the original date (and is BC04).
TEST(Bc01Overdue, LawfulAmendmentMovesTheDueDateUnlawfulDoesNot) {
  LedgerBuilder lawful = subsidy(100);
  Fact& a = lawful.fact("F1", "C1", FactKind::amended, add_days(kDue, -10));
  a.new_due = add_days(kDue, 30);
  a.legal_basis = "云南省优化营商环境办法 第十条";
  a.competent_authority = "楚雄市人民政府";
  a.procedure_reference = "楚市政发〔2026〕3号";
  EXPECT_FALSE(finding(lawful, RuleCode::BC01, "C1", add_days(kDue, 30)));
  EXPECT_EQ(finding(lawful, RuleCode::BC01, "C1", add_days(kDue, 31))->due, add_days(kDue, 30));
  EXPECT_FALSE(finding(lawful, RuleCode::BC04, "C1", add_days(kDue, 31)));

  LedgerBuilder unlawful = lawful;
  unlawful.facts[0].procedure_reference.clear();
  EXPECT_TRUE(finding(unlawful, RuleCode::BC01, "C1", add_days(kDue, 1)));
  EXPECT_TRUE(finding(unlawful, RuleCode::BC04, "C1", add_days(kDue, 1)));
}

// Verifies BC02 fires when part was performed by the due date, measured by the shortfall, and BC01 does not.
TEST(Bc02Partial, FiresOnTheShortfall) {
  LedgerBuilder b = delivery(0, 100'000);
  b.paid("F1", "C1", kDue, 40'000);
  EXPECT_FALSE(finding(b, RuleCode::BC02, "C1", kDue));
  const auto f = finding(b, RuleCode::BC02, "C1", add_days(kDue, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->shortfall, Money::yuan(60'000));
  EXPECT_EQ(f->fulfilled, Money::yuan(40'000));
  EXPECT_EQ(f->severity, Severity::minor);
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(kDue, 1)));
  EXPECT_EQ(finding(b, RuleCode::BC02, "C1", add_days(kDue, 30))->severity, Severity::minor);
  EXPECT_EQ(finding(b, RuleCode::BC02, "C1", add_days(kDue, 31))->severity, Severity::general);
  EXPECT_EQ(finding(b, RuleCode::BC02, "C1", add_days(kDue, 90))->severity, Severity::general);
  EXPECT_EQ(finding(b, RuleCode::BC02, "C1", add_days(kDue, 91))->severity, Severity::serious);
  EXPECT_EQ(finding(b, RuleCode::BC02, "C1", add_days(kDue, 181))->severity, Severity::serious);

  LedgerBuilder big = delivery(0, 5'000'000);
  big.paid("F1", "C1", kDue, 3'999'999);
  EXPECT_EQ(finding(big, RuleCode::BC02, "C1", add_days(kDue, 1))->severity, Severity::general);

  LedgerBuilder full = delivery(0, 100'000);
  full.paid("F1", "C1", add_days(kDue, -5), 40'000);
  full.paid("F2", "C1", kDue, 60'000);
  EXPECT_FALSE(finding(full, RuleCode::BC02, "C1", add_days(kDue, 10)));
}

/** A procurement contract: the supplier delivered on `delivered`, the purchaser pays `C2`. */
LedgerBuilder purchase(bool sme, Date delivered, std::optional<int> term, Date contract_due) {
  LedgerBuilder b;
  b.organization("S1", sme);
  b.agreement("A1", AgreementKind::procurement, "G1", "S1");
  b.commitment("C1", "A1", ObligorSide::counterparty, "S1", CommitmentKind::delivery, ymd(2026, 1, 10));
  b.fact("F1", "C1", FactKind::fulfilled, delivered);
  b.commitment("C2", "A1", ObligorSide::government, "G1", CommitmentKind::payment, contract_due, 200'000)
      .payment_term_days = term;
  return b;
}

// Verifies BC03 for an SME with no agreed term: due 30 days after delivery, general, then serious past 90
// days and severe past 180, and BC01 does not judge the same payment.
TEST(Bc03Arrears, SmeDueThirtyDaysAfterDelivery) {
  const LedgerBuilder b = purchase(true, ymd(2026, 1, 10), std::nullopt, ymd(2026, 12, 31));
  const Date due = ymd(2026, 2, 9);
  EXPECT_FALSE(finding(b, RuleCode::BC03, "C2", due));
  const auto f = finding(b, RuleCode::BC03, "C2", add_days(due, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->due, due);
  EXPECT_EQ(f->severity, Severity::general);
  EXPECT_EQ(f->shortfall, Money::yuan(200'000));
  EXPECT_EQ(finding(b, RuleCode::BC03, "C2", add_days(due, 90))->severity, Severity::general);
  EXPECT_EQ(finding(b, RuleCode::BC03, "C2", add_days(due, 91))->severity, Severity::serious);
  EXPECT_EQ(finding(b, RuleCode::BC03, "C2", add_days(due, 180))->severity, Severity::serious);
  EXPECT_EQ(finding(b, RuleCode::BC03, "C2", add_days(due, 181))->severity, Severity::severe);
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C2", ymd(2027, 3, 1)));
}

// Verifies an agreed SME term over 60 days is capped at 60 (and warned about by W05), and payment in time
// prevents BC03.
TEST(Bc03Arrears, AgreedTermCappedAtSixtyDays) {
  LedgerBuilder b = purchase(true, ymd(2026, 1, 10), 90, ymd(2026, 12, 31));
  const Date due = ymd(2026, 3, 11);
  EXPECT_FALSE(finding(b, RuleCode::BC03, "C2", due));
  EXPECT_EQ(finding(b, RuleCode::BC03, "C2", add_days(due, 1))->due, due);
  EXPECT_TRUE(has_warning(b, RuleCode::W05, "C2", ymd(2026, 1, 20)));
  EXPECT_FALSE(has_warning(purchase(true, ymd(2026, 1, 10), 60, ymd(2026, 12, 31)), RuleCode::W05, "C2",
                           ymd(2026, 1, 20)));
  b.paid("F2", "C2", due, 200'000);
  EXPECT_FALSE(finding(b, RuleCode::BC03, "C2", add_days(due, 200)));
}

// Verifies a non-SME supplier is paid by the contract's date plus grace, and the clock waits for acceptance
// when the contract has an acceptance.
TEST(Bc03Arrears, ContractDateForOthersAndAcceptanceStartsTheClock) {
  LedgerBuilder other = purchase(false, ymd(2026, 1, 10), std::nullopt, ymd(2026, 6, 30));
  other.commitments.back().grace_days = 5;
  EXPECT_FALSE(finding(other, RuleCode::BC03, "C2", ymd(2026, 7, 5)));
  EXPECT_EQ(finding(other, RuleCode::BC03, "C2", ymd(2026, 7, 6))->days_late, 6);

  LedgerBuilder accepted = purchase(true, ymd(2026, 1, 10), std::nullopt, ymd(2026, 12, 31));
  accepted.commitment("C3", "A1", ObligorSide::government, "G1", CommitmentKind::acceptance, ymd(2026, 2, 1));
  accepted.fact("F3", "C3", FactKind::acceptance_passed, ymd(2026, 2, 1)).score = 95;
  EXPECT_FALSE(finding(accepted, RuleCode::BC03, "C2", ymd(2026, 3, 3)));
  EXPECT_EQ(finding(accepted, RuleCode::BC03, "C2", ymd(2026, 3, 4))->due, ymd(2026, 3, 3));
}

// Verifies BC03 is not applied to payments due before the 条例 took effect (2020-09-01); BC01 is.
TEST(Bc03Arrears, InactiveBeforeTheRegulation) {
  const LedgerBuilder b = purchase(false, ymd(2019, 1, 10), std::nullopt, ymd(2019, 6, 30));
  EXPECT_FALSE(finding(b, RuleCode::BC03, "C2", ymd(2019, 12, 1)));
  EXPECT_FALSE(finding(b, RuleCode::BC03, "C2", ymd(2020, 12, 1)));
  EXPECT_TRUE(finding(b, RuleCode::BC01, "C2", ymd(2019, 12, 1)));  // BC01 judges it instead
  EXPECT_EQ(rule_info(RuleCode::BC03).active_from, ymd(2020, 9, 1));
}

/** An amendment of the subsidy with every legality field given. */
Fact& lawful_change(LedgerBuilder& b, FactKind kind, ReasonCode reason = ReasonCode::public_interest) {
  Fact& f = b.fact("F9", "C1", kind, add_days(kDue, -20));
  f.new_due = add_days(kDue, 60);
  f.legal_basis = "《优化营商环境条例》第三十一条";
  f.competent_authority = "楚雄州人民政府";
  f.procedure_reference = "楚政复〔2026〕7号";
  f.reason = reason;
  return f;
}

// Verifies BC04 fires, serious, on a government-side change missing its legal basis, authority or procedure,
// or missing the compensation decision where the counterparty lost money; and not on a lawful one.
TEST(Bc04UnlawfulChange, ChecksEveryLegalityField) {
  const Date as_of = add_days(kDue, -19);
  LedgerBuilder ok = subsidy(100);
  lawful_change(ok, FactKind::amended);
  EXPECT_FALSE(finding(ok, RuleCode::BC04, "C1", as_of));
  for (auto clear : {&Fact::legal_basis, &Fact::competent_authority, &Fact::procedure_reference}) {
    LedgerBuilder bad = subsidy(100);
    (lawful_change(bad, FactKind::amended).*clear).clear();
    const auto f = finding(bad, RuleCode::BC04, "C1", as_of);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::serious);
    EXPECT_EQ(f->evidence, std::vector<std::string>{"F9"});
  }
  LedgerBuilder loss = subsidy(100);
  lawful_change(loss, FactKind::revoked).counterparty_loss = true;
  EXPECT_TRUE(finding(loss, RuleCode::BC04, "C1", as_of));
  loss.facts.back().compensation_decision = "补偿 120 万元";
  EXPECT_FALSE(finding(loss, RuleCode::BC04, "C1", as_of));
  EXPECT_FALSE(finding(loss, RuleCode::BC01, "C1", add_days(kDue, 100)));  // lawfully revoked: excused
}

// Verifies BC04 does not judge the counterparty's own amendments.
TEST(Bc04UnlawfulChange, NotForTheCounterparty) {
  LedgerBuilder b = delivery();
  b.fact("F1", "C1", FactKind::amended, add_days(kDue, -3)).new_due = add_days(kDue, 10);
  EXPECT_FALSE(finding(b, RuleCode::BC04, "C1", add_days(kDue, 1)));
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(kDue, 10)));
}

// Verifies BC05 fires, always severe, on a revocation, refusal or non-performance citing turnover,
// personnel change or restructuring, even when the change is otherwise lawful; and not for public interest.
TEST(Bc05Turnover, FiresWhateverElseIsTrue) {
  for (ReasonCode reason :
       {ReasonCode::government_turnover, ReasonCode::personnel_change, ReasonCode::restructuring}) {
    for (FactKind kind : {FactKind::revoked, FactKind::refused, FactKind::not_performed}) {
      LedgerBuilder b = subsidy(100);
      lawful_change(b, kind, reason).compensation_decision = "补偿";
      const auto f = finding(b, RuleCode::BC05, "C1", add_days(kDue, -19));
      ASSERT_TRUE(f) << to_string(reason) << " " << to_string(kind);
      EXPECT_EQ(f->severity, Severity::severe);
      EXPECT_EQ(f->occurred_on, add_days(kDue, -20));
      EXPECT_FALSE(finding(b, RuleCode::BC04, "C1", add_days(kDue, -19)));
    }
  }
  LedgerBuilder lawful = subsidy(100);
  lawful_change(lawful, FactKind::revoked, ReasonCode::public_interest);
  EXPECT_FALSE(finding(lawful, RuleCode::BC05, "C1", add_days(kDue, -19)));
}

/** A judgment against body G1 with a performance deadline. */
LedgerBuilder judgment(Date deadline) {
  LedgerBuilder b;
  b.organization("S1", false);
  b.agreement("A1", AgreementKind::ppp, "G1", "S1");
  b.commitment("C1", "A1", ObligorSide::government, "G1", CommitmentKind::judgment, kDue, 500'000);
  b.fact("F1", "C1", FactKind::judgment_issued, add_days(kDue, -60)).new_due = deadline;
  return b;
}

// Verifies BC06 fires, severe, the day after the judgment's deadline when not performed, and not when
// performed by it.
TEST(Bc06Judgment, SevereAfterTheDeadline) {
  const Date deadline = add_days(kDue, 30);
  LedgerBuilder b = judgment(deadline);
  EXPECT_FALSE(finding(b, RuleCode::BC06, "C1", deadline));
  const auto f = finding(b, RuleCode::BC06, "C1", add_days(deadline, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::severe);
  EXPECT_EQ(f->due, deadline);
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(deadline, 1)));
  b.fact("F2", "C1", FactKind::judgment_fulfilled, deadline);
  EXPECT_FALSE(finding(b, RuleCode::BC06, "C1", add_days(deadline, 100)));
}

// Verifies BC07 fires, general, against the supplier when acceptance failed, also when the fact sits on
// the purchaser's acceptance commitment; and not when it passed.
TEST(Bc07AcceptanceFailed, AgainstTheSupplier) {
  LedgerBuilder b = delivery();
  b.commitment("C2", "A1", ObligorSide::government, "G1", CommitmentKind::acceptance, kDue);
  b.fact("F1", "C2", FactKind::acceptance_failed, kDue).score = 52;
  const auto f = finding(b, RuleCode::BC07, "C2", kDue);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::general);
  EXPECT_EQ(f->obligor_id, "S1");
  EXPECT_EQ(f->obligor_side, ObligorSide::counterparty);

  LedgerBuilder passed = delivery();
  passed.fact("F1", "C1", FactKind::acceptance_passed, kDue).score = 91;
  EXPECT_FALSE(finding(passed, RuleCode::BC07, "C1", kDue));
}

// Verifies BC08 fires, serious, on a government termination lacking lawful grounds or a compensation
// decision, and not on a lawful one or on one by the counterparty.
TEST(Bc08Termination, NeedsGroundsAndCompensation) {
  auto terminated = [](ObligorSide by, std::string grounds, std::string compensation) {
    LedgerBuilder b = delivery();
    Fact& f = b.fact("F1", "C1", FactKind::terminated, add_days(kDue, -5));
    f.terminated_by = by;
    f.lawful_grounds = std::move(grounds);
    f.compensation_decision = std::move(compensation);
    return b;
  };
  const auto f = finding(terminated(ObligorSide::government, "", "补偿 30 万元"), RuleCode::BC08, "C1", kDue);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::serious);
  EXPECT_EQ(f->obligor_id, "G1");
  EXPECT_TRUE(
      finding(terminated(ObligorSide::government, "民法典第五百六十三条", ""), RuleCode::BC08, "C1", kDue));
  const LedgerBuilder lawful = terminated(ObligorSide::government, "民法典第五百六十三条", "补偿 30 万元");
  EXPECT_FALSE(finding(lawful, RuleCode::BC08, "C1", kDue));
  EXPECT_FALSE(finding(lawful, RuleCode::BC01, "C1", add_days(kDue, 10)));  // lawfully ended
  EXPECT_FALSE(finding(terminated(ObligorSide::counterparty, "", ""), RuleCode::BC08, "C1", kDue));
}

// Verifies BC10 fires, general, on a township pledge not delivered by its date, and BC01 leaves pledges to
// it.
TEST(Bc10Pledge, TownshipPledgeNotDelivered) {
  LedgerBuilder b;
  b.agreement("P1", AgreementKind::pledge, "T1", "");
  b.commitment("C1", "P1", ObligorSide::government, "T1", CommitmentKind::pledge, kDue).grace_days = 3;
  EXPECT_FALSE(finding(b, RuleCode::BC10, "C1", add_days(kDue, 3)));
  const auto f = finding(b, RuleCode::BC10, "C1", add_days(kDue, 4));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::general);
  EXPECT_FALSE(finding(b, RuleCode::BC01, "C1", add_days(kDue, 4)));
  b.fact("F1", "C1", FactKind::fulfilled, kDue);
  EXPECT_FALSE(finding(b, RuleCode::BC10, "C1", add_days(kDue, 4)));
}

// Verifies the catalogue describes every rule and warning with titles, basis and applicable kinds.
TEST(RuleCatalogue, DescribesEveryRule) {
  const auto all = rule_catalogue();
  ASSERT_EQ(all.size(), 15u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all[i].code), i);
    EXPECT_FALSE(all[i].title_zh.empty());
    EXPECT_FALSE(all[i].title_en.empty());
    EXPECT_FALSE(all[i].legal_basis.empty());
    EXPECT_NE(all[i].kinds, 0);
    EXPECT_EQ(parse_rule_code(to_string(all[i].code)).value(), all[i].code);
  }
  EXPECT_TRUE(rule_info(RuleCode::BC10).applies_to(AgreementKind::pledge));
  EXPECT_FALSE(rule_info(RuleCode::BC10).applies_to(AgreementKind::procurement));
  EXPECT_FALSE(parse_rule_code("BC11").has_value());
}

}  // namespace
}  // namespace pactwatch::domain
