#include "domain/status.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::ymd;

/** A government payment of 300,000 yuan due on 2026-06-30 with 5 grace days, and its facts. */
struct Payment {
  Commitment commitment;
  std::vector<Fact> facts;

  Payment() {
    commitment.id = "C1";
    commitment.agreement_id = "A1";
    commitment.obligor_id = "G1";
    commitment.kind = CommitmentKind::payment;
    commitment.due = ymd(2026, 6, 30);
    commitment.amount = Money::yuan(300'000);
    commitment.grace_days = 5;
  }
  Fact& fact(std::string id, FactKind kind, Date on) {
    Fact f;
    f.id = std::move(id);
    f.commitment_id = commitment.id;
    f.kind = kind;
    f.on = on;
    facts.push_back(std::move(f));
    return facts.back();
  }
  Fact& paid(std::string id, Date on, std::int64_t yuan) {
    Fact& f = fact(std::move(id), FactKind::fulfilled, on);
    f.amount = Money::yuan(yuan);
    return f;
  }
  CommitmentStatus as_of(Date d) const { return commitment_status(commitment, facts, d); }
};

/** Fills the four fields that make a change lawful (seed 三(四)). */
void make_lawful(Fact& f) {
  f.legal_basis = "《政府采购法》第五十条";
  f.competent_authority = "楚雄州财政局";
  f.procedure_reference = "楚财采〔2026〕12号";
  f.compensation_decision = "不涉及补偿";
}

// Verifies the names clients filter by, and that anything else is refused.
TEST(CommitmentStatus, NamesRoundTrip) {
  for (auto s : {CommitmentStatus::open, CommitmentStatus::fulfilled, CommitmentStatus::overdue,
                 CommitmentStatus::excused}) {
    EXPECT_EQ(parse_commitment_status(to_string(s)), s);
  }
  EXPECT_EQ(to_string(CommitmentStatus::overdue), "overdue");
  EXPECT_FALSE(parse_commitment_status("Overdue"));
  EXPECT_FALSE(parse_commitment_status("waived"));
  EXPECT_FALSE(parse_commitment_status(""));
}

// Verifies a commitment without facts is open up to its due date and overdue from the next day, grace
// days notwithstanding (they delay the breach, not the due date).
TEST(CommitmentStatus, OpenUntilDueThenOverdue) {
  const Payment p;
  EXPECT_EQ(p.as_of(ymd(2026, 1, 1)), CommitmentStatus::open);
  EXPECT_EQ(p.as_of(ymd(2026, 6, 30)), CommitmentStatus::open);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 1)), CommitmentStatus::overdue);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 3)), CommitmentStatus::overdue);  // within the 5 grace days
}

// Verifies a payment in full is fulfilled from its date on, and a late one leaves the commitment
// overdue as of any date between the due date and the payment.
TEST(CommitmentStatus, FulfilledOnTimeAndLate) {
  Payment on_time;
  on_time.paid("F1", ymd(2026, 6, 20), 300'000);
  EXPECT_EQ(on_time.as_of(ymd(2026, 6, 19)), CommitmentStatus::open);
  EXPECT_EQ(on_time.as_of(ymd(2026, 6, 20)), CommitmentStatus::fulfilled);
  EXPECT_EQ(on_time.as_of(ymd(2027, 1, 1)), CommitmentStatus::fulfilled);

  Payment late;
  late.paid("F1", ymd(2026, 8, 15), 300'000);
  EXPECT_EQ(late.as_of(ymd(2026, 6, 30)), CommitmentStatus::open);
  EXPECT_EQ(late.as_of(ymd(2026, 8, 14)), CommitmentStatus::overdue);
  EXPECT_EQ(late.as_of(ymd(2026, 8, 15)), CommitmentStatus::fulfilled);
}

// Verifies a part payment does not fulfil a commitment; the payments that reach the amount do.
TEST(CommitmentStatus, PartPaymentsCountOnlyWhenTheAmountIsReached) {
  Payment p;
  p.paid("F1", ymd(2026, 6, 1), 100'000);
  EXPECT_EQ(p.as_of(ymd(2026, 6, 15)), CommitmentStatus::open);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 15)), CommitmentStatus::overdue);
  p.paid("F2", ymd(2026, 7, 20), 200'000);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 19)), CommitmentStatus::overdue);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 20)), CommitmentStatus::fulfilled);
}

// Verifies a lawful amendment moves the due date the status counts from (from its own date on); an
// unlawful one by the government does not, and neither does one dated after as_of.
TEST(CommitmentStatus, AmendmentsMoveTheDueDateOnlyWhenLawful) {
  Payment lawful;
  Fact& a = lawful.fact("F1", FactKind::amended, ymd(2026, 6, 10));
  a.new_due = ymd(2026, 9, 30);
  make_lawful(a);
  EXPECT_EQ(lawful.as_of(ymd(2026, 8, 1)), CommitmentStatus::open);
  EXPECT_EQ(lawful.as_of(ymd(2026, 10, 1)), CommitmentStatus::overdue);

  Payment unlawful;
  unlawful.fact("F1", FactKind::amended, ymd(2026, 6, 10)).new_due = ymd(2026, 9, 30);
  EXPECT_EQ(unlawful.as_of(ymd(2026, 8, 1)), CommitmentStatus::overdue);

  Payment after;  // agreed on 2026-07-10: as of 2026-07-05 the commitment was already overdue
  Fact& b = after.fact("F1", FactKind::amended, ymd(2026, 7, 10));
  b.new_due = ymd(2026, 9, 30);
  make_lawful(b);
  EXPECT_EQ(after.as_of(ymd(2026, 7, 5)), CommitmentStatus::overdue);
  EXPECT_EQ(after.as_of(ymd(2026, 7, 10)), CommitmentStatus::open);
}

// Verifies a lawful revocation or termination excuses an unfulfilled commitment; an unlawful
// termination by the government (BC08) does not.
TEST(CommitmentStatus, LawfulEndingsExcuse) {
  Payment revoked;
  make_lawful(revoked.fact("F1", FactKind::revoked, ymd(2026, 5, 1)));
  revoked.facts.back().reason = ReasonCode::public_interest;
  EXPECT_EQ(revoked.as_of(ymd(2026, 4, 30)), CommitmentStatus::open);
  EXPECT_EQ(revoked.as_of(ymd(2026, 8, 1)), CommitmentStatus::excused);

  Payment terminated;
  Fact& t = terminated.fact("F1", FactKind::terminated, ymd(2026, 7, 20));
  t.terminated_by = ObligorSide::government;
  t.lawful_grounds = "《民法典》第五百六十三条";
  t.compensation_decision = "已协商补偿";
  EXPECT_EQ(terminated.as_of(ymd(2026, 7, 19)), CommitmentStatus::overdue);
  EXPECT_EQ(terminated.as_of(ymd(2026, 7, 20)), CommitmentStatus::excused);

  Payment unlawful;
  unlawful.fact("F1", FactKind::terminated, ymd(2026, 5, 1)).terminated_by = ObligorSide::government;
  EXPECT_EQ(unlawful.as_of(ymd(2026, 8, 1)), CommitmentStatus::overdue);

  Payment paid_first;  // a commitment performed in full stays fulfilled whatever ends it later
  paid_first.paid("F1", ymd(2026, 6, 1), 300'000);
  make_lawful(paid_first.fact("F2", FactKind::revoked, ymd(2026, 6, 5)));
  EXPECT_EQ(paid_first.as_of(ymd(2026, 8, 1)), CommitmentStatus::fulfilled);
}

// Verifies a correction replaces the fact it names: a full payment corrected to a part payment no
// longer fulfils the commitment from the correction's date on.
TEST(CommitmentStatus, CorrectionsReplaceTheFactTheyName) {
  Payment p;
  p.paid("F1", ymd(2026, 6, 20), 300'000);
  p.paid("F2", ymd(2026, 7, 10), 30'000).corrects = "F1";
  EXPECT_EQ(p.as_of(ymd(2026, 7, 1)), CommitmentStatus::fulfilled);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 10)), CommitmentStatus::overdue);
}

// Verifies a judgment counts from the court's deadline and is fulfilled by judgment_fulfilled; an
// acceptance commitment is fulfilled by holding the acceptance, whatever its outcome.
TEST(CommitmentStatus, JudgmentsAndAcceptances) {
  Payment judgment;
  judgment.commitment.kind = CommitmentKind::judgment;
  judgment.commitment.grace_days = 0;
  judgment.fact("F1", FactKind::judgment_issued, ymd(2026, 5, 1)).new_due = ymd(2026, 8, 31);
  EXPECT_EQ(judgment.as_of(ymd(2026, 8, 1)), CommitmentStatus::open);
  EXPECT_EQ(judgment.as_of(ymd(2026, 9, 1)), CommitmentStatus::overdue);
  judgment.fact("F2", FactKind::judgment_fulfilled, ymd(2026, 9, 10));
  EXPECT_EQ(judgment.as_of(ymd(2026, 9, 10)), CommitmentStatus::fulfilled);

  Payment acceptance;
  acceptance.commitment.kind = CommitmentKind::acceptance;
  acceptance.commitment.amount.reset();
  acceptance.fact("F1", FactKind::acceptance_failed, ymd(2026, 6, 25)).score = 40;
  EXPECT_EQ(acceptance.as_of(ymd(2026, 6, 24)), CommitmentStatus::open);
  EXPECT_EQ(acceptance.as_of(ymd(2026, 6, 25)), CommitmentStatus::fulfilled);
}

// Verifies the status does not depend on the order the facts arrive in (the fold orders them by date).
TEST(CommitmentStatus, IndependentOfFactOrder) {
  Payment p;
  p.paid("F1", ymd(2026, 6, 1), 100'000);
  Fact& a = p.fact("F2", FactKind::amended, ymd(2026, 6, 15));
  a.new_amount = Money::yuan(100'000);
  a.counterparty_loss = false;
  make_lawful(a);
  std::vector<Fact> reversed(p.facts.rbegin(), p.facts.rend());
  for (Date d : {ymd(2026, 6, 10), ymd(2026, 6, 15), ymd(2026, 8, 1)}) {
    EXPECT_EQ(commitment_status(p.commitment, reversed, d), p.as_of(d)) << format_date(d);
  }
  EXPECT_EQ(p.as_of(ymd(2026, 6, 15)), CommitmentStatus::fulfilled);  // amount lowered to what was paid
}

/**
 * The facts of `p` as they would be stored had they arrived in `order`: ids follow arrival (the API's ids
 * are time-ordered, and a sync stores a batch in the order of its source).
 */
std::vector<Fact> arrived_in(const Payment& p, const std::vector<std::size_t>& order) {
  std::vector<Fact> out;
  for (std::size_t i = 0; i < order.size(); ++i) {
    Fact f = p.facts[order[i]];
    f.id = "F" + std::to_string(10 + i);
    out.push_back(std::move(f));
  }
  return out;
}

// Verifies the status does not depend on the order the facts ARRIVED in, i.e. on their ids, over every
// permutation of: two lawful amendments on the same day that disagree on the amount, a part payment, and
// on one day a payment and a refund (issue 13: the later-arriving amendment won, and a refund counted
// before or after the payment of its day by id).
TEST(CommitmentStatus, IndependentOfArrivalOrderAndIds) {
  Payment p;
  for (std::int64_t yuan : {250'000, 350'000}) {
    Fact& a = p.fact("", FactKind::amended, ymd(2026, 6, 10));
    a.new_amount = Money::yuan(yuan);
    make_lawful(a);
  }
  p.paid("", ymd(2026, 6, 20), 300'000);
  p.paid("", ymd(2026, 6, 25), 100'000);
  p.paid("", ymd(2026, 6, 25), -100'000);
  const std::vector<Date> dates{ymd(2026, 6, 21), ymd(2026, 6, 25), ymd(2026, 6, 30), ymd(2026, 7, 10)};
  std::vector<std::size_t> order{0, 1, 2, 3, 4};
  const auto first = arrived_in(p, order);
  std::vector<CommitmentStatus> expected;
  for (Date d : dates)
    expected.push_back(commitment_status(p.commitment, first, d));
  int permutations = 0;
  do {
    const auto facts = arrived_in(p, order);
    for (std::size_t i = 0; i < dates.size(); ++i) {
      EXPECT_EQ(commitment_status(p.commitment, facts, dates[i]), expected[i])
          << format_date(dates[i]) << ", arrival order " << order[0] << order[1] << order[2] << order[3]
          << order[4];
    }
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
  // Same-day amendments apply the stricter amount last (the larger: 350,000), so 300,000 is not enough.
  EXPECT_EQ(expected[0], CommitmentStatus::open);
  EXPECT_EQ(expected[3], CommitmentStatus::overdue);
}

// Verifies a refund that takes the net paid amount below the commitment undoes its fulfilment from the
// refund's date on (a fulfilled status is not a one-way latch).
TEST(CommitmentStatus, RefundBelowTheAmountUndoesFulfilment) {
  Payment p;
  p.paid("F1", ymd(2026, 6, 20), 300'000);
  p.paid("F2", ymd(2026, 6, 22), -100'000);
  EXPECT_EQ(p.as_of(ymd(2026, 6, 21)), CommitmentStatus::fulfilled);
  EXPECT_EQ(p.as_of(ymd(2026, 6, 23)), CommitmentStatus::open);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 1)), CommitmentStatus::overdue);
  p.paid("F3", ymd(2026, 7, 2), 100'000);
  EXPECT_EQ(p.as_of(ymd(2026, 7, 2)), CommitmentStatus::fulfilled);
}

// Verifies payments whose total exceeds the int64 range do not wrap around to a negative total.
TEST(CommitmentStatus, HugeTotalsDoNotWrap) {
  Payment p;
  for (int i = 0; i < 10'000; ++i) {
    Fact& f = p.paid("F" + std::to_string(i), ymd(2026, 6, 20), 0);
    f.amount = Money{kMaxAmountFen};
  }
  EXPECT_EQ(p.as_of(ymd(2026, 6, 21)), CommitmentStatus::fulfilled);
}

}  // namespace
}  // namespace pactwatch::domain
