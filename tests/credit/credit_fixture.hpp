#pragma once
// The harness of the credit-push tests: the workflow fixture (real server on port 0 over a fresh SQLite or
// MariaDB, the breach workflow's routes) plus the outbox routes, helpers that take breaches to recorded,
// repaired or voided, and a fixture credit platform: the project's HttpServer on a free port whose answers a
// test scripts (fail, stall past the client's timeout, succeed) and which, like the real receiver, keeps each
// record id once.

#include <soci/soci.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "server/api/outbox_routes.hpp"
#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {

/** A stand-in for the credit information sharing platform's intake endpoint, POST /credit. */
class FixtureReceiver {
 public:
  /** One request as received. */
  struct Request {
    std::string idempotency_key, authorization, record_id, event, breach_id;
    int answered = 0;  ///< the status sent back (0 for a stalled request)
  };
  /** What to answer the n-th request (0-based): a status, or 0 to stall past any client timeout. */
  using Script = std::function<int(int n, const Request& request)>;

  explicit FixtureReceiver(Script script = [](int, const Request&) { return 200; })
      : script_(std::move(script)) {
    auto router = std::make_shared<server::Router>();
    router->post("/credit", [this](const server::Request& r) { return receive(r); });
    server::HttpOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 1;
    o.worker_threads = 4;  // a stalled request must not hold up the retry that follows it
    o.access_log = false;
    server_ = std::make_unique<server::HttpServer>(o, router, metrics_);
    server_->start();
  }
  ~FixtureReceiver() {
    stalls_released_ = true;
    server_->stop();
    server_->wait();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/credit"; }
  void set_script(Script script) {
    std::lock_guard lock(mutex_);
    script_ = std::move(script);
  }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /** The records kept, by id: the first accepted body of each (as a receiver that deduplicates keeps them).
   */
  std::map<std::string, json> kept() const {
    std::lock_guard lock(mutex_);
    return kept_;
  }
  /** Accepted (2xx) deliveries per record id, duplicates included. */
  std::map<std::string, int> accepted() const {
    std::lock_guard lock(mutex_);
    std::map<std::string, int> out;
    for (const auto& r : requests_)
      if (r.answered >= 200 && r.answered < 300) ++out[r.record_id];
    return out;
  }

 private:
  server::Response receive(const server::Request& r) {
    Request seen;
    seen.idempotency_key = std::string(r.headers.get("Idempotency-Key").value_or(""));
    seen.authorization = std::string(r.headers.get("Authorization").value_or(""));
    const auto body = json::parse(r.body, nullptr, false);
    if (body.is_object()) {
      seen.record_id = body.value("记录编号", "");
      seen.event = body.value("事件代码", "");
      seen.breach_id = body.value("违诺记录编号", "");
    }
    int status = 0;
    {
      std::lock_guard lock(mutex_);
      status = script_(static_cast<int>(requests_.size()), seen);
      seen.answered = status;
      if (status >= 200 && status < 300) kept_.try_emplace(seen.record_id, body);
      requests_.push_back(seen);
    }
    if (status == 0) {
      // Stall: the client gives up at its request timeout; answer late (and unread) afterwards.
      for (int i = 0; i < 300 && !stalls_released_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
      return server::Response{200, "application/json", "{}", {}};
    }
    return server::Response{status, "application/json", R"({"message":"scripted"})", {}};
  }

  mutable std::mutex mutex_;
  Script script_;
  std::vector<Request> requests_;
  std::map<std::string, json> kept_;
  std::atomic<bool> stalls_released_{false};
  server::Metrics metrics_;
  std::unique_ptr<server::HttpServer> server_;
};

/** The workflow fixture with the outbox routes and breaches that reach the credit events. */
class CreditFixture : public WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    make_ledger();
  }
  void register_routes(server::Router& router) override {
    WorkflowFixture::register_routes(router);
    server::add_outbox_routes(router, *auth_, *database_);
  }

  /** An overdue government promise (BC01, general) detected on 2026-03-01; returns the breach id. */
  std::string detected_breach(const std::string& due = "2026-01-10") {
    const auto c = commitment("government", "policy_promise", due,
                              {{"amount", {{"amount", "500000.00"}, {"currency", "CNY"}}}});
    detect("2026-03-01");
    auto found = breaches_of(c);
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? std::string{} : found[0]["id"].get<std::string>();
  }
  /** verify, order rectification, record (认定失信) on 2026-03-20. */
  std::string recorded_breach(const std::string& due = "2026-01-10") {
    const std::string id = detected_breach(due);
    EXPECT_EQ(act(id, "verify", {{"reason", "核实属实"}, {"as_of", "2026-03-02"}}).status, 200);
    EXPECT_EQ(act(id, "order_rectification",
                  {{"reason", "限期整改"}, {"as_of", "2026-03-03"}, {"deadline_working_days", 10}})
                  .status,
              200);
    auto recorded = act(id, "record", {{"reason", "逾期未整改"}, {"as_of", "2026-03-20"}});
    EXPECT_EQ(recorded.status, 200) << recorded.body;
    return id;
  }
  /** A granted repair (信用修复) on 2026-06-25. */
  void repair(const std::string& id) {
    EXPECT_EQ(
        act(id, "request_repair", {{"reason", "已整改"}, {"as_of", "2026-06-20"}, {"evidence", "付款凭证"}})
            .status,
        200);
    auto granted = act(id, "decide_repair",
                       {{"reason", "符合修复条件"}, {"as_of", "2026-06-25"}, {"decision", "granted"}});
    EXPECT_EQ(granted.status, 200) << granted.body;
  }
  /** An objection filed and upheld (异议成立): the breach is voided. */
  void void_by_objection(const std::string& id) {
    EXPECT_EQ(act(id, "file_objection", {{"reason", "证据不足"}, {"as_of", "2026-04-01"}}).status, 200);
    auto upheld = act(id, "decide_objection",
                      {{"reason", "异议成立"}, {"as_of", "2026-04-10"}, {"decision", "upheld"}});
    EXPECT_EQ(upheld.status, 200) << upheld.body;
  }

  /** Every outbox row (admin's view), in order. */
  std::vector<json> outbox(const std::string& query = {}) {
    return walk("/api/v1/outbox" + (query.empty() ? std::string{} : "?" + query), 2, kAdmin);
  }
  long long count(const std::string& table, const std::string& where = "1 = 1") {
    auto session = database_->acquire();
    long long n = 0;
    *session << "SELECT COUNT(*) FROM " + table + " WHERE " + where, soci::into(n);
    return n;
  }
};

}  // namespace pactwatch::testing
