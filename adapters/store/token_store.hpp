#pragma once
// API tokens (DESIGN §1, §8): who may call the service. The store keeps only a token's SHA-256, never the
// token itself. Creating and revoking are the two writes, one function each, so that the accountability
// trail (DESIGN §6) can record them in the same transaction. Role names are kept as text: the store does
// not know the server's Role type; the caller validates them.

#include <optional>
#include <string>
#include <vector>

#include "adapters/store/database.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/** A stored token, without its secret. */
struct TokenRecord {
  std::string id;                         ///< "tok_" + 16 hex digits; what `token revoke` takes
  std::string name;                       ///< who holds it, e.g. "州财政局采购监管科"
  std::string role;                       ///< supervisor | platform | auditor | admin
  std::string region;                     ///< GB/T 2260 scope; empty = unscoped
  std::string created_at;                 ///< RFC 3339 UTC
  std::optional<std::string> revoked_at;  ///< RFC 3339 UTC, set once
};

/** What `token create` asks the store to keep. */
struct NewToken {
  std::string name;
  std::string role;
  std::string region;      ///< empty = unscoped
  std::string sha256_hex;  ///< SHA-256 of the token, 64 lower-case hex digits
};

/** The api_tokens table. Thread-safe (each call borrows a pooled session); every call blocks. */
class TokenStore {
 public:
  explicit TokenStore(Database& db) : db_(db) {}

  /**
   * Stores a new token created at `now` under a fresh id and returns its record. A hash already stored
   * is a `conflict`; an empty name or a malformed hash is `invalid`.
   */
  domain::Result<TokenRecord> create(const NewToken& token, domain::Instant now);
  /** Revokes token `id` at `now`: `not_found` when there is no such token, `conflict` when already revoked.
   */
  domain::Result<TokenRecord> revoke(const std::string& id, domain::Instant now);
  /** Every token, oldest first, revoked ones included. */
  domain::Result<std::vector<TokenRecord>> list();
  /** The unrevoked token with this SHA-256 (hex), or nullopt. */
  domain::Result<std::optional<TokenRecord>> find_active(const std::string& sha256_hex);

 private:
  Database& db_;
};

}  // namespace pactwatch::store
