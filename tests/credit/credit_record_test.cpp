// The credit-platform record format and the dispatcher's decisions (adapters/credit/credit_record.hpp,
// adapters/credit/dispatcher.hpp): which transitions are credit events, what a 失信记录 carries, and what an
// attempt's answer leads to. No database, no network.

#include "adapters/credit/credit_record.hpp"

#include <gtest/gtest.h>

#include "adapters/credit/dispatcher.hpp"

namespace pactwatch::credit {
namespace {

namespace d = pactwatch::domain;
using namespace std::chrono_literals;

d::Date date(const char* text) {
  return *d::parse_date(text);
}

/** A BC01 general breach, recorded on 2026-03-20. */
d::Breach recorded_breach() {
  d::Breach b;
  b.id = "brc_01JTEST";
  b.rule = d::RuleCode::BC01;
  b.severity = d::Severity::general;
  b.obligor_side = d::ObligorSide::government;
  b.obligor_id = "bod_1";
  b.summary = "政策兑现承诺逾期 50 天";
  b.committed = *d::Money::parse("500000.00");
  b.state = d::BreachState::recorded;
  b.detected_on = date("2026-03-01");
  b.recorded_on = date("2026-03-20");
  return b;
}

d::BreachChange change(d::BreachAction action, d::BreachState from, d::BreachState to) {
  d::BreachChange c;
  c.action = action;
  c.from = from;
  c.to = to;
  return c;
}

// Verifies exactly the transitions the platform must hear of are credit events: recording, a granted repair,
// an upheld objection against a recorded breach; not a denied repair, a rejected objection, or voiding a
// breach that was never recorded (never shared, nothing to revoke).
TEST(CreditRecord, OnlyRecordingRepairAndRevokingAreEvents) {
  using A = d::BreachAction;
  using S = d::BreachState;
  d::Breach never_recorded = recorded_breach();
  never_recorded.recorded_on.reset();
  never_recorded.state = S::under_review;
  const d::Breach recorded = recorded_breach();
  EXPECT_EQ(credit_event_of(never_recorded, change(A::record, S::rectifying, S::recorded)),
            CreditEvent::record);
  EXPECT_EQ(credit_event_of(recorded, change(A::decide_repair, S::repair_requested, S::repaired)),
            CreditEvent::repair);
  EXPECT_EQ(credit_event_of(recorded, change(A::decide_objection, S::under_review, S::voided)),
            CreditEvent::revoke);
  EXPECT_EQ(credit_event_of(never_recorded, change(A::decide_objection, S::under_review, S::voided)),
            std::nullopt);
  EXPECT_EQ(credit_event_of(recorded, change(A::decide_repair, S::repair_requested, S::recorded)),
            std::nullopt);
  EXPECT_EQ(credit_event_of(recorded, change(A::decide_objection, S::under_review, S::recorded)),
            std::nullopt);
  EXPECT_EQ(credit_event_of(recorded, change(A::verify, S::detected, S::verified)), std::nullopt);
  EXPECT_EQ(credit_record_id("brc_01JTEST", CreditEvent::repair), "brc_01JTEST-repair");
}

// Verifies a 新增 record names the subject by name and credit code, the conduct with its rule and basis, the
// authority, the day of recording and the last day of publication (general: one year from recording).
TEST(CreditRecord, RecordCarriesThePlatformFields) {
  CreditRecordInput in;
  in.event = CreditEvent::record;
  in.breach = recorded_breach();
  in.region = "532301";
  in.subject = {"楚雄市商务局", "11532301MB1234567X", true};
  in.authority = "州财政局采购监管科";
  const auto r = credit_record(in);
  EXPECT_EQ(r["记录编号"], "brc_01JTEST-record");
  EXPECT_EQ(r["事件类型"], "新增");
  EXPECT_EQ(r["行政区划代码"], "532301");
  EXPECT_EQ(r["主体名称"], "楚雄市商务局");
  EXPECT_EQ(r["统一社会信用代码"], "11532301MB1234567X");
  EXPECT_FALSE(r.contains("统一社会信用代码缺失原因"));
  EXPECT_EQ(r["失信行为"], "逾期未履行：政策兑现承诺逾期 50 天");
  EXPECT_EQ(r["认定依据"], "合同约定 (contract terms)");
  EXPECT_EQ(r["认定机关"], "州财政局采购监管科");
  EXPECT_EQ(r["认定日期"], "2026-03-20");
  EXPECT_EQ(r["公示截止日期"], "2027-03-19");
  EXPECT_EQ(r["涉及金额"]["amount"], "500000.00");
  EXPECT_FALSE(r.contains("修复日期"));
}

// Verifies a 修复 record keeps the record's fields and adds the repair's date, deciding body and reason; a
// subject without a credit code says why the field is empty.
TEST(CreditRecord, RepairAddsItsDateAndAnEmptyCodeIsExplained) {
  CreditRecordInput in;
  in.event = CreditEvent::repair;
  in.breach = recorded_breach();
  in.breach.state = d::BreachState::repaired;
  in.breach.repaired_on = date("2026-06-20");
  in.subject = {"云南某建设有限公司", "", false};
  in.authority = "州财政局采购监管科";
  in.decided_by = "楚雄市财政局";
  in.reason = "整改到位";
  const auto r = credit_record(in);
  EXPECT_EQ(r["记录编号"], "brc_01JTEST-repair");
  EXPECT_EQ(r["事件类型"], "修复");
  EXPECT_EQ(r["主体类别"], "法人和非法人组织");
  EXPECT_EQ(r["统一社会信用代码"], "");
  EXPECT_TRUE(r.contains("统一社会信用代码缺失原因"));
  EXPECT_EQ(r["认定日期"], "2026-03-20");
  EXPECT_EQ(r["修复日期"], "2026-06-20");
  EXPECT_EQ(r["修复决定机关"], "楚雄市财政局");
  EXPECT_EQ(r["修复理由"], "整改到位");
}

http_client::Answer answer(int status, std::string retry_after = {}) {
  return {status, "{\"message\":\"x\"}", std::move(retry_after)};
}

// Verifies the dispatcher's decisions: 2xx is sent; a 5xx, 429 or a network failure is retried after a
// jittered wait between half and all of the exponential ceiling (or the capped Retry-After) until the last
// attempt, then failed; a 4xx fails at once.
TEST(Dispatcher, DecidesSentRetryOrFailed) {
  DispatchOptions o;
  o.max_attempts = 4;
  o.initial_backoff = 1000ms;
  o.max_backoff = 60'000ms;
  std::mt19937_64 random(7);
  const d::Instant now = *d::parse_instant("2026-06-30T00:00:00.000Z");
  EXPECT_EQ(decide(answer(200), 1, o, now, random).state, "sent");
  EXPECT_EQ(decide(answer(204), 1, o, now, random).state, "sent");

  for (int i = 0; i < 50; ++i) {
    const auto retry = decide(answer(503), 3, o, now, random);
    ASSERT_EQ(retry.state, "pending");
    const auto at = d::parse_instant(retry.next_attempt_at);
    ASSERT_TRUE(at.has_value());
    EXPECT_GE(*at, now + 2000ms);  // third retry: half to all of 1 s * 2^2
    EXPECT_LE(*at, now + 4000ms);
  }
  EXPECT_EQ(decide(answer(429, "7"), 1, o, now, random).next_attempt_at, "2026-06-30T00:00:07.000Z");
  EXPECT_EQ(decide(answer(503, "86400"), 1, o, now, random).next_attempt_at, "2026-06-30T00:01:00.000Z");
  const d::Result<http_client::Answer> down = d::fail(d::ErrorCode::unavailable, "connecting: refused");
  const auto network = decide(down, 1, o, now, random);
  EXPECT_EQ(network.state, "pending");
  EXPECT_FALSE(network.status.has_value());
  EXPECT_NE(network.error.find("refused"), std::string::npos);

  const auto last = decide(answer(503), 4, o, now, random);
  EXPECT_EQ(last.state, "failed");
  EXPECT_NE(last.error.find("gave up after 4 attempts"), std::string::npos) << last.error;
  const auto refused = decide(answer(422), 1, o, now, random);
  EXPECT_EQ(refused.state, "failed");
  EXPECT_EQ(refused.status, 422);
}

}  // namespace
}  // namespace pactwatch::credit
