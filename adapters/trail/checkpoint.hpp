#pragma once
// Signed checkpoints of the trail's Merkle tree (docs/TRAIL.md §5): Ed25519 over the canonical JSON of
// {format, root_hash, time, tree_size}, through OpenSSL's EVP interface.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/trail/hash.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

struct evp_pkey_st;

namespace pactwatch::trail {

/** The value of "format" in every signed checkpoint message: separates it from anything else we sign. */
inline constexpr std::string_view kCheckpointFormat = "pactwatch-trail-checkpoint/v1";

/** A tree head: the first tree_size entries have Merkle root root_hash, as of time. */
struct Checkpoint {
  std::uint64_t tree_size = 0;
  Hash root_hash{};
  std::string time;  ///< RFC 3339 UTC with milliseconds
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

/** A checkpoint, its 64-byte Ed25519 signature and the id of the key that made it. */
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::vector<std::uint8_t> signature;
  std::string key_id;
  friend bool operator==(const SignedCheckpoint&, const SignedCheckpoint&) = default;
};

/** The exact bytes that are signed: canonical JSON of {format, root_hash (hex), time, tree_size}. */
std::string checkpoint_message(const Checkpoint& checkpoint);

/** {"tree_size", "root_hash", "time", "signature" (base64), "key_id"} for the API and checkpoint files. */
nlohmann::json checkpoint_to_json(const SignedCheckpoint& checkpoint);
/** The inverse of checkpoint_to_json; ErrorCode::invalid on a bad shape (the signature is not checked). */
domain::Result<SignedCheckpoint> checkpoint_from_json(const nlohmann::json& json);

/** An OpenSSL key, shared and freed with EVP_PKEY_free. */
using PkeyPtr = std::shared_ptr<evp_pkey_st>;

/** An Ed25519 public key: verifies checkpoints; exported as PEM (SubjectPublicKeyInfo) or raw base64. */
class PublicKey {
 public:
  static domain::Result<PublicKey> from_pem(std::string_view pem);
  static domain::Result<PublicKey> from_raw(std::span<const std::uint8_t> raw);
  /** "-----BEGIN PUBLIC KEY----- ..." */
  std::string pem() const;
  /** The 32 raw key bytes (RFC 8032). */
  std::array<std::uint8_t, 32> raw() const;
  std::string raw_base64() const { return base64_encode(raw()); }
  /** First 16 hex digits of SHA-256 of the raw key: names the key in checkpoints and on rotation. */
  std::string key_id() const;
  bool verify(std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature) const;
  /** Checks the signature over checkpoint_message(); the key id is informative and not checked. */
  bool verify(const SignedCheckpoint& checkpoint) const;

 private:
  explicit PublicKey(PkeyPtr key) : key_(std::move(key)) {}
  PkeyPtr key_;
};

/** An Ed25519 private key that signs checkpoints. */
class SigningKey {
 public:
  static domain::Result<SigningKey> generate();
  /** A PKCS#8 "PRIVATE KEY" PEM holding an Ed25519 key; other key types are ErrorCode::invalid. */
  static domain::Result<SigningKey> from_pem(std::string_view pem);
  std::string private_pem() const;
  PublicKey public_key() const;
  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> message) const;
  SignedCheckpoint sign(const Checkpoint& checkpoint) const;

 private:
  explicit SigningKey(PkeyPtr key) : key_(std::move(key)) {}
  PkeyPtr key_;
};

/** Where the checkpoint key lives and how it is protected. */
struct KeyFileOptions {
  /** The PEM file; the service's configuration sets it (default var/trail/checkpoint-key.pem). */
  std::filesystem::path path = "var/trail/checkpoint-key.pem";
  /** Generate a key (and the parent directories) when the file does not exist, as on first start. */
  bool create_if_missing = true;
  /** Refuse a key file that group or others may read or write (like ssh does); the new file is 0600. */
  bool require_private_mode = true;
};

/**
 * Loads the key at options.path or, when it is missing and creation is allowed, generates one and writes it
 * with mode 0600. Creation is atomic (written to a temporary file, then linked into place), so two instances
 * starting together end up with the same key. ErrorCode::unavailable for I/O failures, ErrorCode::invalid
 * for a file that is not an Ed25519 private key or is too open.
 */
domain::Result<SigningKey> load_or_create_signing_key(const KeyFileOptions& options);

}  // namespace pactwatch::trail
