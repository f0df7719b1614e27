#include "tests/support/test_database.hpp"

#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace pactwatch::testing {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string(value);
}

/** Runs one administrative statement (CREATE/DROP DATABASE) on the server's admin database. */
void run_admin_statement(const store::DatabaseUrl& admin, const std::string& statement) {
  auto db = store::Database::open(admin, 1, source_sql_dir());
  if (!db) {
    throw std::runtime_error("cannot reach the MariaDB test server at " + admin.redacted() + ": " +
                             db.error().message + " (scripts/test.sh starts one)");
  }
  auto lease = (*db)->acquire();
  *lease << statement;
}

std::string unique_database_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return "pw_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 100000);
}

}  // namespace

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

std::string source_sql_dir() {
  return std::string(PACTWATCH_SOURCE_DIR) + "/sql";
}

TestDatabase::TestDatabase() {
  const std::string backend = env_or_empty("PACTWATCH_TEST_BACKEND");
  if (backend.empty() || backend == "sqlite") {
    temp_dir_ = make_temp_dir();
    url_ = *store::DatabaseUrl::parse("sqlite:" + (temp_dir_ / "pactwatch.db").string());
    return;
  }
  if (backend != "mariadb") {
    throw std::runtime_error("PACTWATCH_TEST_BACKEND must be sqlite or mariadb, not '" + backend + "'");
  }
  const std::string server = env_or_empty("PACTWATCH_TEST_MYSQL_URL");
  if (server.empty()) {
    throw std::runtime_error(
        "PACTWATCH_TEST_BACKEND=mariadb but PACTWATCH_TEST_MYSQL_URL is not set: run the tests through "
        "scripts/test.sh, or export a mysql://USER@localhost/mysql?socket=PATH URL of a MariaDB server");
  }
  auto admin = store::DatabaseUrl::parse(server);
  if (!admin || admin->backend != store::Backend::mysql) {
    throw std::runtime_error("PACTWATCH_TEST_MYSQL_URL is not a mysql:// URL: " +
                             (admin ? std::string("sqlite") : admin.error().message));
  }
  admin_url_ = *admin;
  url_ = admin_url_;
  url_.database = unique_database_name();
  // The name is ours (letters, digits, '_'), and identifiers cannot be bound: formatting it is safe.
  run_admin_statement(
      admin_url_, "CREATE DATABASE `" + url_.database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
}

TestDatabase::~TestDatabase() {
  try {
    if (url_.backend == store::Backend::mysql) {
      run_admin_statement(admin_url_, "DROP DATABASE IF EXISTS `" + url_.database + "`");
    } else if (!temp_dir_.empty()) {
      std::filesystem::remove_all(temp_dir_);
    }
  } catch (...) {
    // Cleanup is best effort; the test's own result has already been decided.
  }
}

std::string TestDatabase::url_text() const {
  if (url_.backend == store::Backend::sqlite) return "sqlite:" + url_.path;
  std::string text = "mysql://" + url_.user;
  if (!url_.password.empty()) text += ":" + url_.password;
  text += "@" + url_.host;
  if (url_.socket.empty()) text += ":" + std::to_string(url_.port);
  text += "/" + url_.database;
  if (!url_.socket.empty()) text += "?socket=" + url_.socket;
  return text;
}

std::string TestDatabase::backend_name() const {
  return url_.backend == store::Backend::sqlite ? "sqlite" : "mariadb";
}

std::unique_ptr<store::Database> TestDatabase::open(std::size_t pool_size, std::string sql_dir) const {
  auto db = store::Database::open(url_, pool_size, sql_dir.empty() ? source_sql_dir() : std::move(sql_dir));
  if (!db)
    throw std::runtime_error("cannot open the " + backend_name() + " test database: " + db.error().message);
  return std::move(*db);
}

}  // namespace pactwatch::testing
