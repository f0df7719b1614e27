#include "adapters/sync/http_feed.hpp"

#include <cctype>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/platform/ocds/reader.hpp"

namespace pactwatch::sync {

namespace d = pactwatch::domain;
namespace ocds = platform::ocds;
using d::ErrorCode;
using d::Result;

Result<HttpUrl> HttpUrl::parse(std::string_view text) {
  if (!text.starts_with("http://")) {
    return d::fail(ErrorCode::invalid,
                   "feed URL must start with http:// (TLS ends at the gateway), not '" +
                       std::string(text.substr(0, 12)) + "'",
                   "url");
  }
  auto url = http_client::Url::parse(text);
  if (!url) return d::fail(ErrorCode::invalid, "feed " + url.error().message, "url");
  HttpUrl out;
  static_cast<http_client::Url&>(out) = std::move(*url);
  return out;
}

std::chrono::milliseconds retry_delay(int retry, const std::string& retry_after, const HttpFeedOptions& o,
                                      std::mt19937_64& random) {
  if (auto wait = http_client::retry_after_delay(retry_after, o.max_retry_after)) return *wait;
  return http_client::backoff_delay(retry, o.initial_backoff, o.max_backoff, random);
}

namespace {

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
  http_client::ClientOptions client;
  client.connect_timeout = options_.connect_timeout;
  client.request_timeout = options_.request_timeout;
  client.body_limit = options_.body_limit;
  client.user_agent = "pactwatch-sync";
  return http_client::send({"GET", url, {{"Accept", "application/json"}}, {}}, client);
}

Result<HttpAnswer> HttpFeedClient::get(const HttpUrl& url, int* retries) {
  Result<HttpAnswer> last = d::fail(ErrorCode::unavailable, "no attempt made");
  for (int attempt = 1; attempt <= std::max(options_.max_attempts, 1); ++attempt) {
    last = get_once(url);
    if (last && !http_client::retryable_status(last->status)) return last;
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
