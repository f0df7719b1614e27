#include "adapters/platform/exchange/source.hpp"

#include <charconv>

namespace pactwatch::platform::exchange {
namespace {

domain::Result<std::string> percent_decode(std::string_view text, const char* field) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    const char* first = text.data() + i + 1;
    if (i + 2 >= text.size() || std::from_chars(first, first + 2, value, 16).ptr != first + 2) {
      return domain::fail(domain::ErrorCode::invalid, std::string("bad percent-encoding in the ") + field,
                          "url");
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

domain::Result<ExchangeSource> bad(const std::string& why) {
  return domain::fail(domain::ErrorCode::invalid, "exchange database URL: " + why, "url");
}

}  // namespace

domain::Result<ExchangeSource> ExchangeSource::parse(std::string_view url) {
  constexpr std::string_view scheme = "mysql://";
  if (!url.starts_with(scheme)) return bad("must start with mysql://");
  std::string_view rest = url.substr(scheme.size());
  ExchangeSource s;
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size())
    return bad("no database name after the host");
  s.database = std::string(rest.substr(slash + 1));
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon), "user");
    if (!user) return std::unexpected(user.error());
    s.user = *user;
    if (colon != std::string_view::npos) {
      auto password = percent_decode(userinfo.substr(colon + 1), "password");
      if (!password) return std::unexpected(password.error());
      s.password = *password;
    }
  }
  if (s.user.empty()) return bad("no user (mysql://USER@HOST/DATABASE)");
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
      return bad("port \"" + std::string(port) + "\" is not 1-65535");
    s.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return bad("no host");
  s.host = std::string(authority);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (name != "socket") return bad("unknown parameter \"" + std::string(name) + "\" (only socket)");
    auto socket = percent_decode(value, "socket");
    if (!socket) return std::unexpected(socket.error());
    if (socket->empty()) return bad("empty socket path");
    s.socket = *socket;
  }
  return s;
}

std::string ExchangeSource::redacted() const {
  std::string text = "mysql://" + user + (password.empty() ? "" : ":***") + "@" + host;
  if (socket.empty()) text += ":" + std::to_string(port);
  text += "/" + database;
  if (!socket.empty()) text += "?socket=" + socket;
  return text;
}

}  // namespace pactwatch::platform::exchange
