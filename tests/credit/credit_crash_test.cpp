// Crash safety of the credit push: the real `pactwatch serve`, killed with SIGKILL right after the platform
// acknowledged a record and before the outbox row was settled (a fault-injection point the test enables),
// then started again, loses no record; the one caught in the middle is delivered again (at least once), and
// the receiver, keeping each record id once, ends with exactly one of each. Also `pactwatch outbox dispatch`.

#include <gmock/gmock.h>

#include <signal.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "tests/cli/process.hpp"
#include "tests/credit/credit_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CreditCrashTest : public CreditFixture {
 protected:
  void TearDown() override {
    CreditFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> serve_args() const {
    return {PACTWATCH_BINARY,   "serve",
            "--listen",         "127.0.0.1:0",
            "--sql-dir",        std::string(PACTWATCH_SOURCE_DIR) + "/sql",
            "--calendar-file",  std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv",
            "--data-dir",       (dir_ / "var").string(),
            "--trail-key-file", (dir_ / "var" / "checkpoint-key.pem").string()};
  }
  EnvVars env(const FixtureReceiver& receiver, const std::string& fault = {}) const {
    EnvVars e{{"PACTWATCH_DATABASE", test_database_.url_text()},
              {"PACTWATCH_CREDIT_PUSH_URL", receiver.url()},
              {"PACTWATCH_CREDIT_PUSH_TOKEN", "s3cret"},
              {"PACTWATCH_CREDIT_PUSH_INTERVAL", "1s"},
              {"PACTWATCH_CREDIT_PUSH_CONNECT_TIMEOUT_MS", "500"},
              {"PACTWATCH_CREDIT_PUSH_REQUEST_TIMEOUT_MS", "1000"},
              {"PACTWATCH_DETECTION_TIME", "off"},
              {"PACTWATCH_LOG_LEVEL", "info"}};
    if (!fault.empty()) e["PACTWATCH_TEST_FAULT"] = fault;
    return e;
  }
  /** Waits up to `seconds` for `done`; false when it never came. */
  static bool wait_for(const std::function<bool()>& done, int seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{seconds};
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return done();
  }

  std::filesystem::path dir_ = make_temp_dir("pactwatch-credit-crash");
};

// Verifies kill -9 between the platform's acknowledgement and the settling of the row, then a restart: every
// record reaches the receiver, the interrupted one twice under the same id (so the receiver keeps it once),
// all others once, each breach's record before its repair, and every outbox row ends `sent`.
TEST_F(CreditCrashTest, KilledMidDispatchLosesNothingAndTheReceiverKeepsOneOfEach) {
  const std::string first = recorded_breach();
  repair(first);
  const std::string second = recorded_breach("2026-01-12");
  const std::string third = recorded_breach("2026-01-14");
  ASSERT_EQ(count("credit_outbox", "state = 'pending'"), 4);
  FixtureReceiver receiver;

  {
    Subprocess serve(serve_args(), env(receiver, "credit_push_hang_after_delivery:2"), PACTWATCH_SOURCE_DIR);
    const bool hung =
        wait_for([&] { return serve.err().find("\"fault_injected\"") != std::string::npos; }, 60);
    ASSERT_TRUE(hung) << "the fault point was not reached; log:\n" << serve.err();
    serve.signal(SIGKILL);
    ASSERT_EQ(serve.wait().exit_code, 128 + SIGKILL);
  }
  // Killed after two acknowledgements, only the first settled: the second is still claimed and pending.
  ASSERT_EQ(receiver.requests().size(), 2u);
  EXPECT_EQ(count("credit_outbox", "state = 'sent'"), 1);
  EXPECT_EQ(count("credit_outbox", "state = 'pending' AND claimed_by IS NOT NULL"), 1);

  {
    Subprocess serve(serve_args(), env(receiver), PACTWATCH_SOURCE_DIR);
    // The interrupted claim expires after both timeouts plus 5 s; then the row is sent again.
    const bool all_sent = wait_for([&] { return count("credit_outbox", "state = 'sent'") == 4; }, 90);
    // The metrics of this instance and of the outbox (read after the scrape cache's second has passed).
    std::smatch port;
    const std::string log = serve.err();
    ASSERT_TRUE(std::regex_search(log, port, std::regex(R"re("event":"started".*"port":(\d+))re"))) << log;
    std::this_thread::sleep_for(std::chrono::milliseconds{1100});
    const std::string metrics = http_get(std::stoi(port[1]), "/metrics");
    EXPECT_THAT(metrics, HasSubstr("pactwatch_credit_outbox_rows{state=\"sent\"} 4\n"));
    EXPECT_THAT(metrics, HasSubstr("pactwatch_credit_outbox_rows{state=\"failed\"} 0\n"));
    EXPECT_THAT(metrics, HasSubstr("pactwatch_credit_push_results_total{outcome=\"sent\"} 3\n"));
    EXPECT_THAT(metrics, HasSubstr("pactwatch_credit_push_delivery_seconds_count 3\n"));
    serve.signal(SIGTERM);
    const auto stopped = serve.wait();
    ASSERT_TRUE(all_sent) << "log:\n" << stopped.err;
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  }

  const auto kept = receiver.kept();
  std::vector<std::string> kept_ids;
  for (const auto& [id, record] : kept)
    kept_ids.push_back(id);
  std::vector<std::string> expected{first + "-record", first + "-repair", second + "-record",
                                    third + "-record"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(kept_ids, expected);
  const auto accepted = receiver.accepted();
  int twice = 0;
  for (const auto& [id, times] : accepted) {
    EXPECT_GE(times, 1) << id;
    EXPECT_LE(times, 2) << id;
    if (times == 2) ++twice;
  }
  EXPECT_EQ(twice, 1) << "only the record caught between acknowledgement and settling went twice";
  std::vector<std::string> first_breach;
  for (const auto& r : receiver.requests()) {
    EXPECT_EQ(r.idempotency_key, r.record_id);
    EXPECT_EQ(r.authorization, "Bearer s3cret");
    if (r.breach_id == first && (first_breach.empty() || first_breach.back() != r.event))
      first_breach.push_back(r.event);
  }
  EXPECT_THAT(first_breach, ElementsAre("record", "repair"));
}

// Verifies `pactwatch outbox dispatch` sends the due rows once and prints what it did; without an endpoint it
// is a usage error (exit 2) that sends nothing.
TEST_F(CreditCrashTest, OutboxDispatchCommandSendsTheDueRowsOnce) {
  const std::string id = recorded_breach();
  FixtureReceiver receiver;
  EnvVars without = env(receiver);
  without.erase("PACTWATCH_CREDIT_PUSH_URL");
  const std::vector<std::string> args{PACTWATCH_BINARY, "outbox", "dispatch", "--sql-dir",
                                      std::string(PACTWATCH_SOURCE_DIR) + "/sql"};
  const auto disabled = run_process(args, without, PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(disabled.exit_code, 2);
  EXPECT_THAT(disabled.err, ::testing::HasSubstr("credit_push_url is empty"));
  EXPECT_TRUE(receiver.requests().empty());

  const auto sent = run_process(args, env(receiver), PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  const auto summary = json::parse(sent.out);
  EXPECT_EQ(summary["sent"], 1);
  EXPECT_EQ(summary["attempts"][0]["id"], id + "-record");
  EXPECT_EQ(summary["attempts"][0]["outcome"], "sent");
  EXPECT_EQ(receiver.kept().size(), 1u);
  const auto again = run_process(args, env(receiver), PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["sent"], 0) << "nothing is due any more";
}

}  // namespace
}  // namespace pactwatch::testing
