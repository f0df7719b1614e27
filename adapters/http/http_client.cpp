#include "adapters/http/http_client.hpp"

#include "adapters/http/asio.hpp"  // first Boost include: the Boost 1.74 <utility> snag (DESIGN.md §10)

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <charconv>
#include <exception>

namespace pactwatch::http_client {

namespace d = pactwatch::domain;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using asio::awaitable;
using d::ErrorCode;
using d::Result;
using tcp = asio::ip::tcp;

Result<Url> Url::parse(std::string_view text) {
  Url url;
  if (text.starts_with("https://")) {
    url.tls = true;
    url.port = 443;
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    text.remove_prefix(7);
  } else {
    return d::fail(ErrorCode::invalid,
                   "URL must start with http:// or https://, not '" + std::string(text.substr(0, 12)) + "'",
                   "url");
  }
  const auto slash = text.find_first_of("/?");
  std::string_view authority = text.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (url.target.starts_with('?')) url.target.insert(url.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return d::fail(ErrorCode::invalid, "URL must not carry user information", "url");
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return d::fail(ErrorCode::invalid, "URL has a bad port '" + std::string(port) + "'", "url");
    }
    url.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return d::fail(ErrorCode::invalid, "URL has no host", "url");
  url.host = std::string(authority);
  return url;
}

std::string Url::text() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port) + target;
}

bool retryable_status(int status) {
  return status == 408 || status == 425 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, std::mt19937_64& random,
                                        Jitter jitter) {
  const int shift = std::clamp(retry - 1, 0, 30);
  const long long ceiling =
      std::max<long long>(std::min<long long>(max.count(), initial.count() << shift), 0);
  const long long floor = jitter == Jitter::equal ? ceiling / 2 : 0;
  std::uniform_int_distribution<long long> pick(floor, ceiling);
  return std::chrono::milliseconds{pick(random)};
}

std::optional<std::chrono::milliseconds> retry_after_delay(std::string_view header,
                                                           std::chrono::milliseconds cap) {
  // Delta-seconds is what the platforms send; an HTTP-date falls back to the caller's back-off.
  unsigned long seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc{} || end != header.data() + header.size()) return std::nullopt;
  const auto capped_seconds =
      std::min<unsigned long>(seconds, static_cast<unsigned long>(cap.count() / 1000));
  return std::min(std::chrono::milliseconds{static_cast<long long>(capped_seconds) * 1000}, cap);
}

namespace {

/** Where an exchange failed. */
struct Failure {
  boost::system::error_code ec;
  std::string step;
};

auto with(boost::system::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

/** Writes the request and reads the answer on an open (and, for https, handshaken) stream. */
template <class Stream>
awaitable<void> exchange(Stream& stream, const Request& r, const ClientOptions& o, Answer& out, Failure& f) {
  const bool post = r.method == "POST";
  http::request<http::string_body> request{post ? http::verb::post : http::verb::get, r.url.target, 11};
  const bool default_port = r.url.port == (r.url.tls ? 443 : 80);
  request.set(http::field::host, default_port ? r.url.host : r.url.host + ":" + std::to_string(r.url.port));
  request.set(http::field::user_agent, o.user_agent);
  for (const auto& [name, value] : r.headers)
    request.set(name, value);
  if (post) {
    request.body() = r.body;
    request.prepare_payload();
  }
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(o.request_timeout);
  co_await http::async_write(stream, request, with(ec));
  if (ec) {
    f = {ec, "sending the request"};
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.body_limit);
  co_await http::async_read(stream, buffer, parser, with(ec));
  if (ec) {
    f = {ec, "reading the answer"};
    co_return;
  }
  auto& response = parser.get();
  out.status = static_cast<int>(response.result_int());
  out.retry_after = std::string(response[http::field::retry_after]);
  out.body = std::move(response.body());
}

/** Resolves, connects, (https) handshakes, then exchange(); every failure ends in `f`. */
awaitable<void> run(const Request& r, const ClientOptions& o, ssl::context* tls, Answer& out, Failure& f) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  boost::system::error_code ec;
  // The timeouts bound each step: a server that accepts and then stalls cannot hang the caller.
  stream.expires_after(o.connect_timeout);
  auto endpoints = co_await resolver.async_resolve(r.url.host, std::to_string(r.url.port), with(ec));
  if (ec) {
    f = {ec, "resolving " + r.url.host};
    co_return;
  }
  co_await stream.async_connect(endpoints, with(ec));
  if (ec) {
    f = {ec, "connecting"};
    co_return;
  }
  if (tls == nullptr) {
    co_await exchange(stream, r, o, out, f);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
  // SNI for a host name (not for an address literal), and the certificate must name the host.
  boost::system::error_code not_address;
  asio::ip::make_address(r.url.host, not_address);
  if (not_address && !SSL_set_tlsext_host_name(secure.native_handle(), r.url.host.c_str())) {
    f = {boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
         "setting the TLS server name"};
    co_return;
  }
  secure.set_verify_mode(ssl::verify_peer);
  secure.set_verify_callback(ssl::host_name_verification(r.url.host));
  beast::get_lowest_layer(secure).expires_after(o.connect_timeout);
  co_await secure.async_handshake(ssl::stream_base::client, with(ec));
  if (ec) {
    f = {ec, "TLS handshake"};
    co_return;
  }
  co_await exchange(secure, r, o, out, f);
  // No TLS close_notify round trip: the answer is read in full, and a peer that never answers it would
  // only make the caller wait.
  beast::get_lowest_layer(secure).socket().shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace

Result<Answer> send(const Request& request, const ClientOptions& options) {
  const std::string what = request.method + " " + request.url.text();
  if (request.method != "GET" && request.method != "POST")
    return d::fail(ErrorCode::invalid, what + ": only GET and POST are supported");
  std::optional<ssl::context> tls;
  if (request.url.tls) {
    tls.emplace(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (options.ca_file.empty()) {
      tls->set_default_verify_paths(ec);
    } else {
      tls->load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      return d::fail(ErrorCode::unavailable,
                     what + ": loading the trusted CAs" +
                         (options.ca_file.empty() ? std::string{} : " from " + options.ca_file) + ": " +
                         ec.message());
    }
  }
  asio::io_context io;
  Answer answer;
  Failure failure;
  std::exception_ptr error;
  asio::co_spawn(io, run(request, options, tls ? &*tls : nullptr, answer, failure),
                 [&](std::exception_ptr e) { error = e; });
  io.run();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return d::fail(ErrorCode::unavailable, what + ": " + e.what());
    }
  }
  if (failure.ec) {
    const bool timed_out = failure.ec == beast::error::timeout;
    return d::fail(ErrorCode::unavailable,
                   what + ": " + failure.step + ": " + (timed_out ? "timed out" : failure.ec.message()));
  }
  return answer;
}

}  // namespace pactwatch::http_client
