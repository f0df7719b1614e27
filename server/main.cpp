// pactwatch: serve | migrate | check-config (and the maintenance commands). Wires configuration, the store
// and the HTTP server together. Exit codes: 0 success, 1 a runtime failure (database unreachable, cannot
// bind, migration failed or changed), 2 a usage or configuration error (one line on stderr naming the key).

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/database.hpp"
#include "adapters/sync/file_import.hpp"
#include "domain/calendar.hpp"
#include "server/api/workflow_routes.hpp"
#include "server/auth.hpp"
#include "server/cli_detect.hpp"
#include "server/cli_seed.hpp"
#include "server/cli_sync.hpp"
#include "server/cli_token.hpp"
#include "server/cli_trail.hpp"
#include "server/config.hpp"
#include "server/config_trail.hpp"
#include "server/credit_push.hpp"
#include "server/fd_limit.hpp"
#include "server/http_server.hpp"
#include "server/logging.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "server/routes.hpp"
#include "server/sync_scheduler.hpp"
#include "server/system_routes.hpp"
#include "server/web_routes.hpp"

extern char** environ;

namespace pactwatch::server {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

std::string usage() {
  std::string text =
      "pactwatch " + std::string(service_version()) +
      " - the record of public commitments and who broke them\n"
      "\n"
      "Usage: pactwatch COMMAND [--config FILE] [--KEY VALUE]...\n"
      "\n"
      "Commands:\n"
      "  serve         check migrations (apply them if auto_migrate), serve HTTP until SIGINT/SIGTERM\n"
      "  migrate       apply pending database migrations and print what was applied\n"
      "  check-config  print the effective configuration (password redacted) and exit\n"
      "  token         create --role ROLE [--region CODE] --name NAME | revoke ID | list | reseal: API "
      "tokens\n"
      "  seed-demo     [--demo-dir DIR] load the 楚雄州 demo data set (default config/demo); idempotent;\n"
      "                --regions-file FILE: only the GB/T 2260 regions of FILE (config/regions/*.csv)\n"
      "  trail         verify [--checkpoint FILE] [--public-key FILE]: check the accountability trail\n"
      "  detect        --as-of DATE: run breach detection once and print the counts (docs/WORKFLOW.md)\n"
      "  import        [--source NAME] FILE...: store OCDS files exactly once, then detect (docs/SYNC.md)\n"
      "  sync          SOURCE [--url URL]: one run of a configured source (source.SOURCE.*; docs/SYNC.md)\n"
      "  outbox        dispatch: send the due credit-platform outbox rows once (docs/CREDIT_PUSH.md)\n"
      "\n"
      "Options:\n"
      "  --help, -h    this text\n"
      "  --version     the version\n"
      "  --config FILE configuration file (env PACTWATCH_CONFIG; default config/pactwatch.conf if present)\n"
      "\n"
      "Every configuration key is also an option (--db-pool-size 8 or --db-pool-size=8) and an environment\n"
      "variable (PACTWATCH_DB_POOL_SIZE). Precedence: command line > environment > file > default.\n"
      "Sync sources are source.<name>.<field> keys (--source.<name>.<field>, "
      "PACTWATCH_SOURCE_<NAME>_<FIELD>):\n"
      "kind (ocds-http|exchange-mysql), url, schedule, batch_size, ... (docs/CONFIGURATION.md).\n"
      "\n"
      "Keys:\n";
  for (const auto& k : config_keys()) {
    std::string flag = "--" + std::string(k.key);
    for (auto& c : flag)
      c = c == '_' ? '-' : c;
    text += "  " + flag + std::string(flag.size() < 24 ? 24 - flag.size() : 1, ' ') +
            std::string(k.description) + " [default: " + std::string(k.default_value) + "]\n";
  }
  text +=
      "\nExit codes: 0 success, 1 runtime failure, 2 usage or configuration error.\n"
      "Documentation: README.md and docs/CONFIGURATION.md.\n";
  return text;
}

store::DatabaseOptions database_options(const Config& config) {
  store::DatabaseOptions options;
  options.pool_size = config.db_pool_size;
  options.busy_timeout = config.db_busy_timeout;
  options.write_group_max = config.db_write_group_max;
  options.sql_dir = config.sql_dir;
  return options;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : "; ") + p;
  return out;
}

/** Opens the database, logging and reporting a failure; nullptr when it cannot be opened. */
std::unique_ptr<store::Database> open_database(const Config& config) {
  auto db = store::Database::open(config.database, database_options(config));
  if (!db) {
    log_event("error", "database_unavailable",
              {{"database", config.database.redacted()}, {"error", db.error().message}});
    std::cerr << "pactwatch: cannot open " << config.database.redacted() << ": " << db.error().message
              << "\n";
    return nullptr;
  }
  return std::move(*db);
}

int run_migrate(const Config& config) {
  auto db = open_database(config);
  if (!db) return kExitFailure;
  auto status = db->migrate();
  if (!status) {
    log_event("error", "migration_failed", {{"error", status.error().message}});
    std::cerr << "pactwatch: migrate: " << status.error().message << "\n";
    return kExitFailure;
  }
  for (const auto& file : status->applied_now) {
    log_event("info", "migration_applied", {{"file", file}, {"database", config.database.redacted()}});
    std::cout << "applied " << file << "\n";
  }
  if (status->applied_now.empty()) {
    std::cout << "nothing to apply: " << status->migrations.size() << " migration(s) already applied\n";
  }
  return 0;
}

/** Checks the working-day calendar before serving, so a broken file stops the start, not a deadline. */
bool check_calendar(const Config& config) {
  std::ifstream in(config.calendar_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto calendar = in.is_open() ? domain::WorkingCalendar::parse_csv(text.str())
                                     : domain::Result<domain::WorkingCalendar>(std::unexpected(
                                           domain::Error::invalid("calendar_file", "cannot read the file")));
  if (!calendar) {
    std::cerr << "pactwatch: calendar_file (" << config.calendar_file << "): " << calendar.error().message
              << "\n";
    return false;
  }
  return true;
}

/** Refuses to start on a changed or missing applied migration; applies pending ones when configured. */
bool check_migrations(store::Database& db, const Config& config) {
  auto status = db.migration_status();
  if (!status) {
    log_event("error", "migration_status_failed", {{"error", status.error().message}});
    std::cerr << "pactwatch: cannot read the migration state: " << status.error().message << "\n";
    return false;
  }
  if (!status->problems.empty()) {
    log_event("error", "migrations_changed", {{"problems", status->problems}, {"dir", db.migrations_dir()}});
    std::cerr << "pactwatch: refusing to start: " << join(status->problems) << "\n";
    return false;
  }
  const auto pending = status->pending();
  if (pending.empty()) return true;
  if (!config.auto_migrate) {
    log_event("warn", "migrations_pending",
              {{"pending", pending}, {"hint", "/readyz answers 503 until `pactwatch migrate` runs"}});
    return true;
  }
  auto applied = db.migrate();
  if (!applied) {
    log_event("error", "migration_failed", {{"error", applied.error().message}});
    std::cerr << "pactwatch: migrate: " << applied.error().message << "\n";
    return false;
  }
  for (const auto& file : applied->applied_now)
    log_event("info", "migration_applied", {{"file", file}});
  return true;
}

/**
 * Records the effective configuration in the trail when it changed since this host's last start (issue #6,
 * docs/TRAIL.md §8.6). Skipped while migrations are pending (the trail tables may not exist yet).
 */
bool record_config(store::Database& db, const LoadedConfig& loaded) {
  auto status = db.migration_status();
  if (!status || !status->at_head()) return true;  // check_migrations() reported it; /readyz says 503
  const auto now = clock::system_clock().now();
  auto recorded = record_config_change(db, loaded, domain::format_instant(now), local_hostname());
  if (!recorded) {
    log_event("error", "config_trail_failed", {{"error", recorded.error().message}});
    std::cerr << "pactwatch: cannot record the configuration in the trail: " << recorded.error().message
              << "\n";
    return false;
  }
  if (recorded->seq > 0)
    log_event("info", "config_recorded", {{"seq", recorded->seq}, {"entity_id", recorded->entity_id}});
  return true;
}

int run_serve(const LoadedConfig& loaded, const Environment& env) {
  const Config& config = loaded.config;
  if (!check_calendar(config)) return kExitUsage;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    std::cerr << "pactwatch: data_dir (" << config.data_dir << "): " << ec.message() << "\n";
    return kExitUsage;
  }
  auto db = open_database(config);
  if (!db) return kExitFailure;
  if (!check_migrations(*db, config)) return kExitFailure;
  if (!record_config(*db, loaded)) return kExitFailure;

  Metrics metrics;
  store::Database& database = *db;
  SystemProbes probes;
  probes.ready = [&database]() -> domain::Result<void> {
    if (auto ping = database.ping(); !ping) return ping;
    auto status = database.migration_status();
    if (!status) return std::unexpected(status.error());
    if (!status->problems.empty()) {
      return domain::fail(domain::ErrorCode::unavailable, "migrations changed: " + join(status->problems));
    }
    if (!status->at_head()) {
      return domain::fail(domain::ErrorCode::unavailable,
                          "migrations pending: " + join(status->pending()) + " (run `pactwatch migrate`)");
    }
    return {};
  };
  probes.pool_stats = [&database] { return database.stats(); };
  metrics.set_pool_stats_source(probes.pool_stats);
  auto router = std::make_shared<Router>();
  // The accountability trail (issue #6): the checkpoint key, generated on first start, and its signer.
  auto trail = start_trail(database, config);
  if (!trail) {
    std::cerr << "pactwatch: " << trail.error().message << "\n";
    return trail.error().code == domain::ErrorCode::unavailable ? kExitFailure : kExitUsage;
  }
  // Tokens come from the token store (cached briefly: a revocation takes effect within 2 s); each row's
  // seal is keyed from the trail key (issue 13, docs/TOKENS.md).
  auto seal = store::TokenSeal::derive(*trail->key);
  if (!seal) {
    std::cerr << "pactwatch: trail_key_file (" << config.trail_key_file << "): " << seal.error().message
              << "\n";
    return kExitUsage;
  }
  const Authenticator auth(store_token_lookup(database, *seal, metrics));
  // The breach workflow (issue #5): its routes, detection after each new fact, and the daily detection run
  // unless detection_time = off.
  auto calendar = load_calendar(config.calendar_file);
  if (!calendar) return kExitUsage;  // check_calendar() above already reported it
  const WorkflowOptions workflow = workflow_options(config, std::move(*calendar));
  build_router(
      *router, metrics, probes, auth, database, trail->options, workflow,
      LedgerApiSettings{std::chrono::hours{config.idempotency_retention_hours}, config.status_scan_rows,
                        api::OcdsExportSettings{config.ocds_export_agreements, config.ocds_ocid_prefix,
                                                config.ocds_publisher_name}});
  // The dashboard (docs/DASHBOARD.md) at / and /assets/: static files, outside the API and its document.
  add_web_routes(*router, config.web_root);
  if (std::error_code ec;
      !std::filesystem::is_regular_file(std::filesystem::path(config.web_root) / "index.html", ec))
    log_event("warn", "dashboard_missing",
              {{"web_root", config.web_root}, {"hint", "cmake --build build builds it"}});
  std::unique_ptr<DailyDetection> daily;
  if (config.detection_time != "off")
    daily = std::make_unique<DailyDetection>(database, workflow, config.detection_time);

  // Platform sync (issue #7): per-source metrics from sync_runs, and the sources run on their schedules.
  std::vector<SourceConfig> sources;
  std::vector<std::string> source_names;
  for (const auto& [name, source] : config.sources) {
    sources.push_back(source);
    source_names.push_back(name);
  }
  register_sync_metrics(metrics, database, source_names);
  std::unique_ptr<SyncScheduler> scheduler;
  // Credit-platform push (issue 14): the outbox's metrics always (rows pile up while the push is off), the
  // dispatcher only with an endpoint.
  register_credit_outbox_metrics(metrics, database);
  std::unique_ptr<CreditPushService> credit_push;

  // Every connection is a descriptor: make room for max_connections, or serve fewer and say so (issue 13).
  HttpOptions http = config.http;
  http.max_connections = ensure_fd_limit(http.max_connections, config.db_pool_size);
  HttpServer server(http, router, metrics);
  try {
    server.start();
  } catch (const std::system_error& e) {
    log_event("error", "listen_failed",
              {{"host", config.http.host}, {"port", config.http.port}, {"error", e.what()}});
    std::cerr << "pactwatch: cannot listen on " << config.http.host << ":" << config.http.port << ": "
              << e.what() << "\n";
    return kExitFailure;
  }
  log_event("info", "started",
            {{"host", config.http.host},
             {"port", server.port()},
             {"version", service_version()},
             {"database", config.database.redacted()},
             {"io_threads", config.http.io_threads},
             {"worker_threads", config.http.worker_threads}});
  if (!sources.empty()) {
    scheduler = std::make_unique<SyncScheduler>(
        database, std::move(sources), SchedulerOptions{"", true, workflow, sync_store_options(config)});
  }
  if (!config.credit_push_url.empty()) {
    auto options = credit_push_options(config, sync::default_owner());
    options.after_delivery = credit_push_fault(env);
    credit_push = std::make_unique<CreditPushService>(database, std::move(options),
                                                      config.credit_push_interval, metrics);
  } else {
    log_event("info", "credit_push_disabled", {{"hint", "set credit_push_url to send the outbox"}});
  }
  const int code = server.run_until_signalled();
  if (scheduler) scheduler->stop();      // a run in progress ends after its current batch
  if (credit_push) credit_push->stop();  // after the attempt in flight
  log_event("info", "stopped", {{"exit_code", code}});
  return code;
}

int run(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  // Maintenance commands with options of their own (server/cli_token.hpp, server/cli_seed.hpp).
  if (!args.empty() && args[0] == "detect") {
    return run_detect_command(std::span<const std::string>(args.begin() + 1, args.end()),
                              environment_from(environ), std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "import") {
    return run_import_command(std::span<const std::string>(args.begin() + 1, args.end()),
                              environment_from(environ), std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "sync") {
    return run_sync_command(std::span<const std::string>(args.begin() + 1, args.end()),
                            environment_from(environ), std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "outbox") {
    return run_outbox_command(std::span<const std::string>(args.begin() + 1, args.end()),
                              environment_from(environ), std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "trail") {
    return run_trail_command(std::span<const std::string>(args.begin() + 1, args.end()),
                             environment_from(environ), std::cout, std::cerr);
  }
  if (!args.empty() && (args[0] == "token" || args[0] == "seed-demo")) {
    const std::span<const std::string> rest(args.begin() + 1, args.end());
    return args[0] == "token" ? run_token_command(rest, environment_from(environ), std::cout, std::cerr)
                              : run_seed_demo_command(rest, environment_from(environ), std::cout, std::cerr);
  }
  auto command_line = parse_command_line(args);
  if (!command_line) {
    std::cerr << "pactwatch: " << command_line.error().message << "\n";
    return kExitUsage;
  }
  if (command_line->help) {
    std::cout << usage();
    return 0;
  }
  if (command_line->version) {
    std::cout << "pactwatch " << service_version() << "\n";
    return 0;
  }
  if (command_line->command.empty()) {
    std::cerr << "pactwatch: missing command (serve, migrate, check-config); see --help\n";
    return kExitUsage;
  }
  auto loaded = load_config(*command_line, environment_from(environ));
  if (!loaded) {
    std::cerr << "pactwatch: " << loaded.error().message << "\n";
    return kExitUsage;
  }
  if (command_line->command == "check-config") {
    std::cout << describe_config(*loaded);
    return 0;
  }
  init_json_logging(loaded->config.log_level);
  for (const auto& warning : loaded->warnings)
    log_event("warn", "config_warning", {{"warning", warning}});
  if (command_line->command == "migrate") return run_migrate(loaded->config);
  return run_serve(*loaded, environment_from(environ));
}

}  // namespace
}  // namespace pactwatch::server

int main(int argc, char** argv) {
  try {
    return pactwatch::server::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "pactwatch: fatal: " << e.what() << "\n";
    return 1;
  }
}
