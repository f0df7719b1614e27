#pragma once
// `pactwatch trail verify [--state] [--json] [--checkpoint FILE] [--public-key FILE]` (DESIGN §6,
// docs/TRAIL.md §6, §8):
// recomputes every entry hash and link, the Merkle roots of every stored checkpoint (and of the auditor's
// saved ones given with --checkpoint), checks every signature and the chain head, and names the first bad
// sequence number and what is wrong.
//
// The key checkpoints must verify with is --public-key (a PEM public key, e.g. saved from
// GET /api/v1/trail/public-key) or else the configured trail_key_file. --checkpoint takes a file holding one
// checkpoint, an array of them, or a page of GET /api/v1/trail/checkpoints ({"items": [...]}).
//
// With --state it then replays the trail and compares it with every ledger, breach and token row, naming each
// difference (docs/TRAIL.md §8.7); --json prints {ok, chain, state} instead of text.
//
// Exit codes: 0 the trail is intact (and with --state the rows match it); 3 it is not, or a row differs
// (named on stdout); 1 a runtime failure (database); 2 a usage or configuration error.

#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/trail/checkpoint.hpp"
#include "domain/result.hpp"
#include "server/api/trail_routes.hpp"
#include "server/config.hpp"

namespace pactwatch::server {

/** The exit code of `trail verify` when the trail is not intact. */
inline constexpr int kExitTrailTampered = 3;

/** Checkpoints from a saved file's text: one checkpoint, an array, or {"items": [...]}. */
domain::Result<std::vector<trail::SignedCheckpoint>> parse_checkpoint_file(const std::string& text);

/** The trail's part of `serve`: the routes' options (with the public key) and the running checkpoint task. */
struct TrailRuntime {
  TrailOptions options;
  std::shared_ptr<const trail::SigningKey> key;  ///< also the root of the token-row seal key (docs/TOKENS.md)
  std::unique_ptr<CheckpointScheduler> checkpoints;  ///< stops (and signs what is pending) when destroyed
};

/**
 * Loads the checkpoint key from config.trail_key_file, generating it (mode 0600) on first start, and starts
 * signing checkpoints every trail_checkpoint_entries entries or trail_checkpoint_seconds seconds.
 * ErrorCode::invalid for a bad key file (wrong type, readable by others), unavailable for I/O failures.
 */
domain::Result<TrailRuntime> start_trail(store::Database& database, const Config& config);

/** Runs `trail …`; `args` are the words after "trail". */
int run_trail_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                      std::ostream& err);

}  // namespace pactwatch::server
