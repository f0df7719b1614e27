#include "server/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "tests/server/test_client.hpp"

namespace pactwatch::server {
namespace {

using testing::ClientResponse;
using testing::fetch;
using ::testing::HasSubstr;
using testing::TestClient;

/** A gate a test route waits on, so that a request can be held in flight. */
class Gate {
 public:
  void wait_entered() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }
  void enter_and_wait() {
    std::unique_lock lock(mutex_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
};

/** Starts the real server on port 0 with a few test routes. */
class HttpServerTest : public ::testing::Test {
 protected:
  HttpOptions options() {
    HttpOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.worker_threads = 2;
    o.header_timeout = std::chrono::milliseconds(300);
    o.idle_timeout = std::chrono::milliseconds(600);
    o.shutdown_grace = std::chrono::seconds(5);
    o.access_log = false;
    return o;
  }

  std::shared_ptr<Router> make_router() {
    auto router = std::make_shared<Router>();
    router->get(
        "/hello",
        [this](const Request&) {
          record_thread(inline_threads_);
          return json_response(200, {{"hello", "world"}});
        },
        Execution::inline_io);
    router->get("/things/{id}", [this](const Request& r) {
      record_thread(blocking_threads_);
      return json_response(200, {{"id", r.param("id")}, {"q", r.query_param("q").value_or("")}});
    });
    router->add(Method::delete_, "/things/{id}", [](const Request&) { return Response{204, {}, {}, {}}; });
    router->post("/echo", [](const Request& r) {
      Response response;
      response.content_type = "text/plain";
      response.body = r.body;
      return response;
    });
    router->get("/throw", [](const Request&) -> Response { throw std::runtime_error("boom"); });
    router->get("/block", [this](const Request&) {
      gate_.enter_and_wait();
      return json_response(200, {{"done", true}});
    });
    return router;
  }

  void start(HttpOptions o) {
    server_ = std::make_unique<HttpServer>(o, make_router(), metrics_);
    server_->start();
    port_ = server_->port();
  }
  void start() { start(options()); }

  void TearDown() override {
    gate_.release();
    server_.reset();
  }

  void record_thread(std::set<std::thread::id>& into) {
    std::lock_guard lock(threads_mutex_);
    into.insert(std::this_thread::get_id());
  }

  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  Gate gate_;
  std::mutex threads_mutex_;
  std::set<std::thread::id> inline_threads_;
  std::set<std::thread::id> blocking_threads_;
};

void expect_problem(const ClientResponse& response, int status) {
  EXPECT_EQ(response.status, status);
  EXPECT_EQ(response.header("content-type"), "application/problem+json");
  auto body = response.json();
  EXPECT_EQ(body.at("status"), status);
  EXPECT_TRUE(body.at("type").is_string());
  EXPECT_TRUE(body.at("title").is_string());
  EXPECT_FALSE(body.at("title").get<std::string>().empty());
  EXPECT_TRUE(body.at("detail").is_string());
  EXPECT_EQ(body.at("request_id"), response.header("x-request-id"));
}

// Verifies that the port-0 server picks a real port and answers a plain GET with JSON.
TEST_F(HttpServerTest, ServesJsonOnAChosenPort) {
  start();
  ASSERT_NE(port_, 0);
  auto response = fetch(port_, "GET", "/hello");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.json(), nlohmann::json({{"hello", "world"}}));
  EXPECT_FALSE(response.header("date").empty());
}

// Verifies HTTP/1.1 keep-alive: several requests, inline and blocking, on one connection.
TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  TestClient client(port_);
  for (int i = 0; i < 5; ++i) {
    auto hello = client.request("GET", "/hello");
    EXPECT_EQ(hello.status, 200);
    EXPECT_TRUE(hello.keep_alive);
    auto thing = client.request("GET", "/things/t-" + std::to_string(i) + "?q=a%20b");
    EXPECT_EQ(thing.status, 200);
    EXPECT_EQ(thing.json().at("id"), "t-" + std::to_string(i));
    EXPECT_EQ(thing.json().at("q"), "a b");
  }
  auto echo = client.request("POST", "/echo", {}, "payload");
  EXPECT_EQ(echo.body, "payload");
}

// Verifies that a path-parameter is percent-decoded before the handler sees it.
TEST_F(HttpServerTest, PathParametersAreDecoded) {
  start();
  auto response = fetch(port_, "GET", "/things/%E6%A5%9A%E9%9B%84");
  EXPECT_EQ(response.json().at("id"), "楚雄");
}

// Verifies 404 for an unknown path, as problem+json with the request id.
TEST_F(HttpServerTest, UnknownPathIsProblem404) {
  start();
  auto response = fetch(port_, "GET", "/nope");
  expect_problem(response, 404);
  EXPECT_EQ(response.json().at("instance"), "/nope");
}

// Verifies 405 for a known path with a wrong method, with an Allow header listing the methods.
TEST_F(HttpServerTest, WrongMethodIsProblem405WithAllow) {
  start();
  auto response = fetch(port_, "PUT", "/things/1", {}, "{}");
  expect_problem(response, 405);
  EXPECT_EQ(response.header("allow"), "DELETE, GET, HEAD");
  auto post = fetch(port_, "POST", "/hello");
  expect_problem(post, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
}

// Verifies that HEAD works where GET does: same status and headers, Content-Length of the GET body, no body.
TEST_F(HttpServerTest, HeadMirrorsGetWithoutBody) {
  start();
  TestClient client(port_);
  auto get = client.request("GET", "/things/x");
  auto head = client.request("HEAD", "/things/x");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.header("content-type"), get.header("content-type"));
  // The connection is still usable afterwards: the HEAD response carried no stray body bytes.
  EXPECT_EQ(client.request("GET", "/hello").status, 200);
}

// Verifies 413 for a declared oversized body, answered before the body is sent, and the connection closed.
TEST_F(HttpServerTest, OversizedBodyIs413BeforeReadingIt) {
  auto o = options();
  o.max_body_bytes = 1024;
  start(o);
  TestClient client(port_);
  client.send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\n");
  auto response = client.read_response();
  expect_problem(response, 413);
  EXPECT_FALSE(response.keep_alive);
  EXPECT_TRUE(client.closed_by_server_within(std::chrono::seconds(3)));
}

// Verifies 413 for a chunked body that grows past the limit (no Content-Length to decide on).
TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  auto o = options();
  o.max_body_bytes = 1024;
  start(o);
  TestClient client(port_);
  std::string chunk(2000, 'x');
  client.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + chunk +
                  "\r\n0\r\n\r\n");
  expect_problem(client.read_response(), 413);
}

// Verifies that a body within the limit passes unchanged.
TEST_F(HttpServerTest, BodyWithinLimitIsDelivered) {
  start();
  std::string body(512 * 1024, 'b');
  EXPECT_EQ(fetch(port_, "POST", "/echo", {}, body).body, body);
}

// Verifies 431 for request headers larger than the limit.
TEST_F(HttpServerTest, OversizedHeadersAre431) {
  start();
  TestClient client(port_);
  client.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
  auto response = client.read_response();
  expect_problem(response, 431);
  EXPECT_FALSE(response.keep_alive);
}

// Verifies that a malformed request line is a 400 problem, not a crash or silence.
TEST_F(HttpServerTest, MalformedRequestIs400) {
  start();
  TestClient client(port_);
  client.send_raw("GET /hello HTTP/9\r\n\r\n");
  expect_problem(client.read_response(), 400);
  EXPECT_EQ(fetch(port_, "GET", "/hello").status, 200);
}

// Verifies that a malformed percent-escape in the query is a 400 problem.
TEST_F(HttpServerTest, MalformedQueryIs400) {
  start();
  expect_problem(fetch(port_, "GET", "/things/1?q=%zz"), 400);
}

// Verifies that a valid incoming X-Request-Id is echoed and an invalid or missing one is replaced.
TEST_F(HttpServerTest, RequestIdIsEchoedOrGenerated) {
  start();
  EXPECT_EQ(fetch(port_, "GET", "/hello", {{"X-Request-Id", "abc-123_X.y"}}).header("x-request-id"),
            "abc-123_X.y");

  auto generated = fetch(port_, "GET", "/hello").header("x-request-id");
  EXPECT_THAT(generated, ::testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(generated, fetch(port_, "GET", "/hello").header("x-request-id"));

  auto invalid =
      fetch(port_, "GET", "/hello", {{"X-Request-Id", "has space<script>"}}).header("x-request-id");
  EXPECT_THAT(invalid, ::testing::MatchesRegex("[0-9a-f]{32}"));
  auto too_long =
      fetch(port_, "GET", "/hello", {{"X-Request-Id", std::string(129, 'a')}}).header("x-request-id");
  EXPECT_THAT(too_long, ::testing::MatchesRegex("[0-9a-f]{32}"));

  // Error responses carry it too, in the header and the problem body.
  auto problem = fetch(port_, "GET", "/nope", {{"X-Request-Id", "trace-1"}});
  EXPECT_EQ(problem.header("x-request-id"), "trace-1");
  EXPECT_EQ(problem.json().at("request_id"), "trace-1");
}

// Verifies the header read deadline: a client that sends part of a header is disconnected.
TEST_F(HttpServerTest, PartialHeaderIsClosedAtTheDeadline) {
  start();  // header_timeout 300 ms
  TestClient client(port_);
  client.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\n");
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_server_within(std::chrono::seconds(3)));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(200));
}

// Verifies that a connection that never sends anything is closed at the header deadline.
TEST_F(HttpServerTest, SilentConnectionIsClosedAtTheDeadline) {
  start();
  TestClient client(port_);
  EXPECT_TRUE(client.closed_by_server_within(std::chrono::seconds(3)));
}

// Verifies the keep-alive idle timeout: an idle connection stays open for a while, then is closed.
TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  start();  // idle_timeout 600 ms
  TestClient client(port_);
  EXPECT_EQ(client.request("GET", "/hello").status, 200);
  EXPECT_FALSE(client.closed_by_server_within(std::chrono::milliseconds(350)));
  TestClient other(port_);
  EXPECT_EQ(other.request("GET", "/hello").status, 200);
  EXPECT_TRUE(other.closed_by_server_within(std::chrono::seconds(3)));
}

// Verifies the connection cap: beyond max_connections a new connection is closed at once, and
// capacity returns once an open one closes.
TEST_F(HttpServerTest, ConnectionsBeyondTheCapAreClosedAtOnce) {
  auto o = options();
  o.max_connections = 2;
  o.header_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  start(o);
  auto first = std::make_unique<TestClient>(port_);
  TestClient second(port_);
  EXPECT_EQ(first->request("GET", "/hello").status, 200);
  EXPECT_EQ(second.request("GET", "/hello").status, 200);

  TestClient third(port_);
  EXPECT_TRUE(third.closed_by_server_within(std::chrono::seconds(2)));
  EXPECT_THAT(metrics_.render(), HasSubstr("pactwatch_http_connections_rejected_total 1"));

  first.reset();
  // The server notices the close asynchronously; retry briefly.
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    try {
      status = fetch(port_, "GET", "/hello").status;
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_EQ(status, 200);
}

// Verifies graceful shutdown: the in-flight request still gets its 200, new connections are refused,
// and stop() + wait() return without waiting for the grace period to run out.
TEST_F(HttpServerTest, StopLetsInFlightRequestFinishAndRefusesNewConnections) {
  start();
  TestClient idle(port_);
  EXPECT_EQ(idle.request("GET", "/hello").status, 200);

  auto in_flight = std::async(std::launch::async, [port = port_] { return fetch(port, "GET", "/block"); });
  gate_.wait_entered();

  server_->stop();
  EXPECT_TRUE(testing::connection_refused(port_));
  EXPECT_TRUE(idle.closed_by_server_within(std::chrono::seconds(2)));  // idle keep-alive closed at once

  gate_.release();
  auto response = in_flight.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.json().at("done"), true);
  EXPECT_FALSE(response.keep_alive);

  auto begin = std::chrono::steady_clock::now();
  server_->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(4));
}

// Verifies that shutdown closes a request that outlives the grace period instead of waiting forever.
TEST_F(HttpServerTest, StopClosesRequestsThatOutliveTheGrace) {
  auto o = options();
  o.shutdown_grace = std::chrono::milliseconds(200);
  start(o);
  TestClient client(port_);
  client.send_raw("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  gate_.wait_entered();
  server_->stop();
  EXPECT_TRUE(client.closed_by_server_within(std::chrono::seconds(3)));
  gate_.release();
  server_->wait();
}

// Verifies that a port already in use makes start() throw, and that the server can then be destroyed.
TEST_F(HttpServerTest, StartThrowsWhenThePortIsTaken) {
  start();
  auto o = options();
  o.port = port_;
  o.max_connections = 1;
  Metrics other_metrics;
  auto other = std::make_unique<HttpServer>(o, make_router(), other_metrics);
  EXPECT_THROW(other->start(), std::system_error);
  other.reset();  // must not hang
  EXPECT_EQ(fetch(port_, "GET", "/hello").status, 200);
}

// Verifies that SIGTERM makes run_until_signalled() stop gracefully and return 0 (the executable's exit
// code), with the in-flight request answered.
TEST_F(HttpServerTest, SigtermStopsGracefullyAndReturnsZero) {
  auto o = options();
  server_ = std::make_unique<HttpServer>(o, make_router(), metrics_);
  auto result = std::async(std::launch::async, [this] { return server_->run_until_signalled(); });
  // run_until_signalled() installs its handlers before it starts listening: once a port is bound, a
  // signal is safe to send.
  for (int i = 0; i < 5000 && server_->port() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_NE(server_->port(), 0);
  port_ = server_->port();
  auto in_flight = std::async(std::launch::async, [port = port_] { return fetch(port, "GET", "/block"); });
  gate_.wait_entered();

  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!testing::connection_refused(port_) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(testing::connection_refused(port_));
  gate_.release();
  EXPECT_EQ(in_flight.get().status, 200);
  ASSERT_EQ(result.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(result.get(), 0);
}

// Verifies that a throwing handler becomes a 500 problem with the request id and the server keeps serving.
TEST_F(HttpServerTest, ThrowingHandlerIs500AndServerKeepsServing) {
  start();
  TestClient client(port_);
  auto response = client.request("GET", "/throw", {{"X-Request-Id", "req-500"}});
  expect_problem(response, 500);
  EXPECT_EQ(response.json().at("request_id"), "req-500");
  EXPECT_THAT(response.body, ::testing::Not(HasSubstr("boom")));  // internals do not leak
  EXPECT_EQ(client.request("GET", "/hello").status, 200);
  EXPECT_EQ(fetch(port_, "GET", "/hello").status, 200);
}

// Verifies that blocking routes run on worker threads and inline routes on I/O threads, never the same.
TEST_F(HttpServerTest, BlockingRoutesDoNotRunOnIoThreads) {
  start();
  TestClient client(port_);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(client.request("GET", "/hello").status, 200);
    EXPECT_EQ(client.request("GET", "/things/1").status, 200);
    EXPECT_EQ(fetch(port_, "GET", "/hello").status, 200);
  }
  std::lock_guard lock(threads_mutex_);
  ASSERT_FALSE(inline_threads_.empty());
  ASSERT_FALSE(blocking_threads_.empty());
  for (auto id : blocking_threads_)
    EXPECT_FALSE(inline_threads_.contains(id));
}

// Verifies that when the worker queue is full, a blocking request is shed with 503 and Retry-After.
TEST_F(HttpServerTest, FullWorkerQueueIs503) {
  auto o = options();
  o.max_pending_blocking = 1;
  start(o);
  auto in_flight = std::async(std::launch::async, [port = port_] { return fetch(port, "GET", "/block"); });
  gate_.wait_entered();
  auto shed = fetch(port_, "GET", "/things/1");
  expect_problem(shed, 503);
  EXPECT_EQ(shed.header("retry-after"), "1");
  EXPECT_EQ(fetch(port_, "GET", "/hello").status, 200);  // inline routes still answer
  gate_.release();
  EXPECT_EQ(in_flight.get().status, 200);
}

// Verifies request metrics: counters by route template (not raw path), method and status; the
// latency histogram; and the connection and in-flight gauges.
TEST_F(HttpServerTest, MetricsCountRequestsByRouteTemplate) {
  start();
  TestClient client(port_);
  client.request("GET", "/things/a");
  client.request("GET", "/things/b");
  client.request("GET", "/nope/1");
  client.request("GET", "/nope/2");
  client.request("PUT", "/things/c", {}, "x");
  // A session records a request after writing its response and before reading the next one, so once
  // this last answer arrives, the five above are recorded.
  client.request("GET", "/hello");
  auto text = metrics_.render();
  EXPECT_THAT(
      text,
      HasSubstr("pactwatch_http_requests_total{route=\"/things/{id}\",method=\"GET\",status=\"200\"} 2"));
  EXPECT_THAT(
      text, HasSubstr("pactwatch_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 2"));
  EXPECT_THAT(
      text,
      HasSubstr("pactwatch_http_requests_total{route=\"/things/{id}\",method=\"PUT\",status=\"405\"} 1"));
  EXPECT_THAT(text, HasSubstr("pactwatch_http_request_duration_seconds_count{route=\"/things/{id}\"} 3"));
  EXPECT_THAT(
      text,
      HasSubstr("pactwatch_http_request_duration_seconds_bucket{route=\"/things/{id}\",le=\"+Inf\"} 3"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("/things/a")));
  EXPECT_THAT(text, HasSubstr("pactwatch_http_open_connections 1"));
  // In-flight drops right after the last write; give it a moment instead of racing it.
  for (int i = 0; i < 100 && metrics_.in_flight().value() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_THAT(metrics_.render(), HasSubstr("pactwatch_http_requests_in_flight 0"));
}

}  // namespace
}  // namespace pactwatch::server
