// Configured sync sources with the real binary against a fixture feed: `pactwatch sync SOURCE` running the
// configured source and rejecting bad ones, and `serve` running it on its schedule
// (server/sync_scheduler.hpp) — its runs read back through GET /api/v1/sync/runs, its per-source metrics on
// /metrics, the lease deciding between instances, and SIGTERM stopping it cleanly.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "server/cli_token.hpp"
#include "server/metrics.hpp"
#include "tests/cli/process.hpp"
#include "tests/sync/fixture_server.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

/** A one-page feed: one release, and nothing newer when asked with since=. */
class OnePageFeed {
 public:
  OnePageFeed() {
    auto router = std::make_shared<server::Router>();
    router->get("/feed", [](const server::Request& r) {
      const bool since = !r.query_param("since").value_or("").empty();
      return server::Response{
          200,
          "application/json",
          since ? R"({"releases":[]})" : package_json({release_json("r1", "scheduled", "")}),
          {}};
    });
    server_ = start_fixture_server(router, metrics_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/feed"; }

 private:
  server::Metrics metrics_;
  std::unique_ptr<server::HttpServer> server_;
};

/** GET `path` on 127.0.0.1:`port` with a bearer token; the raw answer. */
std::string get(int port, const std::string& path, const std::string& token = {}) {
  boost::asio::ip::tcp::iostream s("127.0.0.1", std::to_string(port));
  s << "GET " << path << " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) s << "Authorization: Bearer " << token << "\r\n";
  s << "\r\n" << std::flush;
  std::ostringstream answer;
  answer << s.rdbuf();
  return answer.str();
}

/** The value of the sample `series` (name and labels as rendered) in a /metrics answer; -1 when absent. */
double sample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

// Verifies serve runs a configured ocds-http source on its 1 s schedule: while another instance holds the
// source's lease it skips and logs it (no run); once the lease is free its runs appear in GET
// /api/v1/sync/runs, the first storing the release and the later ones nothing new; /metrics reports the
// runs and records per source exactly as sync_runs holds them; SIGTERM stops serve with exit code 0.
TEST(SyncSchedule, ServeRunsAConfiguredSourceOnItsSchedule) {
  OnePageFeed feed;
  SyncDb db;
  const auto dir = pactwatch::testing::make_temp_dir("pactwatch-schedule");
  struct RemoveDir {
    std::filesystem::path path;
    ~RemoveDir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } remove_dir{dir};
  const pactwatch::testing::EnvVars env{
      {"PACTWATCH_DATABASE", db.test_db.url_text()},
      {"PACTWATCH_SQL_DIR", std::string(PACTWATCH_SOURCE_DIR) + "/sql"},
      {"PACTWATCH_DATA_DIR", (dir / "var").string()},
      {"PACTWATCH_TRAIL_KEY_FILE", (dir / "var/checkpoint-key.pem").string()},
      {"PACTWATCH_LISTEN", "127.0.0.1:0"},
      {"PACTWATCH_ACCESS_LOG", "false"},
      {"PACTWATCH_SOURCE_FEED_KIND", "ocds-http"},
      {"PACTWATCH_SOURCE_FEED_URL", feed.url()},
      {"PACTWATCH_SOURCE_FEED_SCHEDULE", "1s"}};
  server::Environment config_env(env.begin(), env.end());
  std::ostringstream out, err;
  ASSERT_EQ(
      server::run_token_command(std::vector<std::string>{"create", "--role", "auditor", "--name", "审计"},
                                config_env, out, err),
      0)
      << err.str();
  std::smatch m;
  const std::string created = out.str();
  ASSERT_TRUE(std::regex_search(created, m, std::regex("token: (\\S+)")));
  const std::string token = m[1];

  SyncStore store(*db.db);
  auto held = store.acquire_lease("feed", "other-instance", 60s);
  ASSERT_TRUE(held.has_value());

  pactwatch::testing::Subprocess serve({PACTWATCH_BINARY, "serve"}, env, PACTWATCH_SOURCE_DIR);
  int port = 0;
  const std::regex port_re(R"re("event":"started".*"port":(\d+))re");
  bool skipped = false;
  for (int i = 0; i < 1000 && (port == 0 || !skipped); ++i) {
    const std::string log = serve.err();
    if (std::regex_search(log, m, port_re)) port = std::stoi(m[1]);
    skipped = log.find("sync_run_skipped") != std::string::npos;
    if (port == 0 || !skipped) std::this_thread::sleep_for(10ms);
  }
  ASSERT_NE(port, 0) << serve.err();
  ASSERT_TRUE(skipped) << serve.err();
  EXPECT_THAT(serve.err(), HasSubstr("other-instance"));
  EXPECT_EQ(store.runs("feed", 0, 10)->size(), 0u);

  ASSERT_TRUE(store.release_lease(*held).has_value());
  std::size_t succeeded = 0;
  for (int i = 0; i < 1000 && succeeded < 2; ++i) {
    succeeded = 0;
    const auto listed = store.runs("feed", 0, 50);
    for (const auto& run : listed.value())
      succeeded += run.status == "succeeded" ? 1 : 0;
    if (succeeded < 2) std::this_thread::sleep_for(10ms);
  }
  ASSERT_GE(succeeded, 2u) << serve.err();

  const std::string runs = get(port, "/api/v1/sync/runs?source=feed", token);
  EXPECT_THAT(runs, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(runs, HasSubstr(R"("source":"feed")"));
  EXPECT_THAT(runs, HasSubstr(R"("status":"succeeded")"));

  const auto before = *store.runs("feed", 0, 100);
  const std::string metrics = get(port, "/metrics");
  const auto after = *store.runs("feed", 0, 100);
  const auto count = [](const std::vector<RunReport>& rs, const std::string& status) {
    return static_cast<double>(
        std::count_if(rs.begin(), rs.end(), [&](const RunReport& r) { return r.status == status; }));
  };
  const double runs_total = sample(metrics, R"(pactwatch_sync_runs_total{source="feed",status="succeeded"})");
  EXPECT_GE(runs_total, count(before, "succeeded")) << metrics;
  EXPECT_LE(runs_total, count(after, "succeeded")) << metrics;
  EXPECT_EQ(sample(metrics, R"(pactwatch_sync_runs_total{source="feed",status="failed"})"), 0) << metrics;
  // Only the first run stored anything: the release's body, organization, agreement and commitment.
  EXPECT_EQ(sample(metrics, R"(pactwatch_sync_records_total{source="feed",outcome="created"})"),
            static_cast<double>(before.back().created))
      << metrics;
  EXPECT_GT(before.back().created, 0);
  EXPECT_EQ(before.front().created, 0);
  EXPECT_GT(sample(metrics, R"(pactwatch_sync_lag_seconds{source="feed"})"), 0) << metrics;
  EXPECT_GT(sample(metrics, R"(pactwatch_sync_last_success_timestamp_seconds{source="feed"})"), 1.7e9)
      << metrics;
  EXPECT_EQ(db.count("commitments"), 1);

  serve.signal(SIGTERM);
  const auto result = serve.wait();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr(R"("event":"stopped")"));
  const auto final_runs = store.runs("feed", 0, 100);
  for (const auto& run : final_runs.value())
    EXPECT_NE(run.status, "running") << "run " << run.id << " left open at shutdown";
}

// Verifies `pactwatch sync SOURCE` runs the source configured by source.SOURCE.* (no --url), that
// check-config shows its fields with their origins, and that an unconfigured source without --url or a bad
// source key is a usage error (exit 2) naming the source or the key, before anything is synced.
TEST(SyncCommand, RunsTheConfiguredSourceAndRejectsBadOnes) {
  OnePageFeed feed;
  SyncDb db;
  pactwatch::testing::EnvVars env{{"PACTWATCH_DATABASE", db.test_db.url_text()},
                                  {"PACTWATCH_SQL_DIR", std::string(PACTWATCH_SOURCE_DIR) + "/sql"},
                                  {"PACTWATCH_LOG_LEVEL", "warn"},
                                  {"PACTWATCH_SOURCE_FEED_KIND", "ocds-http"},
                                  {"PACTWATCH_SOURCE_FEED_URL", feed.url()}};
  const auto ran =
      pactwatch::testing::run_process({PACTWATCH_BINARY, "sync", "feed"}, env, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("of source feed (ocds-http): succeeded; 1 records fetched"));
  EXPECT_EQ(db.count("commitments"), 1);
  EXPECT_EQ(db.count("sync_runs", "source = 'feed' AND status = 'succeeded'"), 1);
  // A write path of the trail (issue #6): every entity the run created is in an entry (its release's change
  // set, indexed by entity), and the chain holds.
  for (const char* type : {"agreement", "commitment"}) {
    EXPECT_EQ(db.count("trail_index", std::string("entity_type = '") + type + "'"),
              db.count(std::string(type) + "s"))
        << type;
  }
  const auto verified =
      pactwatch::testing::run_process({PACTWATCH_BINARY, "trail", "verify"}, env, PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  const auto shown =
      pactwatch::testing::run_process({PACTWATCH_BINARY, "check-config"}, env, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("source.feed.url = " + feed.url() + "  # PACTWATCH_SOURCE_FEED_URL\n"));
  EXPECT_THAT(shown.out, HasSubstr("source.feed.schedule = 15m  # default\n"));

  const auto unknown =
      pactwatch::testing::run_process({PACTWATCH_BINARY, "sync", "other"}, env, PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("source other is not configured"));

  const auto bad_interval = pactwatch::testing::run_process(
      {PACTWATCH_BINARY, "sync", "feed", "--source.feed.schedule", "15"}, env, PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(bad_interval.exit_code, 2);
  EXPECT_THAT(bad_interval.err,
              HasSubstr("source.feed.schedule (from --source.feed.schedule): '15' is not an "
                        "interval"));

  // Detection after each batch uses the configured workflow, calendar included: without it nothing syncs.
  const auto no_calendar = pactwatch::testing::run_process(
      {PACTWATCH_BINARY, "sync", "feed", "--calendar-file", "/nonexistent/calendar.csv"}, env,
      PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(no_calendar.exit_code, 2);
  EXPECT_THAT(no_calendar.err, HasSubstr("calendar_file (/nonexistent/calendar.csv)"));

  env["PACTWATCH_SOURCE_FEED_KIND"] = "exchange-mysql";
  const auto wrong_url =
      pactwatch::testing::run_process({PACTWATCH_BINARY, "sync", "feed"}, env, PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(wrong_url.exit_code, 2);
  EXPECT_THAT(wrong_url.err, HasSubstr("source.feed.url (from PACTWATCH_SOURCE_FEED_URL)"));
  EXPECT_EQ(db.count("sync_runs"), 1) << "nothing ran after the first";
}

}  // namespace
}  // namespace pactwatch::sync::testing
