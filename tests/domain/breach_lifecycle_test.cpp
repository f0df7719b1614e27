#include "domain/breach_lifecycle.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::ymd;
using A = BreachAction;
using S = BreachState;

WorkingCalendar official_calendar() {
  std::ifstream in(std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv");
  std::stringstream text;
  text << in.rdbuf();
  return WorkingCalendar::parse_csv(text.str()).value();
}

class BreachLifecycle : public ::testing::Test {
 protected:
  WorkingCalendar calendar = official_calendar();
  LifecyclePolicy policy;

  static Breach detected(Severity severity = Severity::general) {
    Breach b;
    b.id = "B1";
    b.rule = RuleCode::BC01;
    b.severity = severity;
    b.obligor_id = "G1";
    b.detected_on = ymd(2026, 2, 2);
    return b;
  }
  static Command cmd(A action, Date as_of) {
    Command c;
    c.action = action;
    c.actor = "supervisor-7";
    c.reason = "按程序办理";
    c.as_of = as_of;
    return c;
  }

  Breach step(const Breach& b, const Command& c) {
    auto t = apply_command(b, c, calendar, policy);
    if (!t) ADD_FAILURE() << to_string(c.action) << ": " << t.error().message;
    return t ? t->breach : b;
  }
  Breach rectifying(Severity s = Severity::general) {
    Command order = cmd(A::order_rectification, ymd(2026, 2, 12));
    order.deadline_working_days = 10;
    return step(step(detected(s), cmd(A::verify, ymd(2026, 2, 10))), order);
  }
  Breach recorded(Severity s = Severity::general) {
    return step(rectifying(s), cmd(A::record, ymd(2026, 3, 5)));
  }
};

// Verifies verify and dismiss from detected, with the trail description naming states and changed fields.
TEST_F(BreachLifecycle, VerifyAndDismiss) {
  const auto t = apply_command(detected(), cmd(A::verify, ymd(2026, 2, 10)), calendar, policy);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->breach.state, S::verified);
  EXPECT_EQ(t->breach.verified_on, ymd(2026, 2, 10));
  EXPECT_EQ(t->change.from, S::detected);
  EXPECT_EQ(t->change.to, S::verified);
  EXPECT_EQ(t->change.actor, "supervisor-7");
  EXPECT_EQ(t->change.fields_changed, (std::vector<std::string>{"state", "verified_on"}));
  const auto d = apply_command(detected(), cmd(A::dismiss, ymd(2026, 2, 10)), calendar, policy);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->breach.state, S::dismissed);
  EXPECT_TRUE(allowed_actions(S::dismissed).empty());
}

// Verifies the order to rectify counts 10 working days from 2026-02-12 across 春节 and its 调休 Saturdays
// (deadline 2026-03-04) and requires the written explanation.
TEST_F(BreachLifecycle, OrderRectificationAcrossSpringFestival) {
  const Breach b = rectifying();
  EXPECT_EQ(b.state, S::rectifying);
  EXPECT_EQ(b.rectification_deadline, ymd(2026, 3, 4));
  EXPECT_TRUE(b.explanation_required);
  EXPECT_FALSE(b.explanation_filed_on);
}

// Verifies a deadline counted into 2027, which the calendar does not cover, falls back and says so.
TEST_F(BreachLifecycle, DeadlineInAnUncoveredYearSaysItFellBack) {
  Breach b = step(detected(), cmd(A::verify, ymd(2026, 12, 20)));
  Command order = cmd(A::order_rectification, ymd(2026, 12, 28));
  order.deadline_working_days = 10;
  const auto t = apply_command(b, order, calendar, policy);
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->change.note.empty());
}

// Verifies rectified in time needs the written explanation first and is refused after the deadline.
TEST_F(BreachLifecycle, RectifiedInTimeAfterTheExplanation) {
  Breach b = rectifying();
  Command done = cmd(A::mark_rectified, ymd(2026, 3, 2));
  done.evidence = "整改报告及付款凭证";
  const auto early = apply_command(b, done, calendar, policy);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().field, "explanation");
  Command explain = cmd(A::file_explanation, ymd(2026, 2, 20));
  explain.explanation = "资金调度延误,已安排支付";
  b = step(b, explain);
  EXPECT_EQ(b.state, S::rectifying);
  EXPECT_EQ(b.explanation_filed_on, ymd(2026, 2, 20));
  Command late = done;
  late.as_of = ymd(2026, 3, 5);
  const auto refused = apply_command(b, late, calendar, policy);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "as_of");
  done.as_of = ymd(2026, 3, 4);
  const Breach closed = step(b, done);
  EXPECT_EQ(closed.state, S::rectified);
  EXPECT_TRUE(allowed_actions(closed).empty());
  EXPECT_FALSE(publication(closed, policy, ymd(2026, 3, 5)).published);
}

// Verifies recording from rectifying only once the deadline has passed, or earlier on a stated refusal.
TEST_F(BreachLifecycle, RecordAfterDeadlineOrOnRefusal) {
  const Breach b = rectifying();
  const auto too_early = apply_command(b, cmd(A::record, ymd(2026, 3, 4)), calendar, policy);
  ASSERT_FALSE(too_early);
  EXPECT_EQ(too_early.error().code, ErrorCode::invalid);
  Command refused = cmd(A::record, ymd(2026, 2, 25));
  refused.refused = true;
  EXPECT_EQ(step(b, refused).recorded_on, ymd(2026, 2, 25));
  const Breach r = step(b, cmd(A::record, ymd(2026, 3, 5)));
  EXPECT_EQ(r.state, S::recorded);
  EXPECT_EQ(r.recorded_on, ymd(2026, 3, 5));
}

// Verifies a severe breach may be recorded straight after verification and a general one may not, the
// rejection listing the allowed actions.
TEST_F(BreachLifecycle, DirectRecordOnlyForSevere) {
  const Breach severe = step(detected(Severity::severe), cmd(A::verify, ymd(2026, 2, 10)));
  EXPECT_EQ(step(severe, cmd(A::record, ymd(2026, 2, 11))).state, S::recorded);
  const Breach general = step(detected(), cmd(A::verify, ymd(2026, 2, 10)));
  const auto t = apply_command(general, cmd(A::record, ymd(2026, 2, 11)), calendar, policy);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::illegal_transition);
  EXPECT_EQ(t.error().message,
            "record is not allowed in state verified; allowed: order_rectification, file_objection, "
            "decide_mitigation");
  EXPECT_EQ(allowed_actions(general),
            (std::vector<A>{A::order_rectification, A::file_objection, A::decide_mitigation}));
}

// Verifies an objection from detected, verified and recorded goes under review and, rejected, returns
// where it came from; upheld, voids the breach.
TEST_F(BreachLifecycle, ObjectionFromEachStateAndItsOutcomes) {
  for (const Breach& start : {detected(), step(detected(), cmd(A::verify, ymd(2026, 2, 10))), recorded()}) {
    const Breach review = step(start, cmd(A::file_objection, ymd(2026, 3, 10)));
    EXPECT_EQ(review.state, S::under_review);
    EXPECT_EQ(review.objection_from, start.state);
    EXPECT_EQ(allowed_actions(review), std::vector<A>{A::decide_objection});
    Command reject = cmd(A::decide_objection, ymd(2026, 3, 20));
    reject.decision = Decision::rejected;
    const Breach back = step(review, reject);
    EXPECT_EQ(back.state, start.state);
    EXPECT_FALSE(back.objection_from);
    Command uphold = reject;
    uphold.decision = Decision::upheld;
    const Breach voided = step(review, uphold);
    EXPECT_EQ(voided.state, S::voided);
    EXPECT_EQ(voided.voided_on, ymd(2026, 3, 20));
  }
  const auto wrong = [&] {
    Command c = cmd(A::decide_objection, ymd(2026, 3, 20));
    c.decision = Decision::granted;
    return apply_command(step(detected(), cmd(A::file_objection, ymd(2026, 3, 10))), c, calendar, policy);
  }();
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "decision");
}

// Verifies a mitigation decision (从轻/免于惩戒) is kept on the breach with its reason, without moving it.
TEST_F(BreachLifecycle, MitigationIsKeptOnTheBreach) {
  Command c = cmd(A::decide_mitigation, ymd(2026, 3, 10));
  c.reason = "责任人主动挽回全部损失";
  const auto missing = apply_command(recorded(), c, calendar, policy);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "mitigation");
  c.mitigation = MitigationDecision::exempt;
  const auto t = apply_command(recorded(), c, calendar, policy);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->breach.state, S::recorded);
  ASSERT_TRUE(t->breach.mitigation);
  EXPECT_EQ(t->breach.mitigation->decision, MitigationDecision::exempt);
  EXPECT_EQ(t->breach.mitigation->reason, "责任人主动挽回全部损失");
  EXPECT_EQ(t->change.fields_changed, std::vector<std::string>{"mitigation"});
}

// Verifies repair: requested with evidence, granted only after the minimum period since recording
// (90 days for general), denied back to recorded.
TEST_F(BreachLifecycle, RepairOnlyAfterTheMinimumPeriod) {
  const Breach r = recorded();  // recorded 2026-03-05
  const auto no_evidence = apply_command(r, cmd(A::request_repair, ymd(2026, 4, 1)), calendar, policy);
  ASSERT_FALSE(no_evidence);
  EXPECT_EQ(no_evidence.error().field, "evidence");
  Command request = cmd(A::request_repair, ymd(2026, 4, 1));
  request.evidence = "已足额支付并公开说明";
  const Breach requested = step(r, request);
  EXPECT_EQ(requested.state, S::repair_requested);
  Command grant = cmd(A::decide_repair, ymd(2026, 6, 2));
  grant.decision = Decision::granted;
  const auto early = apply_command(requested, grant, calendar, policy);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().message, "repair may be granted from 2026-06-03");
  grant.as_of = ymd(2026, 6, 3);
  const Breach repaired = step(requested, grant);
  EXPECT_EQ(repaired.state, S::repaired);
  EXPECT_FALSE(publication(repaired, policy, ymd(2026, 6, 3)).published);
  Command deny = grant;
  deny.decision = Decision::denied;
  EXPECT_EQ(step(requested, deny).state, S::recorded);
}

// Verifies publication is derived: general for 365 days from recording, serious and severe for 1095.
TEST_F(BreachLifecycle, PublicationPeriodBySeverity) {
  const Breach general = recorded();
  EXPECT_FALSE(publication(general, policy, ymd(2026, 3, 4)).published);
  EXPECT_TRUE(publication(general, policy, ymd(2026, 3, 5)).published);
  EXPECT_EQ(publication(general, policy, ymd(2026, 3, 5)).until, ymd(2027, 3, 4));
  EXPECT_TRUE(publication(general, policy, ymd(2027, 3, 4)).published);
  EXPECT_FALSE(publication(general, policy, ymd(2027, 3, 5)).published);
  const Breach serious = recorded(Severity::serious);
  EXPECT_EQ(publication(serious, policy, ymd(2026, 3, 5)).until, ymd(2029, 3, 3));
  EXPECT_FALSE(publication(detected(), policy, ymd(2026, 3, 5)).published);
}

// Verifies every transition requires an actor and a reason, and the order a deadline of at least one day.
TEST_F(BreachLifecycle, MissingInputsNameTheField) {
  Command c = cmd(A::verify, ymd(2026, 2, 10));
  c.actor.clear();
  EXPECT_EQ(apply_command(detected(), c, calendar, policy).error().field, "actor");
  c = cmd(A::verify, ymd(2026, 2, 10));
  c.reason.clear();
  EXPECT_EQ(apply_command(detected(), c, calendar, policy).error().field, "reason");
  const Breach verified = step(detected(), cmd(A::verify, ymd(2026, 2, 10)));
  EXPECT_EQ(
      apply_command(verified, cmd(A::order_rectification, ymd(2026, 2, 12)), calendar, policy).error().field,
      "deadline_working_days");
  c = cmd(A::order_rectification, ymd(2026, 2, 12));
  c.deadline_working_days = 0;
  EXPECT_EQ(apply_command(verified, c, calendar, policy).error().field, "deadline_working_days");
  EXPECT_EQ(
      apply_command(rectifying(), cmd(A::file_explanation, ymd(2026, 2, 20)), calendar, policy).error().field,
      "explanation");
  EXPECT_EQ(apply_command(detected(), cmd(A::verify, ymd(2026, 1, 1)), calendar, policy).error().field,
            "as_of");
}

// Verifies a sample of disallowed transitions is rejected as illegal with the state's allowed actions.
TEST_F(BreachLifecycle, IllegalTransitionsListTheAllowedOnes) {
  struct Case {
    Breach breach;
    A action;
    std::string allowed;
  };
  const std::vector<Case> cases{
      {detected(), A::record, "verify, dismiss, file_objection"},
      {detected(), A::order_rectification, "verify, dismiss, file_objection"},
      {rectifying(), A::verify, "file_explanation, mark_rectified, record, decide_mitigation"},
      {recorded(), A::dismiss, "file_objection, decide_mitigation, request_repair"},
      {recorded(), A::decide_repair, "file_objection, decide_mitigation, request_repair"},
      {step(detected(), cmd(A::dismiss, ymd(2026, 2, 3))), A::verify, "none"},
  };
  for (const Case& c : cases) {
    Command command = cmd(c.action, ymd(2026, 3, 10));
    command.decision = Decision::granted;
    command.deadline_working_days = 5;
    const auto t = apply_command(c.breach, command, calendar, policy);
    ASSERT_FALSE(t) << to_string(c.action);
    EXPECT_EQ(t.error().code, ErrorCode::illegal_transition);
    EXPECT_TRUE(t.error().message.ends_with("allowed: " + c.allowed)) << t.error().message;
  }
  EXPECT_EQ(parse_breach_action("order_rectification").value(), A::order_rectification);
  EXPECT_FALSE(parse_breach_action("delete"));
}

}  // namespace
}  // namespace pactwatch::domain
