#include "tests/exchange/exchange_database.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace pactwatch::testing {
namespace {

std::string unique_database_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return "pw_x_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 100000);
}

/** The statements of sql/exchange/schema.sql: split at a ';' that ends a line, comment lines dropped. */
std::vector<std::string> schema_statements() {
  const std::string path = std::string(PACTWATCH_SOURCE_DIR) + "/sql/exchange/schema.sql";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> out;
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.starts_with("--")) continue;
    current += line + "\n";
    if (!line.empty() && line.back() == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<sql::Connection> connect_for_test(const platform::exchange::ExchangeSource& s) {
  sql::ConnectOptionsMap props;
  props["hostName"] = s.host;
  props["port"] = static_cast<int>(s.port);
  props["userName"] = s.user;
  props["password"] = s.password;
  props["schema"] = s.database;
  if (!s.socket.empty()) props["socket"] = s.socket;
  props["OPT_CHARSET_NAME"] = "utf8mb4";
  return std::unique_ptr<sql::Connection>(sql::mysql::get_mysql_driver_instance()->connect(props));
}

ExchangeDatabase::ExchangeDatabase() {
  const char* url = std::getenv("PACTWATCH_TEST_MYSQL_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "PACTWATCH_TEST_MYSQL_URL is not set: the exchange tests need MariaDB; run them through "
        "scripts/test.sh "
        "or export a mysql://USER@localhost/mysql?socket=PATH URL of a running server");
  }
  auto admin = platform::exchange::ExchangeSource::parse(url);
  if (!admin) throw std::runtime_error("PACTWATCH_TEST_MYSQL_URL: " + admin.error().message);
  admin_ = *admin;
  source_ = admin_;
  source_.database = unique_database_name();
  try {
    auto c = connect_for_test(admin_);
    std::unique_ptr<sql::Statement> st(c->createStatement());
    // The name is ours (letters, digits, '_') and identifiers cannot be bound: formatting it is safe.
    st->execute("CREATE DATABASE `" + source_.database +
                "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    connection_ = connect_for_test(source_);
    std::unique_ptr<sql::Statement> ddl(connection_->createStatement());
    for (const std::string& s : schema_statements())
      ddl->execute(s);
  } catch (const sql::SQLException& e) {
    throw std::runtime_error("cannot prepare the exchange test database on " + admin_.redacted() + ": " +
                             e.what());
  }
}

ExchangeDatabase::~ExchangeDatabase() {
  try {
    connection_.reset();
    auto c = connect_for_test(admin_);
    std::unique_ptr<sql::Statement> st(c->createStatement());
    st->execute("DROP DATABASE IF EXISTS `" + source_.database + "`");
  } catch (...) {
    // Best effort: the test's result is already decided.
  }
}

void ExchangeDatabase::insert(const std::string& table, const ExchangeValues& values) {
  std::string names, marks;
  for (const auto& [name, value] : values) {
    names += (names.empty() ? "" : ", ") + name;
    marks += marks.empty() ? "?" : ", ?";
  }
  std::unique_ptr<sql::PreparedStatement> ps(
      connection_->prepareStatement("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")"));
  unsigned index = 1;
  for (const auto& [name, value] : values) {
    if (value) {
      ps->setString(index, *value);
    } else {
      ps->setNull(index, 0);
    }
    ++index;
  }
  ps->executeUpdate();
}

void ExchangeDatabase::execute(const std::string& statement) {
  std::unique_ptr<sql::Statement> st(connection_->createStatement());
  st->execute(statement);
}

}  // namespace pactwatch::testing
