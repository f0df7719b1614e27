#include "domain/ports.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/fake_ledger.hpp"
#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::ymd;

// Verifies the simulated clock's today() is the Asia/Shanghai date: 16:30 UTC is already the next day there.
TEST(Ports, ClockTodayIsTheShanghaiDate) {
  testing::SimulatedClock clock(parse_instant("2026-11-25T15:59:59Z").value());
  EXPECT_EQ(clock.today(), ymd(2026, 11, 25));
  clock.advance(std::chrono::seconds{1});
  EXPECT_EQ(clock.today(), ymd(2026, 11, 26));
}

/** Two bodies in two counties, one agreement each, one breach each. */
testing::FakeLedger two_counties() {
  testing::FakeLedger store;
  store.body_list = {Body{"G1", "楚雄市财政局", "532301", BodyKind::department, ""},
                     Body{"G3", "双柏县财政局", "532322", BodyKind::department, ""}};
  testing::LedgerBuilder b;
  b.agreement("A1", AgreementKind::pledge, "G1", "");
  b.agreement("A3", AgreementKind::pledge, "G3", "");
  b.commitment("C1", "A1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2026, 1, 1));
  b.commitment("C3", "A3", ObligorSide::government, "G3", CommitmentKind::pledge, ymd(2026, 1, 1));
  store.agreements = b.agreements;
  store.commitments = b.commitments;
  return store;
}

// Verifies a region-scoped read sees only that region's records, and another region's breach is not found.
TEST(Ports, ScopeConfinesReads) {
  testing::FakeLedger store = two_counties();
  Finding f;
  f.rule = RuleCode::BC10;
  f.obligor_id = "G3";
  f.commitment_id = "C3";
  f.agreement_id = "A3";
  ASSERT_EQ(store.open_breaches(std::vector<Finding>{f}, ymd(2026, 2, 1), "detector")->size(), 1u);
  const Scope chuxiong{"532301"};
  EXPECT_EQ(store.load_ledger(chuxiong)->commitments.size(), 1u);
  EXPECT_EQ(store.load_ledger(Scope{"532300"})->commitments.size(), 2u);
  EXPECT_TRUE(store.breaches(chuxiong)->empty());
  EXPECT_EQ(store.breach(chuxiong, "B1").error().code, ErrorCode::not_found);
  EXPECT_TRUE(store.breach(Scope{"532322"}, "B1"));
}

// Verifies a transition saved against a state the breach has left is a conflict, and one against the
// current state is stored.
TEST(Ports, SaveTransitionChecksTheExpectedState) {
  testing::FakeLedger store = two_counties();
  Finding f;
  f.rule = RuleCode::BC10;
  f.obligor_id = "G1";
  f.commitment_id = "C1";
  f.agreement_id = "A1";
  const Breach opened = store.open_breaches(std::vector<Finding>{f}, ymd(2026, 2, 1), "detector")->at(0);
  Command verify;
  verify.action = BreachAction::verify;
  verify.actor = "supervisor-7";
  verify.reason = "核实属实";
  verify.as_of = ymd(2026, 2, 3);
  const Transition t = apply_command(opened, verify, WorkingCalendar::plain(), LifecyclePolicy{}).value();
  EXPECT_EQ(store.save_transition(t, BreachState::verified).error().code, ErrorCode::stale);
  EXPECT_TRUE(store.save_transition(t, BreachState::detected));
  EXPECT_EQ(store.breach(Scope{}, opened.id)->state, BreachState::verified);
}

}  // namespace
}  // namespace pactwatch::domain
