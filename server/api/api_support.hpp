#pragma once
// What every ledger resource handler shares: the request-body field reader that collects one error per bad
// field, list windows (limit and opaque cursor), ETag / If-Match, Idempotency-Key replays, time-ordered
// ids, and the mapping of store results to responses. Handlers stay thin: parse, call the store, map.

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/ledger_json.hpp"
#include "adapters/store/ledger_store.hpp"
#include "domain/date.hpp"
#include "domain/money.hpp"
#include "domain/text.hpp"
#include "server/auth.hpp"
#include "server/http_message.hpp"

namespace pactwatch::server::api {

/** GET /api/v1/export/ocds (docs/OCDS_MAPPING.md, "Export"; configuration keys ocds_*). */
struct OcdsExportSettings {
  int page_agreements = 100;                   ///< agreements per package when `limit` is absent
  std::string ocid_prefix = "ocds-pactwatch";  ///< ocid of an agreement without one: <prefix>-<id>
  std::string publisher_name = "pactwatch";    ///< the package's publisher
};

/** User-visible limits of the ledger API. */
struct ApiOptions {
  int default_limit = 50;                               ///< items per page when `limit` is absent
  int max_limit = 500;                                  ///< larger `limit` values are a 422
  std::size_t max_text_length = domain::kMaxTextBytes;  ///< longest name, title or reference accepted
  std::size_t max_idempotency_key_length = 255;
  /// How long Idempotency-Key answers are kept (configuration key idempotency_retention_hours).
  store::IdempotencyRetention idempotency;
  /// Rows a commitment list with a `status` filter judges at most per page (configuration key
  /// status_scan_rows; store::CommitmentFilter::max_scan).
  int max_status_scan = 5000;
  /// "Now"; its date in Asia/Shanghai is the default `as_of` of commitment statuses.
  std::shared_ptr<const domain::Clock> clock = pactwatch::clock::shared_system_clock();
  /// Hook (issue #5): called after a fact was appended (201), e.g. to run detection for its commitment.
  std::function<void(const Request&, const Principal&, const std::string& commitment_id)> after_fact;
  OcdsExportSettings ocds_export;
};

/** The state the handlers share. */
struct Api {
  store::LedgerStore& store;
  ApiOptions options;
};

inline constexpr std::string_view kApiPrefix = "/api/v1";

/**
 * Whether a field must be present, and whether `null` may stand for "absent". Only the members that a
 * resource's representation itself shows as null (an absent credit code, an open post's `to`, …) are
 * `nullable`; `null` anywhere else is a 422 "must not be null", never a silent default.
 */
enum class Need { required, optional, nullable };

/** What a text field may hold besides printable characters: notes and reasons may span lines. */
enum class TextKind {
  line,       ///< one line: no control characters at all (C0, DEL, C1, U+2028/U+2029)
  multiline,  ///< also line feeds, carriage returns and tabs (free text: reasons, explanations, legal texts)
};

/**
 * Reads the fields of a JSON object, collecting at most one error per field (`errors: [{field, message}]`)
 * instead of stopping at the first.
 */
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::vector<FieldError>& errors, std::string prefix = {},
              std::size_t max_text = 500)
      : object_(object), errors_(errors), prefix_(std::move(prefix)), max_text_(max_text) {}

  /** True when the member is given and not null; a null member is a "must not be null" error. */
  bool present(std::string_view name);
  std::optional<std::string> text(std::string_view name, Need need, TextKind kind = TextKind::line);
  std::optional<domain::Date> date(std::string_view name, Need need);
  std::optional<domain::Money> money(std::string_view name, Need need);
  std::optional<bool> boolean(std::string_view name, Need need);
  std::optional<int> integer(std::string_view name, Need need, int min, int max);
  std::optional<std::string> region(std::string_view name, Need need);
  /** A 统一社会信用代码 (GB 32100-2015, check character verified). */
  std::optional<domain::CreditCode> credit_code(std::string_view name, Need need);
  /** A string that `parse` accepts; the message lists `allowed`. */
  template <class E, class Parse>
  std::optional<E> enumeration(std::string_view name, Need need, Parse parse, std::string_view allowed) {
    auto value = text(name, need);
    if (!value) return std::nullopt;
    auto parsed = parse(*value);
    if (!parsed) error(name, "must be one of " + std::string(allowed));
    return parsed;
  }
  /** A 422 entry for every member not in `allowed` (clients never set ids, versions or computed fields). */
  void reject_unknown(const std::set<std::string, std::less<>>& allowed);
  void error(std::string_view name, std::string message);
  std::string path(std::string_view name) const;
  bool has_error(std::string_view name) const;

 private:
  /** The member's value; nullptr when absent or null, after adding the error that `need` calls for. */
  const nlohmann::json* member(std::string_view name, Need need);
  const nlohmann::json& object_;
  std::vector<FieldError>& errors_;
  std::string prefix_;
  std::size_t max_text_;
};

/**
 * The JSON object in a request body, or the problem to answer: 415 unless Content-Type is application/json
 * (or another `application/…+json`, charset utf-8 if any); 400 for a body that is not JSON, not an object,
 * nested deeper than kMaxJsonDepth, or that names one member twice in an object (`errors` names the member:
 * JSON parsers disagree on which of the two wins).
 */
std::variant<nlohmann::json, Response> parse_object(const Request& request);

/** How deep arrays and objects may nest in a request body (no resource needs more than 4). */
inline constexpr int kMaxJsonDepth = 32;

/** An integer query parameter from `min` to `max`, digits only ("1abc", "+1", " 1" are errors); nullopt when
 * absent or bad (then with an entry in `errors`). */
std::optional<int> int_query(const Request& request, std::string_view name, int min, int max,
                             std::vector<FieldError>& errors);

/** limit and cursor of a list request, or the 422 naming the bad parameter. */
struct ListParams {
  store::Window window;
  std::vector<FieldError> errors;
};
/**
 * Reads `limit` and `cursor`, and checks that every other query parameter is in `filters` (a typo in a
 * filter name must not silently return everything).
 */
ListParams list_params(const Api& api, const Request& request,
                       const std::set<std::string, std::less<>>& filters);
/** A filter value: a region code (checked: well-formed and in the regions table, else a field error), an enum
 * (checked with `parse`), a date, or any text. */
std::string region_filter(Api& api, const Request& request, std::string_view name,
                          std::vector<FieldError>& errors);
std::string date_filter(const Request& request, std::string_view name, std::vector<FieldError>& errors);
std::string text_filter(const Request& request, std::string_view name);
template <class Parse>
std::string enum_filter(const Request& request, std::string_view name, Parse parse, std::string_view allowed,
                        std::vector<FieldError>& errors) {
  auto value = request.query_param(name);
  if (!value) return {};
  if (!parse(*value)) errors.push_back({std::string(name), "must be one of " + std::string(allowed)});
  return std::string(*value);
}

/** A comma-separated list filter (`status=open,overdue`): each value checked with `parse`, none empty. */
template <class E, class Parse>
std::vector<E> enum_list_filter(const Request& request, std::string_view name, Parse parse,
                                std::string_view allowed, std::vector<FieldError>& errors) {
  std::vector<E> out;
  auto value = request.query_param(name);
  if (!value) return out;
  std::string_view rest = *value;
  for (;;) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    auto parsed = parse(item);
    if (!parsed) {
      errors.push_back(
          {std::string(name), "must be one or more of " + std::string(allowed) + ", separated by commas"});
      return {};
    }
    if (std::find(out.begin(), out.end(), *parsed) == out.end()) out.push_back(*parsed);
    if (comma == std::string_view::npos) return out;
    rest.remove_prefix(comma + 1);
  }
}

/** Opaque cursor of a sort key: base64url without padding. */
std::string encode_cursor(std::string_view key);
std::optional<std::string> decode_cursor(std::string_view cursor);

/** `{"items": [...], "next_cursor": "..." | null}`. */
template <class T>
Response page_response(const store::Page<T>& page) {
  auto items = nlohmann::json::array();
  for (const auto& item : page.items)
    items.push_back(store::to_json(item));
  nlohmann::json next = nullptr;
  if (page.more && !page.items.empty()) next = encode_cursor(page.items.back().entity.id);
  return json_response(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

/** The strong ETag of a row version: "\"v3\"". */
std::string etag_of(std::int64_t version);
/** True when an If-Match value ("*", or a list of entity tags) matches `etag` by strong comparison. */
bool if_match_matches(std::string_view if_match, std::string_view etag);

/** An entity answer with its ETag (and Location when given). */
Response entity_response(int status, const nlohmann::json& entity, std::int64_t version,
                         std::string location = {});
/** The StoredResponse of a created or changed entity (what an Idempotency-Key replays). */
store::StoredResponse stored_entity(int status, const nlohmann::json& entity, std::int64_t version,
                                    std::string location);

/** A new entity id from the one generator, store::new_id (adapters/store/ids.hpp): time-ordered, "agr_01J…".
 */
std::string new_id(std::string_view prefix);
/** The current instant, RFC 3339 UTC with milliseconds. */
std::string now_text();

domain::Scope scope_of(const Principal& principal);
/** The longest X-Reason a write accepts (it goes into the trail entry). */
inline constexpr std::size_t kMaxReasonBytes = 1000;
/**
 * The 422 for a request context the trail cannot record: an X-Reason that is not UTF-8, holds control
 * characters or is longer than kMaxReasonBytes (it made the trail refuse the entry: a 500). Every write
 * checks it before it starts; write_context() takes the header as it is.
 */
std::optional<Response> context_problem(const Request& request);
store::WriteContext write_context(const Request& request, const Principal& principal);

/**
 * Work done inside the write transaction: returns the answer, or fails. Field errors found against stored
 * state (a referenced id that does not exist, a due date before signing) go into `errors`; the work then
 * returns any error and the handler answers 422 with them.
 */
using WriteWork =
    std::function<domain::Result<store::StoredResponse>(store::LedgerTransaction&, std::vector<FieldError>&)>;

/** A handler of the ledger API: the shared Api, the request and the authenticated caller. */
using ApiHandler = Response (*)(Api& api, const Request& request, const Principal& principal);

/** Registers `handler` at `method path`, behind `permission`, bound to `api`. */
void add_api_route(Router& router, const Authenticator& auth, const std::shared_ptr<Api>& api, Method method,
                   const std::string& path, Permission permission, ApiHandler handler);

/** The four routes of a ledger resource: GET and POST on `base`, GET and PATCH on `base/{id}`. */
struct ResourceHandlers {
  ApiHandler list = nullptr;
  ApiHandler create = nullptr;
  ApiHandler get = nullptr;
  ApiHandler update = nullptr;  ///< null for append-only resources (facts): no PATCH route
  Permission create_permission = Permission::ledger_write;
};
void add_resource_routes(Router& router, const Authenticator& auth, const std::shared_ptr<Api>& api,
                         const std::string& base, const ResourceHandlers& handlers);

/**
 * Runs a POST with Idempotency-Key semantics: the same key (per token) with the same body replays the stored
 * answer without re-executing; with another body it is a 422. Without a key the work simply runs once.
 */
Response idempotent_post(Api& api, const Request& request, const Principal& principal, const WriteWork& work);

/**
 * Runs an update: 428 without If-Match; inside the transaction `work` loads the entity (404), then the
 * If-Match is compared with its ETag (412), then `work` continues. `work` receives the If-Match value and
 * must call check_if_match itself right after loading.
 */
Response conditional_update(
    Api& api, const Request& request, const Principal& principal,
    const std::function<domain::Result<store::StoredResponse>(
        store::LedgerTransaction&, std::vector<FieldError>&, std::string_view if_match)>& work);

/** The error a failed precondition is reported with inside a conditional update. */
domain::Error precondition_failed(std::string_view etag);

/**
 * The merge-patch (RFC 7396) of `patch` onto an entity's representation `current`, ready for the create
 * parser: members outside `updatable` are a 422 each ("cannot be changed" for known ones, unknown otherwise);
 * the server-set members (id, version, created_at, updated_at and `server_set`) are removed.
 */
std::optional<nlohmann::json> merge_for_patch(const nlohmann::json& current, const nlohmann::json& patch,
                                              const std::set<std::string, std::less<>>& updatable,
                                              const std::set<std::string, std::less<>>& server_set,
                                              std::vector<FieldError>& errors);

/**
 * The PATCH of one entity type: parse the body (400), then conditional_update: load (404), compare the
 * If-Match (412), merge and validate (422), update, answer 200 with the entity and its new ETag.
 */
template <class T>
struct PatchSteps {
  std::function<domain::Result<store::Stored<T>>(store::LedgerTransaction&)> load;
  std::set<std::string, std::less<>> updatable;
  std::set<std::string, std::less<>> server_set;
  /** Parses the merged representation and checks it against stored state; nullopt after adding errors. */
  std::function<std::optional<T>(store::LedgerTransaction&, const nlohmann::json&, const store::Stored<T>&,
                                 std::vector<FieldError>&)>
      parse;
  std::function<domain::Result<store::Stored<T>>(store::LedgerTransaction&, const store::Stored<T>&,
                                                 const T&)>
      update;
};

template <class T>
Response patch_entity(Api& api, const Request& request, const Principal& principal,
                      const PatchSteps<T>& steps) {
  if (!request.headers.get("If-Match")) {
    return problem_response(request, 428,
                            "An update needs If-Match with the ETag of the version it changes.");
  }
  auto body = parse_object(request);
  if (auto* problem = std::get_if<Response>(&body)) return *problem;
  const auto& patch = std::get<nlohmann::json>(body);
  return conditional_update(api, request, principal,
                            [&](store::LedgerTransaction& tx, std::vector<FieldError>& errors,
                                std::string_view if_match) -> domain::Result<store::StoredResponse> {
                              auto before = steps.load(tx);
                              if (!before) return std::unexpected(before.error());
                              const std::string etag = etag_of(before->version);
                              if (!if_match_matches(if_match, etag))
                                return std::unexpected(precondition_failed(etag));
                              auto merged = merge_for_patch(store::to_json(*before), patch, steps.updatable,
                                                            steps.server_set, errors);
                              if (!merged) return domain::fail(domain::ErrorCode::invalid, "invalid patch");
                              auto after = steps.parse(tx, *merged, *before, errors);
                              if (!after) return domain::fail(domain::ErrorCode::invalid, "invalid patch");
                              auto stored = steps.update(tx, *before, *after);
                              if (!stored) return std::unexpected(stored.error());
                              return stored_entity(200, store::to_json(*stored), stored->version, {});
                            });
}

/** Maps a store/domain error of a read to a response. */
Response read_error(const Request& request, const domain::Error& error);
/**
 * Maps the error of a conditional update: `stale` (the row changed between the read and the write) is a
 * failed precondition (412), decided by the error's kind, never by its text; anything else as read_error.
 */
Response update_error(const Request& request, const domain::Error& error);
/** The answer to a stored response (from a write or a replay). */
Response from_stored(const store::StoredResponse& stored);

/** Path of an entity: "/api/v1/agreements/agr_…". */
std::string entity_path(std::string_view collection, std::string_view id);

}  // namespace pactwatch::server::api
