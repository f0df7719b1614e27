#include "adapters/sync/http_feed.hpp"

#include "server/asio.hpp"  // first Boost include: the Boost 1.74 <utility> snag (DESIGN.md §10)

#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "adapters/platform/ocds/reader.hpp"

namespace pactwatch::sync {

namespace d = pactwatch::domain;
namespace ocds = platform::ocds;
using d::ErrorCode;
using d::Result;
using server::asio::awaitable;
namespace asio = server::asio;
namespace beast = server::beast;
namespace http = server::http;
using tcp = server::tcp;

Result<HttpUrl> HttpUrl::parse(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (!text.starts_with(scheme)) {
    return d::fail(ErrorCode::invalid,
                   "feed URL must start with http:// (TLS ends at the gateway), not '" +
                       std::string(text.substr(0, 12)) + "'",
                   "url");
  }
  text.remove_prefix(scheme.size());
  const auto slash = text.find_first_of("/?");
  std::string_view authority = text.substr(0, slash);
  HttpUrl url;
  url.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (url.target.starts_with('?')) url.target.insert(url.target.begin(), '/');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return d::fail(ErrorCode::invalid, "feed URL has a bad port '" + std::string(port) + "'", "url");
    }
    url.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return d::fail(ErrorCode::invalid, "feed URL has no host", "url");
  url.host = std::string(authority);
  return url;
}

std::string HttpUrl::text() const {
  return "http://" + host + ":" + std::to_string(port) + target;
}

std::chrono::milliseconds retry_delay(int retry, const std::string& retry_after, const HttpFeedOptions& o,
                                      std::mt19937_64& random) {
  // Retry-After as delta-seconds is what the platform sends; an HTTP-date falls back to the back-off.
  unsigned long seconds = 0;
  const auto [end, ec] =
      std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (!retry_after.empty() && ec == std::errc{} && end == retry_after.data() + retry_after.size()) {
    return std::chrono::milliseconds{std::min<unsigned long>(seconds, o.max_retry_after.count()) * 1000};
  }
  const int shift = std::clamp(retry - 1, 0, 30);
  const long long ceiling = std::min<long long>(o.max_backoff.count(), o.initial_backoff.count() << shift);
  std::uniform_int_distribution<long long> jitter(0, std::max<long long>(ceiling, 0));
  return std::chrono::milliseconds{jitter(random)};
}

namespace {

/** One GET on its own connection; every failure ends in `failure` with the step that failed. */
awaitable<void> fetch(const HttpUrl& url, const HttpFeedOptions& o, HttpAnswer& out,
                      boost::system::error_code& failure, std::string& step) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  boost::system::error_code ec;
  auto token = [&ec] { return asio::redirect_error(asio::use_awaitable, ec); };
  auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port), token());
  if (ec) {
    failure = ec, step = "resolving " + url.host;
    co_return;
  }
  // The timeouts bound each step: a feed that accepts and then stalls cannot hang the syncer.
  stream.expires_after(o.connect_timeout);
  co_await stream.async_connect(endpoints, token());
  if (ec) {
    failure = ec, step = "connecting";
    co_return;
  }
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.host + ":" + std::to_string(url.port));
  request.set(http::field::user_agent, "pactwatch-sync");
  request.set(http::field::accept, "application/json");
  stream.expires_after(o.request_timeout);
  co_await http::async_write(stream, request, token());
  if (ec) {
    failure = ec, step = "sending the request";
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.body_limit);
  co_await http::async_read(stream, buffer, parser, token());
  if (ec) {
    failure = ec, step = "reading the answer";
    co_return;
  }
  auto& response = parser.get();
  out.status = static_cast<int>(response.result_int());
  out.retry_after = std::string(response[http::field::retry_after]);
  out.body = std::move(response.body());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

bool retryable(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

HttpFeedClient::HttpFeedClient(HttpFeedOptions options)
    : options_(std::move(options)), random_(std::random_device{}()) {}

Result<HttpAnswer> HttpFeedClient::get_once(const HttpUrl& url) {
  asio::io_context io;
  HttpAnswer answer;
  boost::system::error_code failure;
  std::string step;
  std::exception_ptr error;
  asio::co_spawn(io, fetch(url, options_, answer, failure, step), [&](std::exception_ptr e) { error = e; });
  io.run();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return d::fail(ErrorCode::unavailable, "GET " + url.text() + ": " + e.what());
    }
  }
  if (failure) {
    return d::fail(ErrorCode::unavailable, "GET " + url.text() + ": " + step + ": " + failure.message());
  }
  return answer;
}

Result<HttpAnswer> HttpFeedClient::get(const HttpUrl& url, int* retries) {
  Result<HttpAnswer> last = d::fail(ErrorCode::unavailable, "no attempt made");
  for (int attempt = 1; attempt <= std::max(options_.max_attempts, 1); ++attempt) {
    last = get_once(url);
    if (last && !retryable(last->status)) return last;
    if (attempt == options_.max_attempts) break;
    const auto delay = retry_delay(attempt, last ? last->retry_after : std::string{}, options_, random_);
    if (retries) ++*retries;
    if (options_.sleep) {
      options_.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
  return last;
}

Result<FeedReport> sync_ocds_feed(SyncStore& store, const Lease& lease, const std::string& url_text,
                                  const HttpFeedOptions& http_options, const ImportOptions& options) {
  FeedReport report;
  auto cursor = store.cursor(lease.source);
  if (!cursor) return std::unexpected(cursor.error());
  report.cursor_before = report.cursor_after = *cursor;
  auto url = HttpUrl::parse(url_text);
  if (!url) return std::unexpected(url.error());
  if (!cursor->empty()) {
    url->target += (url->target.find('?') == std::string::npos ? "?" : "&") + http_options.since_parameter +
                   "=" + percent_encode(*cursor);
  }
  HttpFeedClient client(http_options);
  for (std::size_t page = 0; page < http_options.max_pages; ++page) {
    int retries = 0;
    auto answer = client.get(*url, &retries);
    report.retries += static_cast<std::size_t>(retries);
    if (!answer) return std::unexpected(answer.error());
    if (answer->status != 200) {
      return d::fail(ErrorCode::unavailable, "GET " + url->text() + " answered " +
                                                 std::to_string(answer->status) + " after " +
                                                 std::to_string(retries) + " retries");
    }
    ++report.pages;
    std::vector<SyncRecord> records;
    std::vector<SyncQuarantine> problems;
    std::string newest = report.cursor_after;
    std::istringstream in(answer->body);
    ocds::read_package(
        in, ocds::ReaderSink{
                [&](ocds::RawRelease&& raw) {
                  const auto date = raw.json.find("date");
                  if (date != raw.json.end() && date->is_string() && date->get<std::string>() > newest)
                    newest = date->get<std::string>();
                  auto mapped = ocds::map_release(raw, options.mapping);
                  records.push_back(from_ocds(std::move(mapped), std::move(raw.text)));
                },
                [&](ocds::QuarantineEntry&& q) {
                  q.location = url->text() + " " + q.location;
                  problems.push_back(from_ocds(q));
                },
            });
    const auto parsed = nlohmann::json::parse(answer->body, nullptr, false);
    if (parsed.is_discarded()) ++report.errors;  // quarantined above as malformed_json
    std::string next;
    if (parsed.is_object() && parsed.contains("links") && parsed["links"].is_object()) {
      const auto& links = parsed["links"];
      if (links.contains("next") && links["next"].is_string()) next = links["next"].get<std::string>();
    }
    auto counts = store.write_batch(lease, records, problems, newest, options.store);
    if (!counts) return std::unexpected(counts.error());
    if (options.after_batch) options.after_batch(*counts);
    report.counts.add(*counts);
    report.cursor_after = newest;
    report.newest_release_date = newest;
    if (next.empty()) break;
    if (next.starts_with('/')) {
      url->target = next;
    } else {
      auto next_url = HttpUrl::parse(next);
      if (!next_url) return std::unexpected(next_url.error());
      url = std::move(next_url);
    }
  }
  return report;
}

}  // namespace pactwatch::sync
