#include "server/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace pactwatch::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Verifies counters: labels rendered and escaped, HELP and TYPE written once per family.
TEST(MetricsTest, RendersCountersWithEscapedLabels) {
  Metrics metrics;
  metrics.counter("pactwatch_sync_runs_total", "Sync runs.", {{"source", "ocds"}}).inc(2);
  metrics.counter("pactwatch_sync_runs_total", "Sync runs.", {{"source", "a\"b\\c\nd"}}).inc();
  auto text = metrics.render();
  EXPECT_THAT(
      text,
      HasSubstr("# HELP pactwatch_sync_runs_total Sync runs.\n# TYPE pactwatch_sync_runs_total counter\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_sync_runs_total{source=\"ocds\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_sync_runs_total{source=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

// Verifies the request histogram: cumulative buckets, +Inf, _sum and _count.
TEST(MetricsTest, RecordsRequestsIntoCumulativeHistogram) {
  Metrics metrics(MetricsOptions{{0.01, 0.1}});
  metrics.record_request("/a/{id}", "GET", 200, std::chrono::milliseconds(5));
  metrics.record_request("/a/{id}", "GET", 200, std::chrono::milliseconds(50));
  metrics.record_request("/a/{id}", "GET", 500, std::chrono::seconds(1));
  auto text = metrics.render();
  EXPECT_THAT(
      text, HasSubstr("pactwatch_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"200\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("pactwatch_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"500\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE pactwatch_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text,
              HasSubstr("pactwatch_http_request_duration_seconds_bucket{route=\"/a/{id}\",le=\"0.01\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("pactwatch_http_request_duration_seconds_bucket{route=\"/a/{id}\",le=\"0.1\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("pactwatch_http_request_duration_seconds_bucket{route=\"/a/{id}\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_http_request_duration_seconds_sum{route=\"/a/{id}\"} 1.055\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_http_request_duration_seconds_count{route=\"/a/{id}\"} 3\n"));
}

// Verifies the built-in gauges and the database pool gauges read from the callback at scrape time.
TEST(MetricsTest, PoolGaugesComeFromTheCallback) {
  Metrics metrics;
  store::PoolStats stats{4, 1, 0};
  metrics.set_pool_stats_source([&] { return stats; });
  metrics.in_flight().add(3);
  auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("pactwatch_db_pool_size 4\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_db_pool_in_use 1\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_db_pool_waiting 0\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_http_requests_in_flight 3\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_http_open_connections 0\n"));
  stats.waiting = 7;
  EXPECT_THAT(metrics.render(), HasSubstr("pactwatch_db_pool_waiting 7\n"));
  // Group commit: how many transactions committed how many writes.
  stats.write_groups = 5;
  stats.writes = 12;
  text = metrics.render();
  EXPECT_THAT(text, HasSubstr("pactwatch_db_write_groups_total 5\n"));
  EXPECT_THAT(text, HasSubstr("pactwatch_db_writes_total 12\n"));
}

// Verifies that registering a name with another type is refused (it would corrupt the exposition).
TEST(MetricsTest, RefusesTypeClash) {
  Metrics metrics;
  metrics.counter("x_total", "x");
  EXPECT_THROW(metrics.gauge("x_total", "x"), std::logic_error);
}

// Verifies that concurrent recording from several threads loses no counts.
TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 5000; ++i) {
        metrics.record_request(i % 2 ? "/a" : "/b", "GET", 200 + t, std::chrono::microseconds(100));
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("pactwatch_http_request_duration_seconds_count{route=\"/a\"} 10000\n"));
  EXPECT_THAT(text,
              HasSubstr("pactwatch_http_requests_total{route=\"/b\",method=\"GET\",status=\"203\"} 2500\n"));
  EXPECT_THAT(text, Not(HasSubstr("NaN")));
}

}  // namespace
}  // namespace pactwatch::server
