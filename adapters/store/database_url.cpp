#include "adapters/store/database_url.hpp"

#include <charconv>
#include <optional>

namespace pactwatch::store {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Result;

std::unexpected<Error> bad_url(std::string message) {
  return std::unexpected(Error::invalid("database", std::move(message)));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** RFC 3986 percent-decoding of one URL component; `what` names the component in the error. */
Result<std::string> percent_decode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return bad_url("bad percent-encoding in the " + std::string(what));
    }
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return bad_url("bad percent-encoding in the " + std::string(what));
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Result<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
    return bad_url("bad port '" + std::string(text) + "' (expected 1-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

/** Parses the part after "mysql://": USER[:PASS]@HOST[:PORT]/DB[?socket=PATH]. */
Result<DatabaseUrl> parse_mysql(std::string_view rest) {
  DatabaseUrl url;
  url.backend = Backend::mysql;

  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return bad_url("missing database name (expected mysql://USER[:PASS]@HOST[:PORT]/DB)");
  }
  auto db = percent_decode(rest.substr(slash + 1), "database name");
  if (!db) return std::unexpected(db.error());
  if (db->find('/') != std::string::npos) return bad_url("the database name must not contain '/'");
  url.database = std::move(*db);
  std::string_view authority = rest.substr(0, slash);

  // The password may contain '@' only percent-encoded, so the last '@' ends the user information.
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos || at == 0) {
    return bad_url("missing user (expected mysql://USER[:PASS]@HOST[:PORT]/DB)");
  }
  const std::string_view userinfo = authority.substr(0, at);
  std::string_view hostport = authority.substr(at + 1);
  const auto colon = userinfo.find(':');
  auto user = percent_decode(userinfo.substr(0, colon), "user");
  if (!user) return std::unexpected(user.error());
  if (user->empty()) return bad_url("missing user (expected mysql://USER[:PASS]@HOST[:PORT]/DB)");
  url.user = std::move(*user);
  if (colon != std::string_view::npos) {
    auto password = percent_decode(userinfo.substr(colon + 1), "password");
    if (!password) return std::unexpected(password.error());
    url.password = std::move(*password);
  }

  // An IPv6 literal is written in brackets: mysql://u@[::1]:3306/db.
  std::string_view port_text;
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad_url("unterminated '[' in the host");
    url.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url("unexpected text after the host");
      port_text = after.substr(1);
      if (port_text.empty()) return bad_url("bad port '' (expected 1-65535)");
    }
  } else if (const auto pc = hostport.find(':'); pc != std::string_view::npos) {
    url.host = std::string(hostport.substr(0, pc));
    port_text = hostport.substr(pc + 1);
    if (port_text.empty()) return bad_url("bad port '' (expected 1-65535)");
  } else {
    url.host = std::string(hostport);
  }
  if (!port_text.empty()) {
    auto port = parse_port(port_text);
    if (!port) return std::unexpected(port.error());
    url.port = *port;
  }

  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key != "socket") {
      return bad_url("unknown query parameter '" + std::string(key) + "' (only 'socket' is known)");
    }
    if (eq == std::string_view::npos || eq + 1 == pair.size()) return bad_url("empty socket path");
    auto socket = percent_decode(pair.substr(eq + 1), "socket path");
    if (!socket) return std::unexpected(socket.error());
    url.socket = std::move(*socket);
  }
  if (url.host.empty()) {
    if (url.socket.empty()) return bad_url("missing host (or ?socket=PATH)");
    url.host = "localhost";
  }
  return url;
}

/** Quotes a value for a SOCI connect string when it holds spaces, quotes or backslashes. */
std::string soci_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \t'\"\\=") == std::string::npos) return value;
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace

Result<DatabaseUrl> DatabaseUrl::parse(std::string_view text) {
  if (text.starts_with("sqlite:")) {
    DatabaseUrl url;
    url.backend = Backend::sqlite;
    url.path = std::string(text.substr(7));
    if (url.path.empty()) return bad_url("missing file path (expected sqlite:PATH)");
    return url;
  }
  for (const std::string_view scheme : {"mysql://", "mariadb://"}) {
    if (text.starts_with(scheme)) return parse_mysql(text.substr(scheme.size()));
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return bad_url("missing scheme (expected sqlite:PATH or mysql://USER[:PASS]@HOST[:PORT]/DB)");
  }
  return bad_url("unknown scheme '" + std::string(text.substr(0, colon)) +
                 "' (expected sqlite:PATH or mysql://USER[:PASS]@HOST[:PORT]/DB)");
}

std::string DatabaseUrl::soci_connect_string() const {
  if (backend == Backend::sqlite) return "db=" + soci_value(path);
  std::string s = "db=" + soci_value(database) + " user=" + soci_value(user);
  if (!password.empty()) s += " password=" + soci_value(password);
  if (!socket.empty()) {
    s += " unix_socket=" + soci_value(socket);
  } else {
    s += " host=" + soci_value(host) + " port=" + std::to_string(port);
  }
  // utf8mb4 so that every Chinese name (and any 4-byte character) round-trips.
  return s + " charset=utf8mb4";
}

std::string DatabaseUrl::redacted() const {
  // Built with append() rather than operator+ chains: GCC 12 at -O3 reports a false -Wrestrict on those.
  std::string s;
  if (backend == Backend::sqlite) return s.append("sqlite:").append(path);
  s.append("mysql://").append(user);
  if (!password.empty()) s.append(":***");
  s.append("@");
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) s.append("[");
  s.append(host);
  if (ipv6) s.append("]");
  if (socket.empty()) s.append(":").append(std::to_string(port));
  s.append("/").append(database);
  if (!socket.empty()) s.append("?socket=").append(socket);
  return s;
}

}  // namespace pactwatch::store
