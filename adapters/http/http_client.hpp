#pragma once
// A small blocking HTTP/1.1 client for the service's outbound calls: the OCDS feed (adapters/sync) GETs
// release packages, the credit-platform push (adapters/credit) POSTs records. One request per connection,
// over http:// or https:// (TLS 1.2+, the peer's certificate and host name verified against the system's
// CA store or a given CA file), with a connect timeout and a timeout on the rest of the exchange, so that a
// server that accepts and then stalls cannot hang the caller. Retrying is the caller's choice; the back-off
// helpers below are shared so that every caller waits the same way.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.hpp"

namespace pactwatch::http_client {

/** An http:// or https:// URL taken apart. */
struct Url {
  bool tls = false;  ///< https
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";  ///< path and query
  /** http(s)://HOST[:PORT][/PATH][?QUERY]; anything else is `invalid` (field "url") naming what is wrong. */
  static domain::Result<Url> parse(std::string_view text);
  /** The URL with its port, e.g. "https://credit.example:443/api". */
  std::string text() const;
};

/** Timeouts and limits of one exchange. */
struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};   ///< resolving and connecting (and the TLS handshake)
  std::chrono::milliseconds request_timeout{30'000};  ///< writing the request and reading the whole answer
  std::size_t body_limit = 64 * 1024 * 1024;          ///< bytes of the answer's body
  std::string ca_file;  ///< https: PEM file of trusted CAs; empty: the system's default store
  std::string user_agent = "pactwatch";
};

/** One request. */
struct Request {
  std::string method = "GET";  ///< GET or POST
  Url url;
  std::vector<std::pair<std::string, std::string>> headers;  ///< sent as given (Host is set from the URL)
  std::string body;                                          ///< POST only
};

/** One answer. */
struct Answer {
  int status = 0;
  std::string body;
  std::string retry_after;  ///< the Retry-After header's text, empty when absent
};

/**
 * Sends one request on a new connection and reads the whole answer; no retries. A failure to resolve,
 * connect, complete the TLS handshake (certificate not trusted, wrong host) or exchange within the timeouts
 * is `unavailable`, with the step that failed in the message. Any HTTP status is an answer.
 */
domain::Result<Answer> send(const Request& request, const ClientOptions& options);

/** True for the statuses worth retrying: 408, 425, 429, 500, 502, 503, 504. */
bool retryable_status(int status);

/** How much of the back-off ceiling is random. */
enum class Jitter {
  full,   ///< anywhere in [0, ceiling]: spreads retries best, but may retry at once
  equal,  ///< in [ceiling / 2, ceiling]: never sooner than half the ceiling
};

/**
 * The wait before retry number `retry` (1-based) under the ceiling min(max, initial * 2^(retry-1)):
 * exponential back-off with jitter, so that callers that failed together do not retry together.
 */
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, std::mt19937_64& random,
                                        Jitter jitter = Jitter::full);

/** A Retry-After of delta-seconds as a wait, capped at `cap`; nullopt when absent or an HTTP-date. */
std::optional<std::chrono::milliseconds> retry_after_delay(std::string_view header,
                                                           std::chrono::milliseconds cap);

}  // namespace pactwatch::http_client
