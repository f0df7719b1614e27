#pragma once
// A fresh, empty database for one test, on the backend named by PACTWATCH_TEST_BACKEND:
// - "sqlite" (the default): a file in a new temporary directory, removed afterwards;
// - "mariadb": a new database pw_t_<pid>_<counter>_<random> on the server named by PACTWATCH_TEST_MYSQL_URL
//   (a mysql:// URL, e.g. mysql://root@localhost/mysql?socket=/tmp/x/mysqld.sock), dropped afterwards.
// When the backend is mariadb and the URL is missing or the server cannot be reached, the constructor
// throws with a message saying so: the test FAILS, it never skips.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/store/database.hpp"
#include "adapters/store/database_url.hpp"

namespace pactwatch::testing {

/** A temporary database that exists for the lifetime of this object. */
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const store::DatabaseUrl& url() const { return url_; }
  /** The URL as text, as a user would put it in PACTWATCH_DATABASE. */
  std::string url_text() const;
  store::Backend backend() const { return url_.backend; }
  /** "sqlite" or "mariadb", for messages. */
  std::string backend_name() const;

  /**
   * Opens the database with the repository's sql/ (or `sql_dir`); throws with the store's message when that
   * fails, so a test needs no error handling of its own.
   */
  std::unique_ptr<store::Database> open(std::size_t pool_size = 2, std::string sql_dir = {}) const;

 private:
  store::DatabaseUrl url_;
  std::filesystem::path temp_dir_;  ///< sqlite only
  store::DatabaseUrl admin_url_;    ///< mariadb only: where CREATE/DROP DATABASE run
};

/** A new empty temporary directory (mkdtemp), for tests that need files; the caller removes it. */
std::filesystem::path make_temp_dir(const std::string& prefix = "pactwatch-test");

/** The repository's sql/ directory. */
std::string source_sql_dir();

}  // namespace pactwatch::testing
