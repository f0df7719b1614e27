// Issue 13 through the built binary: a token row edited in the database is refused by `serve` (and said so
// in the log and in /metrics), and `serve` makes room for max_connections in the open-file limit.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <soci/soci.h>
#include <fstream>

#include "tests/cli/process.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::HasSubstr;

class CliSecurityTest : public ::testing::Test {
 protected:
  CliSecurityTest() : cwd_(make_temp_dir("pactwatch-cli-security")) {
    env_ = {{"PACTWATCH_DATABASE", tdb_.url_text()}};
    auto migrated = pactwatch({"migrate"});
    if (migrated.exit_code != 0) throw std::runtime_error(migrated.err);
  }
  ~CliSecurityTest() override { std::filesystem::remove_all(cwd_); }

  /** The binary with `args` and the repository's paths, in the temporary working directory. */
  std::vector<std::string> command(std::vector<std::string> args) const {
    args.insert(args.begin(), PACTWATCH_BINARY);
    args.push_back("--sql-dir");
    args.push_back(source_sql_dir());
    args.push_back("--calendar-file");
    args.push_back(std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv");
    args.push_back("--data-dir");
    args.push_back((cwd_ / "var").string());
    return args;
  }
  ProcessResult pactwatch(std::vector<std::string> args) {
    return run_process(command(std::move(args)), env_, cwd_);
  }
  /** `token create …`; the token (the last word printed). */
  std::string create_token(std::vector<std::string> args) {
    args.insert(args.begin(), {"token", "create"});
    auto made = pactwatch(args);
    EXPECT_EQ(made.exit_code, 0) << made.err;
    std::string out = made.out;
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out.substr(out.rfind(' ') + 1);
  }
  void sql(const std::string& statement) {
    auto db = tdb_.open(1);
    auto lease = db->acquire();
    *lease << statement;
  }

  TestDatabase tdb_;
  std::filesystem::path cwd_;
  EnvVars env_;
};

std::string post_body(int port, const std::string& token) {
  const std::string body = R"({"name": "楚雄市财政局", "region": "532301", "kind": "department"})";
  return http_send(port,
                   "POST /api/v1/bodies HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                   "Authorization: Bearer " +
                       token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
}

// Verifies a token whose role was raised in the database (auditor → supervisor, scope dropped) is refused
// with 401 instead of being honoured, that the log names the token and /metrics counts it, and that an
// untouched token still works (issue 13).
TEST_F(CliSecurityTest, TokenRowEditedInTheDatabaseIsRefused) {
  sql("INSERT INTO regions (code, name, parent_code, level) VALUES ('532301', '楚雄市', NULL, 'county')");
  const std::string auditor =
      create_token({"--role", "auditor", "--region", "532301", "--name", "楚雄市审计局"});
  const std::string supervisor = create_token({"--role", "supervisor", "--name", "州财政局"});
  sql("UPDATE api_tokens SET role = 'supervisor', region = '' WHERE name = '楚雄市审计局'");

  RunningServer server(command({"serve", "--listen", "127.0.0.1:0"}), env_, cwd_);
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_THAT(post_body(server.port(), auditor), HasSubstr("HTTP/1.1 401"));
  EXPECT_THAT(post_body(server.port(), supervisor), HasSubstr("HTTP/1.1 201"));
  EXPECT_THAT(http_get(server.port(), "/metrics"),
              HasSubstr("pactwatch_token_seal_failures_total{reason=\"invalid\"} 1"));
  const auto stopped = server.stop(SIGTERM);
  EXPECT_THAT(stopped.err, HasSubstr("\"event\":\"token_seal_failed\""));
}

/** Opens `n` connections at once and asks /healthz on each; how many answered 200. */
int concurrent_healthz(int port, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) break;
    timeval timeout{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      break;
    }
    fds.push_back(fd);
  }
  // All are open before any is answered: the server holds every one of them at the same time.
  int ok = 0;
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int fd : fds) {
    char buffer[512];
    const bool answered = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0 &&
                          ::recv(fd, buffer, sizeof buffer, 0) > 12 &&
                          std::string(buffer, 12) == "HTTP/1.1 200";
    if (!answered) break;  // a connection the server never accepted: the rest would wait as long
    ++ok;
  }
  for (int fd : fds)
    ::close(fd);
  return ok;
}

// Verifies serve raises a low soft open-file limit to what max_connections needs (and logs it), so that 400
// connections open at once are all served under a soft limit of 128 (issue 13: accept() failed with EMFILE).
TEST_F(CliSecurityTest, ServeRaisesTheOpenFileLimitForMaxConnections) {
  auto args = command({"serve", "--listen", "127.0.0.1:0", "--max-connections", "1000"});
  std::string line = "ulimit -Sn 128 && exec";
  for (const auto& a : args)
    line += " '" + a + "'";
  RunningServer server({"/bin/sh", "-c", line + " --access-log false"}, env_, cwd_);
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_EQ(concurrent_healthz(server.port(), 400), 400);
  const auto stopped = server.stop(SIGTERM);
  // Not HasSubstr: a failure would print thousands of access-log lines.
  EXPECT_NE(stopped.err.find("\"event\":\"fd_limit_raised\""), std::string::npos)
      << "no fd_limit_raised line";
  EXPECT_NE(stopped.err.find("\"soft_before\":128"), std::string::npos);
  EXPECT_EQ(stopped.err.find("accept_failed"), std::string::npos) << "accept() failed (EMFILE)";
}

}  // namespace
}  // namespace pactwatch::testing
