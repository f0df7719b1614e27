#include "server/auth.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "domain/identifiers.hpp"
#include "domain/text.hpp"

namespace pactwatch::server {
namespace {

constexpr std::string_view kRealm = "Bearer realm=\"pactwatch\"";

/** RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
bool is_b64token(std::string_view token) {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    const char c = token[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i) {
    if (token[i] != '=') return false;
  }
  return true;
}

/** What the Authorization header said. */
struct BearerParse {
  enum class Kind { missing, malformed, token } kind = Kind::missing;
  std::string_view token;
};

BearerParse parse_bearer(const Request& request) {
  int count = 0;
  std::string_view value;
  for (const auto& [name, v] : request.headers.fields()) {
    if (iequals(name, "authorization")) {
      ++count;
      value = v;
    }
  }
  if (count == 0) return {};
  // Two Authorization fields are ambiguous: refuse rather than pick one.
  if (count > 1) return {BearerParse::Kind::malformed, {}};
  value = domain::trim_blanks(value);
  const auto space = value.find_first_of(" \t");
  if (space == std::string_view::npos || !iequals(value.substr(0, space), "bearer")) {
    return {BearerParse::Kind::malformed, {}};
  }
  const std::string_view token = domain::trim_blanks(value.substr(space + 1));
  // Exactly one token: no second word, and only the b64token alphabet.
  if (!is_b64token(token)) return {BearerParse::Kind::malformed, {}};
  return {BearerParse::Kind::token, token};
}

Response unauthorized(const Request& request, std::string_view error, std::string detail) {
  Response r = problem_response(request, 401, std::move(detail));
  std::string challenge(kRealm);
  if (!error.empty()) challenge += ", error=\"" + std::string(error) + "\"";
  r.headers.set("WWW-Authenticate", std::move(challenge));
  return r;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::supervisor:
      return "supervisor";
    case Role::platform:
      return "platform";
    case Role::auditor:
      return "auditor";
    case Role::admin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role r : {Role::supervisor, Role::platform, Role::auditor, Role::admin}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

bool role_allows(Role role, Permission p) {
  using P = Permission;
  switch (role) {
    case Role::supervisor:
      return p == P::ledger_read || p == P::ledger_write || p == P::fact_write || p == P::breach_read ||
             p == P::breach_workflow || p == P::trail_read || p == P::sync_read;
    case Role::platform:
      return p == P::fact_write || p == P::sync_write || p == P::sync_read;
    case Role::auditor:
      return p == P::ledger_read || p == P::breach_read || p == P::trail_read || p == P::export_data ||
             p == P::sync_read || p == P::outbox_read;
    case Role::admin:
      return p == P::admin || p == P::sync_read || p == P::sync_write || p == P::trail_read ||
             p == P::outbox_read;
  }
  return false;
}

bool Principal::sees_region(std::string_view body_region) const {
  if (region.empty()) return true;
  const auto scope = domain::RegionCode::parse(region);
  const auto other = domain::RegionCode::parse(body_region);
  // A record without a valid region is not provably inside the scope: hide it.
  return scope && other && scope->contains(*other);
}

std::optional<Principal> Authenticator::authenticate(const Request& request) const {
  const BearerParse bearer = parse_bearer(request);
  if (bearer.kind != BearerParse::Kind::token) return std::nullopt;
  return lookup_(token_hash_hex(bearer.token));
}

Handler Authenticator::guard(Permission permission, AuthorizedHandler handler) const {
  return guarded(lookup_, permission, std::move(handler));
}

Handler Authenticator::guard_any_role(AuthorizedHandler handler) const {
  return guarded(lookup_, std::nullopt, std::move(handler));
}

Handler Authenticator::guarded(TokenLookup lookup, std::optional<Permission> permission,
                               AuthorizedHandler handler) {
  return [lookup = std::move(lookup), permission,
          handler = std::move(handler)](const Request& request) -> Response {
    const BearerParse bearer = parse_bearer(request);
    if (bearer.kind == BearerParse::Kind::missing) {
      return unauthorized(request, {}, "this route needs Authorization: Bearer <token>");
    }
    if (bearer.kind == BearerParse::Kind::malformed) {
      return unauthorized(request, "invalid_request",
                          "the Authorization header must be exactly one field: Bearer <token>");
    }
    std::optional<Principal> principal;
    try {
      principal = lookup(token_hash_hex(bearer.token));
    } catch (const std::exception&) {
      // The token store cannot be asked (database down): the caller may retry, the token is not at fault.
      Response r = problem_response(request, 503, "cannot check the token now; retry later");
      r.headers.set("Retry-After", "1");
      return r;
    }
    if (!principal) return unauthorized(request, "invalid_token", "the token is unknown or revoked");
    if (permission && !role_allows(principal->role, *permission)) {
      return problem_response(request, 403,
                              "role " + std::string(to_string(principal->role)) + " may not use this route");
    }
    return handler(request, *principal);
  };
}

std::string token_hash_hex(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

std::string generate_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("the random number generator failed; no token was made");
  }
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out(kTokenPrefix);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

TokenLookup cached_token_lookup(TokenLookup inner, TokenCacheOptions options,
                                std::function<std::chrono::steady_clock::time_point()> now) {
  struct Entry {
    Principal principal;
    std::chrono::steady_clock::time_point expires;
  };
  struct State {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  auto state = std::make_shared<State>();
  return [state, inner = std::move(inner), options,
          now = std::move(now)](std::string_view hash) -> std::optional<Principal> {
    const auto t = now();
    {
      std::lock_guard lock(state->mutex);
      if (auto it = state->entries.find(std::string(hash)); it != state->entries.end()) {
        if (t < it->second.expires) return it->second.principal;
        state->entries.erase(it);
      }
    }
    // Asked outside the lock: a slow database must not serialize every request.
    auto principal = inner(hash);
    if (principal) {
      std::lock_guard lock(state->mutex);
      if (state->entries.size() >= options.max_entries) state->entries.clear();
      state->entries.insert_or_assign(std::string(hash), Entry{*principal, t + options.ttl});
    }
    return principal;
  };
}

}  // namespace pactwatch::server
