#pragma once
// Beast-free HTTP request and response types that handlers see, and the helpers that build JSON and
// RFC 9457 problem+json responses. Only server/ knows HTTP; handlers map domain errors through here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/result.hpp"

namespace pactwatch::server {

/** The request methods the router distinguishes; anything else is `other` (and gets a 405). */
enum class Method { get, head, post, put, patch, delete_, options, other };

/** "GET" → Method::get; unknown tokens → Method::other. Case-sensitive, as RFC 9110 says. */
Method parse_method(std::string_view token);
/** Method::get → "GET"; Method::other → "OTHER". */
std::string_view method_name(Method method);

/** Header fields in arrival order; names compare case-insensitively, as RFC 9110 says. */
class Headers {
 public:
  /** Appends a field (does not replace an existing one of the same name). */
  void add(std::string name, std::string value);
  /** Replaces every field of that name by one with this value. */
  void set(std::string_view name, std::string value);
  /** The first value of `name`, if present. */
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  void erase(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/** Case-insensitive ASCII comparison, for header names. */
bool iequals(std::string_view a, std::string_view b);

/** One HTTP request as a handler sees it: already routed, query and path parameters decoded. */
struct Request {
  Method method = Method::get;
  std::string method_token;                               ///< the method as sent ("GET", or an unknown token)
  std::string target;                                     ///< as sent: path and query, still encoded
  std::string path;                                       ///< target up to '?', still encoded
  std::map<std::string, std::string, std::less<>> query;  ///< decoded; first value wins
  std::map<std::string, std::string, std::less<>> path_params;  ///< decoded, from the route template
  std::string route;  ///< the matched route template, e.g. "/api/v1/bodies/{id}"; "unmatched" if none
  Headers headers;
  std::string body;
  std::string request_id;      ///< echoed from X-Request-Id when valid, otherwise generated
  std::string client_address;  ///< "ip:port" of the peer

  /** A path parameter by name; empty when the route has no such parameter. */
  std::string_view param(std::string_view name) const;
  /** A query parameter by name. */
  std::optional<std::string_view> query_param(std::string_view name) const;
};

/** One HTTP response. The server adds X-Request-Id, Content-Length, Date and Connection. */
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;  ///< extra fields (Allow, ETag, Retry-After, …)
};

/** A field-level validation failure inside a problem+json body (`errors: [{field, message}]`). */
struct FieldError {
  std::string field;
  std::string message;
};

/** An RFC 9457 problem; `title` defaults to the status's reason phrase. */
struct Problem {
  int status = 500;
  std::string detail;
  std::string type = "about:blank";
  std::string title;
  std::string instance;            ///< usually the request path
  std::vector<FieldError> errors;  ///< only for validation failures (422/400)
};

/** Problem type URIs of this service (relative references, resolved against the API's base). */
namespace problem_type {
inline constexpr std::string_view validation = "/problems/validation";
inline constexpr std::string_view not_found = "/problems/not-found";
inline constexpr std::string_view conflict = "/problems/conflict";
inline constexpr std::string_view illegal_transition = "/problems/illegal-transition";
inline constexpr std::string_view unavailable = "/problems/unavailable";
}  // namespace problem_type

inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kProblemContentType = "application/problem+json";

/** The reason phrase of a status code ("Not Found"); "Unknown" for codes it does not know. */
std::string_view reason_phrase(int status);

/** A JSON response; invalid UTF-8 in strings is replaced rather than thrown on. */
Response json_response(int status, const nlohmann::json& body);
/** A problem+json response; `request_id` is added to the body when not empty. */
Response problem_response(const Problem& problem, std::string_view request_id = {});
/** Shorthand: a problem with `detail` about `request` (instance = its path, request_id = its id). */
Response problem_response(const Request& request, int status, std::string detail);
/** A 422 (or other status) validation problem listing the offending fields. */
Response validation_problem(const Request& request, std::vector<FieldError> errors, int status = 422);

/** The HTTP status a domain error maps to: invalid 422, not_found 404, conflict 409, … */
int status_for(domain::ErrorCode code);
/** Maps a domain error to a problem+json response (validation errors name their field). */
Response error_response(const Request& request, const domain::Error& error);

}  // namespace pactwatch::server
