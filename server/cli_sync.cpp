#include "server/cli_sync.hpp"

#include <array>
#include <charconv>
#include <memory>
#include <ostream>

#include "adapters/platform/exchange/source.hpp"
#include "adapters/sync/file_import.hpp"
#include "adapters/sync/http_feed.hpp"
#include "server/api/workflow_support.hpp"
#include "server/cli_detect.hpp"
#include "server/cli_token.hpp"
#include "server/logging.hpp"
#include "server/sync_scheduler.hpp"

namespace pactwatch::server {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_counts(std::ostream& out, const std::string& label, const sync::BatchCounts& c,
                  std::size_t problems) {
  out << label << ": " << c.records << " records read: " << c.created << " imported, " << c.unchanged
      << " unchanged, " << c.quarantined << " quarantined";
  if (problems > 0) out << "; " << problems << " input problems";
  out << "; " << c.entities_created << " entities created, " << c.entities_updated << " updated\n";
  if (c.quarantine_entries > 0) {
    out << "  quarantined entries: " << c.quarantine_entries << "\n";
    for (const auto& [reason, n] : c.by_reason)
      out << "    " << reason << ": " << n << "\n";
  }
}

}  // namespace

domain::Result<WorkflowOptions> configured_workflow(const Config& config) {
  auto calendar = load_calendar(config.calendar_file);
  if (!calendar) {
    return domain::fail(domain::ErrorCode::invalid,
                        "calendar_file (" + config.calendar_file + "): " + calendar.error().message,
                        "calendar_file");
  }
  return workflow_options(config, std::move(*calendar));
}

std::function<void(const sync::BatchCounts&)> detection_after_batch(store::Database& database,
                                                                    WorkflowOptions options) {
  auto wf = std::make_shared<api::Workflow>(database, std::move(options));
  return [wf](const sync::BatchCounts& counts) {
    if (counts.touched_commitments.empty()) return;
    const auto now = sync::system_now();
    const store::WriteContext context{"",
                                      "sync",
                                      "platform",
                                      "sync-detection",
                                      "detection after a sync batch",
                                      domain::format_instant(now)};
    auto summary =
        api::run_detection(*wf, context, domain::Scope{}, wf->today(), &counts.touched_commitments);
    if (!summary) {
      log_event("warn", "sync_detection_failed", {{"error", summary.error().message}});
      return;
    }
    log_event("info", "sync_detection",
              {{"commitments", counts.touched_commitments.size()}, {"opened", summary->opened}});
  };
}

int run_import_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err) {
  static constexpr std::array<std::string_view, 6> kOwn{"source",       "batch-size",   "default-region",
                                                        "default-body", "no-detection", "owner"};
  auto a = split_cli_args(args, kOwn);
  if (!a) {
    err << "pactwatch import: " << a.error().message << "\n";
    return kExitUsage;
  }
  if (a->positional.empty()) {
    err << "pactwatch import: name at least one OCDS file (release package, record package or JSON Lines)\n";
    return kExitUsage;
  }
  sync::ImportOptions options;
  if (auto it = a->options.find("source"); it != a->options.end()) options.source = it->second;
  // A restarted instance that names itself takes its own lease back at once (with a new epoch).
  if (auto it = a->options.find("owner"); it != a->options.end()) options.owner = it->second;
  if (auto it = a->options.find("batch-size"); it != a->options.end()) {
    const auto& text = it->second;
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n == 0 || n > 100'000) {
      err << "pactwatch import: --batch-size must be a whole number from 1 to 100000, not '" << text << "'\n";
      return kExitUsage;
    }
    options.batch_size = n;
  }
  if (auto it = a->options.find("default-region"); it != a->options.end())
    options.store.default_region = it->second;
  if (auto it = a->options.find("default-body"); it != a->options.end())
    options.store.default_body_id = it->second;
  const auto no_detection = a->options.find("no-detection");
  if (no_detection != a->options.end() && no_detection->second != "true" && no_detection->second != "false") {
    err << "pactwatch import: --no-detection takes true or false\n";
    return kExitUsage;
  }

  int code = 0;
  Config config;
  auto db = open_cli_database(a->config_args, env, err, code, &config);
  if (!db) return code;
  const sync::StoreOptions configured = sync_store_options(config);
  options.store.sqlite_cache_mib = configured.sqlite_cache_mib;
  options.store.sqlite_checkpoint_mib = configured.sqlite_checkpoint_mib;
  if (no_detection == a->options.end() || no_detection->second == "false") {
    auto workflow = configured_workflow(config);
    if (!workflow) {
      err << "pactwatch import: " << workflow.error().message << "\n";
      return kExitUsage;
    }
    options.after_batch = detection_after_batch(*db, std::move(*workflow));
  }
  sync::SyncStore store(*db);
  auto report = sync::import_ocds_files(store, a->positional, options);
  if (!report) {
    err << "pactwatch import: " << report.error().message << "\n";
    return kExitFailure;
  }
  std::size_t problems = 0;
  for (const auto& file : report->files) {
    print_counts(out, file.path, file.counts, file.input_problems);
    problems += file.input_problems;
  }
  if (report->files.size() > 1) print_counts(out, "total", report->total, problems);
  out << "run " << report->run_id << " of source " << options.source << "\n";
  return 0;
}

int run_sync_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                     std::ostream& err) {
  static constexpr std::array<std::string_view, 5> kOwn{"url", "owner", "default-region", "default-body",
                                                        "no-detection"};
  auto a = split_cli_args(args, kOwn);
  if (!a) {
    err << "pactwatch sync: " << a.error().message << "\n";
    return kExitUsage;
  }
  if (a->positional.size() != 1) {
    err << "pactwatch sync: usage: pactwatch sync SOURCE [--url URL] (a source configured with "
           "source.SOURCE.kind and .url, or an OCDS feed http://… or exchange database mysql://… given by "
           "--url)\n";
    return kExitUsage;
  }
  const auto no_detection = a->options.find("no-detection");
  if (no_detection != a->options.end() && no_detection->second != "true" && no_detection->second != "false") {
    err << "pactwatch sync: --no-detection takes true or false\n";
    return kExitUsage;
  }
  int code = 0;
  Config config;
  auto db = open_cli_database(a->config_args, env, err, code, &config);
  if (!db) return code;

  const std::string& name = a->positional.front();
  SourceConfig source;
  if (auto it = config.sources.find(name); it != config.sources.end()) source = it->second;
  source.name = name;
  std::string url;
  if (auto it = a->options.find("url"); it != a->options.end()) url = it->second;
  if (source.kind.empty()) {
    if (url.empty()) {
      err << "pactwatch sync: source " << name << " is not configured (source." << name
          << ".kind and .url, docs/CONFIGURATION.md); give --url for a one-off run\n";
      return kExitUsage;
    }
    source.kind = url.starts_with("mysql://") ? "exchange-mysql" : "ocds-http";
  }
  if (!url.empty()) {
    std::string problem;
    if (source.kind == "exchange-mysql") {
      if (auto parsed = platform::exchange::ExchangeSource::parse(url); !parsed)
        problem = parsed.error().message;
    } else if (auto parsed = sync::HttpUrl::parse(url); !parsed) {
      problem = parsed.error().message;
    }
    if (!problem.empty()) {
      err << "pactwatch sync: --url: " << problem << "\n";
      return kExitUsage;
    }
  }
  if (auto it = a->options.find("default-region"); it != a->options.end()) source.default_region = it->second;
  if (auto it = a->options.find("default-body"); it != a->options.end()) source.default_body = it->second;
  std::string owner;
  if (auto it = a->options.find("owner"); it != a->options.end()) owner = it->second;
  sync::AfterBatch after_batch;
  if (no_detection == a->options.end() || no_detection->second != "true") {
    auto workflow = configured_workflow(config);
    if (!workflow) {
      err << "pactwatch sync: " << workflow.error().message << "\n";
      return kExitUsage;
    }
    after_batch = detection_after_batch(*db, std::move(*workflow));
  }
  auto run = run_configured_source(*db, source, owner, after_batch, {}, url, sync_store_options(config));
  if (!run) {
    err << "pactwatch sync: " << run.error().message << "\n";
    return kExitFailure;
  }
  // An exchange cursor is a JSON document of every table's position: too long for the summary line.
  const auto cursor = [&](const std::string& text) {
    if (text.empty()) return std::string("(none)");
    if (source.kind == "exchange-mysql")
      return "(exchange cursor, " + std::to_string(text.size()) + " bytes)";
    return text;
  };
  out << "run " << run->id << " of source " << run->source << " (" << source.kind << "): " << run->status
      << "; " << run->fetched << " records fetched, " << run->created << " entities created, " << run->updated
      << " updated, " << run->unchanged << " records unchanged, " << run->quarantined
      << " entries quarantined, " << run->errors << " errors; cursor " << cursor(run->cursor_before) << " -> "
      << cursor(run->cursor_after) << "\n";
  for (const auto& [reason, n] : run->reasons)
    out << "  " << reason << ": " << n << "\n";
  if (run->status != "succeeded") {
    err << "pactwatch sync: " << run->message << "\n";
    return kExitFailure;
  }
  return 0;
}

}  // namespace pactwatch::server
