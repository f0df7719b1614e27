#pragma once
// The seal of an API token row (issue 13, docs/TOKENS.md): HMAC-SHA-256 over the row's id, name, role,
// region, token hash, created_at and revoked_at, under a key derived from the trail signing key with HKDF.
// A row changed behind the service's back (a role raised, a scope dropped, a revocation undone, a hash
// swapped) no longer matches its seal, and the token is refused. Whoever can read the trail key file can
// forge seals: the seal guards against database write access, not against the host.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/trail/checkpoint.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/** The fields of a token row that its seal covers. */
struct SealedFields {
  std::string id, name, role, region, token_sha256, created_at;
  std::optional<std::string> revoked_at;
};

/** Whether a stored row matches its seal. */
enum class SealState {
  valid,    ///< the row is as the service wrote it
  missing,  ///< no seal: created before migration 0011 (or the seal was erased); `token reseal` checks it
  invalid,  ///< the seal does not match: the row was changed, or the trail key was replaced
};

std::string_view to_string(SealState state);

/** The HMAC key for token rows and what it computes. Cheap to copy. */
class TokenSeal {
 public:
  /** The HKDF-SHA-256 info string: separates this key from anything else derived from the trail key. */
  static constexpr std::string_view kLabel = "pactwatch token-row MAC v1";

  /** HKDF-SHA-256 (RFC 5869) of the Ed25519 private key's 32 raw bytes, no salt, info kLabel. */
  static domain::Result<TokenSeal> derive(const trail::SigningKey& key);
  /** A seal with the given key bytes (tests). */
  explicit TokenSeal(const std::array<std::uint8_t, 32>& key) : key_(key) {}

  /** 64 lower-case hex digits: HMAC-SHA-256 over the canonical JSON array of the sealed fields. */
  std::string mac(const SealedFields& row) const;
  /** Compares in constant time; an empty `mac` is `missing`. */
  SealState check(const SealedFields& row, std::string_view mac) const;

 private:
  std::array<std::uint8_t, 32> key_;
};

}  // namespace pactwatch::store
