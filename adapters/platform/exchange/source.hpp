#pragma once
// Where the exchange database is: a mysql:// URL, parsed here so that the adapter does not depend on the
// store. "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?socket=PATH]"; user and password may be
// percent-encoded. With `socket` the connection goes through that unix socket and HOST is ignored.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::platform::exchange {

/** The exchange database to read. */
struct ExchangeSource {
  std::string user;
  std::string password;
  std::string host = "localhost";
  std::uint16_t port = 3306;
  std::string database;
  std::string socket;

  /** A malformed URL is an `invalid` error saying what is wrong (the password is never echoed). */
  static domain::Result<ExchangeSource> parse(std::string_view url);
  /** The URL with the password replaced by "***", for logs and sync reports. */
  std::string redacted() const;
};

}  // namespace pactwatch::platform::exchange
