#include "server/api/trail_routes.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/trail_scope.hpp"
#include "adapters/store/trail_store.hpp"
#include "adapters/trail/change_set.hpp"
#include "adapters/trail/entry.hpp"
#include "adapters/trail/merkle.hpp"
#include "server/api/api_support.hpp"
#include "server/csv.hpp"

namespace pactwatch::server {

namespace d = pactwatch::domain;
using nlohmann::json;

namespace {

constexpr std::string_view kTrail = "/api/v1/trail";

/** What every trail handler shares. */
struct TrailApi {
  store::TrailStore store;
  TrailOptions options;
  store::Database& database;  ///< to decide which entities a region-scoped caller's region holds
};
using TrailApiPtr = std::shared_ptr<TrailApi>;

/** A positive integer query parameter; nullopt when absent, an error when malformed. */
std::optional<std::uint64_t> positive(const Request& request, std::string_view name,
                                      std::vector<FieldError>& errors) {
  auto text = request.query_param(name);
  if (!text) return std::nullopt;
  std::uint64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc{} || ptr != end || value == 0) {
    errors.push_back({std::string(name), "must be a positive integer"});
    return std::nullopt;
  }
  return value;
}

/** The seq path parameter, or nullopt (the caller answers 404: no such entry can exist). */
std::optional<std::uint64_t> seq_param(const Request& request) {
  const auto text = request.param("seq");
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value == 0)
    return std::nullopt;
  return value;
}

/** Query parameters the route does not know are a 422 (a typo must not silently widen a query). */
void reject_unknown(const Request& request, const std::set<std::string, std::less<>>& known,
                    std::vector<FieldError>& errors) {
  for (const auto& [name, value] : request.query)
    if (!known.contains(name)) errors.push_back({name, "is not a parameter of this route"});
}

/** An RFC 3339 instant parameter, normalised to the stored form (UTC, milliseconds). */
std::string instant_param(const Request& request, std::string_view name, std::vector<FieldError>& errors) {
  auto text = request.query_param(name);
  if (!text) return {};
  auto t = d::parse_instant(*text);
  if (!t) {
    errors.push_back({std::string(name), "must be an RFC 3339 instant, e.g. 2026-11-26T05:29:13Z"});
    return {};
  }
  return d::format_instant(*t);
}

/** `limit` through the one limit parser of the list routes (api::int_query): 1 to `max`. */
int limit_param(const TrailApi& api, const Request& request, int max, std::vector<FieldError>& errors) {
  return api::int_query(request, "limit", 1, max, errors).value_or(api.options.default_limit);
}

/** An opaque cursor over a number (a seq or a tree size). */
std::optional<std::uint64_t> cursor_param(const Request& request, std::vector<FieldError>& errors) {
  auto text = request.query_param("cursor");
  if (!text) return std::uint64_t{0};
  auto key = api::decode_cursor(*text);
  std::uint64_t value = 0;
  if (key) {
    const auto [ptr, ec] = std::from_chars(key->data(), key->data() + key->size(), value);
    if (ec == std::errc{} && ptr == key->data() + key->size()) return value;
  }
  errors.push_back({"cursor", "is not a cursor this service issued (use next_cursor as given)"});
  return std::nullopt;
}

/**
 * The whole trail's routes (lists, CSV, verify) need an unscoped token: the trail is prefecture-wide and its
 * entries carry no region. A region-scoped token reads its region's entries one at a time (see visible()).
 */
std::optional<Response> refuse_scoped(const Request& request, const Principal& principal) {
  if (principal.region.empty()) return std::nullopt;
  return problem_response(
      request, 403,
      "This route covers the whole prefecture's trail; it needs a token that is not scoped to a region. "
      "A region-scoped token reads the entries, proofs and histories of its region's entities.");
}

/**
 * Whether `principal` may read `entry`: always when unscoped; for a region-scoped token only when EVERY
 * entity the entry changed belongs to its region (docs/TOKENS.md): an entry is shown whole — its hash and
 * proof need every byte — so one entity of another region in it would leak that entity's change.
 */
d::Result<bool> visible(TrailApi& api, const Principal& principal, const trail::TrailEntry& entry) {
  if (principal.region.empty()) return true;
  const auto parsed = json::parse(entry.patch, nullptr, false);
  if (parsed.is_discarded()) return false;
  const auto entities = trail::changed_entities(entry, parsed);
  auto in = store::entities_in_region(api.database, entities, principal.region);
  if (!in) return std::unexpected(in.error());
  return !in->empty() && std::ranges::all_of(*in, [](bool b) { return b; });
}

/** The entry `seq` when `principal` may read it; not_found alike when it does not exist or may not be read.
 */
d::Result<trail::TrailEntry> readable_entry(TrailApi& api, const Principal& principal, std::uint64_t seq) {
  auto entry = api.store.entry(seq);
  if (!entry) return entry;
  auto shown = visible(api, principal, *entry);
  if (!shown) return std::unexpected(shown.error());
  if (!*shown) return d::fail(d::ErrorCode::not_found, "no trail entry " + std::to_string(seq));
  return entry;
}

json hex_list(const std::vector<trail::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes)
    out.push_back(trail::to_hex(h));
  return out;
}

json checkpoint_or_null(const std::optional<trail::SignedCheckpoint>& c) {
  return c ? trail::checkpoint_to_json(*c) : json(nullptr);
}

/** trail.csv, written by the one CSV writer (server/csv.hpp): formula-leading text is defused here too. */
std::string csv_of(const std::vector<trail::TrailEntry>& entries) {
  CsvWriter csv;
  csv.row({"seq", "time", "actor_token_id", "actor_name", "role", "action", "entity_type", "entity_id",
           "request_id", "reason", "patch", "prev_hash", "hash"});
  for (const auto& e : entries) {
    const std::string seq = std::to_string(e.seq);
    const std::string prev = trail::to_hex(e.prev_hash);
    const std::string hash = trail::to_hex(e.hash);
    csv.row({seq, e.time, e.actor.token_id, e.actor.name, e.role, e.action, e.entity.type, e.entity.id,
             e.request_id, e.reason, e.patch, prev, hash});
  }
  return csv.take();
}

bool wants_csv(const Request& request) {
  auto accept = request.headers.get("Accept");
  return accept && accept->find("text/csv") != std::string_view::npos;
}

Response list_entries(TrailApi& api, const Request& request, bool csv) {
  std::vector<FieldError> errors;
  reject_unknown(request, {"entity", "official", "actor", "action", "from", "to", "limit", "cursor"}, errors);
  store::TrailFilter filter;
  if (auto entity = request.query_param("entity")) {
    // entity=TYPE or entity=TYPE:ID (ids never contain ':'; a type never does).
    const auto colon = entity->find(':');
    filter.entity_type = std::string(entity->substr(0, colon));
    if (colon != std::string_view::npos) filter.entity_id = std::string(entity->substr(colon + 1));
    if (filter.entity_type.empty() || (colon != std::string_view::npos && filter.entity_id.empty()))
      errors.push_back({"entity", "must be TYPE or TYPE:ID, e.g. agreement:agr_01J…"});
  }
  filter.official = std::string(request.query_param("official").value_or(""));
  filter.actor = std::string(request.query_param("actor").value_or(""));
  filter.action = std::string(request.query_param("action").value_or(""));
  filter.from = instant_param(request, "from", errors);
  filter.to = instant_param(request, "to", errors);
  filter.limit = limit_param(api, request, csv ? api.options.max_csv_rows : api.options.max_limit, errors);
  if (csv && !request.query_param("limit")) filter.limit = api.options.max_csv_rows;
  if (auto after = cursor_param(request, errors)) filter.after_seq = *after;
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  auto page = api.store.entries(filter);
  if (!page) return error_response(request, page.error());
  json next = nullptr;
  if (page->more && !page->items.empty()) next = api::encode_cursor(std::to_string(page->items.back().seq));
  if (csv) {
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = csv_of(page->items);
    r.headers.set("Content-Disposition", "attachment; filename=\"pactwatch-trail.csv\"");
    if (!next.is_null()) r.headers.set("X-Next-Cursor", next.get<std::string>());
    return r;
  }
  json items = json::array();
  for (const auto& e : page->items)
    items.push_back(trail::entry_to_json(e));
  return json_response(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response one_entry(TrailApi& api, const Request& request, const Principal& principal) {
  const auto seq = seq_param(request);
  if (!seq) return problem_response(request, 404, "no trail entry " + std::string(request.param("seq")));
  auto entry = readable_entry(api, principal, *seq);
  if (!entry) return error_response(request, entry.error());
  return json_response(200, trail::entry_to_json(*entry));
}

/** The tree size a proof uses by default: the latest checkpoint when it covers `at_least`, else the head. */
d::Result<std::uint64_t> default_tree_size(TrailApi& api, std::uint64_t at_least) {
  auto latest = api.store.latest_checkpoint();
  if (!latest) return std::unexpected(latest.error());
  if (*latest && (*latest)->checkpoint.tree_size >= at_least) return (*latest)->checkpoint.tree_size;
  auto head = api.store.head();
  if (!head) return std::unexpected(head.error());
  return head->seq;
}

Response inclusion(TrailApi& api, const Request& request, const Principal& principal) {
  const auto seq = seq_param(request);
  if (!seq) return problem_response(request, 404, "no trail entry " + std::string(request.param("seq")));
  if (!principal.region.empty()) {
    if (auto entry = readable_entry(api, principal, *seq); !entry)
      return error_response(request, entry.error());
  }
  std::vector<FieldError> errors;
  reject_unknown(request, {"tree_size"}, errors);
  auto tree_size = positive(request, "tree_size", errors);
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  if (!tree_size) {
    auto size = default_tree_size(api, *seq);
    if (!size) return error_response(request, size.error());
    tree_size = *size;
  }
  auto proof = api.store.inclusion_proof(*seq, *tree_size);
  if (!proof) return error_response(request, proof.error());
  return json_response(200, {{"seq", proof->entry.seq},
                             {"leaf_index", proof->entry.seq - 1},
                             {"tree_size", proof->tree_size},
                             {"entry_hash", trail::to_hex(proof->entry.hash)},
                             {"leaf_hash", trail::to_hex(trail::merkle_leaf_hash(proof->entry.hash))},
                             {"audit_path", hex_list(proof->path)},
                             {"root_hash", trail::to_hex(proof->root)},
                             {"checkpoint", checkpoint_or_null(proof->checkpoint)},
                             {"entry", trail::entry_to_json(proof->entry)}});
}

Response consistency(TrailApi& api, const Request& request) {
  std::vector<FieldError> errors;
  reject_unknown(request, {"from", "to"}, errors);
  auto from = positive(request, "from", errors);
  auto to = positive(request, "to", errors);
  if (!from && !request.query_param("from")) errors.push_back({"from", "is required"});
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  if (!to) {
    auto size = default_tree_size(api, *from);
    if (!size) return error_response(request, size.error());
    to = *size;
  }
  auto proof = api.store.consistency_proof(*from, *to);
  if (!proof) return error_response(request, proof.error());
  return json_response(200, {{"from", proof->from},
                             {"to", proof->to},
                             {"from_root", trail::to_hex(proof->from_root)},
                             {"to_root", trail::to_hex(proof->to_root)},
                             {"proof", hex_list(proof->proof)},
                             {"from_checkpoint", checkpoint_or_null(proof->from_checkpoint)},
                             {"to_checkpoint", checkpoint_or_null(proof->to_checkpoint)}});
}

Response list_checkpoints(TrailApi& api, const Request& request) {
  std::vector<FieldError> errors;
  reject_unknown(request, {"limit", "cursor"}, errors);
  const int limit = limit_param(api, request, api.options.max_limit, errors);
  const auto before = cursor_param(request, errors);
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  auto page = api.store.checkpoints(before.value_or(0), limit);
  if (!page) return error_response(request, page.error());
  json items = json::array();
  for (const auto& c : page->first)
    items.push_back(trail::checkpoint_to_json(c));
  json next = nullptr;
  if (page->second && !page->first.empty())
    next = api::encode_cursor(std::to_string(page->first.back().checkpoint.tree_size));
  return json_response(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response public_key(TrailApi& api, const Request& request) {
  if (!api.options.public_key) {
    return problem_response(request, 404, "This instance has no checkpoint signing key loaded.");
  }
  const auto& key = *api.options.public_key;
  return json_response(200, {{"algorithm", "Ed25519"},
                             {"key_id", key.key_id()},
                             {"public_key_base64", key.raw_base64()},
                             {"public_key_pem", key.pem()}});
}

Response entity_history(TrailApi& api, const Request& request, const Principal& principal) {
  std::vector<FieldError> errors;
  reject_unknown(request, {"as_of"}, errors);
  const std::string as_of = instant_param(request, "as_of", errors);
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  const std::string type(request.param("type"));
  const std::string id(request.param("id"));
  bool in_scope = true;
  if (!principal.region.empty()) {
    auto in = store::entities_in_region(api.database, {{type, id}}, principal.region);
    if (!in) return error_response(request, in.error());
    in_scope = in->front();
  }
  auto entries = api.store.entity_history(type, id, as_of);
  if (!entries) return error_response(request, entries.error());
  if (entries->empty() || !in_scope) {
    return problem_response(request, 404,
                            as_of.empty() ? "the trail holds no entry for " + type + " " + id
                                          : type + " " + id + " did not exist as of " + as_of);
  }
  if (entries->size() > api.options.max_history) {
    return problem_response(request, 422,
                            "the history has more than " + std::to_string(api.options.max_history) +
                                " entries; use GET /api/v1/trail?entity=" + type + ":" + id);
  }
  // A change set may change several entities: only this entity's changes are folded.
  auto state = store::rebuild_state(*entries, {type, id});
  if (!state) return error_response(request, state.error());
  json items = json::array();
  std::size_t withheld = 0;
  for (const auto& e : *entries) {
    auto shown = visible(api, principal, e);
    if (!shown) return error_response(request, shown.error());
    if (*shown) {
      items.push_back(trail::entry_to_json(e));
    } else {
      ++withheld;
    }
  }
  return json_response(200, {{"entity", {{"type", type}, {"id", id}}},
                             {"as_of", as_of.empty() ? json(nullptr) : json(as_of)},
                             {"state", std::move(*state)},
                             {"entries", std::move(items)},
                             {"entries_withheld", withheld}});
}

}  // namespace

nlohmann::json verification_json(const store::TrailVerification& result, const trail::PublicKey* key) {
  const auto& report = result.report;
  json finding = nullptr;
  if (report.finding) {
    finding = {{"kind", trail::to_string(report.finding->kind)},
               {"seq", report.finding->seq},
               {"seq_last", report.finding->seq_last},
               {"detail", report.finding->detail}};
  }
  return {{"ok", result.ok()},
          {"head_seq", result.head_seq},
          {"entries_verified", report.entries_verified},
          {"checkpoints", result.checkpoints_checked},
          {"checkpoints_verified", report.checkpoints_verified},
          {"root_hash", trail::to_hex(report.root)},
          {"key_id", key ? json(key->key_id()) : json(nullptr)},
          {"finding", std::move(finding)},
          {"tree_nodes_problem",
           result.tree_nodes_problem.empty() ? json(nullptr) : json(result.tree_nodes_problem)}};
}

namespace {

Response verify(TrailApi& api, const Request& request) {
  std::vector<FieldError> errors;
  reject_unknown(request, {}, errors);
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  store::TrailVerifyOptions options;
  options.public_key = api.options.public_key.get();
  auto result = api.store.verify(options);
  if (!result) return error_response(request, result.error());
  return json_response(200, verification_json(*result, api.options.public_key.get()));
}

/** Wraps a handler of the whole trail: trail_read permission, unscoped tokens only. */
Handler guarded(const Authenticator& auth, TrailApiPtr api,
                std::function<Response(TrailApi&, const Request&)> handler) {
  return auth.guard(Permission::trail_read, [api = std::move(api), handler = std::move(handler)](
                                                const Request& request, const Principal& principal) {
    if (auto refused = refuse_scoped(request, principal)) return *refused;
    return handler(*api, request);
  });
}

/** Wraps a handler that reveals no entity, or only the caller's region's: trail_read, any scope. */
Handler any_scope(const Authenticator& auth, TrailApiPtr api,
                  std::function<Response(TrailApi&, const Request&, const Principal&)> handler) {
  return auth.guard(Permission::trail_read, [api = std::move(api), handler = std::move(handler)](
                                                const Request& request, const Principal& principal) {
    return handler(*api, request, principal);
  });
}

/** A handler that reveals no entity (hashes, checkpoints, the public key): the same for every caller. */
std::function<Response(TrailApi&, const Request&, const Principal&)> for_all(
    Response (*handler)(TrailApi&, const Request&)) {
  return [handler](TrailApi& api, const Request& request, const Principal&) { return handler(api, request); };
}

}  // namespace

void add_trail_routes(Router& router, const Authenticator& auth, store::Database& database,
                      TrailOptions options) {
  auto api = std::make_shared<TrailApi>(TrailApi{store::TrailStore(database), std::move(options), database});
  const std::string base(kTrail);
  router.get(base, guarded(auth, api,
                           [](TrailApi& a, const Request& r) { return list_entries(a, r, wants_csv(r)); }));
  router.get(base + ".csv",
             guarded(auth, api, [](TrailApi& a, const Request& r) { return list_entries(a, r, true); }));
  router.get(base + "/entries/{seq}", any_scope(auth, api, one_entry));
  router.get(base + "/entries/{seq}/proof", any_scope(auth, api, inclusion));
  router.get(base + "/consistency", any_scope(auth, api, for_all(consistency)));
  router.get(base + "/checkpoints", any_scope(auth, api, for_all(list_checkpoints)));
  router.get(base + "/public-key", any_scope(auth, api, for_all(public_key)));
  router.get(base + "/entities/{type}/{id}", any_scope(auth, api, entity_history));
  router.get(base + "/verify", guarded(auth, api, verify));
}

CheckpointScheduler::CheckpointScheduler(store::Database& database,
                                         std::shared_ptr<const trail::SigningKey> key,
                                         CheckpointPolicy policy)
    : database_(database), key_(std::move(key)), policy_(policy) {}

CheckpointScheduler::~CheckpointScheduler() {
  stop();
}

d::Result<bool> CheckpointScheduler::tick(d::Instant now) {
  store::TrailStore store(database_);
  auto head = store.head();
  if (!head) return std::unexpected(head.error());
  auto latest = store.latest_checkpoint();
  if (!latest) return std::unexpected(latest.error());
  const std::uint64_t signed_size = *latest ? (*latest)->checkpoint.tree_size : 0;
  if (head->seq <= signed_size) return false;
  bool due = head->seq - signed_size >= policy_.every_entries;
  if (!due) {
    // Time is counted from the oldest entry no checkpoint covers yet: no entry stays unsigned longer than T.
    auto oldest = store.entry(signed_size + 1);
    if (!oldest) return std::unexpected(oldest.error());
    auto at = d::parse_instant(oldest->time);
    due = !at || now - *at >= policy_.every;
  }
  if (!due) return false;
  auto taken = store.take_checkpoint(*key_, now);
  if (!taken) return std::unexpected(taken.error());
  return taken->has_value();
}

void CheckpointScheduler::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, policy_.poll, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      // A failure (database away) is retried at the next poll; the trail itself is unaffected.
      (void)tick(clock::system_clock().now());
      lock.lock();
    }
  });
}

void CheckpointScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    // Leave the head checkpointed on a clean shutdown.
    store::TrailStore store(database_);
    (void)store.take_checkpoint(*key_, clock::system_clock().now());
  }
}

}  // namespace pactwatch::server
