#include "server/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <expected>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "adapters/http/http_client.hpp"
#include "adapters/platform/exchange/source.hpp"
#include "adapters/sync/http_feed.hpp"

namespace pactwatch::server {
namespace {

using domain::Result;

/** What is wrong with a value, or nothing when it was accepted. */
using Problem = std::optional<std::string>;
using Setter = Problem (*)(Config&, std::string_view);

/** A configuration key: its documented default, description and how it is applied. */
struct KeyDef {
  ConfigKeyInfo info;
  Setter apply;
};

template <class T>
Problem parse_whole(std::string_view text, T min, T max, T& out) {
  unsigned long long value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return "'" + std::string(text) + "' is not a whole number";
  }
  if (ec == std::errc::result_out_of_range || value < static_cast<unsigned long long>(min) ||
      value > static_cast<unsigned long long>(max)) {
    return std::string(text) + " is out of range " + std::to_string(min) + "-" + std::to_string(max);
  }
  out = static_cast<T>(value);
  return std::nullopt;
}

template <class T, T Min, T Max, T Config::*Field>
Problem set_number(Config& c, std::string_view v) {
  return parse_whole<T>(v, Min, Max, c.*Field);
}
template <class T, T Min, T Max, T HttpOptions::*Field>
Problem set_http_number(Config& c, std::string_view v) {
  return parse_whole<T>(v, Min, Max, c.http.*Field);
}
template <long long Min, long long Max, std::chrono::milliseconds HttpOptions::*Field>
Problem set_http_ms(Config& c, std::string_view v) {
  long long ms = 0;
  if (auto p = parse_whole<long long>(v, Min, Max, ms)) return p;
  c.http.*Field = std::chrono::milliseconds{ms};
  return std::nullopt;
}

Problem parse_bool(std::string_view v, bool& out) {
  static constexpr std::array<std::string_view, 4> kTrue = {"true", "yes", "on", "1"};
  static constexpr std::array<std::string_view, 4> kFalse = {"false", "no", "off", "0"};
  if (std::ranges::find(kTrue, v) != kTrue.end()) {
    out = true;
  } else if (std::ranges::find(kFalse, v) != kFalse.end()) {
    out = false;
  } else {
    return "'" + std::string(v) + "' is not true or false";
  }
  return std::nullopt;
}

Problem set_listen(Config& c, std::string_view v) {
  std::string_view host;
  std::string_view port;
  if (!v.empty() && v.front() == '[') {
    const auto close = v.find(']');
    if (close == std::string_view::npos || close + 1 >= v.size() || v[close + 1] != ':') {
      return "'" + std::string(v) + "' is not HOST:PORT (IPv6 as [::1]:8080)";
    }
    host = v.substr(1, close - 1);
    port = v.substr(close + 2);
  } else {
    const auto colon = v.rfind(':');
    if (colon == std::string_view::npos || v.find(':') != colon) {
      return "'" + std::string(v) + "' is not HOST:PORT (IPv6 as [::1]:8080)";
    }
    host = v.substr(0, colon);
    port = v.substr(colon + 1);
  }
  if (host.empty()) return "missing host in '" + std::string(v) + "' (e.g. 127.0.0.1:8080)";
  unsigned value = 0;
  const auto* end = port.data() + port.size();
  const auto [ptr, ec] = std::from_chars(port.data(), end, value);
  if (port.empty() || ec != std::errc{} || ptr != end || value > 65535) {
    return "port " + std::string(port) + " is out of range 0-65535";
  }
  c.http.host = std::string(host);
  c.http.port = static_cast<std::uint16_t>(value);
  return std::nullopt;
}

Problem set_database(Config& c, std::string_view v) {
  auto url = store::DatabaseUrl::parse(v);
  if (!url) return url.error().message;
  c.database = std::move(*url);
  return std::nullopt;
}

Problem set_busy_timeout(Config& c, std::string_view v) {
  long long ms = 0;
  if (auto p = parse_whole<long long>(v, 0, 600'000, ms)) return p;
  c.db_busy_timeout = std::chrono::milliseconds{ms};
  return std::nullopt;
}

Problem set_log_level(Config& c, std::string_view v) {
  static constexpr std::array<std::string_view, 7> kLevels = {"trace", "debug",    "info", "warn",
                                                              "error", "critical", "off"};
  if (std::ranges::find(kLevels, v) == kLevels.end()) {
    return "'" + std::string(v) + "' is not one of trace, debug, info, warn, error, critical, off";
  }
  c.log_level = std::string(v);
  return std::nullopt;
}

Problem set_log_format(Config& c, std::string_view v) {
  if (v != "json") return "'" + std::string(v) + "' is not a known format (json)";
  c.log_format = std::string(v);
  return std::nullopt;
}

template <std::string Config::*Field>
Problem set_path(Config& c, std::string_view v) {
  if (v.empty()) return "must not be empty";
  c.*Field = std::string(v);
  return std::nullopt;
}

Problem set_auto_migrate(Config& c, std::string_view v) {
  return parse_bool(v, c.auto_migrate);
}
Problem set_access_log(Config& c, std::string_view v) {
  return parse_bool(v, c.http.access_log);
}
Problem set_publish_official_names(Config& c, std::string_view v) {
  return parse_bool(v, c.publish_official_names);
}
Problem set_detection_time(Config& c, std::string_view v) {
  const bool ok =
      v == "off" ||
      (v.size() == 5 && v[2] == ':' && std::isdigit(static_cast<unsigned char>(v[0])) &&
       std::isdigit(static_cast<unsigned char>(v[1])) && std::isdigit(static_cast<unsigned char>(v[3])) &&
       std::isdigit(static_cast<unsigned char>(v[4])) && (v[0] - '0') * 10 + (v[1] - '0') < 24 &&
       (v[3] - '0') * 10 + (v[4] - '0') < 60);
  if (!ok) return "'" + std::string(v) + "' is not HH:MM (00:00-23:59) or off";
  c.detection_time = std::string(v);
  return std::nullopt;
}

Problem set_credit_push_url(Config& c, std::string_view v) {
  if (!v.empty()) {
    if (auto url = http_client::Url::parse(v); !url) return url.error().message;
  }
  c.credit_push_url = std::string(v);
  return std::nullopt;
}
template <std::string Config::*Field>
Problem set_text(Config& c, std::string_view v) {
  c.*Field = std::string(v);
  return std::nullopt;
}
Problem set_credit_push_interval(Config& c, std::string_view v) {
  const auto interval = parse_interval(v, false);
  if (!interval || interval->count() < 1 || *interval > std::chrono::days{1})
    return "'" + std::string(v) + "' is not an interval from 1s to 1d (e.g. 10s, 5m)";
  c.credit_push_interval = *interval;
  return std::nullopt;
}
template <long long Min, long long Max, std::chrono::milliseconds Config::*Field>
Problem set_ms(Config& c, std::string_view v) {
  long long ms = 0;
  if (auto p = parse_whole<long long>(v, Min, Max, ms)) return p;
  c.*Field = std::chrono::milliseconds{ms};
  return std::nullopt;
}

// The single list of keys: file spelling, default, description. config/pactwatch.conf and
// docs/CONFIGURATION.md document the same list (a CLI test checks the shipped file against it).
const std::array<KeyDef, 48> kKeys = {{
    {{"listen", "127.0.0.1:8080", "HOST:PORT to listen on; port 0 picks a free port"}, set_listen},
    {{"database", "sqlite:var/pactwatch.db",
      "sqlite:PATH or mysql://USER[:PASS]@HOST[:PORT]/DB[?socket=PATH]"},
     set_database},
    {{"db_pool_size", "4", "pooled database sessions (1-256)"},
     set_number<std::size_t, 1, 256, &Config::db_pool_size>},
    {{"db_busy_timeout_ms", "5000", "SQLite: how long a writer waits for the file lock (0-600000)"},
     set_busy_timeout},
    {{"db_write_group_max", "64",
      "most concurrent writes committed together in one transaction (group commit); 1: each alone (1-4096)"},
     set_number<std::size_t, 1, 4096, &Config::db_write_group_max>},
    {{"sync_sqlite_cache_mib", "64",
      "SQLite: page cache (MiB) of a session writing an import or sync batch; 0: SQLite's 2 MiB (0-65536)"},
     set_number<int, 0, 65'536, &Config::sync_sqlite_cache_mib>},
    {{"sync_first_import_batch_size", "5000",
      "pactwatch import: releases per transaction while the source has no cursor yet (its first import); "
      "0: --batch-size (0-100000)"},
     set_number<std::size_t, 0, 100'000, &Config::sync_first_import_batch_size>},
    {{"sync_sqlite_checkpoint_mib", "256",
      "SQLite: WAL size (MiB) after which such a session checkpoints; 0: SQLite's 4 MiB (0-65536)"},
     set_number<int, 0, 65'536, &Config::sync_sqlite_checkpoint_mib>},
    {{"io_threads", "2", "threads serving network I/O (1-64)"},
     set_http_number<unsigned, 1, 64, &HttpOptions::io_threads>},
    {{"worker_threads", "16", "threads running blocking work such as database calls (1-256)"},
     set_http_number<unsigned, 1, 256, &HttpOptions::worker_threads>},
    {{"max_header_bytes", "8192", "largest request header block; larger: 431 (1024-1048576)"},
     set_http_number<std::size_t, 1024, 1024 * 1024, &HttpOptions::max_header_bytes>},
    {{"max_body_bytes", "1048576", "largest request body; larger: 413 (1-1073741824)"},
     set_http_number<std::size_t, 1, 1024 * 1024 * 1024, &HttpOptions::max_body_bytes>},
    {{"header_timeout_ms", "10000", "deadline to receive a request's headers (1-3600000)"},
     set_http_ms<1, 3'600'000, &HttpOptions::header_timeout>},
    {{"body_timeout_ms", "30000", "deadline to receive a body once its headers are in (1-3600000)"},
     set_http_ms<1, 3'600'000, &HttpOptions::body_timeout>},
    {{"idle_timeout_ms", "60000", "keep-alive idle time before a connection is closed (1-3600000)"},
     set_http_ms<1, 3'600'000, &HttpOptions::idle_timeout>},
    {{"shutdown_grace_ms", "10000", "time in-flight requests get to finish on SIGTERM (0-600000)"},
     set_http_ms<0, 600'000, &HttpOptions::shutdown_grace>},
    {{"max_connections", "10000",
      "open connections beyond which new ones are closed at once; the soft open-file limit is raised to fit "
      "(1-1000000)"},
     set_http_number<std::size_t, 1, 1'000'000, &HttpOptions::max_connections>},
    {{"max_pending_blocking", "1024",
      "requests queued or running on the worker threads; beyond it: 503 (1-1000000)"},
     set_http_number<std::size_t, 1, 1'000'000, &HttpOptions::max_pending_blocking>},
    {{"access_log", "true", "one JSON log line per request (true|false)"}, set_access_log},
    {{"log_level", "info", "trace|debug|info|warn|error|critical|off"}, set_log_level},
    {{"log_format", "json", "json: one JSON object per line on stderr"}, set_log_format},
    {{"calendar_file", "config/calendar/cn-2025-2026.csv", "official working-day calendar (CSV)"},
     set_path<&Config::calendar_file>},
    {{"sql_dir", "sql", "directory holding sqlite/ and mysql/ migrations"}, set_path<&Config::sql_dir>},
    {{"data_dir", "var", "directory for files the service keeps (keys, exports); created on start"},
     set_path<&Config::data_dir>},
    {{"web_root", "build/web",
      "directory of the dashboard served at / (index.html, assets/); the build writes it to build/web"},
     set_path<&Config::web_root>},
    {{"auto_migrate", "false", "serve applies pending migrations before listening (true|false)"},
     set_auto_migrate},
    {{"idempotency_retention_hours", "24",
      "hours an Idempotency-Key answer is replayed; older keys count as new and are purged (1-8760)"},
     set_number<int, 1, 8'760, &Config::idempotency_retention_hours>},
    {{"status_scan_rows", "5000",
      "rows a commitments page with a status filter judges at most; the page may end short (100-1000000)"},
     set_number<int, 100, 1'000'000, &Config::status_scan_rows>},
    {{"ocds_export_agreements", "100",
      "agreements per release package of GET /api/v1/export/ocds when limit is absent (1-500)"},
     set_number<int, 1, 500, &Config::ocds_export_agreements>},
    {{"ocds_ocid_prefix", "ocds-pactwatch", "OCDS ocid prefix of exported agreements that have no ocid"},
     set_path<&Config::ocds_ocid_prefix>},
    {{"ocds_publisher_name", "pactwatch", "publisher name of exported OCDS release packages"},
     set_path<&Config::ocds_publisher_name>},
    {{"publish_official_names", "true",
      "public breach list shows name and post of officials on recorded breaches (true|false)"},
     set_publish_official_names},
    {{"complaints_per_hour", "5", "anonymous complaints accepted per client address per hour (1-10000)"},
     set_number<int, 1, 10'000, &Config::complaints_per_hour>},
    {{"complaint_lookups_per_hour", "60",
      "complaint look-ups by receipt code accepted per client address per hour (1-10000)"},
     set_number<int, 1, 10'000, &Config::complaint_lookups_per_hour>},
    {{"detection_time", "02:00", "daily detection run in serve, HH:MM Asia/Shanghai, or off"},
     set_detection_time},
    {{"rectification_working_days", "15",
      "deadline of an order to rectify that names none (1-250 working days)"},
     set_number<int, 1, 250, &Config::rectification_working_days>},
    {{"trail_key_file", "var/trail/checkpoint-key.pem",
      "Ed25519 key that signs trail checkpoints (PKCS#8 PEM, mode 0600); generated on first start"},
     set_path<&Config::trail_key_file>},
    {{"trail_checkpoint_entries", "1000",
      "sign a trail checkpoint once this many entries are unsigned (1-10000000)"},
     set_number<std::uint64_t, 1, 10'000'000, &Config::trail_checkpoint_entries>},
    {{"trail_checkpoint_seconds", "60",
      "or once the oldest unsigned trail entry is this many seconds old (1-86400)"},
     set_number<int, 1, 86'400, &Config::trail_checkpoint_seconds>},
    {{"credit_push_url", "",
      "credit platform endpoint the outbox is POSTed to, http(s)://HOST[:PORT]/PATH; empty: push disabled"},
     set_credit_push_url},
    {{"credit_push_token", "", "bearer token sent to the credit platform endpoint; empty: none (redacted)"},
     set_text<&Config::credit_push_token>},
    {{"credit_push_ca_file", "",
      "https: PEM file of the CAs the endpoint's certificate must chain to; empty: system"},
     set_text<&Config::credit_push_ca_file>},
    {{"credit_push_interval", "10s", "how often serve looks for due outbox rows (1s-1d)"},
     set_credit_push_interval},
    {{"credit_push_connect_timeout_ms", "5000",
      "connecting to the endpoint, TLS handshake included (1-600000)"},
     set_ms<1, 600'000, &Config::credit_push_connect_timeout>},
    {{"credit_push_request_timeout_ms", "10000", "sending one record and reading the answer (1-3600000)"},
     set_ms<1, 3'600'000, &Config::credit_push_request_timeout>},
    {{"credit_push_max_attempts", "8", "attempts per record before it is failed, the first included (1-100)"},
     set_number<int, 1, 100, &Config::credit_push_max_attempts>},
    {{"credit_push_backoff_initial_ms", "30000",
      "the first retry waits a random time up to this; each further one up to twice as long (1-86400000)"},
     set_ms<1, 86'400'000, &Config::credit_push_backoff_initial>},
    {{"credit_push_backoff_max_ms", "3600000", "no retry waits longer, Retry-After included (1-86400000)"},
     set_ms<1, 86'400'000, &Config::credit_push_backoff_max>},
}};

// Sync sources: `source.<name>.<field>` keys (docs/CONFIGURATION.md "Sync sources").
using SourceSetter = Problem (*)(SourceConfig&, std::string_view);

Problem set_source_kind(SourceConfig& s, std::string_view v) {
  if (v.empty()) return std::nullopt;  // reported as missing once every field is read
  if (v != "ocds-http" && v != "exchange-mysql") {
    return "'" + std::string(v) + "' is not a source kind (ocds-http, exchange-mysql)";
  }
  s.kind = std::string(v);
  return std::nullopt;
}
Problem set_source_url(SourceConfig& s, std::string_view v) {
  s.url = std::string(v);  // checked against the kind once both are known
  return std::nullopt;
}
Problem set_source_schedule(SourceConfig& s, std::string_view v) {
  const auto interval = parse_interval(v, true);
  if (!interval || (interval->count() != 0 && *interval > std::chrono::days{7})) {
    return "'" + std::string(v) + "' is not an interval from 1s to 7d (e.g. 90s, 15m, 1h) or off";
  }
  s.schedule = *interval;
  return std::nullopt;
}
Problem set_source_batch_size(SourceConfig& s, std::string_view v) {
  return parse_whole<std::size_t>(v, 1, 100'000, s.batch_size);
}
Problem set_source_region(SourceConfig& s, std::string_view v) {
  if (v.size() != 6 || !std::ranges::all_of(v, [](char c) { return c >= '0' && c <= '9'; })) {
    return "'" + std::string(v) + "' is not a six-digit GB/T 2260 region code";
  }
  s.default_region = std::string(v);
  return std::nullopt;
}
Problem set_source_body(SourceConfig& s, std::string_view v) {
  s.default_body = std::string(v);
  return std::nullopt;
}
Problem set_source_safety_window(SourceConfig& s, std::string_view v) {
  const auto interval = parse_interval(v, false);
  if (!interval || *interval > std::chrono::days{1}) {
    return "'" + std::string(v) + "' is not an interval from 0s to 1d (e.g. 300s, 5m)";
  }
  s.safety_window = *interval;
  return std::nullopt;
}
Problem set_source_connect_timeout(SourceConfig& s, std::string_view v) {
  long long ms = 0;
  if (auto p = parse_whole<long long>(v, 1, 600'000, ms)) return p;
  s.connect_timeout = std::chrono::milliseconds{ms};
  return std::nullopt;
}
Problem set_source_request_timeout(SourceConfig& s, std::string_view v) {
  long long ms = 0;
  if (auto p = parse_whole<long long>(v, 1, 3'600'000, ms)) return p;
  s.request_timeout = std::chrono::milliseconds{ms};
  return std::nullopt;
}
Problem set_source_max_attempts(SourceConfig& s, std::string_view v) {
  return parse_whole<int>(v, 1, 100, s.max_attempts);
}

struct SourceFieldDef {
  ConfigKeyInfo info;
  SourceSetter apply;
};

const std::array<SourceFieldDef, 10> kSourceFields = {{
    {{"kind", "", "ocds-http (an OCDS feed) or exchange-mysql (the exchange database); required"},
     set_source_kind},
    {{"url", "", "http://HOST[:PORT]/PATH (ocds-http) or mysql://USER[:PASS]@HOST[:PORT]/DB[?socket=PATH]"},
     set_source_url},
    {{"schedule", "15m", "interval between runs in serve (1s-7d, e.g. 90s, 15m, 1h) or off"},
     set_source_schedule},
    {{"batch_size", "500",
      "exchange-mysql: rows per page and transaction; ocds-http: unused, a feed page is one (1-100000)"},
     set_source_batch_size},
    {{"default_region", "532300", "GB/T 2260 region of a body whose identifier carries none"},
     set_source_region},
    {{"default_body", "", "body id for agreements whose government party is unknown; empty: quarantine"},
     set_source_body},
    {{"safety_window", "5m", "exchange-mysql: rows stamped this long before the newest are read again"},
     set_source_safety_window},
    {{"connect_timeout_ms", "5000", "connect timeout (1-600000; exchange-mysql: rounded up to seconds)"},
     set_source_connect_timeout},
    {{"request_timeout_ms", "30000",
      "ocds-http: one page written and read; exchange-mysql: read timeout (1-3600000)"},
     set_source_request_timeout},
    {{"max_attempts", "5", "ocds-http: tries per page, the first included (1-100)"}, set_source_max_attempts},
}};

const SourceFieldDef* find_source_field(std::string_view field) {
  for (const auto& f : kSourceFields) {
    if (f.info.key == field) return &f;
  }
  return nullptr;
}

bool valid_source_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/** `source.<name>.<field>` taken apart; what is wrong with it otherwise. */
struct SourceKey {
  std::string name, field;
};
std::expected<SourceKey, std::string> split_source_key(std::string_view key) {
  if (!key.starts_with("source.")) return std::unexpected("not a source key");
  key.remove_prefix(7);
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) return std::unexpected("expected source.<name>.<field>");
  SourceKey out{std::string(key.substr(0, dot)), std::string(key.substr(dot + 1))};
  if (!valid_source_name(out.name)) {
    return std::unexpected("source name '" + out.name + "' must be lower-case letters, digits and _");
  }
  if (find_source_field(out.field) == nullptr) {
    std::string known;
    for (const auto& f : kSourceFields)
      known += (known.empty() ? "" : ", ") + std::string(f.info.key);
    return std::unexpected("unknown source field '" + out.field + "' (" + known + ")");
  }
  return out;
}

/** PACTWATCH_SOURCE_<NAME>_<FIELD> as a source key; empty when the variable is not one. */
std::string source_key_from_env(std::string_view name) {
  constexpr std::string_view kPrefix = "PACTWATCH_SOURCE_";
  if (!name.starts_with(kPrefix)) return {};
  name.remove_prefix(kPrefix.size());
  for (const auto& f : kSourceFields) {
    std::string suffix = "_" + std::string(f.info.key);
    for (auto& c : suffix)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
    std::string source(name.substr(0, name.size() - suffix.size()));
    for (auto& c : source)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (valid_source_name(source)) return "source." + source + "." + std::string(f.info.key);
  }
  return {};
}

const std::vector<const KeyDef*>& all_keys() {
  static const std::vector<const KeyDef*> keys = [] {
    std::vector<const KeyDef*> v;
    for (const auto& k : kKeys)
      v.push_back(&k);
    return v;
  }();
  return keys;
}

const KeyDef* find_key(std::string_view key) {
  for (const KeyDef* k : all_keys()) {
    if (k->info.key == key) return k;
  }
  return nullptr;
}

std::unexpected<domain::Error> config_error(std::string key, std::string message) {
  return std::unexpected(domain::Error::invalid(std::move(key), std::move(message)));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

/** Parses `key = value` lines; '#' starts a comment at the beginning of a line or after whitespace. */
Result<std::map<std::string, ValueOrigin>> parse_file(std::string_view text, std::string_view file_name) {
  std::map<std::string, ValueOrigin> values;
  std::map<std::string, int> line_of;
  int line_no = 0;
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    ++line_no;
    std::string_view line = raw;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
        line = line.substr(0, i);
        break;
      }
    }
    line = trim(line);
    if (line.empty()) continue;
    const std::string where = std::string(file_name) + ":" + std::to_string(line_no);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return config_error("config", where + ": expected 'key = value', got '" + std::string(line) + "'");
    }
    const std::string key(trim(line.substr(0, eq)));
    if (key.starts_with("source.")) {
      if (auto parts = split_source_key(key); !parts) {
        return config_error(key, key + " (" + where + "): " + parts.error() + "; see docs/CONFIGURATION.md");
      }
    } else if (find_key(key) == nullptr) {
      return config_error(key, key + " (" + where + "): unknown key; see docs/CONFIGURATION.md");
    }
    if (line_of.contains(key)) {
      return config_error(key,
                          key + " (" + where + "): set twice, also on line " + std::to_string(line_of[key]));
    }
    line_of[key] = line_no;
    values[key] = ValueOrigin{std::string(trim(line.substr(eq + 1))), where};
  }
  return values;
}

/** Validates the `source.*` keys into Config::sources; a missing field gets its default's origin. */
Result<void> build_sources(LoadedConfig& loaded) {
  std::set<std::string> names;
  for (const auto& [key, origin] : loaded.origins) {
    if (auto parts = split_source_key(key)) names.insert(parts->name);
  }
  for (const std::string& name : names) {
    SourceConfig source;
    source.name = name;
    const auto key_of = [&](std::string_view field) { return "source." + name + "." + std::string(field); };
    for (const auto& f : kSourceFields) {
      const std::string key = key_of(f.info.key);
      auto [it, inserted] = loaded.origins.try_emplace(key, std::string(f.info.default_value), "default");
      if (auto problem = f.apply(source, it->second.value)) {
        return config_error(key, key + " (from " + it->second.source + "): " + *problem);
      }
    }
    const auto error = [&](std::string_view field, const std::string& problem) {
      const std::string key = key_of(field);
      return config_error(key, key + " (from " + loaded.origins.at(key).source + "): " + problem);
    };
    if (source.kind.empty()) {
      return error("kind", "missing: every source needs a kind (ocds-http, exchange-mysql) and a url");
    }
    if (source.url.empty()) return error("url", "missing: every source needs a kind and a url");
    if (source.kind == "ocds-http") {
      if (auto url = sync::HttpUrl::parse(source.url); !url) return error("url", url.error().message);
      if (loaded.origins.at(key_of("safety_window")).source != "default") {
        return error("safety_window", "applies only to exchange-mysql sources");
      }
    } else {
      auto url = platform::exchange::ExchangeSource::parse(source.url);
      if (!url) return error("url", url.error().message);
      loaded.origins.at(key_of("url")).value = url->redacted();
      if (loaded.origins.at(key_of("max_attempts")).source != "default") {
        return error("max_attempts", "applies only to ocds-http sources");
      }
    }
    loaded.config.sources.emplace(name, std::move(source));
  }
  return {};
}

std::string redact_database(const std::string& text) {
  auto url = store::DatabaseUrl::parse(text);
  return url ? url->redacted() : text;
}

}  // namespace

std::string env_name(std::string_view key) {
  std::string name = "PACTWATCH_";
  for (const char c : key)
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return name;
}

std::span<const ConfigKeyInfo> source_fields() {
  static const std::vector<ConfigKeyInfo> infos = [] {
    std::vector<ConfigKeyInfo> v;
    for (const auto& f : kSourceFields)
      v.push_back(f.info);
    return v;
  }();
  return infos;
}

std::optional<std::chrono::seconds> parse_interval(std::string_view text, bool allow_off) {
  if (allow_off && text == "off") return std::chrono::seconds{0};
  if (text.size() < 2) return std::nullopt;
  long long n = 0;
  const auto* end = text.data() + text.size() - 1;
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc{} || ptr != end || n < 0 || n > 10'000'000) return std::nullopt;
  if (allow_off && n == 0) return std::nullopt;  // "off" says it; 0m is a typo
  switch (text.back()) {
    case 's':
      return std::chrono::seconds{n};
    case 'm':
      return std::chrono::minutes{n};
    case 'h':
      return std::chrono::hours{n};
    case 'd':
      return std::chrono::days{n};
    default:
      return std::nullopt;
  }
}

std::span<const ConfigKeyInfo> config_keys() {
  static const std::vector<ConfigKeyInfo> infos = [] {
    std::vector<ConfigKeyInfo> v;
    for (const KeyDef* k : all_keys())
      v.push_back(k->info);
    return v;
  }();
  return infos;
}

Result<CommandLine> parse_command_line(std::span<const std::string> args) {
  CommandLine cl;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      cl.help = true;
      continue;
    }
    if (arg == "--version") {
      cl.version = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      if (!cl.command.empty()) {
        return config_error("command line", "unexpected argument '" + arg + "' after command " + cl.command);
      }
      if (arg != "serve" && arg != "migrate" && arg != "check-config") {
        return config_error("command line",
                            "unknown command '" + arg + "' (serve, migrate, check-config; see --help)");
      }
      cl.command = arg;
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::string key = name;
    if (name.starts_with("source.")) {
      // --source.NAME.FIELD: the field with dashes (--source.feed.batch-size), the name as configured.
      const auto dot = key.rfind('.');
      const bool dashed = key.find('_', dot) == std::string::npos;
      std::replace(key.begin() + static_cast<std::ptrdiff_t>(dot), key.end(), '-', '_');
      if (!dashed || !split_source_key(key)) {
        return config_error("command line", "unknown option --" + name + " (see docs/CONFIGURATION.md)");
      }
    } else {
      std::ranges::replace(key, '-', '_');
    }
    if (key != "config" && !key.starts_with("source.") &&
        (find_key(key) == nullptr || name.find('_') != std::string::npos)) {
      return config_error("command line", "unknown option --" + name + " (see --help)");
    }
    if (!value) {
      if (i + 1 >= args.size()) return config_error(key, "--" + name + " needs a value");
      value = args[++i];
    }
    if (key == "config") {
      cl.config_file = *value;
    } else {
      cl.options.emplace_back(key, *value);
    }
  }
  return cl;
}

ConfigFileChoice choose_config_file(const CommandLine& command_line, const Environment& env) {
  if (command_line.config_file) return {*command_line.config_file, true};
  if (const auto it = env.find("PACTWATCH_CONFIG"); it != env.end() && !it->second.empty()) {
    return {it->second, true};
  }
  return {std::string(kDefaultConfigFile), false};
}

Result<LoadedConfig> build_config(const CommandLine& command_line, const Environment& env,
                                  std::optional<std::string_view> file_text, std::string_view file_name) {
  LoadedConfig loaded;
  for (const KeyDef* k : all_keys()) {
    loaded.origins[std::string(k->info.key)] = ValueOrigin{std::string(k->info.default_value), "default"};
  }
  if (file_text) {
    loaded.file = std::string(file_name);
    auto values = parse_file(*file_text, file_name);
    if (!values) return std::unexpected(values.error());
    for (auto& [key, origin] : *values)
      loaded.origins[key] = std::move(origin);
  }
  // Empty variables count as unset, as a deployment tool passing "" means "not configured".
  for (const auto& [name, value] : env) {
    if (!name.starts_with("PACTWATCH_") || value.empty()) continue;
    bool known = name == "PACTWATCH_CONFIG" || name.starts_with("PACTWATCH_TEST_");
    if (const std::string key = source_key_from_env(name); !key.empty()) {
      loaded.origins[key] = ValueOrigin{value, name};
      continue;
    }
    for (const KeyDef* k : all_keys()) {
      if (env_name(k->info.key) == name) {
        loaded.origins[std::string(k->info.key)] = ValueOrigin{value, name};
        known = true;
      }
    }
    // The environment is shared with other programs, so an unknown variable is a warning, not an error.
    if (!known) loaded.warnings.push_back("unknown environment variable " + name + " ignored");
  }
  for (const auto& [key, value] : command_line.options) {
    std::string flag = "--" + key;
    std::replace(flag.begin() + static_cast<std::ptrdiff_t>(key.starts_with("source.") ? flag.rfind('.') : 0),
                 flag.end(), '_', '-');
    loaded.origins[key] = ValueOrigin{value, flag};
  }
  if (auto sources = build_sources(loaded); !sources) return std::unexpected(sources.error());
  for (const KeyDef* k : all_keys()) {
    auto& origin = loaded.origins[std::string(k->info.key)];
    if (auto problem = k->apply(loaded.config, origin.value)) {
      return config_error(std::string(k->info.key),
                          std::string(k->info.key) + " (from " + origin.source + "): " + *problem);
    }
  }
  loaded.origins["database"].value = loaded.config.database.redacted();
  // The endpoint's token is a secret: check-config and the config trail show that one is set, never it.
  if (auto& token = loaded.origins["credit_push_token"]; !token.value.empty()) token.value = "(redacted)";
  return loaded;
}

Result<LoadedConfig> load_config(const CommandLine& command_line, const Environment& env) {
  const ConfigFileChoice choice = choose_config_file(command_line, env);
  std::ifstream in(choice.path, std::ios::binary);
  if (!in.is_open()) {
    if (!choice.required) return build_config(command_line, env, std::nullopt, {});
    return config_error("config", "config (" + choice.path + "): cannot read the file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return config_error("config", "config (" + choice.path + "): cannot read the file");
  const std::string contents = std::move(text).str();
  return build_config(command_line, env, contents, choice.path);
}

std::string describe_config(const LoadedConfig& loaded) {
  std::string out = "# pactwatch effective configuration (command line > environment > file > default)\n";
  out += "# config file: " + (loaded.file.empty() ? std::string("none") : loaded.file) + "\n";
  for (const auto& w : loaded.warnings)
    out += "# warning: " + w + "\n";
  for (const KeyDef* k : all_keys()) {
    const auto& origin = loaded.origins.at(std::string(k->info.key));
    const std::string value = k->info.key == "database" ? redact_database(origin.value) : origin.value;
    out += std::string(k->info.key) + " = " + value + "  # " + origin.source + "\n";
  }
  for (const auto& [name, source] : loaded.config.sources) {
    for (const auto& f : kSourceFields) {
      const std::string key = "source." + name + "." + std::string(f.info.key);
      const auto it = loaded.origins.find(key);
      if (it != loaded.origins.end())
        out += key + " = " + it->second.value + "  # " + it->second.source + "\n";
    }
  }
  return out;
}

Environment environment_from(char** envp) {
  Environment env;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

}  // namespace pactwatch::server
