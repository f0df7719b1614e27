#include "server/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "server/config_trail.hpp"

namespace pactwatch::server {
namespace {

using ::testing::HasSubstr;

CommandLine parse(std::vector<std::string> args) {
  auto cl = parse_command_line(args);
  EXPECT_TRUE(cl) << cl.error().message;
  return cl ? *cl : CommandLine{};
}

domain::Result<LoadedConfig> build(std::vector<std::string> args, Environment env = {},
                                   std::optional<std::string> file = std::nullopt) {
  return build_config(parse(std::move(args)), env,
                      file ? std::optional<std::string_view>(*file) : std::nullopt, "test.conf");
}

// Verifies the documented defaults when nothing is configured.
TEST(ConfigTest, DefaultsAreTheDocumentedOnes) {
  auto loaded = build({"serve"});
  ASSERT_TRUE(loaded) << loaded.error().message;
  const Config& c = loaded->config;
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.database.backend, store::Backend::sqlite);
  EXPECT_EQ(c.database.path, "var/pactwatch.db");
  EXPECT_EQ(c.db_pool_size, 4u);
  EXPECT_EQ(c.db_busy_timeout, std::chrono::milliseconds{5000});
  EXPECT_EQ(c.http.max_header_bytes, 8192u);
  EXPECT_EQ(c.http.max_body_bytes, 1048576u);
  EXPECT_EQ(c.http.header_timeout, std::chrono::milliseconds{10000});
  EXPECT_EQ(c.http.idle_timeout, std::chrono::milliseconds{60000});
  EXPECT_EQ(c.http.shutdown_grace, std::chrono::milliseconds{10000});
  EXPECT_EQ(c.calendar_file, "config/calendar/cn-2025-2026.csv");
  EXPECT_FALSE(c.auto_migrate);
  EXPECT_EQ(loaded->origins.at("listen").source, "default");
  EXPECT_TRUE(loaded->file.empty());
}

// Verifies precedence key by key: command line over environment over file over default.
TEST(ConfigTest, CommandLineBeatsEnvironmentBeatsFileBeatsDefault) {
  const std::string file = "listen = 127.0.0.1:1111\ndb_pool_size = 3\nworker_threads = 7\n";
  const Environment env = {{"PACTWATCH_LISTEN", "127.0.0.1:2222"}, {"PACTWATCH_DB_POOL_SIZE", "5"}};
  auto loaded = build({"serve", "--listen", "127.0.0.1:3333"}, env, file);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config.http.port, 3333);          // command line
  EXPECT_EQ(loaded->config.db_pool_size, 5u);         // environment over file
  EXPECT_EQ(loaded->config.http.worker_threads, 7u);  // file over default
  EXPECT_EQ(loaded->config.http.io_threads, 2u);      // default
  EXPECT_EQ(loaded->origins.at("listen").source, "--listen");
  EXPECT_EQ(loaded->origins.at("db_pool_size").source, "PACTWATCH_DB_POOL_SIZE");
  EXPECT_EQ(loaded->origins.at("worker_threads").source, "test.conf:3");
  EXPECT_EQ(loaded->origins.at("io_threads").source, "default");
}

// Verifies both option spellings, every key as an option, and IPv6 listen addresses.
TEST(ConfigTest, OptionsTakeSeparateOrAttachedValues) {
  auto loaded = build({"--db-pool-size=9", "serve", "--listen", "[::1]:0", "--auto-migrate", "true",
                       "--database", "mysql://u:pw@db:3307/pactwatch"});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config.db_pool_size, 9u);
  EXPECT_EQ(loaded->config.http.host, "::1");
  EXPECT_EQ(loaded->config.http.port, 0);
  EXPECT_TRUE(loaded->config.auto_migrate);
  EXPECT_EQ(loaded->config.database.port, 3307);
  EXPECT_EQ(loaded->origins.at("database").value, "mysql://u:***@db:3307/pactwatch");
  EXPECT_THAT(describe_config(*loaded),
              HasSubstr("database = mysql://u:***@db:3307/pactwatch  # --database"));
  EXPECT_THAT(describe_config(*loaded), ::testing::Not(HasSubstr(":pw@")));
}

struct BadValue {
  std::string name;  ///< the test case's name
  std::vector<std::string> args;
  Environment env;
  std::optional<std::string> file;
  std::string key;
  std::string message_part;
};

/** Prints the case by its name, so that CTest lists readable, stable test names. */
void PrintTo(const BadValue& value, std::ostream* os) {
  *os << value.name;
}

class BadConfigTest : public ::testing::TestWithParam<BadValue> {};

// Verifies that each bad value is one error naming the key, where the value came from and the problem.
TEST_P(BadConfigTest, NamesKeySourceAndProblem) {
  const auto& p = GetParam();
  auto loaded = build(p.args, p.env, p.file);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().field, p.key);
  EXPECT_THAT(loaded.error().message, HasSubstr(p.message_part));
  EXPECT_EQ(loaded.error().message.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfigTest,
    ::testing::Values(
        BadValue{"port_out_of_range",
                 {"serve", "--listen", "127.0.0.1:70000"},
                 {},
                 {},
                 "listen",
                 "listen (from --listen): port 70000 is out of range 0-65535"},
        BadValue{"listen_without_port",
                 {"serve"},
                 {{"PACTWATCH_LISTEN", "localhost"}},
                 {},
                 "listen",
                 "listen (from PACTWATCH_LISTEN): 'localhost' is not HOST:PORT"},
        BadValue{"listen_without_host", {"serve"}, {}, "listen = :8080\n", "listen", "missing host"},
        BadValue{"unknown_file_key",
                 {"serve"},
                 {},
                 "# fine\nlisten_port = 1\n",
                 "listen_port",
                 "listen_port (test.conf:2): unknown key"},
        BadValue{"duplicate_key",
                 {"serve"},
                 {},
                 "db_pool_size = 2\ndb_pool_size = 3\n",
                 "db_pool_size",
                 "set twice"},
        BadValue{"line_without_equals",
                 {"serve"},
                 {},
                 "just words\n",
                 "config",
                 "test.conf:1: expected 'key = value'"},
        BadValue{"url_without_database",
                 {"serve"},
                 {{"PACTWATCH_DATABASE", "mysql://u:secret@h/"}},
                 {},
                 "database",
                 "database (from PACTWATCH_DATABASE): missing database name"},
        BadValue{"unknown_scheme",
                 {"serve", "--database", "postgres://x/y"},
                 {},
                 {},
                 "database",
                 "unknown scheme 'postgres'"},
        BadValue{"pool_not_numeric",
                 {"serve", "--db-pool-size", "four"},
                 {},
                 {},
                 "db_pool_size",
                 "'four' is not a whole number"},
        BadValue{
            "pool_zero", {"serve", "--db-pool-size", "0"}, {}, {}, "db_pool_size", "0 is out of range 1-256"},
        BadValue{"threads_overflow",
                 {"serve", "--io-threads", "99999999999999999999999"},
                 {},
                 {},
                 "io_threads",
                 "out of range"},
        BadValue{"negative_timeout",
                 {"serve", "--header-timeout-ms", "-5"},
                 {},
                 {},
                 "header_timeout_ms",
                 "not a whole number"},
        BadValue{
            "bad_bool", {"serve", "--auto-migrate", "maybe"}, {}, {}, "auto_migrate", "not true or false"},
        BadValue{"bad_log_level", {"serve", "--log-level", "loud"}, {}, {}, "log_level", "not one of trace"},
        BadValue{
            "bad_log_format", {"serve", "--log-format", "xml"}, {}, {}, "log_format", "not a known format"},
        BadValue{"empty_path", {"serve", "--sql-dir="}, {}, {}, "sql_dir", "must not be empty"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Sources, BadConfigTest,
    ::testing::Values(
        BadValue{
            "unknown_kind",
            {"serve"},
            {},
            "source.feed.kind = ftp\nsource.feed.url = http://h/f\n",
            "source.feed.kind",
            "source.feed.kind (from test.conf:1): 'ftp' is not a source kind (ocds-http, exchange-mysql)"},
        BadValue{"feed_url_not_http",
                 {"serve", "--source.feed.url", "https://h/f"},
                 {{"PACTWATCH_SOURCE_FEED_KIND", "ocds-http"}},
                 {},
                 "source.feed.url",
                 "source.feed.url (from --source.feed.url):"},
        BadValue{"exchange_url_not_mysql",
                 {"serve"},
                 {{"PACTWATCH_SOURCE_X_KIND", "exchange-mysql"}, {"PACTWATCH_SOURCE_X_URL", "http://h/x"}},
                 {},
                 "source.x.url",
                 "source.x.url (from PACTWATCH_SOURCE_X_URL):"},
        BadValue{"schedule_without_unit",
                 {"serve", "--source.feed.schedule", "15"},
                 {{"PACTWATCH_SOURCE_FEED_KIND", "ocds-http"}, {"PACTWATCH_SOURCE_FEED_URL", "http://h/f"}},
                 {},
                 "source.feed.schedule",
                 "'15' is not an interval from 1s to 7d"},
        BadValue{"schedule_zero",
                 {"serve", "--source.feed.schedule=0m"},
                 {{"PACTWATCH_SOURCE_FEED_KIND", "ocds-http"}, {"PACTWATCH_SOURCE_FEED_URL", "http://h/f"}},
                 {},
                 "source.feed.schedule",
                 "or off"},
        BadValue{"schedule_too_long",
                 {"serve"},
                 {},
                 "source.feed.kind = ocds-http\nsource.feed.url = http://h/f\nsource.feed.schedule = 8d\n",
                 "source.feed.schedule",
                 "source.feed.schedule (from test.conf:3)"},
        BadValue{"missing_url",
                 {"serve"},
                 {},
                 "source.feed.kind = ocds-http\n",
                 "source.feed.url",
                 "source.feed.url (from default): missing"},
        BadValue{"missing_kind",
                 {"serve"},
                 {},
                 "source.feed.url = http://h/f\n",
                 "source.feed.kind",
                 "source.feed.kind (from default): missing"},
        BadValue{"unknown_field",
                 {"serve"},
                 {},
                 "source.feed.kind = ocds-http\nsource.feed.interval = 1h\n",
                 "source.feed.interval",
                 "source.feed.interval (test.conf:2): unknown source field 'interval'"},
        BadValue{"bad_source_name",
                 {"serve"},
                 {},
                 "source.Feed-1.kind = ocds-http\n",
                 "source.Feed-1.kind",
                 "source name 'Feed-1' must be lower-case letters, digits and _"},
        BadValue{
            "safety_window_on_feed",
            {"serve"},
            {},
            "source.feed.kind = ocds-http\nsource.feed.url = http://h/f\nsource.feed.safety_window = 5m\n",
            "source.feed.safety_window",
            "applies only to exchange-mysql sources"},
        BadValue{"max_attempts_on_exchange",
                 {"serve"},
                 {},
                 "source.x.kind = exchange-mysql\nsource.x.url = mysql://u@h/db\nsource.x.max_attempts = 3\n",
                 "source.x.max_attempts",
                 "applies only to ocds-http sources"},
        BadValue{
            "bad_region",
            {"serve"},
            {},
            "source.feed.kind = ocds-http\nsource.feed.url = http://h/f\nsource.feed.default_region = 5323\n",
            "source.feed.default_region",
            "not a six-digit GB/T 2260 region code"},
        BadValue{
            "batch_size_zero",
            {"serve"},
            {{"PACTWATCH_SOURCE_FEED_BATCH_SIZE", "0"}},
            "source.feed.kind = ocds-http\nsource.feed.url = http://h/f\n",
            "source.feed.batch_size",
            "source.feed.batch_size (from PACTWATCH_SOURCE_FEED_BATCH_SIZE): 0 is out of range 1-100000"}),
    [](const auto& info) { return info.param.name; });

// Verifies sync sources from the file, the environment and the command line: per-key precedence, the
// defaults of unset fields, the typed values, and check-config listing each field with where it came from
// (the exchange database's password redacted).
TEST(ConfigTest, SourcesFromEveryPlace) {
  const std::string file =
      "source.feed.kind = ocds-http\n"
      "source.feed.url = http://feed.ggzy.cx/ocds\n"
      "source.feed.schedule = 1h\n"
      "source.exchange_db.kind = exchange-mysql\n";
  const Environment env = {{"PACTWATCH_SOURCE_EXCHANGE_DB_URL", "mysql://reader:s3cret@10.0.0.5/qzk"},
                           {"PACTWATCH_SOURCE_EXCHANGE_DB_SAFETY_WINDOW", "10m"},
                           {"PACTWATCH_SOURCE_FEED_SCHEDULE", "30m"}};
  auto loaded = build({"serve", "--source.feed.schedule", "90s", "--source.feed.request-timeout-ms=2000",
                       "--source.exchange_db.batch-size", "200"},
                      env, file);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->config.sources.size(), 2u);
  const SourceConfig& feed = loaded->config.sources.at("feed");
  EXPECT_EQ(feed.name, "feed");
  EXPECT_EQ(feed.kind, "ocds-http");
  EXPECT_EQ(feed.url, "http://feed.ggzy.cx/ocds");
  EXPECT_EQ(feed.schedule, std::chrono::seconds{90});  // flag over environment over file
  EXPECT_EQ(feed.request_timeout, std::chrono::milliseconds{2000});
  EXPECT_EQ(feed.batch_size, 500u);
  EXPECT_EQ(feed.default_region, "532300");
  EXPECT_EQ(feed.max_attempts, 5);
  const SourceConfig& x = loaded->config.sources.at("exchange_db");
  EXPECT_EQ(x.kind, "exchange-mysql");
  EXPECT_EQ(x.url, "mysql://reader:s3cret@10.0.0.5/qzk");  // the real URL, for connecting
  EXPECT_EQ(x.safety_window, std::chrono::seconds{600});
  EXPECT_EQ(x.batch_size, 200u);
  EXPECT_EQ(x.schedule, std::chrono::seconds{900});
  EXPECT_EQ(loaded->origins.at("source.feed.schedule").source, "--source.feed.schedule");
  EXPECT_EQ(loaded->origins.at("source.feed.url").source, "test.conf:2");
  EXPECT_EQ(loaded->origins.at("source.exchange_db.url").source, "PACTWATCH_SOURCE_EXCHANGE_DB_URL");
  EXPECT_EQ(loaded->origins.at("source.exchange_db.batch_size").source, "--source.exchange_db.batch-size");
  const std::string described = describe_config(*loaded);
  EXPECT_THAT(described, HasSubstr("source.feed.schedule = 90s  # --source.feed.schedule\n"));
  EXPECT_THAT(described, HasSubstr("source.feed.max_attempts = 5  # default\n"));
  EXPECT_THAT(described, HasSubstr("source.exchange_db.safety_window = 10m  # "
                                   "PACTWATCH_SOURCE_EXCHANGE_DB_SAFETY_WINDOW\n"));
  EXPECT_THAT(described, HasSubstr("source.exchange_db.url = mysql://reader:***@10.0.0.5"));
  EXPECT_THAT(described, ::testing::Not(HasSubstr("s3cret")));
}

// Verifies the interval syntax of schedules and safety windows.
TEST(ConfigTest, ParsesIntervals) {
  EXPECT_EQ(parse_interval("90s", true), std::chrono::seconds{90});
  EXPECT_EQ(parse_interval("15m", true), std::chrono::seconds{900});
  EXPECT_EQ(parse_interval("2h", true), std::chrono::seconds{7200});
  EXPECT_EQ(parse_interval("1d", true), std::chrono::seconds{86400});
  EXPECT_EQ(parse_interval("off", true), std::chrono::seconds{0});
  EXPECT_EQ(parse_interval("0s", false), std::chrono::seconds{0});
  EXPECT_EQ(parse_interval("off", false), std::nullopt);
  EXPECT_EQ(parse_interval("0s", true), std::nullopt);
  EXPECT_EQ(parse_interval("15", true), std::nullopt);
  EXPECT_EQ(parse_interval("m", true), std::nullopt);
  EXPECT_EQ(parse_interval("-5m", true), std::nullopt);
  EXPECT_EQ(parse_interval("1.5h", true), std::nullopt);
  EXPECT_EQ(parse_interval("5 m", true), std::nullopt);
}

// Verifies command-line errors: unknown option, unknown command, missing value.
TEST(ConfigTest, RejectsMalformedCommandLines) {
  const std::vector<std::vector<std::string>> bad = {{"serve", "--lisen", "x"},
                                                     {"serv"},
                                                     {"serve", "--listen"},
                                                     {"serve", "--db_pool_size", "3"},
                                                     {"serve", "--source.feed.batch_size", "3"},
                                                     {"serve", "--source.feed.colour", "red"},
                                                     {"serve", "--source.Feed.kind", "ocds-http"},
                                                     {"serve", "extra"}};
  for (const auto& args : bad) {
    auto cl = parse_command_line(args);
    EXPECT_FALSE(cl) << args.back();
  }
  auto unknown = parse_command_line(std::vector<std::string>{"serve", "--lisen", "x"});
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown option --lisen"));
  auto cl = parse_command_line(std::vector<std::string>{"--help"});
  ASSERT_TRUE(cl);
  EXPECT_TRUE(cl->help);
}

// Verifies which file is read: --config over PACTWATCH_CONFIG over the optional default.
TEST(ConfigTest, ChoosesTheConfigFile) {
  const Environment env = {{"PACTWATCH_CONFIG", "/etc/pw.conf"}};
  EXPECT_EQ(choose_config_file(parse({"serve", "--config", "a.conf"}), env).path, "a.conf");
  EXPECT_TRUE(choose_config_file(parse({"serve", "--config", "a.conf"}), env).required);
  EXPECT_EQ(choose_config_file(parse({"serve"}), env).path, "/etc/pw.conf");
  const auto fallback = choose_config_file(parse({"serve"}), {});
  EXPECT_EQ(fallback.path, "config/pactwatch.conf");
  EXPECT_FALSE(fallback.required);
}

// Verifies that unknown PACTWATCH_ variables warn instead of failing, and that empty ones count as unset.
TEST(ConfigTest, UnknownEnvironmentVariablesWarn) {
  auto loaded = build(
      {"serve"}, {{"PACTWATCH_LISTN", "x"}, {"PACTWATCH_LISTEN", ""}, {"PACTWATCH_TEST_BACKEND", "sqlite"}});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config.http.port, 8080);
  ASSERT_EQ(loaded->warnings.size(), 1u);
  EXPECT_THAT(loaded->warnings[0], HasSubstr("PACTWATCH_LISTN"));
}

// Verifies comments and blank lines in the file, including a trailing comment after a value.
TEST(ConfigTest, FileAllowsCommentsAndBlankLines) {
  auto loaded =
      build({"serve"}, {}, "# a comment\n\n   max_body_bytes = 2048   # two KiB\naccess_log=false\n");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config.http.max_body_bytes, 2048u);
  EXPECT_FALSE(loaded->config.http.access_log);
}

// Verifies the credit-push keys: the push is off by default, a URL that is not http(s) is refused naming the
// key, and the bearer token is used but never shown: check-config and the configuration trail say (redacted).
TEST(ConfigTest, CreditPushKeysAndTheRedactedToken) {
  auto defaults = build({"serve"});
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_TRUE(defaults->config.credit_push_url.empty());
  EXPECT_EQ(defaults->config.credit_push_interval, std::chrono::seconds{10});
  EXPECT_EQ(defaults->config.credit_push_max_attempts, 8);
  EXPECT_EQ(defaults->config.credit_push_backoff_initial, std::chrono::milliseconds{30'000});
  EXPECT_EQ(defaults->origins.at("credit_push_token").value, "");

  auto bad = build({"serve", "--credit-push-url", "ftp://credit.example/in"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "credit_push_url");
  EXPECT_THAT(bad.error().message, HasSubstr("http:// or https://"));
  EXPECT_FALSE(build({"serve", "--credit-push-interval", "0s"}).has_value());

  auto loaded = build({"check-config", "--credit-push-url", "https://credit.example/api/records",
                       "--credit-push-token", "s3cret-token"},
                      {{"PACTWATCH_CREDIT_PUSH_BACKOFF_MAX_MS", "60000"}});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config.credit_push_token, "s3cret-token");
  EXPECT_EQ(loaded->config.credit_push_backoff_max, std::chrono::milliseconds{60'000});
  const std::string shown = describe_config(*loaded);
  EXPECT_THAT(shown, HasSubstr("credit_push_token = (redacted)  # --credit-push-token\n"));
  EXPECT_THAT(shown, HasSubstr("credit_push_url = https://credit.example/api/records"));
  EXPECT_THAT(shown, ::testing::Not(HasSubstr("s3cret-token")));
  const auto state = config_state(*loaded);
  EXPECT_EQ(state["credit_push_token"], "(redacted)");
  EXPECT_THAT(state.dump(), ::testing::Not(HasSubstr("s3cret-token")));
}

// Verifies that the shipped config/pactwatch.conf documents every key and source field with its default and
// parses cleanly.
TEST(ConfigTest, ShippedFileDocumentsEveryKey) {
  std::ifstream in(std::string(PACTWATCH_SOURCE_DIR) + "/config/pactwatch.conf");
  ASSERT_TRUE(in.is_open());
  std::ostringstream text;
  text << in.rdbuf();
  for (const auto& key : config_keys()) {
    const std::string line = "# " + std::string(key.key) + " = " + std::string(key.default_value) + "\n";
    EXPECT_THAT(text.str(), HasSubstr(line)) << key.key;
  }
  for (const auto& field : source_fields()) {
    const std::string line = "source.<name>." + std::string(field.key) + " =" +
                             (field.default_value.empty() ? "" : " " + std::string(field.default_value));
    EXPECT_THAT(text.str(), HasSubstr(line)) << field.key;
  }
  auto loaded = build({"serve"}, {}, text.str());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->origins.at("listen").source, "default");
  EXPECT_TRUE(loaded->config.sources.empty()) << "the example sources are commented out";
}

// Verifies that docs/CONFIGURATION.md mentions every key and its environment variable, and every source
// field.
TEST(ConfigTest, DocumentationListsEveryKey) {
  std::ifstream in(std::string(PACTWATCH_SOURCE_DIR) + "/docs/CONFIGURATION.md");
  ASSERT_TRUE(in.is_open());
  std::ostringstream text;
  text << in.rdbuf();
  for (const auto& key : config_keys()) {
    EXPECT_THAT(text.str(), HasSubstr("`" + std::string(key.key) + "`")) << key.key;
    EXPECT_THAT(text.str(), HasSubstr("`" + env_name(key.key) + "`")) << key.key;
  }
  for (const auto& field : source_fields())
    EXPECT_THAT(text.str(), HasSubstr("`source.<name>." + std::string(field.key) + "`")) << field.key;
}

}  // namespace
}  // namespace pactwatch::server
