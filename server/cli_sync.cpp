#include "server/cli_sync.hpp"

#include <array>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <fstream>
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

/** How many detection_pending rows one drain step reads (grouped by as-of date, one detection each). */
constexpr std::size_t kDrainChunk = 5000;

/** "  title: total" and one indented line per kind, when there are any. */
void print_kinds(std::ostream& out, std::string_view title, const std::map<std::string, std::size_t>& kinds) {
  if (kinds.empty()) return;
  std::size_t total = 0;
  for (const auto& [kind, n] : kinds)
    total += n;
  out << "  " << title << ": " << total << "\n";
  for (const auto& [kind, n] : kinds)
    out << "    " << kind << ": " << n << "\n";
}

void print_counts(std::ostream& out, const std::string& label, const sync::BatchCounts& c,
                  std::size_t problems, bool empty_file = false) {
  if (empty_file) {
    out << label << ": the file is empty: nothing read\n";
    return;
  }
  out << label << ": " << c.records << " records read: " << c.created << " imported, " << c.unchanged
      << " unchanged, " << c.quarantined << " quarantined";
  if (problems > 0) out << "; " << problems << " input problems";
  out << "; " << c.entities_created << " entities created, " << c.entities_updated << " updated\n";
  if (c.quarantine_entries > 0) {
    out << "  quarantined entries: " << c.quarantine_entries << "\n";
    for (const auto& [reason, n] : c.by_reason)
      out << "    " << reason << ": " << n << "\n";
  }
  print_kinds(out, "read but not kept (not part of the ledger)", c.not_kept);
  print_kinds(out, "warnings", c.warnings);
}

/** The test hook of docs/SYNC.md: PACTWATCH_TEST_FAULT_INJECT=kill-after-batch-commit. */
bool kill_after_batch_commit(const Environment& env) {
  const auto it = env.find("PACTWATCH_TEST_FAULT_INJECT");
  return it != env.end() && it->second == "kill-after-batch-commit";
}

/**
 * The sync layer's AfterBatch: the fault-injection point (a SIGKILL right after a batch committed and before
 * its detection ran, for the crash tests), then detection.
 */
sync::AfterBatch after_batch_with_fault(bool kill, sync::AfterBatch detection) {
  if (!kill) return detection;
  return [](const sync::BatchCounts&) {
    std::raise(SIGKILL);  // what a power cut or an OOM kill does at this very point
  };
}

/** `--as-of DATE` (YYYY-MM-DD): detection's date instead of each release's own. */
bool parse_as_of(const std::map<std::string, std::string, std::less<>>& options,
                 std::optional<domain::Date>& as_of, std::string_view command, std::ostream& err) {
  const auto it = options.find("as-of");
  if (it == options.end()) return true;
  auto date = domain::parse_date(it->second);
  if (!date) {
    err << "pactwatch " << command << ": --as-of must be a date YYYY-MM-DD, not '" << it->second << "'\n";
    return false;
  }
  as_of = *date;
  return true;
}

}  // namespace

void drain_detection_at_start(store::Database& database, const WorkflowOptions& workflow) {
  api::Workflow wf(database, workflow);
  auto drained = drain_detection_pending(database, wf);
  if (!drained) {
    log_event("warn", "sync_detection_failed", {{"error", drained.error().message}});
  } else if (drained->commitments > 0) {
    log_event("info", "sync_detection_drained",
              {{"commitments", drained->commitments}, {"opened", drained->opened}});
  }
}

namespace {

/** A path that names no readable regular file (checked before anything is written). */
std::string unreadable(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return "no such file";
  if (std::filesystem::is_directory(status)) return "a directory, not a file";
  if (!std::ifstream(path, std::ios::binary).is_open()) return "cannot be opened for reading";
  return {};
}

}  // namespace

domain::Result<DrainReport> drain_detection_pending(store::Database& database, api::Workflow& wf) {
  sync::SyncStore store(database);
  DrainReport report;
  for (;;) {
    auto rows = store.pending_detection(kDrainChunk);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return report;
    for (std::size_t i = 0; i < rows->size();) {
      const domain::Date as_of = (*rows)[i].as_of;
      std::vector<std::string> commitments;
      std::vector<std::int64_t> ids;
      for (; i < rows->size() && (*rows)[i].as_of == as_of; ++i) {
        commitments.push_back((*rows)[i].commitment_id);
        ids.push_back((*rows)[i].id);
      }
      std::sort(commitments.begin(), commitments.end());
      commitments.erase(std::unique(commitments.begin(), commitments.end()), commitments.end());
      const store::WriteContext context{"",
                                        "sync",
                                        "platform",
                                        "sync-detection",
                                        "detection after a sync batch, as of " + domain::format_date(as_of),
                                        domain::format_instant(wf.options.clock->now())};
      // The breaches and the deletion of the rows that asked for them commit together, or neither does.
      auto summary = api::run_detection(
          wf, context, domain::Scope{}, as_of, &commitments,
          [&](store::LedgerTransaction& tx) { return sync::SyncStore::delete_pending_detection(tx, ids); });
      if (!summary) return std::unexpected(summary.error());
      report.commitments += commitments.size();
      report.opened += summary->opened;
    }
  }
}

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
  return [wf, &database](const sync::BatchCounts& counts) {
    if (counts.touched_commitments.empty()) return;
    // What the batch wrote to detection_pending (with it, in its transaction), and anything older.
    auto drained = drain_detection_pending(database, *wf);
    if (!drained) {
      // The rows stay: the next batch, run or serve start drains them.
      log_event("warn", "sync_detection_failed", {{"error", drained.error().message}});
      return;
    }
    log_event("info", "sync_detection", {{"commitments", drained->commitments}, {"opened", drained->opened}});
  };
}

int run_import_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err) {
  static constexpr std::array<std::string_view, 7> kOwn{
      "source", "batch-size", "default-region", "default-body", "no-detection", "owner", "as-of"};
  auto a = split_cli_args(args, kOwn);
  if (!a) {
    err << "pactwatch import: " << a.error().message << "\n";
    return kExitUsage;
  }
  if (a->positional.empty()) {
    err << "pactwatch import: name at least one OCDS file (release package, record package or JSON Lines)\n";
    return kExitUsage;
  }
  // Every file is checked before anything is written: a missing one is the caller's mistake, not data.
  bool missing = false;
  for (const auto& path : a->positional) {
    if (const std::string why = unreadable(path); !why.empty()) {
      err << "pactwatch import: " << path << ": " << why << "; nothing imported\n";
      missing = true;
    }
  }
  if (missing) return kExitUsage;
  sync::ImportOptions options;
  if (!parse_as_of(a->options, options.store.as_of, "import", err)) return kExitUsage;
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
  // An explicit --batch-size is what the caller wants, first import or not.
  if (!a->options.contains("batch-size"))
    options.first_import_batch_size = config.sync_first_import_batch_size;
  if (no_detection == a->options.end() || no_detection->second == "false") {
    auto workflow = configured_workflow(config);
    if (!workflow) {
      err << "pactwatch import: " << workflow.error().message << "\n";
      return kExitUsage;
    }
    // Exactly once, detection included: each batch writes what it touched to detection_pending in its own
    // transaction; what an earlier, killed run left there is judged first.
    options.store.detection_pending = true;
    drain_detection_at_start(*db, *workflow);
    options.after_batch = detection_after_batch(*db, std::move(*workflow));
  }
  options.after_batch = after_batch_with_fault(kill_after_batch_commit(env), std::move(options.after_batch));
  sync::SyncStore store(*db);
  auto report = sync::import_ocds_files(store, a->positional, options);
  if (!report) {
    err << "pactwatch import: " << report.error().message << "\n";
    return kExitFailure;
  }
  std::size_t problems = 0;
  for (const auto& file : report->files) {
    print_counts(out, file.path, file.counts, file.input_problems, file.empty);
    problems += file.input_problems;
  }
  if (report->files.size() > 1) print_counts(out, "total", report->total, problems);
  out << "run " << report->run_id << " of source " << options.source << "\n";
  return 0;
}

int run_sync_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                     std::ostream& err) {
  static constexpr std::array<std::string_view, 6> kOwn{"url",          "owner",        "default-region",
                                                        "default-body", "no-detection", "as-of"};
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
  sync::StoreOptions store_options;
  if (!parse_as_of(a->options, store_options.as_of, "sync", err)) return kExitUsage;
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
    store_options.detection_pending = true;
    drain_detection_at_start(*db, *workflow);
    after_batch = detection_after_batch(*db, std::move(*workflow));
  }
  after_batch = after_batch_with_fault(kill_after_batch_commit(env), std::move(after_batch));
  const sync::StoreOptions configured = sync_store_options(config);
  store_options.sqlite_cache_mib = configured.sqlite_cache_mib;
  store_options.sqlite_checkpoint_mib = configured.sqlite_checkpoint_mib;
  auto run = run_configured_source(*db, source, owner, after_batch, {}, url, store_options);
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
