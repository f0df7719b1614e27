// The dispatcher (adapters/credit/dispatcher.hpp) against a fixture credit platform: failures, a stall past
// the timeout and success deliver every event once, in order per breach, with its id as Idempotency-Key; a
// 4xx fails at once and holds the breach's later events back until an operator retries it; retryable
// failures give up after max_attempts; claims are exclusive until their lease expires.

#include "adapters/credit/dispatcher.hpp"

#include <gmock/gmock.h>

#include "server/credit_push.hpp"
#include "tests/credit/credit_fixture.hpp"
#include "tests/fakes/simulated_clock.hpp"

namespace pactwatch::testing {
namespace {

namespace d = pactwatch::domain;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DispatcherTest : public CreditFixture {
 protected:
  /** Options for `receiver`, on the test's clock (started now, after the rows were queued); short timeouts.
   */
  credit::DispatchOptions options(const FixtureReceiver& receiver) {
    start_clock();
    credit::DispatchOptions o;
    o.url = receiver.url();
    o.bearer_token = "s3cret";
    o.http.connect_timeout = 2s;
    o.http.request_timeout = 400ms;
    o.max_attempts = 5;
    o.initial_backoff = 1s;
    o.max_backoff = 2s;
    o.owner = "test-dispatcher";
    o.clock = clock_;
    return o;
  }
  /** Passes until nothing is pending (at most `passes`), the clock an hour further each time. */
  void dispatch_until_settled(credit::Dispatcher& dispatcher, int passes = 10) {
    for (int i = 0; i < passes && count("credit_outbox", "state = 'pending'") > 0; ++i) {
      auto report = dispatcher.run_once();
      ASSERT_TRUE(report.has_value()) << report.error().message;
      clock_->advance(1h);
    }
  }
  void start_clock() {
    clock_->set(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  }
  json row(const std::string& id) {
    for (const auto& r : outbox())
      if (r["id"] == id) return r;
    return json::object();
  }

  std::shared_ptr<pactwatch::testing::SimulatedClock> clock_ =
      std::make_shared<pactwatch::testing::SimulatedClock>(d::Instant{});
};

// Verifies a 503, a stall past the request timeout and then success deliver every event exactly once as
// the receiver keeps it, each breach's events in order (a repair never before its record was acknowledged),
// every request carrying the record id as Idempotency-Key and the bearer token; the rows end `sent`.
TEST_F(DispatcherTest, FailureTimeoutThenSuccessDeliversEveryEventInOrder) {
  const std::string first = recorded_breach();
  const std::string second = recorded_breach("2026-01-12");
  repair(first);
  FixtureReceiver receiver([](int n, const FixtureReceiver::Request&) {
    return n == 0 ? 503 : n == 1 ? 0 : 200;
  });
  store::OutboxStore store(database());
  credit::Dispatcher dispatcher(store, options(receiver));
  dispatch_until_settled(dispatcher);

  const auto requests = receiver.requests();
  std::vector<std::string> sequence;
  for (const auto& r : requests) {
    sequence.push_back(r.record_id + ":" + std::to_string(r.answered));
    EXPECT_EQ(r.idempotency_key, r.record_id);
    EXPECT_EQ(r.authorization, "Bearer s3cret");
  }
  // The stalled second breach does not hold up the first; the repair waits behind its record.
  EXPECT_THAT(sequence, ElementsAre(first + "-record:503", second + "-record:0", first + "-record:200",
                                    second + "-record:200", first + "-repair:200"));
  const auto kept = receiver.kept();
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept.at(first + "-repair")["事件类型"], "修复");
  for (const auto& [id, times] : receiver.accepted())
    EXPECT_EQ(times, 1) << id;

  EXPECT_EQ(count("credit_outbox", "state = 'sent'"), 3);
  const json settled = row(second + "-record");
  EXPECT_EQ(settled["attempts"], 2);
  EXPECT_EQ(settled["last_status"], 200);
  EXPECT_TRUE(settled["last_error"].is_null());
  EXPECT_FALSE(settled["sent_at"].is_null());
  EXPECT_TRUE(settled["claimed_by"].is_null());
}

// Verifies the timed-out attempt is recorded as such and rescheduled within the back-off ceiling.
TEST_F(DispatcherTest, ATimedOutAttemptIsRescheduled) {
  const std::string id = recorded_breach();
  FixtureReceiver receiver([](int, const FixtureReceiver::Request&) { return 0; });
  store::OutboxStore store(database());
  credit::Dispatcher dispatcher(store, options(receiver));
  auto report = dispatcher.run_once();
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->retried, 1);
  const json r = row(id + "-record");
  EXPECT_EQ(r["state"], "pending");
  EXPECT_EQ(r["attempts"], 1);
  EXPECT_TRUE(r["last_status"].is_null());
  EXPECT_THAT(r["last_error"].get<std::string>(), HasSubstr("timed out"));
  const auto next = d::parse_instant(r["next_attempt_at"].get<std::string>());
  ASSERT_TRUE(next.has_value());
  EXPECT_GE(*next, clock_->now() + 500ms);  // the first retry: half to all of credit_push_backoff_initial_ms
  EXPECT_LE(*next, clock_->now() + 1s);
}

// Verifies a 4xx fails the row after one attempt and holds back the breach's repair; only an admin may
// retry it (recorded in the trail), a row that has not failed cannot be retried; once retried and accepted,
// the record and then the repair are delivered.
TEST_F(DispatcherTest, A4xxFailsAtOnceAndWaitsForAnOperator) {
  const std::string id = recorded_breach();
  repair(id);
  FixtureReceiver receiver([](int, const FixtureReceiver::Request&) { return 422; });
  store::OutboxStore store(database());
  credit::Dispatcher dispatcher(store, options(receiver));
  dispatch_until_settled(dispatcher, 3);
  ASSERT_EQ(receiver.requests().size(), 1u) << "one attempt, and the repair was held back";
  const json failed = row(id + "-record");
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_EQ(failed["attempts"], 1);
  EXPECT_EQ(failed["last_status"], 422);
  EXPECT_THAT(failed["last_error"].get<std::string>(), HasSubstr("refused"));
  EXPECT_EQ(row(id + "-repair")["state"], "pending");
  EXPECT_EQ(outbox("state=failed").size(), 1u);

  const std::string retry = "/api/v1/outbox/" + id + "-record/retry";
  EXPECT_EQ(post(retry, json::object(), kSupervisor).status, 403);
  EXPECT_EQ(post(retry, json::object(), kAuditor).status, 403);
  EXPECT_EQ(post("/api/v1/outbox/" + id + "-repair/retry", json::object(), kAdmin).status, 409);
  EXPECT_EQ(post("/api/v1/outbox/nope/retry", json::object(), kAdmin).status, 404);
  EXPECT_EQ(post(retry, {{"reason", 7}}, kAdmin).status, 422);
  auto retried = post(retry, {{"reason", "平台已修正字段校验"}}, kAdmin);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json()["state"], "pending");
  EXPECT_EQ(retried.json()["attempts"], 0);
  EXPECT_EQ(count("trail_entries",
                  "entity_type = 'credit_outbox' AND action = 'credit_outbox.retry' AND entity_id = '" + id +
                      "-record'"),
            1);

  receiver.set_script([](int, const FixtureReceiver::Request&) { return 201; });
  dispatch_until_settled(dispatcher, 3);
  std::vector<std::string> delivered;
  for (const auto& r : receiver.requests())
    if (r.answered == 201) delivered.push_back(r.record_id);
  EXPECT_THAT(delivered, ElementsAre(id + "-record", id + "-repair"));
  EXPECT_EQ(count("credit_outbox", "state = 'sent'"), 2);
}

// Verifies retryable failures give up after max_attempts: exactly that many requests, then `failed`.
TEST_F(DispatcherTest, RetryableFailuresGiveUpAfterMaxAttempts) {
  const std::string id = recorded_breach();
  FixtureReceiver receiver([](int, const FixtureReceiver::Request&) { return 503; });
  store::OutboxStore store(database());
  auto o = options(receiver);
  o.max_attempts = 3;
  credit::Dispatcher dispatcher(store, o);
  dispatch_until_settled(dispatcher, 6);
  EXPECT_EQ(receiver.requests().size(), 3u);
  const json r = row(id + "-record");
  EXPECT_EQ(r["state"], "failed");
  EXPECT_EQ(r["attempts"], 3);
  EXPECT_THAT(r["last_error"].get<std::string>(), HasSubstr("gave up after 3 attempts"));
}

// Verifies a claimed row is nobody else's until its lease expires; then another instance takes it over, the
// first one's settling is refused (lost) and only the second counts; the metrics read the totals.
TEST_F(DispatcherTest, ClaimsAreExclusiveUntilTheLeaseExpires) {
  const std::string id = recorded_breach();
  store::OutboxStore store(database());
  start_clock();
  const auto at = [this](std::chrono::seconds later) { return d::format_instant(clock_->now() + later); };
  auto a = store.claim("instance-a", at(0s), at(10s));
  ASSERT_TRUE(a.has_value()) << a.error().message;
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->id, id + "-record");
  EXPECT_EQ((*a)->claimed_by, "instance-a");
  auto b = store.claim("instance-b", at(5s), at(15s));
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->has_value()) << "claimed by instance-a until its lease ends";
  b = store.claim("instance-b", at(11s), at(21s));
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*b)->claim_epoch, (*a)->claim_epoch + 1);

  const store::OutboxOutcome sent{"sent", 200, {}, {}};
  auto lost = store.settle(**a, sent, at(12s));
  ASSERT_TRUE(lost.has_value());
  EXPECT_FALSE(*lost);
  auto won = store.settle(**b, sent, at(12s));
  ASSERT_TRUE(won.has_value());
  EXPECT_TRUE(*won);

  server::Metrics metrics;
  server::register_credit_outbox_metrics(metrics, database(), 0ms);
  const std::string text = metrics.render();
  EXPECT_THAT(text, HasSubstr("pactwatch_credit_outbox_rows{state=\"sent\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_credit_outbox_rows{state=\"pending\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_credit_push_attempts_total 2\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("pactwatch_credit_push_last_success_timestamp_seconds 0\n")));
}

}  // namespace
}  // namespace pactwatch::testing
