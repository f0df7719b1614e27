#pragma once
// SHA-256 digests and their text forms (lower-case hex, base64) for the trail.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace pactwatch::trail {

/** A SHA-256 digest: an entry hash, a Merkle node or a root. */
using Hash = std::array<std::uint8_t, 32>;

/** The all-zero hash: the genesis prev_hash of the first entry. */
inline constexpr Hash kZeroHash{};

/**
 * SHA-256 over OpenSSL's direct SHA256_* calls. OpenSSL 3's one-shot SHA256() looks the algorithm up on
 * every call, and EVP's dispatch costs about as much as hashing a Merkle node: verification makes three
 * digests per entry, so it goes around both (hash.cpp). Kept as a class, one per thread
 * (thread_hasher()), so that callers need not change if it ever holds state again.
 */
class Sha256 {
 public:
  Sha256() = default;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  /** Digest of the concatenation of the given byte ranges. */
  Hash digest(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b = {},
              std::span<const std::uint8_t> c = {}, std::span<const std::uint8_t> d = {});
};

/** The calling thread's hasher. */
Sha256& thread_hasher();

/**
 * SHA-256 of `prefix` followed by one or two hashes (33 or 65 bytes: a Merkle leaf or node, §4), with the
 * padding written once into fixed blocks and compressed directly: the same digest as Sha256::digest without
 * its per-call buffering and finalisation, which cost as much as the compression itself.
 */
Hash sha256_prefixed(std::uint8_t prefix, const Hash& a);
Hash sha256_prefixed(std::uint8_t prefix, const Hash& a, const Hash& b);

inline std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/** SHA-256 of a byte string. */
inline Hash sha256(std::string_view data) {
  return thread_hasher().digest(bytes_of(data));
}

/** 64 lower-case hex digits. */
std::string to_hex(const Hash& h);
/**
 * The one SHA-256 hex helper: the 64 lower-case hex digits of the SHA-256 of `bytes` (content hashes of
 * platform records, migration checksums, token hashes, request hashes). store:: and platform::ocds:: spell
 * it as their own through a using-declaration.
 */
std::string sha256_hex(std::string_view bytes);
/** Appends the 64 lower-case hex digits of `h` to `out` (no temporary string). */
void append_hex(const Hash& h, std::string& out);
/** Whether `text` is exactly the 64 lower-case hex digits of `h` (one encode and compare, no parse). */
bool is_hex_of(const Hash& h, std::string_view text);
/** Exactly 64 hex digits (either case); anything else is ErrorCode::invalid. */
domain::Result<Hash> hash_from_hex(std::string_view text);

/** Standard base64 (RFC 4648 §4) with padding. */
std::string base64_encode(std::span<const std::uint8_t> data);
/** Strict standard base64 with padding; whitespace or other alphabets are ErrorCode::invalid. */
domain::Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace pactwatch::trail
