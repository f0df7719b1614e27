#pragma once
// Who is asking, and what they may do (DESIGN §1). Tokens are random, shown once, stored as SHA-256.
// A token may be scoped to a region: it then sees and changes only records of bodies within that region,
// and another region's record answers 404, not 403 (its existence is not disclosed).

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_message.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/** The roles of DESIGN §1. Anonymous callers have no Principal at all. */
enum class Role { supervisor, platform, auditor, admin };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

/** What a route needs. Each route names exactly one permission (or is public). */
enum class Permission {
  ledger_read,      ///< bodies, officials, organizations, agreements, commitments, facts, regions
  ledger_write,     ///< create/update ledger records
  fact_write,       ///< append facts (the platform pushes them; supervisors record them by hand)
  breach_read,      ///< breaches, eligibility, accountability, performance, integrity, warnings
  breach_workflow,  ///< detection runs and lifecycle transitions
  trail_read,       ///< query, prove and verify the accountability trail
  export_data,      ///< CSV and OCDS exports
  sync_write,       ///< report sync status, re-process quarantine
  sync_read,        ///< sync runs and quarantine
  outbox_read,      ///< the credit-platform outbox (GET /api/v1/outbox)
  admin,            ///< tokens, sources, configuration
};

/**
 * The permission matrix of DESIGN §1:
 * - supervisor: ledger_read, ledger_write, fact_write, breach_read, breach_workflow, trail_read, sync_read
 * - platform:   fact_write, sync_write, sync_read (and nothing else)
 * - auditor:    ledger_read, breach_read, trail_read, export_data, sync_read, outbox_read (never a write)
 * - admin:      admin, sync_read, sync_write, trail_read, outbox_read
 */
bool role_allows(Role role, Permission permission);

/** An authenticated caller. */
struct Principal {
  std::string token_id;  ///< opaque id of the token (never the secret)
  std::string name;      ///< the token's name, e.g. "州财政局采购监管科"
  Role role = Role::auditor;
  std::string region;  ///< GB/T 2260 scope; empty = unscoped (the whole prefecture)

  /** True when a record of a body in `body_region` is visible to this caller. */
  bool sees_region(std::string_view body_region) const;
};

/** A handler that runs only for an authenticated caller allowed to use the route. */
using AuthorizedHandler = std::function<Response(const Request&, const Principal&)>;

/** Looks a bearer token up (by its SHA-256) and answers who it belongs to; nullopt when unknown/revoked. */
using TokenLookup = std::function<std::optional<Principal>(std::string_view token_sha256_hex)>;

/**
 * Wraps handlers with authentication and authorization:
 * - no or malformed `Authorization: Bearer …`, unknown or revoked token: 401 problem+json with
 *   `WWW-Authenticate: Bearer realm="pactwatch"` (plus error="invalid_token" when a token was given);
 * - a role without the permission: 403 problem+json;
 * - otherwise the handler runs with the Principal.
 * There is no open mode.
 */
class Authenticator {
 public:
  explicit Authenticator(TokenLookup lookup) : lookup_(std::move(lookup)) {}
  Handler guard(Permission permission, AuthorizedHandler handler) const;
  /** As guard(), for a route every valid token may use whatever its role (e.g. GET /api/v1/whoami). */
  Handler guard_any_role(AuthorizedHandler handler) const;
  /** The Principal of a request, or nullopt (for routes that behave differently when authenticated). */
  std::optional<Principal> authenticate(const Request& request) const;

 private:
  static Handler guarded(TokenLookup lookup, std::optional<Permission> permission, AuthorizedHandler handler);
  TokenLookup lookup_;
};

/** SHA-256 of a token's text, lower-case hex: what the tokens table stores. */
std::string token_hash_hex(std::string_view token);

/** The prefix every token starts with, so that a leaked one is recognisable (secret scanners, logs). */
inline constexpr std::string_view kTokenPrefix = "pw_";

/** A new token: kTokenPrefix + base64url (no padding) of 32 bytes from OpenSSL RAND_bytes. Throws if the
 * random generator fails (never hand out a weak token). */
std::string generate_token();

/** How long a looked-up token is remembered; a revoked token stops working within this time. */
struct TokenCacheOptions {
  std::chrono::milliseconds ttl{2'000};  ///< default 2 s: a revocation takes effect within 2 s
  std::size_t max_entries = 10'000;      ///< the cache is cleared when it grows past this
};

/**
 * Wraps `inner` with a small thread-safe cache of successful lookups (unknown tokens are not cached, so a
 * new token works at once). `now` is the monotonic clock, replaceable in tests.
 */
TokenLookup cached_token_lookup(
    TokenLookup inner, TokenCacheOptions options = {},
    std::function<std::chrono::steady_clock::time_point()> now = [] {
      return std::chrono::steady_clock::now();
    });

}  // namespace pactwatch::server
