// Message framing over raw sockets (issue 13): a request whose body length the server cannot determine
// the way every other HTTP implementation would (an unknown Transfer-Encoding, Transfer-Encoding with
// Content-Length, two Content-Lengths, no Host on HTTP/1.1) is answered with an error, never handed to a
// route, and the connection is closed, so that the bytes after it are never read as a second request
// (request smuggling, RFC 9112 §6.1 and §6.3).
#include "server/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "tests/server/test_client.hpp"

namespace pactwatch::server {
namespace {

using testing::ClientResponse;
using testing::TestClient;

/** The real server on port 0 with a route that counts its calls and echoes the body it was given. */
class HttpFramingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 1;
    o.worker_threads = 1;
    o.header_timeout = std::chrono::milliseconds(500);
    o.idle_timeout = std::chrono::milliseconds(500);
    o.access_log = false;
    auto router = std::make_shared<Router>();
    router->post("/echo", [this](const Request& r) {
      ++calls_;
      Response response;
      response.content_type = "text/plain";
      response.body = "echo:" + r.body;
      return response;
    });
    router->get("/smuggled", [this](const Request&) {
      ++smuggled_;
      return json_response(200, {{"smuggled", true}});
    });
    server_ = std::make_unique<HttpServer>(o, router, metrics_);
    server_->start();
  }
  void TearDown() override { server_.reset(); }

  /**
   * Sends `head` (a POST /echo header block without its blank line), then a body of "abcde" and a second,
   * complete request for /smuggled on the same connection. Returns the first response.
   */
  ClientResponse smuggle(TestClient& client, const std::string& head) {
    client.send_raw(head + "\r\n\r\n5\r\nabcde\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    return client.read_response();
  }

  /** Sends `head` as smuggle() does on a fresh connection, with fresh counters, and expects `status`. */
  void expect_smuggling_refused(const std::string& head, int status) {
    calls_ = 0;
    smuggled_ = 0;
    TestClient client(server_->port());
    auto response = smuggle(client, head);
    expect_refused(client, response, status, head);
  }

  /** The framing was refused: `status` problem, the connection closed, no route ran. */
  void expect_refused(TestClient& client, const ClientResponse& response, int status,
                      const std::string& what) {
    EXPECT_EQ(response.status, status) << what;
    EXPECT_EQ(response.header("content-type"), "application/problem+json") << what;
    EXPECT_FALSE(response.keep_alive) << what;
    EXPECT_TRUE(client.closed_by_server_within(std::chrono::seconds(3))) << what;
    EXPECT_EQ(calls_.load(), 0) << what << ": the route ran";
    EXPECT_EQ(smuggled_.load(), 0) << what << ": the bytes after the body were read as a request";
  }

  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> calls_{0};
  std::atomic<int> smuggled_{0};
};

// Verifies a transfer coding the server does not implement (gzip, a misspelt chunked, identity, chunked
// followed by gzip) is a 501, the handler never runs with an empty body, and the trailing bytes are not
// served as a second request.
TEST_F(HttpFramingTest, UnknownTransferCodingIs501AndClosesTheConnection) {
  for (const std::string coding : {"gzip", "xchunked", "chunked, gzip", "identity", "gzip, chunked"})
    expect_smuggling_refused("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding, 501);
}

// Verifies a Transfer-Encoding that is malformed (empty, chunked twice, chunked with a parameter) is a 400,
// and one spread over two fields is judged as a whole (gzip then chunked: 501).
TEST_F(HttpFramingTest, MalformedTransferEncodingIs400) {
  for (const std::string fields :
       {"Transfer-Encoding: ", "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: chunked;x=1",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked"})
    expect_smuggling_refused("POST /echo HTTP/1.1\r\nHost: x\r\n" + fields,
                             fields.find("gzip") != std::string::npos ? 501 : 400);
}

// Verifies Transfer-Encoding together with Content-Length (in either order, whatever the coding) is a 400:
// a front end that trusts the other header would frame the message differently.
TEST_F(HttpFramingTest, TransferEncodingWithContentLengthIs400) {
  for (const std::string fields :
       {"Content-Length: 3\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: 3",
        "Transfer-Encoding: gzip\r\nContent-Length: 3"})
    expect_smuggling_refused("POST /echo HTTP/1.1\r\nHost: x\r\n" + fields, 400);
}

// Verifies two Content-Length fields, or a list in one, are a 400 even when the values agree.
TEST_F(HttpFramingTest, DuplicateContentLengthIs400) {
  for (const std::string fields : {"Content-Length: 5\r\nContent-Length: 5", "Content-Length: 5, 5",
                                   "Content-Length: 5\r\nContent-Length: 7", "Content-Length: +5"}) {
    calls_ = 0;
    smuggled_ = 0;
    TestClient client(server_->port());
    client.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\n" + fields +
                    "\r\n\r\nabcdeGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_refused(client, client.read_response(), 400, fields);
  }
}

// Verifies an HTTP/1.1 request without Host, or with two, is a 400 and closes the connection; HTTP/1.0
// needs none.
TEST_F(HttpFramingTest, Http11RequestNeedsExactlyOneHost) {
  for (const std::string head : {"POST /echo HTTP/1.1\r\nContent-Length: 5",
                                 "POST /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 5"}) {
    calls_ = 0;
    smuggled_ = 0;
    TestClient client(server_->port());
    client.send_raw(head + "\r\n\r\nabcde");
    expect_refused(client, client.read_response(), 400, head);
  }
  TestClient old(server_->port());
  old.send_raw("POST /echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nabcde");
  auto response = old.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "echo:abcde");
}

// Verifies the framings that are right still work on one connection: chunked (any letter case), and a
// single Content-Length.
TEST_F(HttpFramingTest, ChunkedAndContentLengthStillWork) {
  TestClient client(server_->port());
  client.send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n");
  auto chunked = client.read_response();
  EXPECT_EQ(chunked.status, 200);
  EXPECT_EQ(chunked.body, "echo:abcde");
  client.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz");
  auto sized = client.read_response();
  EXPECT_EQ(sized.status, 200);
  EXPECT_EQ(sized.body, "echo:xyz");
  EXPECT_EQ(calls_.load(), 2);
}

// Verifies a query parameter given twice is a 400 naming it (HTTP parameter pollution: the first value won
// here, a proxy may read the last), and the route does not run.
TEST_F(HttpFramingTest, RepeatedQueryParameterIs400) {
  TestClient client(server_->port());
  auto response = client.request("GET", "/smuggled?limit=1&region=532301&limit=500");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json().at("errors").at(0).at("field"), "limit");
  EXPECT_EQ(smuggled_.load(), 0);
  EXPECT_EQ(client.request("GET", "/smuggled?limit=1&region=532301").status, 200);
}

}  // namespace
}  // namespace pactwatch::server
