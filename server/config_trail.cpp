#include "server/config_trail.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "adapters/store/trail_store.hpp"

namespace pactwatch::server {
namespace {

/** Whether a key's value must never be written down: none of today's keys, but a future one may be. */
bool secret_key(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view word : {"secret", "password", "passwd", "token", "private"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

/**
 * `value` with the password of any URL in it replaced by "***" ("mysql://sync:pw@host/db" ->
 * "mysql://sync:***@host/db"): sync sources and the database are URLs, and a URL may carry credentials.
 */
std::string redact_url_passwords(std::string value) {
  for (std::size_t scheme = value.find("://"); scheme != std::string::npos;
       scheme = value.find("://", scheme + 3)) {
    const std::size_t start = scheme + 3;
    const std::size_t end = value.find_first_of("/?# ", start);
    const std::size_t at = value.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < start) continue;
    const std::size_t colon = value.find(':', start);
    if (colon == std::string::npos || colon > at) continue;  // a user without a password
    value.replace(colon + 1, at - colon - 1, "***");
  }
  return value;
}

}  // namespace

nlohmann::json config_state(const LoadedConfig& loaded) {
  nlohmann::json state = nlohmann::json::object();
  for (const auto& [key, origin] : loaded.origins) {
    if (key == "database") {
      state[key] = loaded.config.database.redacted();  // user, host and database, never the password
    } else {
      state[key] = secret_key(key) ? std::string("(redacted)") : redact_url_passwords(origin.value);
    }
  }
  return state;
}

std::string config_change_reason(const LoadedConfig& loaded) {
  std::string reason = "configuration at serve start";
  std::string set;
  for (const auto& [key, origin] : loaded.origins) {
    if (origin.source == "default") continue;
    set += set.empty() ? "; set: " : ", ";
    set += key + " (" + origin.source + ")";
  }
  return reason + (set.empty() ? "; every key at its default" : set);
}

std::string local_hostname() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "unknown";
  return std::string(name.data());
}

domain::Result<ConfigRecord> record_config_change(store::Database& db, const LoadedConfig& loaded,
                                                  const std::string& now, const std::string& hostname) {
  ConfigRecord record;
  record.entity_id = "host:" + hostname;
  store::WriteContext context;
  context.actor_name = "system:" + hostname;
  context.role = "system";
  context.reason = config_change_reason(loaded);
  context.now = now;
  auto seq = store::TrailStore(db).record_state(context, "config", record.entity_id, "config.changed",
                                                config_state(loaded));
  if (!seq) return std::unexpected(seq.error());
  record.seq = *seq;
  return record;
}

}  // namespace pactwatch::server
