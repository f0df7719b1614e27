#include "server/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace pactwatch::server {

namespace {

/** Splits "/a/b/c" into {"a","b","c"}; "/" into {}. The caller has checked the leading '/'. */
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  path.remove_prefix(1);
  if (path.empty()) return segments;
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string, std::less<>>> parse_query(std::string_view query,
                                                                           std::string* repeated) {
  std::map<std::string, std::string, std::less<>> params;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    auto [it, inserted] = params.emplace(std::move(*key), std::move(*value));  // first value wins
    if (!inserted && repeated != nullptr && repeated->empty()) *repeated = it->first;
  }
  return params;
}

Router& Router::add(Method method, std::string path_template, Handler handler, Execution execution) {
  if (path_template.empty() || path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " + path_template);
  }
  if (method == Method::other) throw std::invalid_argument("route needs a concrete method: " + path_template);
  Route route;
  route.info = RouteInfo{method, path_template, execution};
  route.handler = std::move(handler);
  std::set<std::string, std::less<>> names;
  for (auto segment : split_path(path_template)) {
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      std::string name(segment.substr(1, segment.size() - 2));
      if (name.empty() || name.find_first_of("{}/") != std::string::npos || !names.insert(name).second) {
        throw std::invalid_argument("bad parameter in route template: " + path_template);
      }
      route.segments.push_back({std::move(name), true});
    } else if (segment.empty() || segment.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("bad segment in route template: " + path_template);
    } else {
      route.segments.push_back({std::string(segment), false});
    }
  }
  for (const auto& existing : routes_) {
    bool same_shape = existing.info.method == method && existing.segments.size() == route.segments.size() &&
                      std::equal(existing.segments.begin(), existing.segments.end(), route.segments.begin(),
                                 [](const Segment& a, const Segment& b) {
                                   return a.parameter == b.parameter && (a.parameter || a.text == b.text);
                                 });
    if (same_shape) throw std::invalid_argument("duplicate route: " + path_template);
  }
  routes_.push_back(std::move(route));
  return *this;
}

RouteMatch Router::resolve(Method method, std::string_view path) const {
  RouteMatch result;
  if (path.empty() || path.front() != '/') {
    result.kind = RouteMatch::Kind::bad_path;
    return result;
  }
  auto raw_segments = split_path(path);
  std::vector<std::string> segments;
  segments.reserve(raw_segments.size());
  for (auto raw : raw_segments) {
    auto decoded = percent_decode(raw);
    if (!decoded) {
      result.kind = RouteMatch::Kind::bad_path;
      return result;
    }
    segments.push_back(std::move(*decoded));
  }

  // The best match for the method, and every method some route with a matching path accepts. Among
  // matching templates, the one with a literal at the earliest position where they differ wins.
  const Route* best = nullptr;
  const Route* best_any_method = nullptr;
  std::set<std::string_view> allowed;
  auto path_matches = [](const Route& route, const std::vector<std::string>& segs) {
    if (route.segments.size() != segs.size()) return false;
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& seg = route.segments[i];
      if (seg.parameter ? segs[i].empty() : seg.text != segs[i]) return false;
    }
    return true;
  };
  auto more_specific = [](const Route& a, const Route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].parameter != b.segments[i].parameter) return !a.segments[i].parameter;
    }
    return false;
  };
  for (const auto& route : routes_) {
    if (!path_matches(route, segments)) continue;
    if (!best_any_method || more_specific(route, *best_any_method)) best_any_method = &route;
    allowed.insert(method_name(route.info.method));
    if (route.info.method == Method::get) allowed.insert(method_name(Method::head));
    bool method_ok = route.info.method == method;
    if (method_ok && (!best || more_specific(route, *best))) best = &route;
  }
  // HEAD falls back to GET where no HEAD route exists.
  if (!best && method == Method::head) {
    for (const auto& route : routes_) {
      if (route.info.method != Method::get || !path_matches(route, segments)) continue;
      if (!best || more_specific(route, *best)) best = &route;
    }
  }

  if (best) {
    result.kind = RouteMatch::Kind::matched;
    result.handler = &best->handler;
    result.execution = best->info.execution;
    result.route = best->info.path_template;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (best->segments[i].parameter) result.params.emplace(best->segments[i].text, std::move(segments[i]));
    }
    return result;
  }
  if (best_any_method) {
    result.kind = RouteMatch::Kind::method_not_allowed;
    result.route = best_any_method->info.path_template;
    for (auto name : allowed) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += name;
    }
    return result;
  }
  result.kind = RouteMatch::Kind::not_found;
  return result;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_)
    out.push_back(route.info);
  return out;
}

}  // namespace pactwatch::server
