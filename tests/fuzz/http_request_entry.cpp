// Bytes as they arrive on one connection, through the same code a server session runs (server/
// http_request.hpp): the Beast parser with the configured limits, the header and body problems, the
// Request a handler sees, the router and the executable's real routes (build_router) over a SQLite
// database in /dev/shm, with bearer tokens of every role. No socket: the whole input is the buffered
// data, pipelined requests included, and its end is the peer closing.
//
// Checked for every answer: a status between 100 and 599 and never 500 (bad input is a 4xx, never a
// crash or an unhandled exception), JSON bodies that parse, problem bodies whose `status` is the
// response's, and a parser that always makes progress. PACTWATCH_FUZZ_TRACE=1 prints each answer's status,
// method and route to stderr (to see what an input reached).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/store/database.hpp"
#include "server/auth.hpp"
#include "server/http_request.hpp"
#include "server/metrics.hpp"
#include "server/routes.hpp"
#include "tests/fuzz/fuzz_entries.hpp"

namespace pactwatch::fuzz {

namespace {

using server::Response;

/** The server under test: built once per process, its database reused across inputs. */
struct Harness {
  Harness() {
    char pattern[] = "/dev/shm/pactwatch-fuzz-http.XXXXXX";
    const char* made = ::mkdtemp(pattern);
    check(made != nullptr, "a temporary directory for the fuzz database");
    dir = made;
    auto url = store::DatabaseUrl::parse("sqlite:" + (dir / "fuzz.db").string());
    check(url.has_value(), "the fuzz database URL parses");
    store::DatabaseOptions db_options;
    db_options.pool_size = 1;
    auto opened = store::Database::open(*url, db_options);
    check(opened.has_value(), "the fuzz database opens", opened ? "" : opened.error().message);
    database = std::move(*opened);
    auto migrated = database->migrate();
    check(migrated.has_value(), "the fuzz database migrates", migrated ? "" : migrated.error().message);
    std::map<std::string, server::Principal> by_hash;
    using server::Role;
    for (const auto& [token, principal] : std::map<std::string, server::Principal>{
             {"fuzz-supervisor", {"t_sup", "州财政局采购监管科", Role::supervisor, ""}},
             {"fuzz-532301", {"t_cx", "楚雄市财政局", Role::supervisor, "532301"}},
             {"fuzz-auditor", {"t_aud", "州审计局", Role::auditor, ""}},
             {"fuzz-platform", {"t_plat", "公共资源交易平台", Role::platform, ""}},
             {"fuzz-admin", {"t_adm", "运维", Role::admin, ""}},
         }) {
      by_hash[server::token_hash_hex(token)] = principal;
    }
    auth = std::make_unique<server::Authenticator>(
        [by_hash](std::string_view hash) -> std::optional<server::Principal> {
          auto it = by_hash.find(std::string(hash));
          if (it == by_hash.end()) return std::nullopt;
          return it->second;
        });
    server::build_router(router, metrics, server::SystemProbes{}, *auth, *database);
    // Limits small enough for inputs of a few KiB to reach them: 431 and 413 are paths to fuzz too.
    options.max_header_bytes = 1024;
    options.max_body_bytes = 2048;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(instance().dir, ignored);
    });
  }

  static Harness& instance() {
    static Harness* harness = new Harness();  // never destroyed: handlers may still log at exit
    return *harness;
  }

  std::filesystem::path dir;
  std::unique_ptr<store::Database> database;
  server::Metrics metrics;
  std::unique_ptr<server::Authenticator> auth;
  server::Router router;
  server::HttpOptions options;
};

void check_response(const Response& response) {
  check(response.status >= 100 && response.status <= 599, "a status between 100 and 599",
        std::to_string(response.status));
  check(response.status != 500, "no 500 for any request", response.body);
  if (response.content_type == server::kProblemContentType) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    check(body.is_object() && body.value("status", 0) == response.status, "a problem body names its status",
          response.body);
  } else if (response.content_type == server::kJsonContentType && !response.body.empty()) {
    check(!nlohmann::json::parse(response.body, nullptr, false).is_discarded(), "a JSON body parses",
          response.body);
  }
}

/** Puts `rest` into the parser until `done` says stop; need_more at the end of the input is the peer
 * closing mid-message (partial_message), as on a socket. */
template <class Done>
void put_until(server::RequestParser& parser, std::string_view& rest, boost::system::error_code& ec,
               Done done) {
  while (!ec && !done()) {
    const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    check(used <= rest.size(), "the parser consumes what it was given");
    rest.remove_prefix(used);
    if (ec == server::http::error::need_more) {
      ec = {};
      if (used == 0) ec = server::http::error::partial_message;
    } else if (!ec && used == 0 && !done()) {
      // Beast answers an empty buffer in the middle of a body with 0 bytes and no error (the fuzzer's
      // timeout-997b95fe: a Content-Length one byte longer than what was sent): the peer closed, as above.
      // With bytes left it would be a parser that stalls.
      check(rest.empty(), "the parser makes progress on the bytes it is given");
      ec = server::http::error::partial_message;
    }
  }
}

}  // namespace

int http_request(const std::uint8_t* data, std::size_t size) {
  auto& h = Harness::instance();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  // A session: one request after the other while the connection stays open and bytes remain.
  while (!rest.empty()) {
    const auto before = rest.size();
    server::RequestParser parser;
    server::apply_limits(parser, h.options);
    boost::system::error_code ec;
    put_until(parser, rest, ec, [&] { return parser.is_header_done(); });
    // The peer closed before a whole header: the session closes without an answer.
    if (ec == server::http::error::partial_message) break;
    auto request = server::start_request(parser, !ec, "127.0.0.1:1");
    check(!request.request_id.empty(), "every request has an id");
    auto response = server::header_problem(ec, parser, h.options, request.request_id);
    if (!response) {
      put_until(parser, rest, ec, [&] { return parser.is_done(); });
      if (ec) response = server::header_problem(ec, parser, h.options, request.request_id);
    }
    if (!response) {
      check(parser.get().body().size() <= h.options.max_body_bytes, "a body within the limit");
      response = server::complete_request(request, parser.get());
    }
    if (!response) {
      auto match = h.router.resolve(request.method, request.path);
      response = server::routing_problem(match, request);
      if (!response) response = server::invoke_handler(*match.handler, request);
    }
    check_response(*response);
    static const bool trace = std::getenv("PACTWATCH_FUZZ_TRACE") != nullptr;
    if (trace)
      std::fprintf(stderr, "%d %s %s\n", response->status, request.method_token.c_str(),
                   request.route.c_str());
    // After an answer the session reads the next request only from a complete keep-alive one.
    if (!parser.is_done() || !parser.get().keep_alive()) break;
    check(rest.size() < before, "every complete request consumes input");
  }
  return 0;
}

}  // namespace pactwatch::fuzz
