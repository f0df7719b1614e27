#include "adapters/credit/dispatcher.hpp"

#include <algorithm>

#include "adapters/clock/system_clock.hpp"

namespace pactwatch::credit {

namespace d = pactwatch::domain;
using d::Result;

namespace {

/** The first bytes of an answer's body, on one line, for last_error. */
std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, 200));
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

}  // namespace

std::chrono::milliseconds claim_lease(const DispatchOptions& o) {
  return o.http.connect_timeout + o.http.request_timeout + std::chrono::seconds{5};
}

store::OutboxOutcome decide(const Result<http_client::Answer>& answer, int attempts, const DispatchOptions& o,
                            d::Instant now, std::mt19937_64& random) {
  store::OutboxOutcome out;
  bool retryable = true;
  std::optional<std::chrono::milliseconds> wait;
  if (!answer) {
    out.error = answer.error().message;
  } else {
    out.status = answer->status;
    if (answer->status >= 200 && answer->status < 300) {
      out.state = "sent";
      return out;
    }
    retryable = http_client::retryable_status(answer->status);
    out.error = "HTTP " + std::to_string(answer->status) + ": " + excerpt(answer->body);
    if (retryable) wait = http_client::retry_after_delay(answer->retry_after, o.max_backoff);
  }
  if (!retryable) {
    out.state = "failed";
    out.error = "refused, not retried: " + out.error;
    return out;
  }
  if (attempts >= o.max_attempts) {
    out.state = "failed";
    out.error = "gave up after " + std::to_string(attempts) + " attempts: " + out.error;
    return out;
  }
  out.state = "pending";
  const auto delay = wait ? *wait
                          : http_client::backoff_delay(attempts, o.initial_backoff, o.max_backoff, random,
                                                       http_client::Jitter::equal);
  out.next_attempt_at = d::format_instant(now + delay);
  return out;
}

Dispatcher::Dispatcher(store::OutboxStore& store, DispatchOptions options)
    : store_(store), options_(std::move(options)), random_(std::random_device{}()) {
  if (options_.owner.empty()) options_.owner = "pactwatch";
}

d::Instant Dispatcher::now() const {
  return options_.clock->now();
}

Result<DispatchReport> Dispatcher::run_once(const std::function<bool()>& should_stop,
                                            const std::function<void(const Attempt&)>& on_attempt) {
  auto url = http_client::Url::parse(options_.url);
  if (!url) return std::unexpected(url.error());
  http_client::Request request{"POST", *url, {}, {}};
  DispatchReport report;
  while (!should_stop || !should_stop()) {
    const d::Instant started = now();
    auto claimed = store_.claim(options_.owner, d::format_instant(started),
                                d::format_instant(started + claim_lease(options_)));
    if (!claimed) return std::unexpected(claimed.error());
    if (!*claimed) break;
    Attempt attempt{std::move(**claimed), {}, true, std::nullopt};
    const store::OutboxRow& row = attempt.row;
    if (row.attempts > options_.max_attempts) {
      // Only a sender that stopped in the middle of its attempts gets here (each claim counts one).
      attempt.outcome = {"failed",
                         row.last_status,
                         "gave up after " + std::to_string(row.attempts - 1) +
                             " attempts (the last ones interrupted): " + row.last_error,
                         {}};
    } else {
      request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                         {"Accept", "application/json"},
                         {"Idempotency-Key", row.id}};
      if (!options_.bearer_token.empty())
        request.headers.emplace_back("Authorization", "Bearer " + options_.bearer_token);
      request.body = row.payload;
      const auto answer = http_client::send(request, options_.http);
      attempt.outcome = decide(answer, row.attempts, options_, now(), random_);
      if (attempt.outcome.state == "sent" && options_.after_delivery) options_.after_delivery(row);
    }
    const d::Instant ended = now();
    auto settled = store_.settle(row, attempt.outcome, d::format_instant(ended));
    if (!settled) return std::unexpected(settled.error());
    attempt.settled = *settled;
    if (attempt.outcome.state == "sent") {
      if (auto created = d::parse_instant(row.created_at))
        attempt.delivery_latency = std::chrono::duration_cast<std::chrono::milliseconds>(ended - *created);
    }
    if (!attempt.settled) {
      ++report.lost;
    } else if (attempt.outcome.state == "sent") {
      ++report.sent;
    } else if (attempt.outcome.state == "pending") {
      ++report.retried;
    } else {
      ++report.failed;
    }
    if (on_attempt) on_attempt(attempt);
    report.attempts.push_back(std::move(attempt));
  }
  return report;
}

}  // namespace pactwatch::credit
