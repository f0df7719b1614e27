#pragma once
// A fresh exchange database (前置库) per test on the MariaDB named by PACTWATCH_TEST_MYSQL_URL
// (scripts/test.sh starts one): created as pw_x_<pid>_<n>_<random>, filled with sql/exchange/schema.sql,
// dropped afterwards. When the URL is missing or the server cannot be reached the constructor throws: the
// test FAILS, it never skips.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/platform/exchange/source.hpp"

namespace sql {
class Connection;
}

namespace pactwatch::testing {

/** Column name → value (nullopt is NULL), bound as text: DECIMAL values keep every digit. */
using ExchangeValues = std::map<std::string, std::optional<std::string>>;

/** A temporary exchange database with the platform's schema. */
class ExchangeDatabase {
 public:
  ExchangeDatabase();
  ~ExchangeDatabase();
  ExchangeDatabase(const ExchangeDatabase&) = delete;
  ExchangeDatabase& operator=(const ExchangeDatabase&) = delete;

  /** Where the reader connects. */
  const platform::exchange::ExchangeSource& source() const { return source_; }
  /** INSERT INTO `table` with every value bound, as the platform would push a row. */
  void insert(const std::string& table, const ExchangeValues& values);
  /** Runs one statement of the test's own (UPDATE ... with literals chosen by the test). */
  void execute(const std::string& statement);

 private:
  platform::exchange::ExchangeSource admin_;
  platform::exchange::ExchangeSource source_;
  std::unique_ptr<sql::Connection> connection_;
};

/** A connection as the reader makes it; throws with the server's message. */
std::unique_ptr<sql::Connection> connect_for_test(const platform::exchange::ExchangeSource& source);

}  // namespace pactwatch::testing
