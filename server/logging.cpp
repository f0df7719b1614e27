#include "server/logging.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace pactwatch::server {

namespace {

constexpr const char* kLoggerName = "pactwatch";

std::string dump(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

spdlog::level::level_enum level_of(std::string_view level) {
  if (level == "error") return spdlog::level::err;
  if (level == "warn") return spdlog::level::warn;
  if (level == "debug") return spdlog::level::debug;
  return spdlog::level::info;
}

/**
 * Lines to stderr in batches: a write(2) per request would cost as much as answering it. Like nginx's
 * `access_log … buffer= flush=`: the batch is written when it reaches kBatchBytes, on every warning or
 * error, after every event line, and at least every kFlushInterval (spdlog's periodic flusher).
 */
class BatchedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t kBatchBytes = 32 * 1024;
  ~BatchedStderrSink() override { write_out(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    batch_.append(formatted.data(), formatted.size());
    if (batch_.size() >= kBatchBytes) write_out();
  }
  void flush_() override { write_out(); }

 private:
  void write_out() {
    std::size_t done = 0;
    while (done < batch_.size()) {
      auto n = ::write(STDERR_FILENO, batch_.data() + done, batch_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write: drop rather than block the server
      done += static_cast<std::size_t>(n);
    }
    batch_.clear();
  }
  std::string batch_;
};

constexpr std::chrono::seconds kFlushInterval{1};

// The default logger, without the registry's lock: init_json_logging() makes it the JSON one.
spdlog::logger* logger() {
  return spdlog::default_logger_raw();
}

/** Appends `value` as a JSON string; control characters are escaped, bytes >= 0x80 pass through. */
void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

void init_json_logging(std::string_view level) {
  static std::once_flag once;
  std::call_once(once, [] {
    auto json_logger = std::make_shared<spdlog::logger>(kLoggerName, std::make_shared<BatchedStderrSink>());
    // The line is the JSON object and nothing else: time and level are fields inside it.
    json_logger->set_pattern("%v");
    json_logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(json_logger);
    spdlog::flush_every(kFlushInterval);
  });
  spdlog::default_logger_raw()->set_level(spdlog::level::from_str(std::string(level)));
}

std::string utc_timestamp() {
  // The date-and-seconds part changes once a second: cache it per thread, append the milliseconds.
  thread_local std::time_t cached_second = -1;
  thread_local char cached[32] = {};
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  if (seconds != cached_second) {
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = seconds;
  }
  std::string out(cached);
  out += '.';
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
  return out;
}

std::string format_access(const AccessRecord& record) {
  // Written by hand rather than through nlohmann::json: this runs once per request.
  std::string line;
  line.reserve(256);
  line += R"({"time":")";
  line += utc_timestamp();
  line += R"(","level":"info","event":"request","request_id":)";
  append_json_string(line, record.request_id);
  line += R"(,"method":)";
  append_json_string(line, record.method);
  line += R"(,"route":)";
  append_json_string(line, record.route);
  line += R"(,"status":)";
  line += std::to_string(record.status);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f",
                std::chrono::duration<double, std::milli>(record.duration).count());
  line += R"(,"duration_ms":)";
  line += duration;
  line += R"(,"bytes":)";
  line += std::to_string(record.bytes);
  if (!record.client_address.empty()) {
    line += R"(,"client":)";
    append_json_string(line, record.client_address);
  }
  line += '}';
  return line;
}

std::string format_event(std::string_view level, std::string_view event, const nlohmann::json& fields) {
  nlohmann::json line{{"time", utc_timestamp()}, {"level", level}, {"event", event}};
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (!line.contains(key)) line[key] = value;
    }
  }
  return dump(line);
}

void log_request(const AccessRecord& record) {
  auto log = logger();
  if (!log->should_log(spdlog::level::info)) return;
  log->info(format_access(record));
}

void log_event(std::string_view level, std::string_view event, const nlohmann::json& fields) {
  auto log = logger();
  auto lvl = level_of(level);
  if (!log->should_log(lvl)) return;
  log->log(lvl, format_event(level, event, fields));
  log->flush();  // events are rare and matter (start, stop, migrations): never leave them in a batch
}

}  // namespace pactwatch::server
