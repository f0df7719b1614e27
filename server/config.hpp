#pragma once
// pactwatch's configuration: every key an operator can set, where each value came from, and the rules that
// turn text into typed values. Precedence: command line > environment (PACTWATCH_<KEY>) > config file >
// defaults. Loading is a pure function of (arguments, environment, file text) so that it can be tested
// without a process; load_config() only adds reading the file. docs/CONFIGURATION.md lists every key.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/store/database_url.hpp"
#include "domain/result.hpp"
#include "server/http_options.hpp"

namespace pactwatch::server {

/**
 * One platform source of `pactwatch sync` and of `serve`'s scheduler (keys `source.<name>.<field>`,
 * docs/CONFIGURATION.md "Sync sources"). The defaults are the documented ones.
 */
struct SourceConfig {
  std::string name;                    ///< lower-case letters, digits and '_'
  std::string kind;                    ///< "ocds-http" or "exchange-mysql"
  std::string url;                     ///< the feed URL (http://) or the exchange database (mysql://)
  std::chrono::seconds schedule{900};  ///< interval between runs in serve; 0: off
  std::size_t batch_size = 500;        ///< exchange-mysql: rows per page and transaction (ocds-http: a page)
  std::string default_region = "532300";    ///< GB/T 2260 region of a body whose identifier carries none
  std::string default_body;                 ///< body id for agreements whose government party is unknown
  std::chrono::seconds safety_window{300};  ///< exchange-mysql: re-read window for late commits
  std::chrono::milliseconds connect_timeout{5'000};   ///< exchange-mysql: rounded up to seconds
  std::chrono::milliseconds request_timeout{30'000};  ///< ocds-http: one page; exchange-mysql: a read
  int max_attempts = 5;                               ///< ocds-http: per page, the first try included
};

/** Everything pactwatch reads at start, typed and validated. Defaults are the documented ones. */
struct Config {
  HttpOptions http;                                  ///< listen address, threads, limits, timeouts
  store::DatabaseUrl database;                       ///< parsed from the `database` key
  std::size_t db_pool_size = 4;                      ///< pooled database sessions
  std::size_t db_write_group_max = 64;               ///< writes committed together (group commit)
  std::chrono::milliseconds db_busy_timeout{5'000};  ///< SQLite busy timeout
  int sync_sqlite_cache_mib = 64;                    ///< SQLite: page cache of a session writing a sync batch
  std::size_t sync_first_import_batch_size = 5000;   ///< `import`: releases per transaction of a first import
  int sync_sqlite_checkpoint_mib = 256;  ///< SQLite: WAL size after which such a session checkpoints
  std::string log_level = "info";        ///< trace|debug|info|warn|error|critical|off
  std::string log_format = "json";       ///< json: one JSON object per line
  std::string calendar_file = "config/calendar/cn-2025-2026.csv";  ///< official working-day calendar
  std::string sql_dir = "sql";                                     ///< holds sqlite/ and mysql/ migrations
  std::string data_dir = "var";        ///< files the service keeps (keys, exports)
  std::string web_root = "build/web";  ///< the dashboard's files, served at / (docs/DASHBOARD.md)
  bool auto_migrate = false;           ///< serve applies pending migrations itself
  // Breach workflow (issue #5, docs/WORKFLOW.md).
  bool publish_official_names = true;    ///< public breach list names the officials of recorded breaches
  int complaints_per_hour = 5;           ///< anonymous complaints accepted per client address per hour
  int complaint_lookups_per_hour = 60;   ///< complaint look-ups by receipt code per client address per hour
  std::string detection_time = "02:00";  ///< daily detection run in `serve` (HH:MM Asia/Shanghai) or "off"
  int rectification_working_days = 15;   ///< deadline of an order to rectify when the order names none
  // Accountability trail (issue #6, docs/TRAIL.md §8).
  std::string trail_key_file =
      "var/trail/checkpoint-key.pem";             ///< checkpoint signing key, made on first start
  std::uint64_t trail_checkpoint_entries = 1000;  ///< sign a checkpoint once this many entries are unsigned
  int trail_checkpoint_seconds = 60;              ///< or once the oldest unsigned entry is this old
  // Ledger API (docs/API.md).
  int idempotency_retention_hours = 24;  ///< Idempotency-Key answers are replayed for this long
  int status_scan_rows = 5000;           ///< rows a commitments page with a `status` filter judges at most
  // Credit-platform push (issue 14, docs/CREDIT_PUSH.md).
  std::string credit_push_url;                    ///< the endpoint; empty: push disabled
  std::string credit_push_token;                  ///< Authorization: Bearer; redacted everywhere
  std::string credit_push_ca_file;                ///< https: trusted CAs (PEM); empty: system store
  std::chrono::seconds credit_push_interval{10};  ///< how often serve looks for due rows
  std::chrono::milliseconds credit_push_connect_timeout{5'000};   ///< connect and TLS handshake
  std::chrono::milliseconds credit_push_request_timeout{10'000};  ///< sending a record and reading the answer
  int credit_push_max_attempts = 8;                               ///< per record, the first included
  std::chrono::milliseconds credit_push_backoff_initial{30'000};  ///< the first retry waits up to this
  std::chrono::milliseconds credit_push_backoff_max{3'600'000};   ///< no retry waits longer
  // OCDS export (GET /api/v1/export/ocds, docs/OCDS_MAPPING.md "Export").
  int ocds_export_agreements = 100;                 ///< agreements per release package when `limit` is absent
  std::string ocds_ocid_prefix = "ocds-pactwatch";  ///< ocid of an agreement that has none: <prefix>-<id>
  std::string ocds_publisher_name = "pactwatch";    ///< the packages' publisher
  // Platform sync sources (issue #7, docs/SYNC.md), by name.
  std::map<std::string, SourceConfig> sources;
};

/** Where a value came from, for check-config and error messages. */
struct ValueOrigin {
  std::string value;   ///< the text as given
  std::string source;  ///< "default", "--listen", "PACTWATCH_LISTEN", "config/pactwatch.conf:12"
};

/** The subcommand and options of one invocation. */
struct CommandLine {
  std::string command;  ///< "serve", "migrate", "check-config"; empty with --help or --version alone
  bool help = false;
  bool version = false;
  std::optional<std::string> config_file;                    ///< --config FILE
  std::vector<std::pair<std::string, std::string>> options;  ///< key (file spelling) and value, in order
};

/** Environment variables by name (only PACTWATCH_* ones matter). */
using Environment = std::map<std::string, std::string, std::less<>>;

/** The configuration file to read: --config, else PACTWATCH_CONFIG, else the default path. */
struct ConfigFileChoice {
  std::string path;
  bool required = false;  ///< false only for the default path, which may be absent
};

/** A loaded configuration with the origin of every key and non-fatal remarks. */
struct LoadedConfig {
  Config config;
  std::map<std::string, ValueOrigin> origins;  ///< every key; database password, credit_push_token redacted
  std::string file;                            ///< the file read, empty when none was
  std::vector<std::string> warnings;           ///< e.g. an unknown PACTWATCH_ variable
};

/** The default configuration file, relative to the working directory. */
inline constexpr std::string_view kDefaultConfigFile = "config/pactwatch.conf";

/**
 * Parses the arguments after the program name: a command, --help, --version, --config FILE, and
 * `--key VALUE` or `--key=VALUE` for every configuration key (dashes for underscores, e.g. --db-pool-size).
 * An unknown option or a missing value is an `invalid` error whose message is the one line to print.
 */
domain::Result<CommandLine> parse_command_line(std::span<const std::string> args);

ConfigFileChoice choose_config_file(const CommandLine& command_line, const Environment& env);

/**
 * Merges defaults, the file text (nullopt: no file), the environment and the command line, then
 * validates every key. A bad value is an `invalid` error with `field` = the key and a one-line message
 * that names the key, where the value came from and what is wrong.
 */
domain::Result<LoadedConfig> build_config(const CommandLine& command_line, const Environment& env,
                                          std::optional<std::string_view> file_text,
                                          std::string_view file_name);

/** choose_config_file + reading it + build_config. An unreadable required file is an error naming it. */
domain::Result<LoadedConfig> load_config(const CommandLine& command_line, const Environment& env);

/** The effective configuration as `key = value  # source` lines (password redacted), for check-config. */
std::string describe_config(const LoadedConfig& loaded);

/** The process environment as an Environment. */
Environment environment_from(char** envp);

/** Every configuration key with its default and a one-line description, for --help and docs. */
struct ConfigKeyInfo {
  std::string_view key;
  std::string_view default_value;
  std::string_view description;
};
std::span<const ConfigKeyInfo> config_keys();
/** The fields of a source key, `source.<name>.<field>`, in the order check-config prints them. */
std::span<const ConfigKeyInfo> source_fields();

/** An interval such as `90s`, `15m`, `1h`, `1d` (or `off`, 0 s, when `allow_off`); nullopt when malformed. */
std::optional<std::chrono::seconds> parse_interval(std::string_view text, bool allow_off);

/** `listen` -> `PACTWATCH_LISTEN`. */
std::string env_name(std::string_view key);

}  // namespace pactwatch::server
