#pragma once
// The socket-free half of an HTTP session (http_server.cpp): the parser's limits, the problem a header or
// body earns before routing, the Request a handler sees, the transport's own routing answers and the
// handler call. Kept apart from the session's I/O so that tests/fuzz drives this very code with bytes
// instead of a socket. Includes Beast (server/asio.hpp): for server/ and its tests only.

#include <optional>
#include <string>
#include <string_view>

#include "server/asio.hpp"
#include "server/http_message.hpp"
#include "server/http_options.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

using BeastRequest = http::request<http::string_body>;
using RequestParser = http::request_parser<http::string_body>;

/** The header that carries a request's id, echoed on every response. */
inline constexpr std::string_view kRequestIdHeader = "X-Request-Id";

/** Sets the configured header and body limits on a fresh parser. */
void apply_limits(RequestParser& parser, const HttpOptions& options);

/**
 * What reading a header (or, called again, a body) earned: 431 past the header limit, 413 for a body
 * declared or found larger than the body limit, 400 for any other parse error, then the framing a proxy in
 * front could read otherwise (request smuggling: unknown Transfer-Encoding 501, TE with Content-Length,
 * repeated Content-Length, missing or repeated Host 400; the caller closes the connection); nullopt when
 * the request may go on.
 */
std::optional<Response> header_problem(const boost::system::error_code& ec, const RequestParser& parser,
                                       const HttpOptions& options, std::string_view request_id);

/**
 * A Request from a parsed (or failed) header: method, the unmatched route, and X-Request-Id echoed when
 * `header_ok` and the id is valid (otherwise a generated one).
 */
Request start_request(const RequestParser& parser, bool header_ok, std::string client_address);

/** Fills target, path, decoded query, headers and body from `req`; a malformed query is a 400. */
std::optional<Response> complete_request(Request& request, BeastRequest& req);

/**
 * The transport's answer when `match` found no handler (400 bad path, 404, 405 with Allow); nullopt when
 * it matched, after setting the request's route and path parameters.
 */
std::optional<Response> routing_problem(RouteMatch& match, Request& request);

/** Runs a handler (not named invoke: ADL on std::function would pick std::invoke); an exception is logged and
 * becomes a 500 that names the request id. */
Response invoke_handler(const Handler& handler, const Request& request);

/** A problem response the transport itself produces (no routed request behind it). */
Response transport_problem(int status, std::string detail, std::string_view request_id,
                           std::string instance = {});

}  // namespace pactwatch::server
