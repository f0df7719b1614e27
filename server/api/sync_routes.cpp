#include "server/api/sync_routes.hpp"

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/platform/ocds/reader.hpp"
#include "adapters/sync/sync_store.hpp"
#include "server/api/api_support.hpp"
#include "server/http_message.hpp"

namespace pactwatch::server {

namespace {

using nlohmann::json;

/** A non-negative integer query parameter; nullopt (and a 400) when malformed. */
std::optional<std::int64_t> int_param(const Request& r, std::string_view name, std::int64_t fallback,
                                      std::int64_t max, Response& error) {
  const auto text = r.query_param(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < 0 || value > max) {
    error = problem_response(r, 400,
                             std::string(name) + " must be a whole number from 0 to " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

/** `limit` (0 to 500, default 50) through the one limit parser of the list routes (api::int_query). */
std::optional<std::int64_t> limit_param(const Request& r, Response& error) {
  std::vector<FieldError> errors;
  const auto limit = api::int_query(r, "limit", 0, 500, errors);
  if (!errors.empty()) {
    error = problem_response(r, 400, "limit " + errors.front().message);
    return std::nullopt;
  }
  return limit.value_or(50);
}

std::string text_param(const Request& r, std::string_view name) {
  return std::string(r.query_param(name).value_or(""));
}

json run_json(const sync::RunReport& run) {
  return {{"id", std::to_string(run.id)},
          {"source", run.source},
          {"owner", run.owner},
          {"epoch", run.epoch},
          {"status", run.status},
          {"started_at", run.started_at},
          {"ended_at", run.ended_at.empty() ? json(nullptr) : json(run.ended_at)},
          {"fetched", run.fetched},
          {"created", run.created},
          {"updated", run.updated},
          {"unchanged", run.unchanged},
          {"quarantined", run.quarantined},
          {"errors", run.errors},
          {"cursor_before", run.cursor_before},
          {"cursor_after", run.cursor_after},
          {"lag_seconds", run.lag_seconds ? json(*run.lag_seconds) : json(nullptr)},
          {"reasons", run.reasons},
          {"message", run.message},
          {"region", run.region.empty() ? json(nullptr) : json(run.region)}};
}

json quarantine_json(const sync::QuarantineRow& q) {
  return {{"id", std::to_string(q.id)},
          {"source", q.source},
          {"status", q.status},
          {"reason", q.entry.reason},
          {"message", q.entry.message},
          {"external_key", q.entry.external_key},
          {"location", q.entry.location},
          {"raw_text", q.entry.raw_text},
          {"created_at", q.created_at},
          {"updated_at", q.updated_at},
          {"region", q.region.empty() ? json(nullptr) : json(q.region)}};
}

Response list_runs(sync::SyncStore& store, const Request& r, const Principal& who) {
  Response error;
  const auto limit = limit_param(r, error);
  if (!limit) return error;
  const auto before = int_param(r, "cursor", 0, INT64_MAX, error);
  if (!before) return error;
  auto runs = store.runs(text_param(r, "source"), *before, static_cast<int>(*limit) + 1, who.region);
  if (!runs) return error_response(r, runs.error());
  const bool more = runs->size() > static_cast<std::size_t>(*limit);
  if (more) runs->pop_back();
  json items = json::array();
  for (const auto& run : *runs)
    items.push_back(run_json(run));
  return json_response(
      200, {{"items", items}, {"next_cursor", more ? json(std::to_string(runs->back().id)) : json(nullptr)}});
}

Response list_quarantine(sync::SyncStore& store, const Request& r, const Principal& who) {
  Response error;
  const auto limit = limit_param(r, error);
  if (!limit) return error;
  const auto after = int_param(r, "cursor", 0, INT64_MAX, error);
  if (!after) return error;
  const std::string status = text_param(r, "status");
  if (!status.empty() && status != "open" && status != "resolved" && status != "failed") {
    return problem_response(r, 400, "status must be open, resolved or failed");
  }
  sync::QuarantineFilter filter{text_param(r, "source"),      status,    text_param(r, "reason"), *after,
                                static_cast<int>(*limit) + 1, who.region};
  auto rows = store.quarantine(filter);
  if (!rows) return error_response(r, rows.error());
  const bool more = rows->size() > static_cast<std::size_t>(*limit);
  if (more) rows->pop_back();
  json items = json::array();
  for (const auto& q : *rows)
    items.push_back(quarantine_json(q));
  return json_response(
      200, {{"items", items}, {"next_cursor", more ? json(std::to_string(rows->back().id)) : json(nullptr)}});
}

/** Maps an OCDS entry's raw text again and stores it (forced), under the source's lease. */
Response reprocess(sync::SyncStore& store, const Request& r, const Principal& who) {
  std::int64_t id = 0;
  const auto text = r.param("id");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return problem_response(r, 404, "no quarantine entry " + std::string(text));
  }
  auto entry = store.quarantine_entry(id);
  if (!entry) return error_response(r, entry.error());
  // Another region's entry does not exist for a scoped token; its own may be read, but re-processing writes
  // whatever the raw text holds, wherever it lies: that takes an unscoped platform or admin token.
  if (!who.region.empty() && !who.sees_region(entry->region))
    return problem_response(r, 404, "no quarantine entry " + std::string(text));
  if (!who.region.empty()) {
    return problem_response(
        r, 403,
        "re-processing a quarantine entry needs an unscoped platform or admin token; this "
        "token is scoped to " +
            who.region);
  }
  if (entry->status == "resolved")
    return problem_response(r, 409, "quarantine entry " + std::string(text) + " is resolved already");
  std::vector<sync::SyncRecord> records;
  std::vector<sync::SyncQuarantine> problems;
  std::istringstream in(entry->entry.raw_text);
  namespace ocds = platform::ocds;
  ocds::read_package(in,
                     ocds::ReaderSink{
                         [&](ocds::RawRelease&& raw) {
                           records.push_back(sync::from_ocds(ocds::map_release(raw), std::move(raw.text)));
                         },
                         [&](ocds::QuarantineEntry&& q) { problems.push_back(sync::from_ocds(q)); },
                     });
  if (records.empty()) {
    return problem_response(r, 422,
                            "the entry's raw text holds no OCDS release to re-process (reason " +
                                entry->entry.reason + "); fix the source and sync again");
  }
  sync::StoreOptions options;
  auto lease = store.acquire_lease(entry->source, "api:" + who.token_id, options.lease_ttl);
  if (!lease) return error_response(r, lease.error());
  auto cursor = store.cursor(entry->source);
  auto counts = cursor ? store.write_batch(*lease, records, problems, *cursor, options, true)
                       : domain::Result<sync::BatchCounts>(std::unexpected(cursor.error()));
  (void)store.release_lease(*lease);
  if (!counts) return error_response(r, counts.error());
  const bool clean = counts->quarantine_entries == 0;
  if (clean) {
    if (auto s = store.set_quarantine_status(id, "resolved"); !s) return error_response(r, s.error());
  }
  return json_response(200, {{"id", std::string(text)},
                             {"status", clean ? "resolved" : "open"},
                             {"created", counts->entities_created},
                             {"updated", counts->entities_updated},
                             {"unchanged", counts->entities_unchanged},
                             {"reasons", counts->by_reason}});
}

}  // namespace

void add_sync_routes(Router& router, const Authenticator& auth, store::Database& database) {
  auto store = std::make_shared<sync::SyncStore>(database);
  router.get("/api/v1/sync/runs",
             auth.guard(Permission::sync_read, [store](const Request& r, const Principal& who) {
               return list_runs(*store, r, who);
             }));
  router.get("/api/v1/sync/quarantine",
             auth.guard(Permission::sync_read, [store](const Request& r, const Principal& who) {
               return list_quarantine(*store, r, who);
             }));
  router.post("/api/v1/sync/quarantine/{id}/reprocess",
              auth.guard(Permission::sync_write, [store](const Request& r, const Principal& who) {
                return reprocess(*store, r, who);
              }));
}

}  // namespace pactwatch::server
