#include "adapters/store/database_url.hpp"

#include <gtest/gtest.h>

namespace pactwatch::store {
namespace {

// Verifies that sqlite:PATH keeps the path as written (relative paths stay relative to the cwd).
TEST(DatabaseUrlTest, ParsesSqlitePaths) {
  auto rel = DatabaseUrl::parse("sqlite:var/pactwatch.db");
  ASSERT_TRUE(rel) << rel.error().message;
  EXPECT_EQ(rel->backend, Backend::sqlite);
  EXPECT_EQ(rel->path, "var/pactwatch.db");
  EXPECT_EQ(rel->soci_connect_string(), "db=var/pactwatch.db");
  auto abs = DatabaseUrl::parse("sqlite:/srv/pw/a b.db");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->path, "/srv/pw/a b.db");
  EXPECT_EQ(abs->soci_connect_string(), "db='/srv/pw/a b.db'");
}

// Verifies a full TCP URL: user, percent-decoded password, host, port and database.
TEST(DatabaseUrlTest, ParsesMysqlOverTcp) {
  auto url = DatabaseUrl::parse("mysql://pw%40ops:s%3Ac%2Fr%40t@db.example:3307/pactwatch");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->backend, Backend::mysql);
  EXPECT_EQ(url->user, "pw@ops");
  EXPECT_EQ(url->password, "s:c/r@t");
  EXPECT_EQ(url->host, "db.example");
  EXPECT_EQ(url->port, 3307);
  EXPECT_EQ(url->database, "pactwatch");
  EXPECT_TRUE(url->socket.empty());
  EXPECT_EQ(url->soci_connect_string(),
            "db=pactwatch user=pw@ops password=s:c/r@t host=db.example port=3307 charset=utf8mb4");
}

// Verifies the unix-socket form, the default port and that mariadb:// is accepted as a synonym.
TEST(DatabaseUrlTest, ParsesMysqlOverSocket) {
  auto url = DatabaseUrl::parse("mariadb://root@localhost/pw?socket=/tmp/my%20sql/mysqld.sock");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->user, "root");
  EXPECT_TRUE(url->password.empty());
  EXPECT_EQ(url->port, 3306);
  EXPECT_EQ(url->socket, "/tmp/my sql/mysqld.sock");
  EXPECT_EQ(url->soci_connect_string(),
            "db=pw user=root unix_socket='/tmp/my sql/mysqld.sock' charset=utf8mb4");
  auto hostless = DatabaseUrl::parse("mysql://root@/pw?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(hostless);
  EXPECT_EQ(hostless->host, "localhost");
}

// Verifies IPv6 literals in brackets.
TEST(DatabaseUrlTest, ParsesIpv6Host) {
  auto url = DatabaseUrl::parse("mysql://u:p@[::1]:3310/d");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 3310);
  EXPECT_EQ(url->redacted(), "mysql://u:***@[::1]:3310/d");
}

// Verifies that the password never appears in the redacted form, for logs and check-config.
TEST(DatabaseUrlTest, RedactsThePassword) {
  auto url = DatabaseUrl::parse("mysql://app:hunter2@db:3306/pw");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->redacted(), "mysql://app:***@db:3306/pw");
  EXPECT_EQ(url->redacted().find("hunter2"), std::string::npos);
  auto sock = DatabaseUrl::parse("mysql://root@localhost/pw?socket=/s.sock");
  ASSERT_TRUE(sock);
  EXPECT_EQ(sock->redacted(), "mysql://root@localhost/pw?socket=/s.sock");
}

struct BadUrl {
  const char* name;  ///< the test case's name
  const char* text;
  const char* message_part;
};

/** Prints the case by its name, so that CTest lists readable, stable test names. */
void PrintTo(const BadUrl& value, std::ostream* os) {
  *os << value.name;
}

class BadDatabaseUrlTest : public ::testing::TestWithParam<BadUrl> {};

// Verifies that each malformed URL is an `invalid` error that says what is wrong, without the password.
TEST_P(BadDatabaseUrlTest, IsRejectedWithAReason) {
  auto url = DatabaseUrl::parse(GetParam().text);
  ASSERT_FALSE(url) << GetParam().text;
  EXPECT_EQ(url.error().code, domain::ErrorCode::invalid);
  EXPECT_NE(url.error().message.find(GetParam().message_part), std::string::npos) << url.error().message;
  EXPECT_EQ(url.error().message.find("secret"), std::string::npos) << url.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDatabaseUrlTest,
    ::testing::Values(BadUrl{"unknown_scheme", "postgres://u@h/db", "unknown scheme 'postgres'"},
                      BadUrl{"no_scheme", "var/pactwatch.db", "missing scheme"},
                      BadUrl{"empty_sqlite", "sqlite:", "missing file path"},
                      BadUrl{"no_database", "mysql://u:secret@h:3306", "missing database name"},
                      BadUrl{"empty_database", "mysql://u:secret@h:3306/", "missing database name"},
                      BadUrl{"port_too_big", "mysql://u:secret@h:70000/db", "bad port '70000'"},
                      BadUrl{"port_zero", "mysql://u:secret@h:0/db", "bad port '0'"},
                      BadUrl{"port_not_numeric", "mysql://u:secret@h:33a/db", "bad port '33a'"},
                      BadUrl{"port_empty", "mysql://u:secret@h:/db", "bad port"},
                      BadUrl{"no_user", "mysql://h:3306/db", "missing user"},
                      BadUrl{"empty_user", "mysql://@h/db", "missing user"},
                      BadUrl{"unknown_parameter", "mysql://u:secret@h/db?sslmode=on",
                             "unknown query parameter 'sslmode'"},
                      BadUrl{"empty_socket", "mysql://u:secret@h/db?socket=", "empty socket path"},
                      BadUrl{"no_host", "mysql://u:secret@/db", "missing host"},
                      BadUrl{"bad_percent", "mysql://u%zz:secret@h/db", "bad percent-encoding in the user"},
                      BadUrl{"open_bracket", "mysql://u:secret@[::1/db", "unterminated '['"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pactwatch::store
