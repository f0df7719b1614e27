#pragma once
// Database URLs: "sqlite:PATH", "mysql://USER:PASS@HOST:PORT/DB" and "mysql://USER@localhost/DB?socket=PATH".

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::store {

enum class Backend { sqlite, mysql };

struct DatabaseUrl {
  Backend backend = Backend::sqlite;
  std::string path;  ///< sqlite: the file
  std::string user, password, host, database, socket;
  std::uint16_t port = 3306;

  /** A malformed URL is an `invalid` error that says what is wrong with it. */
  static domain::Result<DatabaseUrl> parse(std::string_view text);
  /** The SOCI connection string for this URL. */
  std::string soci_connect_string() const;
  /** The URL with the password replaced by "***", for logs. */
  std::string redacted() const;
};

}  // namespace pactwatch::store
