#pragma once
// A small blocking HTTP/1.1 client for the server tests: well-formed requests through Beast, raw bytes
// for malformed ones, and a way to tell whether the server closed the connection. Every read has a
// receive timeout so a broken server fails a test instead of hanging it.

#include "server/asio.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pactwatch::server::testing {

/** A response as the tests look at it; header names are lower-cased. */
struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  bool keep_alive = true;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
  bool has_header(const std::string& lower_name) const { return headers.contains(lower_name); }
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

/** One TCP connection to the server under test. Every operation has a deadline (default 10 s). */
class TestClient {
 public:
  explicit TestClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : stream_(ioc_), timeout_(timeout) {
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  /** Sends a request and reads its response on this connection. */
  ClientResponse request(const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::string& body = {}) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers)
      req.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT") {
      req.body() = body;
      req.prepare_payload();
    }
    boost::system::error_code ec;
    stream_.expires_after(timeout_);
    http::async_write(stream_, req, [&](boost::system::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) throw boost::system::system_error(ec, "write request");
    return read_response(method == "HEAD");
  }

  /** Writes bytes as they are (for malformed or partial requests). */
  void send_raw(std::string_view bytes) {
    boost::system::error_code ec;
    stream_.expires_after(timeout_);
    asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                      [&](boost::system::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) throw boost::system::system_error(ec, "write raw");
  }

  /** Reads one response; throws boost::system::system_error when the connection fails or times out. */
  ClientResponse read_response(bool head_request = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head_request);  // a response to HEAD has headers only
    boost::system::error_code ec;
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser, [&](boost::system::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) throw boost::system::system_error(ec, "read response");
    auto& res = parser.get();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.keep_alive = res.keep_alive();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = res.body();
    return out;
  }

  /**
   * True when the server closes the connection (EOF or reset) within `within`; false when the
   * connection stays open that long. Bytes the server sends meanwhile are discarded.
   */
  bool closed_by_server_within(std::chrono::milliseconds within) {
    stream_.expires_after(within);
    char scratch[4096];
    for (;;) {
      boost::system::error_code ec;
      stream_.async_read_some(asio::buffer(scratch),
                              [&](boost::system::error_code e, std::size_t) { ec = e; });
      run();
      if (ec == beast::error::timeout) return false;
      if (ec) return true;  // eof, reset: closed
    }
  }

 private:
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  beast::tcp_stream stream_;
  std::chrono::milliseconds timeout_;
  beast::flat_buffer buffer_;
};

/** One request on a fresh connection. */
inline ClientResponse fetch(std::uint16_t port, const std::string& method, const std::string& target,
                            const std::vector<std::pair<std::string, std::string>>& headers = {},
                            const std::string& body = {}) {
  TestClient client(port);
  return client.request(method, target, headers, body);
}

/** True when a TCP connect to the port is refused. */
inline bool connection_refused(std::uint16_t port) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return ec == asio::error::connection_refused;
}

}  // namespace pactwatch::server::testing
