// The shared outbound HTTP(S) client (adapters/http/http_client.hpp): URLs, a POST with its headers and body
// over http://, a timeout, and https:// against a TLS fixture server whose self-signed certificate (made
// here, for 127.0.0.1) is trusted only when given as the CA file.

#include "adapters/http/http_client.hpp"

#include <gmock/gmock.h>

#include "adapters/http/asio.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "server/http_server.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::http_client {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;

// Verifies URLs are taken apart with the scheme's default port, and that other schemes, user information
// and bad ports are refused with a reason.
TEST(HttpClient, ParsesUrls) {
  auto plain = Url::parse("http://feed.example:8080/ocds?x=1");
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->port, 8080);
  EXPECT_EQ(plain->target, "/ocds?x=1");
  auto secure = Url::parse("https://credit.example/api/records");
  ASSERT_TRUE(secure.has_value());
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->text(), "https://credit.example:443/api/records");
  EXPECT_FALSE(Url::parse("ftp://credit.example/").has_value());
  EXPECT_FALSE(Url::parse("https://user:pw@credit.example/").has_value());
  EXPECT_FALSE(Url::parse("https://credit.example:0/").has_value());
  EXPECT_FALSE(Url::parse("https:///x").has_value());
}

// Verifies a POST carries its headers and body and gets the answer's status, body and Retry-After; an
// answer slower than the request timeout is `unavailable` naming the timeout.
TEST(HttpClient, PostsOverHttpAndTimesOut) {
  auto router = std::make_shared<server::Router>();
  std::string seen_key, seen_type, seen_body;
  router->post("/in", [&](const server::Request& r) {
    seen_key = std::string(r.headers.get("Idempotency-Key").value_or(""));
    seen_type = std::string(r.headers.get("Content-Type").value_or(""));
    seen_body = r.body;
    server::Response busy{503, "application/json", R"({"busy":true})", {}};
    busy.headers.set("Retry-After", "7");
    return busy;
  });
  std::atomic<bool> release{false};
  router->post("/slow", [&](const server::Request&) {
    for (int i = 0; i < 300 && !release; ++i)
      std::this_thread::sleep_for(10ms);
    return server::Response{200, "application/json", "{}", {}};
  });
  server::Metrics metrics;
  server::HttpOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.worker_threads = 2;
  o.access_log = false;
  server::HttpServer srv(o, router, metrics);
  srv.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(srv.port());

  ClientOptions client;
  client.request_timeout = 300ms;
  auto answer = send({"POST",
                      *Url::parse(base + "/in"),
                      {{"Idempotency-Key", "brc_1-record"}, {"Content-Type", "application/json"}},
                      R"({"记录编号":"brc_1-record"})"},
                     client);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(answer->retry_after, "7");
  EXPECT_EQ(answer->body, R"({"busy":true})");
  EXPECT_EQ(seen_key, "brc_1-record");
  EXPECT_EQ(seen_type, "application/json");
  EXPECT_EQ(seen_body, R"({"记录编号":"brc_1-record"})");

  auto slow = send({"POST", *Url::parse(base + "/slow"), {}, "{}"}, client);
  release = true;
  ASSERT_FALSE(slow.has_value());
  EXPECT_EQ(slow.error().code, domain::ErrorCode::unavailable);
  EXPECT_THAT(slow.error().message, HasSubstr("timed out"));
  srv.stop();
  srv.wait();
}

/** A P-256 key and a self-signed certificate for IP 127.0.0.1, as PEM. */
struct SelfSigned {
  std::string key_pem, cert_pem;
};

std::string pem_of(const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

SelfSigned make_self_signed() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("pactwatch test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  SelfSigned out{
      pem_of([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); }),
      pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert); })};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

/** An HTTPS server on 127.0.0.1 answering every request 200 with the request's body, one at a time. */
class TlsServer {
 public:
  explicit TlsServer(const SelfSigned& identity) : context_(ssl::context::tls_server), acceptor_(io_) {
    context_.use_certificate_chain(asio::buffer(identity.cert_pem));
    context_.use_private_key(asio::buffer(identity.key_pem), ssl::context::pem);
    const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(at.protocol());
    acceptor_.bind(at);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    // A blocking accept does not wake when the acceptor is closed from here: connect once to end it.
    stop_ = true;
    boost::system::error_code ec;
    asio::ip::tcp::socket wake(io_);
    wake.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int handshakes() const { return handshakes_; }

 private:
  void serve() {
    for (;;) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      beast::ssl_stream<asio::ip::tcp::socket> stream(std::move(socket), context_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      ++handshakes_;
      beast::flat_buffer buffer;
      beast::http::request<beast::http::string_body> request;
      beast::http::read(stream, buffer, request, ec);
      if (ec) continue;
      beast::http::response<beast::http::string_body> response{beast::http::status::ok, 11};
      response.body() = request.body();
      response.prepare_payload();
      beast::http::write(stream, response, ec);
      stream.shutdown(ec);
    }
  }
  asio::io_context io_;
  ssl::context context_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> handshakes_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Verifies https://: the exchange succeeds when the server's certificate chains to the given CA file and
// names the host; with the system's CAs (which do not know it) the TLS handshake fails and nothing is sent;
// https to a plain-HTTP server fails in the handshake too. Every failure is `unavailable` with its step.
TEST(HttpClient, HttpsVerifiesTheCertificate) {
  const SelfSigned identity = make_self_signed();
  const auto dir = testing::make_temp_dir("pactwatch-tls");
  const std::string ca_file = (dir / "ca.pem").string();
  std::ofstream(ca_file) << identity.cert_pem;
  TlsServer tls(identity);
  const auto url = *Url::parse("https://127.0.0.1:" + std::to_string(tls.port()) + "/credit");

  ClientOptions trusting;
  trusting.ca_file = ca_file;
  auto answer = send({"POST", url, {{"Content-Type", "application/json"}}, R"({"ok":1})"}, trusting);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, R"({"ok":1})");

  auto untrusted = send({"POST", url, {}, "{}"}, ClientOptions{});
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_EQ(untrusted.error().code, domain::ErrorCode::unavailable);
  EXPECT_THAT(untrusted.error().message, HasSubstr("TLS handshake"));
  EXPECT_EQ(tls.handshakes(), 1);

  ClientOptions missing;
  missing.ca_file = (dir / "absent.pem").string();
  auto no_ca = send({"POST", url, {}, "{}"}, missing);
  ASSERT_FALSE(no_ca.has_value());
  EXPECT_THAT(no_ca.error().message, HasSubstr("trusted CAs"));

  auto router = std::make_shared<server::Router>();
  server::Metrics metrics;
  server::HttpOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.access_log = false;
  server::HttpServer plain(o, router, metrics);
  plain.start();
  auto not_tls =
      send({"GET", *Url::parse("https://127.0.0.1:" + std::to_string(plain.port()) + "/"), {}, {}}, trusting);
  ASSERT_FALSE(not_tls.has_value());
  EXPECT_THAT(not_tls.error().message, HasSubstr("TLS handshake"));
  plain.stop();
  plain.wait();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pactwatch::http_client
