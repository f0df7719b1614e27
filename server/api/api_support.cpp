#include "server/api/api_support.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <stdexcept>

#include "adapters/store/ids.hpp"
#include "adapters/store/ledger_json.hpp"
#include "adapters/store/migrations.hpp"
#include "domain/identifiers.hpp"
#include "server/logging.hpp"

namespace pactwatch::server::api {

namespace d = pactwatch::domain;
using nlohmann::json;

namespace {

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "null";
  }
}

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The field marker a conditional update fails with when If-Match does not match (mapped to 412). */
constexpr std::string_view kIfMatchField = "If-Match";

}  // namespace

// ---- FieldReader -----------------------------------------------------------------------------------------

const json* FieldReader::member(std::string_view name) const {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}
bool FieldReader::present(std::string_view name) const {
  return member(name) != nullptr;
}
std::string FieldReader::path(std::string_view name) const {
  return prefix_ + std::string(name);
}
void FieldReader::error(std::string_view name, std::string message) {
  if (has_error(name)) return;  // one entry per field
  errors_.push_back({path(name), std::move(message)});
}
bool FieldReader::has_error(std::string_view name) const {
  const std::string p = path(name);
  for (const auto& e : errors_) {
    if (e.field == p) return true;
  }
  return false;
}

std::optional<std::string> FieldReader::text(std::string_view name, Need need) {
  const json* value = member(name);
  if (value == nullptr) {
    if (need == Need::required) error(name, "is required");
    return std::nullopt;
  }
  if (!value->is_string()) {
    error(name, "must be a string, not " + type_name(*value));
    return std::nullopt;
  }
  auto s = value->get<std::string>();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) {
    error(name, "must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_text_) {
    error(name, "must be at most " + std::to_string(max_text_) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<d::Date> FieldReader::date(std::string_view name, Need need) {
  auto s = text(name, need);
  if (!s) return std::nullopt;
  auto date = d::parse_date(*s);
  if (!date) {
    error(name, "must be a date YYYY-MM-DD that exists: " + date.error().message);
    return std::nullopt;
  }
  return *date;
}

std::optional<d::Money> FieldReader::money(std::string_view name, Need need) {
  const json* value = member(name);
  if (value == nullptr) {
    if (need == Need::required) error(name, "is required");
    return std::nullopt;
  }
  const std::string shape =
      R"(must be {"amount": "1234.56", "currency": "CNY"} with the amount as a decimal string)";
  if (!value->is_object()) {
    error(name, shape + ", not " + type_name(*value));
    return std::nullopt;
  }
  auto amount = value->find("amount");
  auto currency = value->find("currency");
  if (amount == value->end() || !amount->is_string()) {
    error(name, shape);
    return std::nullopt;
  }
  for (const auto& [key, unused] : value->items()) {
    if (key != "amount" && key != "currency") {
      error(name, "has an unknown member '" + key + "'");
      return std::nullopt;
    }
  }
  d::Currency code = d::Currency::cny();
  if (currency != value->end()) {
    if (!currency->is_string()) {
      error(name, "currency must be an ISO 4217 code such as \"CNY\"");
      return std::nullopt;
    }
    auto parsed = d::Currency::parse(currency->get<std::string>());
    if (!parsed) {
      error(name, "currency: " + parsed.error().message);
      return std::nullopt;
    }
    code = *parsed;
  }
  auto money = d::Money::parse(amount->get<std::string>(), code);
  if (!money) {
    error(name, "amount: " + money.error().message);
    return std::nullopt;
  }
  return *money;
}

std::optional<bool> FieldReader::boolean(std::string_view name, Need need) {
  const json* value = member(name);
  if (value == nullptr) {
    if (need == Need::required) error(name, "is required");
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    error(name, "must be true or false, not " + type_name(*value));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<int> FieldReader::integer(std::string_view name, Need need, int min, int max) {
  const json* value = member(name);
  if (value == nullptr) {
    if (need == Need::required) error(name, "is required");
    return std::nullopt;
  }
  const std::string range =
      "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value->is_number_integer()) {
    error(name, range + ", not " + type_name(*value));
    return std::nullopt;
  }
  const auto n = value->get<long long>();
  if (n < min || n > max) {
    error(name, range);
    return std::nullopt;
  }
  return static_cast<int>(n);
}

std::optional<std::string> FieldReader::region(std::string_view name, Need need) {
  auto s = text(name, need);
  if (!s) return std::nullopt;
  auto code = d::RegionCode::parse(*s);
  if (!code) {
    error(name, "must be a six-digit GB/T 2260 region code: " + code.error().message);
    return std::nullopt;
  }
  return code->str();
}

void FieldReader::reject_unknown(const std::set<std::string, std::less<>>& allowed) {
  for (const auto& [key, unused] : object_.items()) {
    if (!allowed.contains(key))
      error(key, "is not a field of this resource (ids, versions and computed fields are set by the server)");
  }
}

// ---- requests and lists ----------------------------------------------------------------------------------

std::variant<json, Response> parse_object(const Request& request) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return problem_response(request, 400, "The request body is not valid JSON.");
  if (!body.is_object()) return problem_response(request, 400, "The request body must be a JSON object.");
  return body;
}

ListParams list_params(const Api& api, const Request& request,
                       const std::set<std::string, std::less<>>& filters) {
  ListParams params;
  params.window.limit = api.options.default_limit;
  for (const auto& [name, value] : request.query) {
    if (name == "limit") {
      int limit = 0;
      const auto* end = value.data() + value.size();
      auto [ptr, ec] = std::from_chars(value.data(), end, limit);
      if (ec != std::errc{} || ptr != end || limit < 1 || limit > api.options.max_limit) {
        params.errors.push_back(
            {"limit", "must be a whole number from 1 to " + std::to_string(api.options.max_limit)});
      } else {
        params.window.limit = limit;
      }
    } else if (name == "cursor") {
      auto key = decode_cursor(value);
      if (!key) {
        params.errors.push_back({"cursor", "is not a cursor this service issued (use next_cursor as given)"});
      } else {
        params.window.after = *key;
      }
    } else if (!filters.contains(name)) {
      params.errors.push_back({name, "is not a filter of this list"});
    }
  }
  return params;
}

std::string region_filter(const Request& request, std::string_view name, std::vector<FieldError>& errors) {
  auto value = request.query_param(name);
  if (!value) return {};
  auto code = d::RegionCode::parse(*value);
  if (!code) {
    errors.push_back({std::string(name), "must be a six-digit GB/T 2260 region code"});
    return {};
  }
  return code->str();
}

std::string date_filter(const Request& request, std::string_view name, std::vector<FieldError>& errors) {
  auto value = request.query_param(name);
  if (!value) return {};
  auto date = d::parse_date(*value);
  if (!date) {
    errors.push_back({std::string(name), "must be a date YYYY-MM-DD"});
    return {};
  }
  return d::format_date(*date);
}

std::string text_filter(const Request& request, std::string_view name) {
  auto value = request.query_param(name);
  return value ? std::string(*value) : std::string{};
}

std::string encode_cursor(std::string_view key) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : key) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 200 || cursor.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : cursor) {
    const auto pos = kBase64Url.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // Every key this service issues is an id or a region code: letters, digits and '_'.
  for (char c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// ---- ETags and responses ---------------------------------------------------------------------------------

std::string etag_of(std::int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

bool if_match_matches(std::string_view if_match, std::string_view etag) {
  std::size_t start = 0;
  while (start <= if_match.size()) {
    auto end = if_match.find(',', start);
    if (end == std::string_view::npos) end = if_match.size();
    auto tag = if_match.substr(start, end - start);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
      tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
      tag.remove_suffix(1);
    if (tag == "*" || tag == etag) return true;  // W/"…" never equals a strong tag
    start = end + 1;
  }
  return false;
}

store::StoredResponse stored_entity(int status, const json& entity, std::int64_t version,
                                    std::string location) {
  return store::StoredResponse{status, entity.dump(-1, ' ', false, json::error_handler_t::replace),
                               etag_of(version), std::move(location)};
}

Response from_stored(const store::StoredResponse& stored) {
  Response response;
  response.status = stored.status;
  response.body = stored.body;
  if (!stored.etag.empty()) response.headers.set("ETag", stored.etag);
  if (!stored.location.empty()) response.headers.set("Location", stored.location);
  return response;
}

Response entity_response(int status, const json& entity, std::int64_t version, std::string location) {
  return from_stored(stored_entity(status, entity, version, std::move(location)));
}

std::string entity_path(std::string_view collection, std::string_view id) {
  return std::string(kApiPrefix) + "/" + std::string(collection) + "/" + std::string(id);
}

// ---- ids, time, context ----------------------------------------------------------------------------------

std::string new_id(std::string_view prefix) {
  return store::new_id(prefix);  // the one generator of entity ids (adapters/store/ids.hpp)
}

std::string now_text() {
  return d::format_instant(std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

d::Scope scope_of(const Principal& principal) {
  return d::Scope{principal.region};
}

store::WriteContext write_context(const Request& request, const Principal& principal) {
  store::WriteContext context;
  context.token_id = principal.token_id;
  context.actor_name = principal.name;
  context.role = std::string(to_string(principal.role));
  context.request_id = request.request_id;
  if (auto reason = request.headers.get("X-Reason")) context.reason = std::string(*reason);
  context.now = now_text();
  return context;
}

// ---- writes
// ------------------------------------------------------------------------------------------------

d::Error precondition_failed(std::string_view etag) {
  return d::Error{d::ErrorCode::conflict, "If-Match does not match the current ETag " + std::string(etag),
                  std::string(kIfMatchField)};
}

std::optional<json> merge_for_patch(const json& current, const json& patch,
                                    const std::set<std::string, std::less<>>& updatable,
                                    const std::set<std::string, std::less<>>& server_set,
                                    std::vector<FieldError>& errors) {
  const std::size_t before = errors.size();
  for (const auto& [key, unused] : patch.items()) {
    if (updatable.contains(key)) continue;
    if (current.contains(key)) {
      errors.push_back({key, "cannot be changed"});
    } else {
      errors.push_back({key, "is not a field of this resource"});
    }
  }
  if (errors.size() != before) return std::nullopt;
  json merged = current;
  for (const char* computed : {"id", "version", "created_at", "updated_at"})
    merged.erase(computed);
  for (const auto& name : server_set)
    merged.erase(name);
  merged.merge_patch(patch);
  return merged;
}

Response read_error(const Request& request, const d::Error& error) {
  if (error.code == d::ErrorCode::not_found) {
    return problem_response(request, 404, error.message);
  }
  if (error.code == d::ErrorCode::conflict && error.field == kIfMatchField) {
    return problem_response(request, 412, error.message);
  }
  if (error.code == d::ErrorCode::invalid && error.field.empty()) {
    // A statement the store could not run is our fault, not the client's: log why, answer without it.
    log_event("error", "store_error",
              {{"request_id", request.request_id}, {"route", request.route}, {"error", error.message}});
    return problem_response(request, 500, "The request could not be completed; quote the request id.");
  }
  return error_response(request, error);
}

Response idempotent_post(Api& api, const Request& request, const Principal& principal,
                         const WriteWork& work) {
  std::optional<store::IdempotencyKey> key;
  if (auto header = request.headers.get("Idempotency-Key")) {
    const bool printable =
        std::all_of(header->begin(), header->end(), [](char c) { return c > 0x20 && c < 0x7F; });
    if (header->empty() || header->size() > api.options.max_idempotency_key_length || !printable) {
      return validation_problem(request, {{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
    }
    key = store::IdempotencyKey{principal.token_id, std::string(*header),
                                std::string(method_name(request.method)), request.path,
                                store::sha256_hex(request.body)};
    auto existing = api.store.idempotent_response(key->token_id, key->key);
    if (!existing) return read_error(request, existing.error());
    if (*existing) {
      const auto& stored = **existing;
      if (stored.key.request_sha256 != key->request_sha256 || stored.key.route != key->route ||
          stored.key.method != key->method) {
        return validation_problem(request,
                                  {{"Idempotency-Key", "was already used with another request body"}});
      }
      Response replay = from_stored(stored.response);
      replay.headers.set("Idempotent-Replayed", "true");
      return replay;
    }
  }
  std::vector<FieldError> errors;
  auto result = api.store.write(write_context(request, principal), key,
                                [&](store::LedgerTransaction& tx) { return work(tx, errors); });
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  if (!result) {
    // A concurrent request with the same key won the race: answer as a replay would.
    if (key && result.error().code == d::ErrorCode::conflict) {
      auto existing = api.store.idempotent_response(key->token_id, key->key);
      if (existing && *existing && (*existing)->key.request_sha256 == key->request_sha256) {
        return from_stored((*existing)->response);
      }
    }
    return read_error(request, result.error());
  }
  return from_stored(*result);
}

Response conditional_update(
    Api& api, const Request& request, const Principal& principal,
    const std::function<d::Result<store::StoredResponse>(store::LedgerTransaction&, std::vector<FieldError>&,
                                                         std::string_view)>& work) {
  auto if_match = request.headers.get("If-Match");
  if (!if_match) {
    return problem_response(request, 428,
                            "An update needs If-Match with the ETag of the version it changes.");
  }
  std::vector<FieldError> errors;
  const std::string tag(*if_match);
  auto result = api.store.write(write_context(request, principal), std::nullopt,
                                [&](store::LedgerTransaction& tx) { return work(tx, errors, tag); });
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  if (!result) {
    // The row changed between our read and our write: for the client this is a failed precondition.
    if (result.error().code == d::ErrorCode::conflict && result.error().message.ends_with("meanwhile")) {
      return problem_response(request, 412, result.error().message);
    }
    return read_error(request, result.error());
  }
  return from_stored(*result);
}

void add_api_route(Router& router, const Authenticator& auth, const std::shared_ptr<Api>& api, Method method,
                   const std::string& path, Permission permission, ApiHandler handler) {
  router.add(method, path, auth.guard(permission, [api, handler](const Request& r, const Principal& p) {
    return handler(*api, r, p);
  }));
}

void add_resource_routes(Router& router, const Authenticator& auth, const std::shared_ptr<Api>& api,
                         const std::string& base, const ResourceHandlers& handlers) {
  add_api_route(router, auth, api, Method::get, base, Permission::ledger_read, handlers.list);
  add_api_route(router, auth, api, Method::post, base, handlers.create_permission, handlers.create);
  add_api_route(router, auth, api, Method::get, base + "/{id}", Permission::ledger_read, handlers.get);
  if (handlers.update != nullptr) {
    add_api_route(router, auth, api, Method::patch, base + "/{id}", Permission::ledger_write,
                  handlers.update);
  }
}

}  // namespace pactwatch::server::api
