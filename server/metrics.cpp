#include "server/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace pactwatch::server {

namespace {

void append_number(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc{} ? end : buffer);
}

void append_escaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

/** Renders labels as `a="x",b="y"` — also the key of a series inside its family. */
std::string render_labels(const Labels& labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out += name;
    out += "=\"";
    append_escaped(out, value);
    out += '"';
  }
  return out;
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix, std::string_view labels,
                   std::string_view extra_label, double value) {
  out += name;
  out += suffix;
  if (!labels.empty() || !extra_label.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra_label.empty()) out += ',';
    out += extra_label;
    out += '}';
  }
  out += ' ';
  append_number(out, value);
  out += '\n';
}

constexpr std::string_view kRequestsTotal = "pactwatch_http_requests_total";
constexpr std::string_view kRequestDuration = "pactwatch_http_request_duration_seconds";

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()))
    throw std::invalid_argument("histogram buckets unsorted");
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double seconds) {
  auto bucket =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> counts(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = running;
  }
  return counts;
}

double Histogram::sum() const {
  return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
}

/** One labelled time series; exactly one of the value members is set, by the family's type. */
struct Metrics::Series {
  std::string labels;  ///< rendered `a="x",b="y"`
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> read;
};

/** A metric name with its HELP and TYPE and every labelled series of it. */
struct Metrics::Family {
  std::string help;
  std::string type;  ///< "counter", "gauge" or "histogram"
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series;
};

Metrics::Metrics(MetricsOptions options) : options_(std::move(options)) {
  in_flight_ = &gauge("pactwatch_http_requests_in_flight", "HTTP requests being handled right now.");
  open_connections_ = &gauge("pactwatch_http_open_connections", "Open HTTP connections.");
  // Declared up front so that a scrape shows the families (with HELP/TYPE) before the first request.
  std::unique_lock lock(mutex_);
  families_.emplace(kRequestsTotal,
                    std::make_unique<Family>(Family{
                        "HTTP requests answered, by route template, method and status.", "counter", {}}));
  families_.emplace(kRequestDuration, std::make_unique<Family>(Family{
                                          "Time from request headers read to response written, by route "
                                          "template.",
                                          "histogram",
                                          {}}));
}

Metrics::~Metrics() = default;

Metrics::Series& Metrics::series(std::string_view name, std::string_view help, std::string_view type,
                                 const Labels& labels, std::function<std::unique_ptr<Series>()> make) {
  std::string key = render_labels(labels);
  {
    std::shared_lock lock(mutex_);
    if (auto family = families_.find(name); family != families_.end()) {
      if (family->second->type != type)
        throw std::logic_error("metric " + std::string(name) + " has another type");
      if (auto it = family->second->series.find(key); it != family->second->series.end()) return *it->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto& family = families_[std::string(name)];
  if (!family) family = std::make_unique<Family>(Family{std::string(help), std::string(type), {}});
  if (family->type != type) throw std::logic_error("metric " + std::string(name) + " has another type");
  auto& slot = family->series[key];
  if (!slot) {
    slot = make();
    slot->labels = std::move(key);
  }
  return *slot;
}

Counter& Metrics::counter(std::string_view name, std::string_view help, const Labels& labels) {
  return *series(name, help, "counter", labels, [] {
            auto s = std::make_unique<Series>();
            s->counter = std::make_unique<Counter>();
            return s;
          }).counter;
}

Gauge& Metrics::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  auto& s = series(name, help, "gauge", labels, [] {
    auto made = std::make_unique<Series>();
    made->gauge = std::make_unique<Gauge>();
    return made;
  });
  if (!s.gauge) throw std::logic_error("gauge " + std::string(name) + " is a callback gauge");
  return *s.gauge;
}

void Metrics::gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                             std::function<double()> read) {
  auto& s = series(name, help, "gauge", labels, [] { return std::make_unique<Series>(); });
  std::unique_lock lock(mutex_);
  if (s.gauge) throw std::logic_error("gauge " + std::string(name) + " is a plain gauge");
  s.read = std::move(read);
}

void Metrics::counter_callback(std::string_view name, std::string_view help, const Labels& labels,
                               std::function<double()> read) {
  auto& s = series(name, help, "counter", labels, [] { return std::make_unique<Series>(); });
  std::unique_lock lock(mutex_);
  if (s.counter) throw std::logic_error("counter " + std::string(name) + " is a plain counter");
  s.read = std::move(read);
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help, const Labels& labels) {
  return histogram(name, help, labels, options_.latency_buckets);
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help, const Labels& labels,
                              std::vector<double> upper_bounds) {
  return *series(name, help, "histogram", labels, [&upper_bounds] {
            auto s = std::make_unique<Series>();
            s->histogram = std::make_unique<Histogram>(std::move(upper_bounds));
            return s;
          }).histogram;
}

void Metrics::set_pool_stats_source(std::function<store::PoolStats()> stats) {
  auto shared = std::make_shared<std::function<store::PoolStats()>>(std::move(stats));
  gauge_callback("pactwatch_db_pool_size", "Database sessions in the pool.", {},
                 [shared] { return static_cast<double>((*shared)().size); });
  gauge_callback("pactwatch_db_pool_in_use", "Database sessions lent out right now.", {},
                 [shared] { return static_cast<double>((*shared)().in_use); });
  gauge_callback("pactwatch_db_pool_waiting", "Callers waiting for a database session.", {},
                 [shared] { return static_cast<double>((*shared)().waiting); });
  counter_callback("pactwatch_db_write_groups_total",
                   "Write transactions committed by group commit (db_write_group_max).", {},
                   [shared] { return static_cast<double>((*shared)().write_groups); });
  counter_callback("pactwatch_db_writes_total",
                   "Writes run in those transactions; divided by the groups: the mean group size.", {},
                   [shared] { return static_cast<double>((*shared)().writes); });
}

Metrics::Series* Metrics::find_series(std::string_view name, std::string_view key) const {
  std::shared_lock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) return nullptr;
  auto it = family->second->series.find(key);
  return it == family->second->series.end() ? nullptr : it->second.get();
}

void Metrics::record_request(std::string_view route, std::string_view method, int status,
                             std::chrono::nanoseconds duration) {
  // The hot path: build the label keys in a per-thread buffer and look them up without allocating;
  // only the first request of a new (route, method, status) creates its series.
  thread_local std::string key;
  key.clear();
  key += "route=\"";
  append_escaped(key, route);
  key += '"';
  auto route_key_size = key.size();
  key += ",method=\"";
  append_escaped(key, method);
  key += "\",status=\"";
  key += std::to_string(status);
  key += '"';

  Series* counted = find_series(kRequestsTotal, key);
  if (!counted) {
    counted = &series(
        kRequestsTotal, {}, "counter",
        {{"route", std::string(route)}, {"method", std::string(method)}, {"status", std::to_string(status)}},
        [] {
          auto made = std::make_unique<Series>();
          made->counter = std::make_unique<Counter>();
          return made;
        });
  }
  counted->counter->inc();

  Series* timed = find_series(kRequestDuration, std::string_view(key).substr(0, route_key_size));
  if (!timed) {
    timed = &series(kRequestDuration, {}, "histogram", {{"route", std::string(route)}}, [this] {
      auto made = std::make_unique<Series>();
      made->histogram = std::make_unique<Histogram>(options_.latency_buckets);
      return made;
    });
  }
  timed->histogram->observe(std::chrono::duration<double>(duration).count());
}

std::string Metrics::render() const {
  std::string out;
  std::shared_lock lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += family->help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += family->type;
    out += '\n';
    for (const auto& [key, s] : family->series) {
      if (s->counter) {
        append_sample(out, name, "", key, "", static_cast<double>(s->counter->value()));
      } else if (s->gauge) {
        append_sample(out, name, "", key, "", static_cast<double>(s->gauge->value()));
      } else if (s->read) {
        append_sample(out, name, "", key, "", s->read());
      } else if (s->histogram) {
        const auto& bounds = s->histogram->upper_bounds();
        auto counts = s->histogram->cumulative_counts();
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          std::string le = "le=\"";
          if (i < bounds.size()) {
            append_number(le, bounds[i]);
          } else {
            le += "+Inf";
          }
          le += '"';
          append_sample(out, name, "_bucket", key, le, static_cast<double>(counts[i]));
        }
        append_sample(out, name, "_sum", key, "", s->histogram->sum());
        append_sample(out, name, "_count", key, "", static_cast<double>(counts.back()));
      }
    }
  }
  return out;
}

}  // namespace pactwatch::server
