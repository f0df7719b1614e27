#pragma once
// `pactwatch import [--source NAME] [--owner NAME] [--batch-size N] [--default-region CODE]
// [--default-body ID] [--no-detection true] FILE…`:
// stores OCDS files exactly once (adapters/sync, docs/SYNC.md) under the source's lease, runs detection for
// the commitments each batch touched, and prints how many records were imported, unchanged and quarantined,
// and why. Configuration options (--config, --database, …) may follow, as for every command. Exit codes:
// 0 imported (quarantined records are reported, not failures), 1 a runtime failure (database, lost lease),
// 2 a usage error.

#include <iosfwd>
#include <span>
#include <string>

#include "adapters/store/database.hpp"
#include "adapters/sync/sync_store.hpp"
#include "server/api/workflow_routes.hpp"
#include "server/config.hpp"

namespace pactwatch::server {

namespace api {
struct Workflow;
}

/** What a drain of detection_pending did. */
struct DrainReport {
  std::size_t commitments = 0;  ///< commitments judged (per as-of date)
  int opened = 0;               ///< breaches opened
};

/**
 * Runs detection for every row of detection_pending, grouped by as-of date, each group in ONE transaction
 * with the deletion of its rows (docs/SYNC.md "Exactly once"): a crash before that commit leaves the rows
 * for the next drain, after it nothing is left to do. Reads 5000 rows at a time until none is left.
 */
domain::Result<DrainReport> drain_detection_pending(store::Database& database, api::Workflow& wf);

/**
 * Drains what a killed process left in detection_pending, before a run (import, sync, serve's scheduler)
 * stores anything new; a failure is logged (the rows stay for the next drain).
 */
void drain_detection_at_start(store::Database& database, const WorkflowOptions& workflow);

/**
 * Detection after a batch, as the sync layer's AfterBatch: drains detection_pending (the rows the batch
 * wrote in its own transaction), with the configured workflow options (calendar, policy); failures are
 * logged, never fatal to the import (the data and its pending rows are committed).
 */
std::function<void(const sync::BatchCounts&)> detection_after_batch(store::Database& database,
                                                                    WorkflowOptions options);

/** The configured workflow options (calendar_file read); a calendar that cannot be read is `invalid`. */
domain::Result<WorkflowOptions> configured_workflow(const Config& config);

/** Runs `import …`; `args` are the words after "import". */
int run_import_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                       std::ostream& err);

/**
 * Runs `sync SOURCE [--url URL] [--owner NAME] [--default-region CODE] [--default-body ID]
 * [--no-detection true]`: one run of the configured source SOURCE (source.SOURCE.* keys; ocds-http or
 * exchange-mysql), or of an unconfigured one given by --url (http:// an OCDS feed, mysql:// an exchange
 * database); --url overrides a configured URL. Prints the run's counts. Exit 0 when the run succeeded, 1 when
 * it failed or the source is being synced elsewhere, 2 on a usage or configuration error.
 */
int run_sync_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                     std::ostream& err);

}  // namespace pactwatch::server
