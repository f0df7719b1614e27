#pragma once
// The OCDS feed over HTTP (DESIGN §7): GETs through the shared client (adapters/http) with connect and
// request timeouts, retries with exponential back-off and full jitter that honour `Retry-After` on 429 and
// 503, and a sync that starts at the stored `since` cursor and pages through `links.next`, storing each page
// as one batch.
// Plain http:// only (the platform's feed sits behind the government network's gateway; TLS is terminated
// there). A page that is not a release package is quarantined, never fatal.

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "adapters/http/http_client.hpp"
#include "adapters/sync/file_import.hpp"
#include "adapters/sync/sync_store.hpp"
#include "domain/result.hpp"

namespace pactwatch::sync {

/** A feed URL: http:// only (TLS ends at the government network's gateway). */
struct HttpUrl : http_client::Url {
  /** Only http://HOST[:PORT][/PATH][?QUERY]; anything else is `invalid` naming what is wrong. */
  static domain::Result<HttpUrl> parse(std::string_view text);
};

/** How the client talks to the feed; defaults documented in docs/SYNC.md. */
struct HttpFeedOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};  ///< writing the request and reading the whole answer
  int max_attempts = 5;                               ///< per page, the first try included
  std::chrono::milliseconds initial_backoff{500};     ///< doubled at each retry, up to max_backoff
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::seconds max_retry_after{300};  ///< a longer Retry-After is capped to this
  std::size_t body_limit = 64 * 1024 * 1024;  ///< bytes of one page
  std::size_t max_pages = 100'000;            ///< guards against a feed whose links.next loops
  std::string since_parameter = "since";
  /** Waits between attempts; tests record instead of sleeping. Empty: std::this_thread::sleep_for. */
  std::function<void(std::chrono::milliseconds)> sleep;
};

/** One answer. */
using HttpAnswer = http_client::Answer;

/**
 * The delay before retry number `retry` (1-based): a random value in [0, min(max, initial * 2^(retry-1))]
 * (full jitter), or the server's Retry-After (delta-seconds, capped) when it gave one.
 */
std::chrono::milliseconds retry_delay(int retry, const std::string& retry_after,
                                      const HttpFeedOptions& options, std::mt19937_64& random);

/** A blocking HTTP/1.1 GET client. */
class HttpFeedClient {
 public:
  explicit HttpFeedClient(HttpFeedOptions options);
  /** One GET, without retries: a connection failure or timeout is `unavailable`. */
  domain::Result<HttpAnswer> get_once(const HttpUrl& url);
  /**
   * GET with retries: connection failures, timeouts, 429, 500, 502, 503 and 504 are retried up to
   * max_attempts; other statuses are returned as they are. `retries` counts the retries made.
   */
  domain::Result<HttpAnswer> get(const HttpUrl& url, int* retries = nullptr);

 private:
  HttpFeedOptions options_;
  std::mt19937_64 random_;
};

/** What one feed sync did. */
struct FeedReport {
  BatchCounts counts;
  std::size_t pages = 0;
  std::size_t retries = 0;
  std::size_t errors = 0;  ///< pages that could not be read as packages (quarantined)
  std::string cursor_before, cursor_after;
  std::string newest_release_date;  ///< for the run's lag
};

/**
 * Syncs an OCDS feed under `lease`: GETs `url` (plus `since=<cursor>` when a cursor is stored), stores each
 * page as one batch whose cursor is the newest release `date` seen so far, and follows `links.next` until a
 * page has none. A page answered with another status after its retries stops the sync with `unavailable`;
 * the pages stored before stay (running again continues from the cursor).
 */
domain::Result<FeedReport> sync_ocds_feed(SyncStore& store, const Lease& lease, const std::string& url,
                                          const HttpFeedOptions& http, const ImportOptions& options);

}  // namespace pactwatch::sync
