#include "server/http_request.hpp"

#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "server/logging.hpp"

namespace pactwatch::server {

namespace {

constexpr std::size_t kMaxRequestIdLength = 128;

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string generate_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    auto bits = rng();
    for (int i = 0; i < 16; ++i) {
      id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

}  // namespace

void apply_limits(RequestParser& parser, const HttpOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
}

std::optional<Response> header_problem(const boost::system::error_code& ec, const RequestParser& parser,
                                       const HttpOptions& options, std::string_view request_id) {
  if (ec == http::error::header_limit) {
    return transport_problem(
        431, "The request header fields exceed " + std::to_string(options.max_header_bytes) + " bytes.",
        request_id);
  }
  // Beast compares Content-Length with the body limit as soon as the header is parsed.
  auto length = parser.is_header_done() ? parser.content_length() : boost::none;
  if (ec == http::error::body_limit || (!ec && length && *length > options.max_body_bytes)) {
    return transport_problem(
        413, "The request body exceeds " + std::to_string(options.max_body_bytes) + " bytes.", request_id);
  }
  if (ec) return transport_problem(400, "Malformed HTTP request: " + ec.message() + ".", request_id);
  return std::nullopt;
}

Request start_request(const RequestParser& parser, bool header_ok, std::string client_address) {
  Request request;
  request.client_address = std::move(client_address);
  request.method_token = std::string(parser.get().method_string());
  request.method = parse_method(request.method_token);
  request.route = std::string(kUnmatchedRoute);
  auto incoming_id = parser.get()[kRequestIdHeader];
  request.request_id =
      header_ok && valid_request_id(incoming_id) ? std::string(incoming_id) : generate_request_id();
  return request;
}

std::optional<Response> complete_request(Request& request, BeastRequest& req) {
  request.target = std::string(req.target());
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) {
    auto query = parse_query(std::string_view(request.target).substr(question + 1));
    if (!query) {
      return transport_problem(400, "The query string has a malformed percent-escape.", request.request_id);
    }
    request.query = std::move(*query);
  }
  for (const auto& field : req)
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(req.body());
  return std::nullopt;
}

std::optional<Response> routing_problem(RouteMatch& match, Request& request) {
  request.route = match.route;
  switch (match.kind) {
    case RouteMatch::Kind::bad_path:
      return transport_problem(400, "The request path is not a valid percent-encoded absolute path.",
                               request.request_id);
    case RouteMatch::Kind::not_found:
      return transport_problem(404, "No resource at this path.", request.request_id, request.path);
    case RouteMatch::Kind::method_not_allowed: {
      auto response = transport_problem(405, "This resource does not support " + request.method_token + ".",
                                        request.request_id, request.path);
      response.headers.set("Allow", match.allow);
      return response;
    }
    case RouteMatch::Kind::matched:
      break;
  }
  request.path_params = std::move(match.params);
  return std::nullopt;
}

Response invoke_handler(const Handler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    log_event("error", "handler_exception",
              {{"request_id", request.request_id}, {"route", request.route}, {"what", e.what()}});
  } catch (...) {
    log_event("error", "handler_exception", {{"request_id", request.request_id}, {"route", request.route}});
  }
  return transport_problem(
      500, "The server failed to handle this request; quote the request id when reporting it.",
      request.request_id, request.path);
}

Response transport_problem(int status, std::string detail, std::string_view request_id,
                           std::string instance) {
  Problem problem;
  problem.status = status;
  problem.detail = std::move(detail);
  problem.instance = std::move(instance);
  return problem_response(problem, request_id);
}

}  // namespace pactwatch::server
