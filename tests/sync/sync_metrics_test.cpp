// Per-source sync metrics (server/sync_scheduler.hpp register_sync_metrics), read from sync_runs at scrape
// time: runs of any process count, a run counts once it has ended, whatever it was at an earlier scrape.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/metrics.hpp"
#include "server/sync_scheduler.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;

/** The value of the sample `series` in a rendering; -1 when absent. */
double sample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

RunReport ended(std::int64_t id, const std::string& status, std::int64_t created, std::int64_t unchanged,
                std::int64_t quarantined, std::optional<std::int64_t> lag) {
  RunReport r;
  r.id = id;
  r.status = status;
  r.created = created;
  r.unchanged = unchanged;
  r.quarantined = quarantined;
  r.lag_seconds = lag;
  return r;
}

// Verifies the series of a configured source: counters by status and outcome equal the sums of its ended
// runs (a run still running at one scrape is counted when it has ended), the lag and end of the newest
// succeeded run, zero/-1 before any run, and nothing for a source that is not configured.
TEST(SyncMetrics, ReportTheRunsOfEachConfiguredSource) {
  SyncDb db;
  SyncStore store(*db.db);
  server::Metrics metrics;
  server::register_sync_metrics(metrics, *db.db, {"feed", "exchange"}, 0ms);

  std::string text = metrics.render();
  EXPECT_EQ(sample(text, R"(pactwatch_sync_runs_total{source="feed",status="succeeded"})"), 0) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_lag_seconds{source="feed"})"), -1) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_last_success_timestamp_seconds{source="exchange"})"), 0) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("# TYPE pactwatch_sync_runs_total counter"));

  auto lease = store.acquire_lease("feed", "cron", 60s);
  ASSERT_TRUE(lease.has_value());
  auto first = store.start_run(*lease, "");
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(store.finish_run(ended(*first, "succeeded", 7, 2, 1, 3600)).has_value());
  auto second = store.start_run(*lease, "");
  ASSERT_TRUE(second.has_value());
  auto other = store.acquire_lease("unconfigured", "cron", 60s);
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(store.finish_run(ended(*store.start_run(*other, ""), "succeeded", 100, 0, 0, 1)).has_value());

  text = metrics.render();
  EXPECT_EQ(sample(text, R"(pactwatch_sync_runs_total{source="feed",status="succeeded"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_runs_total{source="feed",status="failed"})"), 0) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_records_total{source="feed",outcome="created"})"), 7) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_records_total{source="feed",outcome="unchanged"})"), 2) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_records_total{source="feed",outcome="quarantined"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_lag_seconds{source="feed"})"), 3600) << text;
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("unconfigured")));

  // The run that was running at the last scrape ends failed, and a third one succeeds.
  const double before =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(store.finish_run(ended(*second, "failed", 0, 0, 0, std::nullopt)).has_value());
  auto third = store.start_run(*lease, "");
  ASSERT_TRUE(third.has_value());
  ASSERT_TRUE(store.finish_run(ended(*third, "succeeded", 0, 9, 0, 42)).has_value());
  const double after =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

  text = metrics.render();
  EXPECT_EQ(sample(text, R"(pactwatch_sync_runs_total{source="feed",status="succeeded"})"), 2) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_runs_total{source="feed",status="failed"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_records_total{source="feed",outcome="created"})"), 7) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_records_total{source="feed",outcome="unchanged"})"), 11) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_lag_seconds{source="feed"})"), 42) << text;
  const double last = sample(text, R"(pactwatch_sync_last_success_timestamp_seconds{source="feed"})");
  EXPECT_GE(last, before - 1) << text;  // ended_at is stored to the millisecond
  EXPECT_LE(last, after + 1) << text;
  EXPECT_EQ(sample(text, R"(pactwatch_sync_runs_total{source="exchange",status="succeeded"})"), 0) << text;
}

}  // namespace
}  // namespace pactwatch::sync::testing
