#pragma once
// Structured logs: one JSON object per line on the "pactwatch" spdlog logger (pattern "%v", so the line
// is the JSON and nothing else). Access lines for every request; event lines for start, stop and the like.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace pactwatch::server {

/** One finished request, as written to the access log. */
struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  ///< the template, or "unmatched"
  int status = 0;
  std::chrono::nanoseconds duration{0};
  std::size_t bytes = 0;  ///< response body bytes
  std::string_view client_address;
};

/**
 * Creates (once) the "pactwatch" logger writing JSON lines to stderr and makes it the default spdlog
 * logger. Access lines are written in batches (32 KiB, at least once a second); event lines, warnings
 * and errors are written at once. Safe to call more than once; later calls only change the level
 * ("debug", "info", "warn", …). log_request and log_event write to the default spdlog logger.
 */
void init_json_logging(std::string_view level = "info");

/** The current UTC time as RFC 3339 with milliseconds, e.g. "2025-03-01T08:00:00.123Z". */
std::string utc_timestamp();

/** Writes the access line: {"time","level":"info","event":"request","request_id",…,"duration_ms","bytes"}. */
void log_request(const AccessRecord& record);

/**
 * Writes {"time","level","event":event, …fields} where `fields` is a JSON object (may be null).
 * Level is "info", "warn" or "error". Strings are JSON-escaped; invalid UTF-8 is replaced.
 */
void log_event(std::string_view level, std::string_view event, const nlohmann::json& fields);

/** The event line (as a string, without logging it) — what log_event writes; exposed for tests. */
std::string format_event(std::string_view level, std::string_view event, const nlohmann::json& fields);
/** The access line (as a string) — what log_request writes; exposed for tests. */
std::string format_access(const AccessRecord& record);

}  // namespace pactwatch::server
