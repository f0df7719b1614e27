#include "server/http_request.hpp"

#include <random>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/text.hpp"
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

/**
 * Framing that Beast accepts but that another HTTP implementation in front of us could read differently
 * (RFC 9112 §6.1, §6.3; request smuggling): the 400 or 501 to answer before any route runs, or nullopt.
 * - Transfer-Encoding: only `chunked`, once, last (the only coding the server decodes); any other coding
 *   (gzip, identity, xchunked, "chunked, gzip") is a 501, a malformed or empty list a 400, and so is
 *   Transfer-Encoding on an HTTP/1.0 request or together with Content-Length;
 * - Content-Length: at most one field holding one value ("5, 5" or two equal fields are refused too);
 * - Host: exactly one on HTTP/1.1, at most one on HTTP/1.0.
 * The caller closes the connection after answering: what follows the header cannot be framed safely.
 */
std::optional<Response> framing_problem(const BeastRequest& req, std::string_view request_id) {
  int content_lengths = 0, hosts = 0, transfer_encodings = 0;
  std::vector<std::string_view> codings;
  bool malformed = false;
  for (const auto& field : req) {
    const auto name = field.name();
    if (name == http::field::content_length) {
      ++content_lengths;
      if (field.value().find(',') != std::string_view::npos) malformed = true;
    } else if (name == http::field::host) {
      ++hosts;
    } else if (name == http::field::transfer_encoding) {
      ++transfer_encodings;
      std::string_view rest = field.value();
      for (;;) {
        const auto comma = rest.find(',');
        const auto coding = domain::trim_blanks(rest.substr(0, comma));
        if (!coding.empty()) codings.push_back(coding);  // empty list elements are allowed (RFC 9110 §5.6.1)
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
  }
  const auto bad = [&](std::string detail) { return transport_problem(400, std::move(detail), request_id); };
  if (req.version() >= 11 && hosts != 1) {
    return bad(hosts == 0 ? "An HTTP/1.1 request needs a Host header field."
                          : "The request has more than one Host header field.");
  }
  if (hosts > 1) return bad("The request has more than one Host header field.");
  if (content_lengths > 1 || malformed) {
    return bad("The request has more than one Content-Length; send exactly one.");
  }
  if (transfer_encodings == 0) return std::nullopt;
  if (content_lengths > 0) return bad("The request has both Transfer-Encoding and Content-Length.");
  if (req.version() < 11) return bad("Transfer-Encoding is not allowed on an HTTP/1.0 request.");
  if (codings.empty()) return bad("The request's Transfer-Encoding names no transfer coding.");
  int chunked = 0;
  for (const auto coding : codings) {
    if (beast::iequals(coding, "chunked")) {
      ++chunked;
      continue;
    }
    // A parameter on chunked (it has none) or a token that is not a coding at all is malformed framing.
    if (beast::iequals(coding.substr(0, coding.find_first_of("; \t")), "chunked")) {
      return bad("The transfer coding chunked takes no parameters.");
    }
    return transport_problem(501,
                             "The transfer coding \"" + std::string(coding) +
                                 "\" is not supported; send the body as is or chunked.",
                             request_id);
  }
  if (chunked != 1) return bad("The request's Transfer-Encoding names chunked more than once.");
  return std::nullopt;
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
  return framing_problem(parser.get(), request_id);
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
    std::string repeated;
    auto query = parse_query(std::string_view(request.target).substr(question + 1), &repeated);
    if (!query) {
      return transport_problem(400, "The query string has a malformed percent-escape.", request.request_id);
    }
    if (!repeated.empty()) {
      // Like a JSON member named twice: which of the values counts depends on who reads it. Refuse.
      Problem problem;
      problem.status = 400;
      problem.detail =
          "The query parameter " + repeated + " is given more than once; give it once (lists take commas).";
      problem.instance = request.path;
      problem.errors.push_back({repeated, "is given more than once"});
      return problem_response(problem, request.request_id);
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
