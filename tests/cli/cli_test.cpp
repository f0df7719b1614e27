// The built pactwatch binary, run as a user would: flags, environment, config files, exit codes, and a
// real serve on a free port answering /healthz until SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/cli/process.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

/** A temporary working directory (so the repository's config/pactwatch.conf is not picked up). */
class CliTest : public ::testing::Test {
 protected:
  CliTest() : cwd_(make_temp_dir("pactwatch-cli")) {}
  ~CliTest() override { std::filesystem::remove_all(cwd_); }

  ProcessResult pactwatch(std::vector<std::string> args, const EnvVars& env = {}) {
    args.insert(args.begin(), PACTWATCH_BINARY);
    return run_process(args, env, cwd_);
  }
  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories((cwd_ / name).parent_path());
    std::ofstream(cwd_ / name) << text;
  }
  /** Options every serve needs when the cwd is not the repository root. */
  std::vector<std::string> repo_paths(const std::string& sql_dir = source_sql_dir()) const {
    return {"--sql-dir",       sql_dir,
            "--calendar-file", std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv",
            "--data-dir",      (cwd_ / "var").string()};
  }

  std::filesystem::path cwd_;
};

std::string value_line(const std::string& out, const std::string& key) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(key + " = ")) return line;
  }
  return "(no line for " + key + ")";
}

// Verifies --version prints the project version and exits 0.
TEST_F(CliTest, VersionPrintsTheVersion) {
  const auto r = pactwatch({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("pactwatch ") + PACTWATCH_EXPECTED_VERSION + "\n");
}

// Verifies --help lists the commands and options and exits 0; no command is a usage error (exit 2).
TEST_F(CliTest, HelpListsCommandsAndKeys) {
  const auto r = pactwatch({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"serve", "migrate", "check-config", "--listen", "--database", "--config",
                           "--db-pool-size", "PACTWATCH_DB_POOL_SIZE"}) {
    EXPECT_THAT(r.out, HasSubstr(word));
  }
  const auto none = pactwatch({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err_lines(), SizeIs(1));
}

// Verifies precedence end to end: a flag beats the environment, which beats the file, which beats the
// default.
TEST_F(CliTest, CheckConfigShowsPrecedence) {
  write("config/pactwatch.conf", "listen = 127.0.0.1:1111\nio_threads = 3\nworker_threads = 5\n");
  const EnvVars env = {{"PACTWATCH_LISTEN", "127.0.0.1:2222"}, {"PACTWATCH_IO_THREADS", "4"}};

  auto r = pactwatch({"check-config", "--listen", "127.0.0.1:3333"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(value_line(r.out, "listen"), "listen = 127.0.0.1:3333  # --listen");
  EXPECT_EQ(value_line(r.out, "io_threads"), "io_threads = 4  # PACTWATCH_IO_THREADS");
  EXPECT_EQ(value_line(r.out, "worker_threads"), "worker_threads = 5  # config/pactwatch.conf:3");
  EXPECT_EQ(value_line(r.out, "db_pool_size"), "db_pool_size = 4  # default");

  r = pactwatch({"check-config"}, env);
  EXPECT_EQ(value_line(r.out, "listen"), "listen = 127.0.0.1:2222  # PACTWATCH_LISTEN");
  r = pactwatch({"check-config"});
  EXPECT_EQ(value_line(r.out, "listen"), "listen = 127.0.0.1:1111  # config/pactwatch.conf:1");
  std::filesystem::remove(cwd_ / "config/pactwatch.conf");
  r = pactwatch({"check-config"});
  EXPECT_EQ(value_line(r.out, "listen"), "listen = 127.0.0.1:8080  # default");
  EXPECT_THAT(r.out, HasSubstr("# config file: none"));
}

// Verifies that --config and PACTWATCH_CONFIG pick another file, and that the password never shows.
TEST_F(CliTest, CheckConfigReadsTheChosenFileAndRedacts) {
  write("other.conf", "database = mysql://app:hunter2@db.internal:3306/pactwatch\n");
  auto r = pactwatch({"check-config", "--config", "other.conf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(value_line(r.out, "database"),
            "database = mysql://app:***@db.internal:3306/pactwatch  # other.conf:1");
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("hunter2")));
  r = pactwatch({"check-config"}, {{"PACTWATCH_CONFIG", (cwd_ / "other.conf").string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(value_line(r.out, "database"), HasSubstr("mysql://app:***@db.internal"));
}

struct BadInvocation {
  std::string name;  ///< the test case's name
  std::vector<std::string> args;
  EnvVars env;
  std::string file;  ///< written to config/pactwatch.conf when not empty
  std::string expected;
};

/** Prints the case by its name, so that CTest lists readable, stable test names. */
void PrintTo(const BadInvocation& value, std::ostream* os) {
  *os << value.name;
}

class CliBadValueTest : public CliTest, public ::testing::WithParamInterface<BadInvocation> {};

// Verifies that each bad value exits 2 with exactly one line on stderr naming the key and the problem.
TEST_P(CliBadValueTest, ExitsTwoWithOneLine) {
  const auto& p = GetParam();
  if (!p.file.empty()) write("config/pactwatch.conf", p.file);
  for (const char* command : {"check-config", "serve", "migrate"}) {
    std::vector<std::string> args = p.args;
    args.insert(args.begin(), command);
    const auto r = pactwatch(args, p.env);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    ASSERT_THAT(r.err_lines(), SizeIs(1)) << command << ": " << r.err;
    EXPECT_THAT(r.err_lines()[0], HasSubstr(p.expected)) << command;
    EXPECT_TRUE(r.out.empty()) << command << ": " << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadValueTest,
    ::testing::Values(
        BadInvocation{"port_70000_flag",
                      {"--listen", "127.0.0.1:70000"},
                      {},
                      "",
                      "listen (from --listen): port 70000 is out of range"},
        BadInvocation{"port_99999_env",
                      {},
                      {{"PACTWATCH_LISTEN", "0.0.0.0:99999"}},
                      "",
                      "listen (from PACTWATCH_LISTEN): port 99999"},
        BadInvocation{"unknown_file_key",
                      {},
                      {},
                      "max_body_size = 10\n",
                      "max_body_size (config/pactwatch.conf:1): unknown key"},
        BadInvocation{"url_without_database",
                      {"--database", "mysql://root@localhost"},
                      {},
                      "",
                      "database (from --database): missing database name"},
        BadInvocation{"unknown_scheme",
                      {},
                      {{"PACTWATCH_DATABASE", "oracle://x"}},
                      "",
                      "database (from PACTWATCH_DATABASE): unknown scheme"},
        BadInvocation{"unreadable_config_file",
                      {"--config", "/nonexistent/pactwatch.conf"},
                      {},
                      "",
                      "config (/nonexistent/pactwatch.conf): cannot read"},
        BadInvocation{"pool_not_numeric",
                      {},
                      {},
                      "db_pool_size = many\n",
                      "db_pool_size (from config/pactwatch.conf:1): 'many' is not a whole number"},
        BadInvocation{
            "unknown_option", {"--no-such-option", "1"}, {}, "", "unknown option --no-such-option"}),
    [](const auto& info) { return info.param.name; });

/** `pactwatch serve` with these arguments, in the background (tests/cli/process.hpp). */
RunningServer serve(std::vector<std::string> args, const EnvVars& env, const std::filesystem::path& cwd) {
  args.insert(args.begin(), PACTWATCH_BINARY);
  return RunningServer(std::move(args), env, cwd);
}

// Verifies the whole operator path: migrate applies and reports, a second migrate applies nothing, serve
// answers /healthz and /readyz over a socket, and SIGTERM stops it with exit code 0.
TEST_F(CliTest, MigrateThenServeThenStopCleanly) {
  TestDatabase tdb;
  const EnvVars env = {{"PACTWATCH_DATABASE", tdb.url_text()}};
  auto args = repo_paths();
  args.insert(args.begin(), "migrate");
  auto migrated = pactwatch(args, env);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  EXPECT_THAT(migrated.out, HasSubstr("applied 0001_regions.sql"));
  EXPECT_THAT(migrated.err, HasSubstr("\"event\":\"migration_applied\""));
  auto again = pactwatch(args, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("nothing to apply"));

  auto serve_args = repo_paths();
  serve_args.insert(serve_args.begin(), {"serve", "--listen", "127.0.0.1:0"});
  auto server = serve(serve_args, env, cwd_);
  ASSERT_NE(server.port(), 0) << "serve did not log its port; log:\n" << server.log();
  EXPECT_THAT(http_get(server.port(), "/healthz"), HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(http_get(server.port(), "/readyz"), HasSubstr("HTTP/1.1 200"));
  const auto stopped = server.stop(SIGTERM);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("\"event\":\"stopped\""));
}

// Verifies that serve without migrate starts but /readyz answers 503 naming the pending file; SIGINT stops
// it.
TEST_F(CliTest, ServeWithPendingMigrationsIsNotReady) {
  TestDatabase tdb;
  auto args = repo_paths();
  args.insert(args.begin(), {"serve", "--listen", "127.0.0.1:0", "--database", tdb.url_text()});
  auto server = serve(args, {}, cwd_);
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_THAT(http_get(server.port(), "/healthz"), HasSubstr("HTTP/1.1 200"));
  const std::string ready = http_get(server.port(), "/readyz");
  EXPECT_THAT(ready, HasSubstr("HTTP/1.1 503"));
  EXPECT_THAT(ready, HasSubstr("0001_regions.sql"));
  EXPECT_EQ(server.stop(SIGINT).exit_code, 0);
}

// Verifies that serve refuses to start, naming the file, when an applied migration was edited afterwards.
TEST_F(CliTest, ServeRefusesAChangedAppliedMigration) {
  TestDatabase tdb;
  const auto sql_dir = cwd_ / "sql";
  std::filesystem::copy(source_sql_dir(), sql_dir, std::filesystem::copy_options::recursive);
  const EnvVars env = {{"PACTWATCH_DATABASE", tdb.url_text()}, {"PACTWATCH_SQL_DIR", sql_dir.string()}};
  auto args = repo_paths(sql_dir.string());
  args.insert(args.begin(), "migrate");
  ASSERT_EQ(pactwatch(args, env).exit_code, 0);

  const std::string sub = tdb.backend() == store::Backend::sqlite ? "sqlite" : "mysql";
  std::ofstream(sql_dir / sub / "0001_regions.sql", std::ios::app) << "-- edited after it was applied\n";
  args[0] = "serve";
  args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  const auto refused = pactwatch(args, env);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("refusing to start: 0001_regions.sql changed after it was applied"));
  args[0] = "migrate";
  const auto migrate_refused = pactwatch(args, env);
  EXPECT_EQ(migrate_refused.exit_code, 1);
  EXPECT_THAT(migrate_refused.err, HasSubstr("0001_regions.sql changed after it was applied"));
}

}  // namespace
}  // namespace pactwatch::testing
