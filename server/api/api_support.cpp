#include "server/api/api_support.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <stdexcept>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/ids.hpp"
#include "adapters/store/ledger_json.hpp"
#include "adapters/store/migrations.hpp"
#include "domain/identifiers.hpp"
#include "domain/text.hpp"
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

/**
 * The first control character in UTF-8 text `s` (as "U+000A"), or nullopt: C0 controls and DEL, the C1
 * controls (U+0080–U+009F) and the line/paragraph separators U+2028/U+2029; line feed, carriage return and
 * tab only in multiline text. The JSON parser has already checked that the text is valid UTF-8.
 */
std::optional<std::string> control_character(std::string_view s, TextKind kind) {
  const auto name = [](unsigned code) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "U+";
    for (int shift = 12; shift >= 0; shift -= 4)
      out += kHex[(code >> shift) & 0xF];
    return out;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      const bool allowed = kind == TextKind::multiline && (c == '\n' || c == '\r' || c == '\t');
      if (!allowed) return name(c);
    } else if (c == 0xC2 && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return name(next);
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      const auto last = static_cast<unsigned char>(s[i + 2]);
      if (last == 0xA8 || last == 0xA9) return name(0x2000u + last - 0x80u);
    }
  }
  return std::nullopt;
}

/** Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t code = n == 1 ? c : c & (0xFFu >> (n + 1));
    for (std::size_t k = 1; k < n; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The field marker a conditional update fails with when If-Match does not match (mapped to 412). */
constexpr std::string_view kIfMatchField = "If-Match";

/** A problem of `status` with one `errors` entry, for what is wrong with the request before validation. */
Response field_problem(const Request& request, int status, std::string field, std::string message) {
  Problem problem;
  problem.status = status;
  problem.type = std::string(problem_type::validation);
  problem.detail = field + ": " + message;
  problem.instance = request.path;
  problem.errors.push_back({std::move(field), std::move(message)});
  return problem_response(problem, request.request_id);
}

/** application/json, or application/<anything>+json, with no parameter but charset=utf-8. */
bool is_json_media_type(std::optional<std::string_view> header) {
  if (!header) return false;
  const auto lower = [](std::string_view text) {
    std::string out(text);
    for (auto& c : out)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string_view rest = *header;
  const auto semicolon = rest.find(';');
  const std::string type = lower(domain::trim_blanks(rest.substr(0, semicolon)));
  const bool json_type =
      type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
  if (!json_type) return false;
  while (semicolon != std::string_view::npos && !rest.empty()) {
    rest.remove_prefix(rest.find(';') + 1);
    const auto next = rest.find(';');
    const std::string parameter = lower(domain::trim_blanks(rest.substr(0, next)));
    if (!parameter.empty() && parameter != "charset=utf-8" && parameter != "charset=\"utf-8\"") return false;
    if (next == std::string_view::npos) break;
  }
  return true;
}

/** How deeply arrays and objects nest in JSON text (brackets inside strings do not count). */
int json_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

/** An object or array being parsed: the keys seen so far (objects) or the next element's index (arrays). */
struct KeyFrame {
  bool object = true;
  std::set<std::string> keys;
  std::string key;  ///< the member being read
  std::size_t index = 0;
};

/** The path of the member being read, as FieldReader names fields: "posts[1].from". */
std::string key_path(const std::vector<KeyFrame>& frames) {
  std::string out;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const bool last = i + 1 == frames.size();
    if (frames[i].object) {
      if (!out.empty()) out += '.';
      out += frames[i].key;
    } else if (!last) {
      out += "[" + std::to_string(frames[i].index) + "]";
    }
  }
  return out;
}

}  // namespace

// ---- FieldReader -----------------------------------------------------------------------------------------

const json* FieldReader::member(std::string_view name, Need need) {
  auto it = object_.find(name);
  if (it == object_.end()) {
    if (need == Need::required) error(name, "is required");
    return nullptr;
  }
  if (it->is_null()) {
    if (need != Need::nullable) {
      error(name, need == Need::required ? "must not be null" : "must not be null (leave it out instead)");
    }
    return nullptr;
  }
  return &*it;
}
bool FieldReader::present(std::string_view name) {
  return member(name, Need::optional) != nullptr;
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

std::optional<std::string> FieldReader::text(std::string_view name, Need need, TextKind kind) {
  const json* value = member(name, need);
  if (value == nullptr) return std::nullopt;
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
  if (auto bad = control_character(s, kind)) {
    error(name, "must not contain control characters (" + *bad + ")" +
                    (kind == TextKind::line ? "; it is one line of text" : ""));
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
  const json* value = member(name, need);
  if (value == nullptr) return std::nullopt;
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
  const json* value = member(name, need);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    error(name, "must be true or false, not " + type_name(*value));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<int> FieldReader::integer(std::string_view name, Need need, int min, int max) {
  const json* value = member(name, need);
  if (value == nullptr) return std::nullopt;
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

std::optional<d::CreditCode> FieldReader::credit_code(std::string_view name, Need need) {
  auto s = text(name, need);
  if (!s) return std::nullopt;
  auto code = d::CreditCode::parse(*s);
  if (!code) {
    error(name, "is not a valid unified social credit code: " + code.error().message);
    return std::nullopt;
  }
  return *code;
}

void FieldReader::reject_unknown(const std::set<std::string, std::less<>>& allowed) {
  for (const auto& [key, unused] : object_.items()) {
    if (!allowed.contains(key))
      error(key, "is not a field of this resource (ids, versions and computed fields are set by the server)");
  }
}

// ---- requests and lists ----------------------------------------------------------------------------------

std::variant<json, Response> parse_object(const Request& request) {
  if (!is_json_media_type(request.headers.get("Content-Type"))) {
    return field_problem(request, 415, "Content-Type",
                         "must be application/json (UTF-8): the body is read as JSON and nothing else");
  }
  if (json_depth(request.body) > kMaxJsonDepth) {
    return field_problem(request, 400, "body",
                         "nests arrays and objects deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  // nlohmann::json keeps the last of two equal keys without a word; other parsers keep the first. Refuse
  // the ambiguity: the callback sees every key of every object as it is read.
  std::vector<KeyFrame> frames;
  std::string duplicate;
  const json::parser_callback_t on_event = [&](int, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      frames.push_back({event == E::object_start, {}, {}, 0});
    } else if (event == E::key) {
      auto& frame = frames.back();
      frame.key = parsed.get<std::string>();
      if (!frame.keys.insert(frame.key).second && duplicate.empty()) duplicate = key_path(frames);
    } else if (event == E::object_end || event == E::array_end) {
      frames.pop_back();
      if (!frames.empty()) ++frames.back().index;
    } else if (event == E::value && !frames.empty()) {
      ++frames.back().index;
    }
    return true;
  };
  json body = json::parse(request.body, on_event, /*allow_exceptions=*/false);
  if (body.is_discarded()) return problem_response(request, 400, "The request body is not valid JSON.");
  if (!body.is_object()) return problem_response(request, 400, "The request body must be a JSON object.");
  if (!duplicate.empty()) {
    return field_problem(request, 400, duplicate,
                         "appears more than once in its object; send each member once");
  }
  return body;
}

std::optional<int> int_query(const Request& request, std::string_view name, int min, int max,
                             std::vector<FieldError>& errors) {
  auto text = request.query_param(name);
  if (!text) return std::nullopt;
  int value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || (*text)[0] == '-' || ec != std::errc{} || ptr != end || value < min || value > max) {
    errors.push_back({std::string(name),
                      "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max)});
    return std::nullopt;
  }
  return value;
}

ListParams list_params(const Api& api, const Request& request,
                       const std::set<std::string, std::less<>>& filters) {
  ListParams params;
  params.window.limit = api.options.default_limit;
  for (const auto& [name, value] : request.query) {
    if (name == "limit") {
      // The one limit parser of the list routes (int_query), as trail and sync use it.
      if (auto limit = int_query(request, "limit", 1, api.options.max_limit, params.errors))
        params.window.limit = *limit;
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

std::string region_filter(Api& api, const Request& request, std::string_view name,
                          std::vector<FieldError>& errors) {
  auto value = request.query_param(name);
  if (!value) return {};
  auto code = d::RegionCode::parse(*value);
  if (!code) {
    errors.push_back({std::string(name), "must be a six-digit GB/T 2260 region code"});
    return {};
  }
  // A well-formed code the regions table does not hold is a typo: say so rather than answer an empty list.
  if (auto region = api.store.region(code->str());
      !region && region.error().code == d::ErrorCode::not_found) {
    errors.push_back({std::string(name), "names no region " + code->str() + " (see GET /api/v1/regions)"});
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
  return d::format_instant(clock::system_clock().now());
}

d::Scope scope_of(const Principal& principal) {
  return d::Scope{principal.region};
}

std::optional<Response> context_problem(const Request& request) {
  auto reason = request.headers.get("X-Reason");
  if (!reason) return std::nullopt;
  std::string message;
  if (reason->size() > kMaxReasonBytes) {
    message = "must be at most " + std::to_string(kMaxReasonBytes) + " bytes";
  } else if (!valid_utf8(*reason)) {
    message = "must be UTF-8 text";
  } else if (auto bad = control_character(*reason, TextKind::line)) {
    message = "must not contain control characters (" + *bad + ")";
  }
  if (message.empty()) return std::nullopt;
  return validation_problem(request, {{"X-Reason", std::move(message)}});
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
  // RFC 7396 removes a member patched to null; keep the null instead, so that the parser tells a nullable
  // member (removed) from one that must not be null (a 422, not a silent return to its default).
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) merged[key] = nullptr;
  }
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

Response update_error(const Request& request, const d::Error& error) {
  // The row changed between our read and our write: for the client this is a failed precondition.
  if (error.code == d::ErrorCode::stale) return problem_response(request, 412, error.message);
  return read_error(request, error);
}

Response idempotent_post(Api& api, const Request& request, const Principal& principal,
                         const WriteWork& work) {
  if (auto problem = context_problem(request)) return *problem;
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
    if (key && d::is_conflict(result.error().code)) {
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
  if (auto problem = context_problem(request)) return *problem;
  std::vector<FieldError> errors;
  const std::string tag(*if_match);
  auto result = api.store.write(write_context(request, principal), std::nullopt,
                                [&](store::LedgerTransaction& tx) { return work(tx, errors, tag); });
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  if (!result) return update_error(request, result.error());
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
