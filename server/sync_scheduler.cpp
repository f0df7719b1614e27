#include "server/sync_scheduler.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>

#include "adapters/sync/exchange_source.hpp"
#include "adapters/sync/http_feed.hpp"
#include "server/cli_sync.hpp"
#include "server/logging.hpp"

namespace pactwatch::server {

namespace {

int ceil_seconds(std::chrono::milliseconds ms) {
  return static_cast<int>((ms.count() + 999) / 1000);
}

}  // namespace

sync::StoreOptions sync_store_options(const Config& config) {
  sync::StoreOptions options;
  options.sqlite_cache_mib = config.sync_sqlite_cache_mib;
  options.sqlite_checkpoint_mib = config.sync_sqlite_checkpoint_mib;
  return options;
}

domain::Result<sync::RunReport> run_configured_source(store::Database& database, const SourceConfig& source,
                                                      const std::string& owner, sync::AfterBatch after_batch,
                                                      std::function<bool()> should_stop,
                                                      const std::string& url,
                                                      sync::StoreOptions store_options) {
  sync::SyncStore store(database);
  store_options.default_region = source.default_region;
  store_options.default_body_id = source.default_body;
  const std::string& from = url.empty() ? source.url : url;
  sync::SourceSync run;
  if (source.kind == "exchange-mysql") {
    sync::ExchangeSyncOptions options;
    options.reader.page_size = source.batch_size;
    options.reader.safety_window_seconds = static_cast<int>(source.safety_window.count());
    options.reader.connect_timeout_seconds = ceil_seconds(source.connect_timeout);
    options.reader.read_timeout_seconds = ceil_seconds(source.request_timeout);
    options.store = store_options;
    run = sync::exchange_source_sync(store, from, std::move(options));
  } else {
    sync::HttpFeedOptions http;
    http.connect_timeout = source.connect_timeout;
    http.request_timeout = source.request_timeout;
    http.max_attempts = source.max_attempts;
    if (should_stop) {
      // A retry's wait (up to Retry-After, 300 s) must not hold up a shutdown: wait in short steps.
      http.sleep = [should_stop](std::chrono::milliseconds wait) {
        const auto until = std::chrono::steady_clock::now() + wait;
        while (!should_stop() && std::chrono::steady_clock::now() < until)
          std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
              until - std::chrono::steady_clock::now(), std::chrono::milliseconds{100}));
      };
    }
    sync::ImportOptions options;
    options.source = source.name;
    options.owner = owner;
    options.batch_size = source.batch_size;
    options.store = store_options;
    run = sync::ocds_feed_source_sync(store, from, std::move(http), std::move(options));
  }
  sync::RunOptions options;
  options.source = source.name;
  options.owner = owner;
  options.lease_ttl = store_options.lease_ttl;
  options.after_batch = std::move(after_batch);
  options.should_stop = std::move(should_stop);
  return sync::run_source(store, options, run);
}

SyncScheduler::SyncScheduler(store::Database& database, std::vector<SourceConfig> sources,
                             SchedulerOptions options)
    : database_(database), sources_(std::move(sources)), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = sync::default_owner();
  if (options_.detection) {
    // Exactly once, detection included: batches write detection_pending in their transaction; what a
    // killed process left there is judged before the first run.
    options_.store.detection_pending = true;
    drain_detection_at_start(database_, options_.workflow);
  }
  for (const SourceConfig& source : sources_) {
    if (source.schedule.count() == 0) {
      log_event("info", "sync_schedule_off", {{"source", source.name}});
      continue;
    }
    threads_.emplace_back([this, &source] { loop(source); });
  }
}

SyncScheduler::~SyncScheduler() {
  stop();
}

void SyncScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void SyncScheduler::loop(const SourceConfig& source) {
  const sync::AfterBatch detection =
      options_.detection ? detection_after_batch(database_, options_.workflow) : sync::AfterBatch{};
  const auto should_stop = [this] {
    std::lock_guard lock(mutex_);
    return stop_;
  };
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    log_event("info", "sync_run_started", {{"source", source.name}, {"kind", source.kind}});
    domain::Result<sync::RunReport> run = domain::fail(domain::ErrorCode::unavailable, "not run");
    try {
      run = run_configured_source(database_, source, options_.owner, detection, should_stop, {},
                                  options_.store);
    } catch (const std::exception& e) {
      // Never let a run end the thread (and the process): report it and try again at the next interval.
      run = domain::fail(domain::ErrorCode::unavailable, std::string("sync run failed: ") + e.what());
    }
    if (!run) {
      // conflict: another instance holds the lease and is syncing this source; it is not ours to run now.
      const bool held = run.error().code == domain::ErrorCode::conflict;
      log_event(held ? "info" : "error", held ? "sync_run_skipped" : "sync_run_failed",
                {{"source", source.name}, {"error", run.error().message}});
    } else {
      log_event(run->status == "succeeded" ? "info" : "warn", "sync_run",
                {{"source", source.name},
                 {"run", run->id},
                 {"status", run->status},
                 {"fetched", run->fetched},
                 {"created", run->created},
                 {"updated", run->updated},
                 {"unchanged", run->unchanged},
                 {"quarantined", run->quarantined},
                 {"errors", run->errors},
                 {"lag_seconds", run->lag_seconds ? nlohmann::json(*run->lag_seconds) : nlohmann::json()},
                 {"message", run->message}});
    }
    lock.lock();
    wake_.wait_until(lock, started + source.schedule, [this] { return stop_; });
  }
}

namespace {

/**
 * The sync_runs figures of the configured sources, read at most once a second. Cheap however long the table
 * grows: the totals of runs that can no longer change (ids below the oldest run still running) are kept in
 * memory and only the rows after them are aggregated at each refresh (a range of the primary key); the newest
 * succeeded run of a source is one step backwards on the (source, id) index.
 */
class SyncRunStats {
 public:
  SyncRunStats(store::Database& database, std::vector<std::string> sources, std::chrono::milliseconds max_age)
      : database_(database), names_(std::move(sources)), max_age_(max_age) {}

  struct Source {
    std::map<std::string, double> runs;     ///< by status
    std::map<std::string, double> records;  ///< by outcome
    std::optional<double> lag;              ///< of the newest succeeded run
    std::optional<double> last_success;     ///< end of the newest succeeded run, Unix seconds
  };
  using Figures = std::map<std::string, Source>;

  /** The figures of `source`, refreshed when older than a second. */
  Source get(const std::string& source) {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!read_at_ || now - *read_at_ >= max_age_) {
      refresh();
      read_at_ = now;
    }
    const auto it = current_.find(source);
    return it == current_.end() ? Source{} : it->second;
  }

 private:
  /** Adds the runs with from <= id < to. */
  static void add_runs(soci::session& sql, long long from, long long to, Figures& into) {
    std::string source, status;
    long long runs = 0, created = 0, updated = 0, unchanged = 0, quarantined = 0;
    soci::statement st =
        (sql.prepare
             << "SELECT source, status, COUNT(*), CAST(COALESCE(SUM(created), 0) AS SIGNED), "
                "CAST(COALESCE(SUM(updated), 0) AS SIGNED), CAST(COALESCE(SUM(unchanged), 0) AS SIGNED), "
                "CAST(COALESCE(SUM(quarantined), 0) AS SIGNED) FROM sync_runs "
                "WHERE id >= :from_id AND id < :to_id GROUP BY source, status",
         soci::use(from, "from_id"), soci::use(to, "to_id"), soci::into(source), soci::into(status),
         soci::into(runs), soci::into(created), soci::into(updated), soci::into(unchanged),
         soci::into(quarantined));
    st.execute(false);
    while (st.fetch()) {
      Source& s = into[source];
      s.runs[status] += static_cast<double>(runs);
      s.records["created"] += static_cast<double>(created);
      s.records["updated"] += static_cast<double>(updated);
      s.records["unchanged"] += static_cast<double>(unchanged);
      s.records["quarantined"] += static_cast<double>(quarantined);
    }
  }

  void refresh() {
    try {
      auto session = database_.acquire();
      soci::session& sql = *session;
      long long max_id = 0, open_id = 0;
      soci::indicator max_ind = soci::i_ok, open_ind = soci::i_ok;
      sql << "SELECT MAX(id) FROM sync_runs", soci::into(max_id, max_ind);
      if (max_ind == soci::i_null) max_id = 0;
      // A run row left `running` by a process that died stays so: after a day it no longer holds the mark.
      const std::string day_ago =
          domain::format_instant(pactwatch::clock::system_clock().now() - std::chrono::hours{24});
      sql << "SELECT MIN(id) FROM sync_runs WHERE id >= :from_id AND status = 'running' AND started_at > "
             ":since",
          soci::use(watermark_, "from_id"), soci::use(day_ago, "since"), soci::into(open_id, open_ind);
      const long long mark = open_ind == soci::i_null ? max_id + 1 : open_id;
      Figures settled = settled_;
      add_runs(sql, watermark_, mark, settled);
      Figures current = settled;
      add_runs(sql, mark, std::numeric_limits<long long>::max(), current);
      for (const std::string& name : names_) {
        std::string ended;
        long long lag = 0;
        soci::indicator ended_ind = soci::i_ok, lag_ind = soci::i_ok;
        soci::statement last =
            (sql.prepare << "SELECT ended_at, lag_seconds FROM sync_runs WHERE source = :source AND "
                            "status = 'succeeded' ORDER BY id DESC LIMIT 1",
             soci::use(name, "source"), soci::into(ended, ended_ind), soci::into(lag, lag_ind));
        last.execute(false);
        if (!last.fetch()) continue;
        Source& s = current[name];
        if (lag_ind != soci::i_null) s.lag = static_cast<double>(lag);
        if (ended_ind == soci::i_null) continue;
        if (auto at = domain::parse_instant(ended)) {
          s.last_success =
              static_cast<double>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count()) /
              1000.0;
        }
      }
      settled_ = std::move(settled);
      watermark_ = mark;
      current_ = std::move(current);
    } catch (const std::exception& e) {
      // Keep the last figures: a scrape must not fail because the database is briefly away.
      log_event("warn", "sync_metrics_unavailable", {{"error", e.what()}});
    }
  }

  store::Database& database_;
  std::vector<std::string> names_;
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> read_at_;
  long long watermark_ = 0;  ///< every run with a lower id is finished: its figures are in settled_
  Figures settled_;
  Figures current_;
};

}  // namespace

void register_sync_metrics(Metrics& metrics, store::Database& database,
                           const std::vector<std::string>& sources, std::chrono::milliseconds max_age) {
  auto stats = std::make_shared<SyncRunStats>(database, sources, max_age);
  for (const std::string& name : sources) {
    for (const char* status : {"succeeded", "failed"}) {
      metrics.counter_callback(
          "pactwatch_sync_runs_total",
          "Sync runs of the source that ended, by status (from sync_runs, every process).",
          {{"source", name}, {"status", status}},
          [stats, name, s = std::string(status)] { return stats->get(name).runs[s]; });
    }
    for (const char* outcome : {"created", "updated", "unchanged", "quarantined"}) {
      metrics.counter_callback(
          "pactwatch_sync_records_total",
          "What the source's runs stored: created/updated entities, unchanged records, quarantined entries.",
          {{"source", name}, {"outcome", outcome}},
          [stats, name, o = std::string(outcome)] { return stats->get(name).records[o]; });
    }
    metrics.gauge_callback("pactwatch_sync_lag_seconds",
                           "Age of the newest record at the end of the newest succeeded run (-1: none yet).",
                           {{"source", name}}, [stats, name] { return stats->get(name).lag.value_or(-1); });
    metrics.gauge_callback("pactwatch_sync_last_success_timestamp_seconds",
                           "End of the newest succeeded run, Unix time (0: none yet).", {{"source", name}},
                           [stats, name] { return stats->get(name).last_success.value_or(0); });
  }
}

}  // namespace pactwatch::server
