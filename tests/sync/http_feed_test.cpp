// The OCDS feed client and feed sync (adapters/sync/http_feed.hpp) against a real HTTP fixture server (the
// project's own HttpServer on port 0) serving paged release packages, a 503 with Retry-After and a
// malformed page.

#include "adapters/sync/http_feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "server/metrics.hpp"
#include "tests/cli/process.hpp"
#include "tests/sync/fixture_server.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;

std::string dated(std::string release, const std::string& date) {
  const std::string original = "2025-01-10T00:00:00Z";
  release.replace(release.find(original), original.size(), date);
  return release;
}

/** A paged feed: /feed → /feed/2 (503 with Retry-After: 2 once) → /feed/3 (malformed JSON). */
class Feed {
 public:
  Feed() {
    auto router = std::make_shared<server::Router>();
    router->get("/feed", [this](const server::Request& r) {
      std::lock_guard lock(mutex_);
      since_.push_back(std::string(r.query_param("since").value_or("")));
      if (!since_.back().empty()) return json(R"({"releases":[]})");
      return json(package_with_next({release_json("r1", "scheduled", "")}, "/feed/2"));
    });
    router->get("/feed/2", [this](const server::Request&) {
      if (page2_calls_++ == 0) {
        server::Response busy{503, "application/json", R"({"title":"busy"})", {}};
        busy.headers.set("Retry-After", "2");
        return busy;
      }
      return json(package_with_next({dated(release_json("r2", "met", "2025-02-20"), "2025-02-21T08:00:00Z")},
                                    "http://127.0.0.1:" + std::to_string(server_->port()) + "/feed/3"));
    });
    router->get("/feed/3",
                [](const server::Request&) { return json(R"({"releases":[{"ocid":"ocds-x","id":)"); });
    server_ = start_fixture_server(router, metrics_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/feed"; }
  std::vector<std::string> since() {
    std::lock_guard lock(mutex_);
    return since_;
  }

 private:
  static server::Response json(std::string body) {
    return server::Response{200, "application/json", std::move(body), {}};
  }
  static std::string package_with_next(const std::vector<std::string>& releases, const std::string& next) {
    std::string p = package_json(releases);
    p.pop_back();
    return p + R"(,"links":{"next":")" + next + R"("}})";
  }
  server::Metrics metrics_;
  std::unique_ptr<server::HttpServer> server_;
  std::mutex mutex_;
  std::vector<std::string> since_;
  std::atomic<int> page2_calls_{0};
};

// Verifies a feed sync pages through links.next, waits the Retry-After of a 503 and retries, quarantines a
// malformed page without failing, stores each release once and keeps the newest release date as cursor;
// the next sync asks the feed only for what is newer (since=<cursor>).
TEST(HttpFeed, PagesRetriesAndQuarantinesAMalformedPage) {
  Feed feed;
  SyncDb db;
  ManualClock clock;
  SyncStore store(*db.db, clock);
  auto lease = store.acquire_lease("feed", "test", 60s);
  ASSERT_TRUE(lease.has_value());
  std::vector<std::chrono::milliseconds> waits;
  HttpFeedOptions http;
  http.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d); };
  http.request_timeout = 5s;

  auto report = sync_ocds_feed(store, *lease, feed.url(), http, ImportOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->pages, 3u);
  EXPECT_EQ(report->retries, 1u);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0], 2000ms);
  EXPECT_EQ(report->errors, 1u);
  EXPECT_EQ(report->counts.records, 2u);
  EXPECT_EQ(report->counts.by_reason.at("malformed_json"), 1u);
  EXPECT_EQ(db.count("sync_quarantine", "reason = 'malformed_json'"), 1);
  EXPECT_EQ(db.count("commitments"), 1);
  EXPECT_EQ(db.count("facts"), 1);
  EXPECT_EQ(report->cursor_after, "2025-02-21T08:00:00Z");
  auto cursor = store.cursor("feed");
  ASSERT_TRUE(cursor.has_value());
  EXPECT_EQ(*cursor, "2025-02-21T08:00:00Z");

  auto again = sync_ocds_feed(store, *lease, feed.url(), http, ImportOptions{});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->counts.records, 0u);
  ASSERT_EQ(feed.since().size(), 2u);
  EXPECT_EQ(feed.since()[1], "2025-02-21T08:00:00Z");
}

// Verifies `pactwatch sync SOURCE --url URL` (the binary) runs the feed once and records the run with its
// counts, cursors, errors and lag; while another owner holds the lease it refuses (exit 1) and adds no run.
TEST(HttpFeed, SyncCommandRecordsTheRun) {
  Feed feed;
  SyncDb db;
  const pactwatch::testing::EnvVars env{{"PACTWATCH_DATABASE", db.test_db.url_text()},
                                        {"PACTWATCH_SQL_DIR", std::string(PACTWATCH_SOURCE_DIR) + "/sql"},
                                        {"PACTWATCH_LOG_LEVEL", "warn"}};
  const std::vector<std::string> args{PACTWATCH_BINARY, "sync",           "feed", "--url",
                                      feed.url(),       "--no-detection", "true"};
  const auto result = pactwatch::testing::run_process(args, env, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("malformed_json: 1"), std::string::npos) << result.out;
  SyncStore store(*db.db);
  auto runs = store.runs("feed", 0, 10);
  ASSERT_TRUE(runs.has_value());
  ASSERT_EQ(runs->size(), 1u);
  const RunReport& run = runs->front();
  EXPECT_EQ(run.status, "succeeded");
  EXPECT_EQ(run.fetched, 2);
  EXPECT_EQ(run.errors, 1);
  EXPECT_EQ(run.quarantined, 1);
  EXPECT_EQ(run.cursor_before, "");
  EXPECT_EQ(run.cursor_after, "2025-02-21T08:00:00Z");
  ASSERT_TRUE(run.lag_seconds.has_value());
  EXPECT_GT(*run.lag_seconds, 0);
  EXPECT_FALSE(run.ended_at.empty());

  ASSERT_TRUE(store.acquire_lease("feed", "another-instance", 60s).has_value());
  const auto refused = pactwatch::testing::run_process(args, env, PACTWATCH_SOURCE_DIR);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("another-instance"), std::string::npos) << refused.err;
  EXPECT_EQ(store.runs("feed", 0, 10)->size(), 1u);
}

// Verifies a feed that keeps answering 503 ends the sync as unavailable after max_attempts, writing nothing.
TEST(HttpFeed, GivesUpAfterMaxAttempts) {
  auto router = std::make_shared<server::Router>();
  std::atomic<int> calls{0};
  router->get("/down", [&](const server::Request&) {
    ++calls;
    return server::Response{503, "application/json", "{}", {}};
  });
  server::Metrics metrics;
  server::HttpOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.access_log = false;
  server::HttpServer srv(o, router, metrics);
  srv.start();
  SyncDb db;
  SyncStore store(*db.db);
  auto lease = store.acquire_lease("down", "test", 60s);
  ASSERT_TRUE(lease.has_value());
  HttpFeedOptions http;
  http.max_attempts = 3;
  http.sleep = [](std::chrono::milliseconds) {};
  auto r =
      sync_ocds_feed(store, *lease, "http://127.0.0.1:" + std::to_string(srv.port()) + "/down", http, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, domain::ErrorCode::unavailable);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(db.count("sync_cursors"), 0);
}

// Verifies the back-off is full jitter under an exponential ceiling, and Retry-After wins but is capped.
TEST(HttpFeed, RetryDelayBackOffAndRetryAfter) {
  HttpFeedOptions o;
  o.initial_backoff = 100ms;
  o.max_backoff = 1000ms;
  o.max_retry_after = 60s;
  std::mt19937_64 random(1);
  for (int i = 0; i < 200; ++i) {
    EXPECT_LE(retry_delay(1, "", o, random), 100ms);
    EXPECT_LE(retry_delay(3, "", o, random), 400ms);
    EXPECT_LE(retry_delay(10, "", o, random), 1000ms);
  }
  bool varied = false;
  const auto first = retry_delay(4, "", o, random);
  for (int i = 0; i < 20; ++i)
    varied = varied || retry_delay(4, "", o, random) != first;
  EXPECT_TRUE(varied);
  EXPECT_EQ(retry_delay(1, "7", o, random), 7000ms);
  EXPECT_EQ(retry_delay(1, "3600", o, random), 60000ms);
}

// Verifies URLs are taken apart, and that https and a bad port are refused with a reason.
TEST(HttpFeed, ParsesUrls) {
  auto u = HttpUrl::parse("http://feed.example:8080/ocds?x=1");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "feed.example");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/ocds?x=1");
  EXPECT_FALSE(HttpUrl::parse("https://feed.example/").has_value());
  EXPECT_FALSE(HttpUrl::parse("http://feed.example:99999/").has_value());
}

}  // namespace
}  // namespace pactwatch::sync::testing
