#pragma once
// Configuration changes in the accountability trail (issue #6, docs/TRAIL.md §8.6): the configuration is a
// file, the environment and flags rather than a database row, so `serve` records it at start - one
// `config.changed` entry whenever the effective values differ from the last recorded ones.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/store/database.hpp"
#include "domain/result.hpp"
#include "server/config.hpp"

namespace pactwatch::server {

/**
 * The effective configuration as the trail records it: {key: value text} for every key, with secrets
 * redacted - the password of any URL (the database, sync sources) and the value of any key whose name
 * says secret, password, token or private. Where each value came from is not part of the state (see
 * config_change_reason).
 */
nlohmann::json config_state(const LoadedConfig& loaded);

/** The entry's reason: "configuration at serve start; set: KEY (SOURCE), ..." for every non-default key. */
std::string config_change_reason(const LoadedConfig& loaded);

/** What record_config_change did. */
struct ConfigRecord {
  std::uint64_t seq = 0;  ///< the entry appended; 0 when the configuration was unchanged
  std::string entity_id;  ///< the instance the entry is about: "host:<hostname>"
};

/**
 * Compares config_state with the last `config` entry of this host in the trail and appends one entry
 * (entity {config, host:<hostname>}, action config.changed, actor system:<hostname>, role system) when it
 * differs. `now` is the entry's time (RFC 3339 UTC, ms); `hostname` names the instance.
 */
domain::Result<ConfigRecord> record_config_change(store::Database& db, const LoadedConfig& loaded,
                                                  const std::string& now, const std::string& hostname);

/** gethostname(), or "unknown" when it fails. */
std::string local_hostname();

}  // namespace pactwatch::server
