#pragma once
// Prometheus metrics (text exposition format 0.0.4). The HTTP server records requests through
// record_request(); later parts register their own counters and gauges (e.g. per sync source).
// The hot path takes a shared lock and bumps atomics; rendering takes the exclusive lock.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/store/database.hpp"

namespace pactwatch::server {

/** Label name/value pairs, in the order they are rendered. */
using Labels = std::vector<std::pair<std::string, std::string>>;

/** A monotonically increasing count. */
class Counter {
 public:
  void inc(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/** A value that goes up and down (integral: connections, requests in flight, queue lengths). */
class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

/** Cumulative-bucket latency histogram; observations are in seconds. */
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double seconds);
  const std::vector<double>& upper_bounds() const { return bounds_; }
  /** Count of observations <= upper_bounds()[i] (cumulative), and +Inf as the last element. */
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< per bucket, not cumulative; last is +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};
};

/** Tunables of the metrics registry. */
struct MetricsOptions {
  /** Upper bounds (seconds) of the request latency histogram: 0.5 ms … 10 s. */
  std::vector<double> latency_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                      0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
};

/** The registry every part of the service records into; /metrics renders it. */
class Metrics {
 public:
  explicit Metrics(MetricsOptions options = {});
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
  ~Metrics();

  /** The counter `name{labels}`, created on first use; the reference stays valid for the registry's life. */
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  /** The gauge `name{labels}`, created on first use. */
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  /**
   * A gauge whose value is read from `read` at each scrape. `read` runs under the registry's read lock:
   * it must be quick and must not call back into this Metrics. Registering the same series again replaces it.
   */
  void gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                      std::function<double()> read);
  /**
   * A counter whose value is read from `read` at each scrape (a count kept elsewhere, e.g. in the database),
   * with the same rules as gauge_callback.
   */
  void counter_callback(std::string_view name, std::string_view help, const Labels& labels,
                        std::function<double()> read);
  /** The histogram `name{labels}` with the configured latency buckets, created on first use. */
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {});
  /** The same with its own bucket bounds (seconds), for what takes longer than a request. */
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels,
                       std::vector<double> upper_bounds);

  /**
   * Installs pactwatch_db_pool_{size,in_use,waiting} and the group-commit counters
   * pactwatch_db_write_groups_total and pactwatch_db_writes_total, read from `stats` at each scrape.
   */
  void set_pool_stats_source(std::function<store::PoolStats()> stats);

  /**
   * Records one finished HTTP request: pactwatch_http_requests_total{route,method,status} and
   * pactwatch_http_request_duration_seconds{route}. `route` must be a template or "unmatched".
   */
  void record_request(std::string_view route, std::string_view method, int status,
                      std::chrono::nanoseconds duration);
  /** pactwatch_http_requests_in_flight. */
  Gauge& in_flight() { return *in_flight_; }
  /** pactwatch_http_open_connections. */
  Gauge& open_connections() { return *open_connections_; }

  /** The whole registry in Prometheus text format 0.0.4. */
  std::string render() const;

 private:
  struct Family;
  struct Series;
  Series* find_series(std::string_view name, std::string_view key) const;
  Series& series(std::string_view name, std::string_view help, std::string_view type, const Labels& labels,
                 std::function<std::unique_ptr<Series>()> make);

  MetricsOptions options_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  Gauge* in_flight_ = nullptr;
  Gauge* open_connections_ = nullptr;
};

/** The Content-Type of Metrics::render()'s output. */
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace pactwatch::server
