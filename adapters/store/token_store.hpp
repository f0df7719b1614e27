#pragma once
// API tokens (DESIGN §1, §8): who may call the service. The store keeps only a token's SHA-256, never the
// token itself. Creating and revoking are the two writes, one function each, each recorded in the trail in
// its transaction (DESIGN §6). Every row carries a seal (token_seal.hpp): an HMAC over its fields that the
// service checks on every use, so that a row edited behind its back is refused (docs/TOKENS.md). Role names
// are kept as text: the store does not know the server's Role type; the caller validates them.

#include <optional>
#include <string>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/store/token_seal.hpp"
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
  SealState seal = SealState::valid;      ///< whether the row matches its seal (checked on every read)
};

/** What `token create` asks the store to keep. */
struct NewToken {
  std::string name;
  std::string role;
  std::string region;      ///< empty = unscoped
  std::string sha256_hex;  ///< SHA-256 of the token, 64 lower-case hex digits
};

/** What `token reseal` did with one row whose seal was missing or invalid. */
struct ResealOutcome {
  std::string id;
  SealState before = SealState::missing;
  bool sealed = false;  ///< the row matched its trail history and was sealed
  /** Why it was not sealed, or what could not be checked ("the hash: …"); empty when fully checked. */
  std::string note;
};

/** The api_tokens table. Thread-safe (each call borrows a pooled session); every call blocks. */
class TokenStore {
 public:
  TokenStore(Database& db, TokenSeal seal) : db_(db), seal_(std::move(seal)) {}

  /**
   * Stores a new token created at `now` under a fresh id, sealed, and returns its record. A hash already
   * stored is a `conflict`; an empty name or a malformed hash is `invalid`.
   */
  domain::Result<TokenRecord> create(const NewToken& token, domain::Instant now);
  /**
   * Revokes token `id` at `now`: `not_found` when there is no such token, `conflict` when already revoked.
   * A row whose seal was already broken is revoked but not resealed (revoking never blesses a row).
   */
  domain::Result<TokenRecord> revoke(const std::string& id, domain::Instant now);
  /** Every token, oldest first, revoked ones included, each with its seal state. */
  domain::Result<std::vector<TokenRecord>> list();
  /**
   * The unrevoked token with this SHA-256 (hex), or nullopt. The record's `seal` says whether the row may
   * be trusted: the caller must refuse anything but SealState::valid.
   */
  domain::Result<std::optional<TokenRecord>> find_active(const std::string& sha256_hex);
  /**
   * Seals the rows whose seal is missing or invalid when they match the state their trail entries rebuild
   * (id, name, role, region, created_at, revoked_at, and the hash check when the trail holds one), each with
   * a `reseal` trail entry. Rows whose trail history predates the hash check (created before migration
   * 0011) are sealed only with `accept_unchecked_hashes`; rows that differ from their history never are.
   */
  domain::Result<std::vector<ResealOutcome>> reseal(domain::Instant now, bool accept_unchecked_hashes);

 private:
  Database& db_;
  TokenSeal seal_;
};

/**
 * What the trail records of a token's hash: "sha256:" + the first 16 hex digits of SHA-256 over a label and
 * the token's SHA-256. Enough to tell a swapped hash from the one created, useless for using the token.
 */
std::string token_hash_check(const std::string& token_sha256);

}  // namespace pactwatch::store
