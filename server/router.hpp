#pragma once
// Routes by method and path template ("/api/v1/bodies/{id}"). Knows nothing of sockets: the HTTP server
// asks it to resolve a request, then runs the handler inline or on the worker pool as the route says.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.hpp"

namespace pactwatch::server {

/** A handler turns a routed request into a response. It may throw; the server answers 500 then. */
using Handler = std::function<Response(const Request&)>;

/** Where a handler runs. */
enum class Execution {
  blocking,  ///< may block (database work): runs on the worker thread pool
  inline_io  ///< cheap and non-blocking (healthz, version, metrics): runs on the I/O thread
};

/** One route as listed by Router::routes() (e.g. to compare with the OpenAPI document). */
struct RouteInfo {
  Method method = Method::get;
  std::string path_template;
  Execution execution = Execution::blocking;
};

/** The label used for metrics and logs when no route matched, so cardinality stays bounded. */
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

/** The result of resolving a method and path. */
struct RouteMatch {
  enum class Kind { matched, not_found, method_not_allowed, bad_path };
  Kind kind = Kind::not_found;
  const Handler* handler = nullptr;  ///< set when matched
  Execution execution = Execution::blocking;
  std::string route = std::string(kUnmatchedRoute);        ///< the template, or "unmatched"
  std::map<std::string, std::string, std::less<>> params;  ///< decoded path parameters
  std::string allow;                                       ///< for method_not_allowed: "GET, HEAD, POST"
};

/** A table of routes. Build it once at start-up; resolving is then read-only and thread-safe. */
class Router {
 public:
  /**
   * Adds a route. Templates are absolute paths whose segments are literals or `{name}`; a literal
   * segment is preferred over a parameter at the same position. HEAD is served by GET routes unless a
   * HEAD route is added. Throws std::invalid_argument on a malformed or duplicate template (a
   * programming error at start-up, not a runtime condition).
   */
  Router& add(Method method, std::string path_template, Handler handler,
              Execution execution = Execution::blocking);
  Router& get(std::string path_template, Handler handler, Execution execution = Execution::blocking) {
    return add(Method::get, std::move(path_template), std::move(handler), execution);
  }
  Router& post(std::string path_template, Handler handler, Execution execution = Execution::blocking) {
    return add(Method::post, std::move(path_template), std::move(handler), execution);
  }

  /** Resolves `path` (still percent-encoded, without query) for `method`. */
  RouteMatch resolve(Method method, std::string_view path) const;

  /** Every route in the order added. */
  std::vector<RouteInfo> routes() const;

 private:
  struct Segment {
    std::string text;  ///< the literal, or the parameter's name
    bool parameter = false;
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

/** Decodes %XX escapes (and '+' as space when `plus_as_space`); nullopt on a malformed escape. */
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = false);

/**
 * Parses "a=1&b=x%20y" into decoded pairs (first value of a key wins); nullopt on a malformed escape. When
 * `repeated` is given, it receives the first key that appears more than once (the server refuses those: a
 * proxy that reads the last value would see another request than we do).
 */
std::optional<std::map<std::string, std::string, std::less<>>> parse_query(std::string_view query,
                                                                           std::string* repeated = nullptr);

}  // namespace pactwatch::server
