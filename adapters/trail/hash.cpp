#include "adapters/trail/hash.hpp"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but EVP's per-digest dispatch
// (init, provider call, final, cleanse) costs as much as hashing a Merkle node; verification makes about
// three digests per entry, and the direct calls make it about 9 % faster (docs/PERFORMANCE.md, "Trail").
// They run the same SHA-NI/AVX2 code.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace pactwatch::trail {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Hex digit values by byte (-1: not a hex digit): one table lookup per digit instead of three range tests.
constexpr std::array<std::int8_t, 256> kHexValues = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (int c = '0'; c <= '9'; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}();

// The two lower-case hex digits of every byte value.
constexpr std::array<std::array<char, 2>, 256> kHexPairs = [] {
  std::array<std::array<char, 2>, 256> t{};
  for (std::size_t b = 0; b < 256; ++b)
    t[b] = {kHexDigits[b >> 4], kHexDigits[b & 0x0f]};
  return t;
}();

void encode_hex(const Hash& h, char* out) {
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[2 * i] = kHexPairs[h[i]][0];
    out[2 * i + 1] = kHexPairs[h[i]][1];
  }
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Hash Sha256::digest(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                    std::span<const std::uint8_t> c, std::span<const std::uint8_t> d) {
  Hash out{};
  SHA256_CTX sha;
  bool ok = SHA256_Init(&sha) == 1;
  for (auto part : {a, b, c, d}) {
    if (!part.empty()) ok = SHA256_Update(&sha, part.data(), part.size()) == 1 && ok;
  }
  ok = SHA256_Final(out.data(), &sha) == 1 && ok;
  if (!ok) throw std::runtime_error("OpenSSL SHA-256 failed");
  return out;
}

namespace {

/** Compresses `blocks` padded 64-byte blocks from SHA-256's initial state and returns the digest. */
Hash compress(const std::uint8_t* blocks, std::size_t count) {
  SHA256_CTX sha;
  if (SHA256_Init(&sha) != 1) throw std::runtime_error("OpenSSL SHA-256 failed");
  for (std::size_t i = 0; i < count; ++i)
    SHA256_Transform(&sha, blocks + 64 * i);
  Hash out{};
  for (std::size_t i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(sha.h[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(sha.h[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(sha.h[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(sha.h[i]);
  }
  return out;
}

}  // namespace

Hash sha256_prefixed(std::uint8_t prefix, const Hash& a) {
  // 33 bytes, 0x80, zeros, and the length in bits (264) big-endian in the last 8 bytes: one block.
  std::array<std::uint8_t, 64> block{};
  block[0] = prefix;
  std::memcpy(block.data() + 1, a.data(), 32);
  block[33] = 0x80;
  block[62] = 264 >> 8;
  block[63] = 264 & 0xff;
  return compress(block.data(), 1);
}

Hash sha256_prefixed(std::uint8_t prefix, const Hash& a, const Hash& b) {
  // 65 bytes, 0x80, zeros, and the length in bits (520) in the last 8 bytes: two blocks.
  std::array<std::uint8_t, 128> blocks{};
  blocks[0] = prefix;
  std::memcpy(blocks.data() + 1, a.data(), 32);
  std::memcpy(blocks.data() + 33, b.data(), 32);
  blocks[65] = 0x80;
  blocks[126] = 520 >> 8;
  blocks[127] = 520 & 0xff;
  return compress(blocks.data(), 2);
}

Sha256& thread_hasher() {
  thread_local Sha256 hasher;
  return hasher;
}

void append_hex(const Hash& h, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + h.size() * 2);
  encode_hex(h, out.data() + at);
}

std::string sha256_hex(std::string_view bytes) {
  return to_hex(sha256(bytes));
}

std::string to_hex(const Hash& h) {
  std::string out(h.size() * 2, '0');
  encode_hex(h, out.data());
  return out;
}

bool is_hex_of(const Hash& h, std::string_view text) {
  if (text.size() != h.size() * 2) return false;
  char hex[64];
  encode_hex(h, hex);
  return std::memcmp(hex, text.data(), sizeof hex) == 0;
}

domain::Result<Hash> hash_from_hex(std::string_view text) {
  Hash h{};
  if (text.size() != h.size() * 2) {
    return domain::fail(domain::ErrorCode::invalid, "a SHA-256 hash is 64 hex digits");
  }
  int bad = 0;  // one check at the end: no branch per digit
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int hi = kHexValues[static_cast<unsigned char>(text[2 * i])];
    const int lo = kHexValues[static_cast<unsigned char>(text[2 * i + 1])];
    bad |= hi | lo;
    h[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  if (bad < 0) return domain::fail(domain::ErrorCode::invalid, "a SHA-256 hash is 64 hex digits");
  return h;
}

std::string base64_encode(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = std::uint32_t{data[i]} << 16 | std::uint32_t{data[i + 1]} << 8 | data[i + 2];
    for (int shift : {18, 12, 6, 0})
      out += kBase64[(v >> shift) & 0x3f];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
    out += kBase64[(v >> 18) & 0x3f];
    out += kBase64[(v >> 12) & 0x3f];
    out += rest == 2 ? kBase64[(v >> 6) & 0x3f] : '=';
    out += '=';
  }
  return out;
}

domain::Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return domain::fail(domain::ErrorCode::invalid, "base64 text length is not a multiple of 4");
  }
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (pad == 1 && text[i + 2] == '=') return domain::fail(domain::ErrorCode::invalid, "bad base64 padding");
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const int d = j >= 4 - pad ? 0 : base64_value(text[i + j]);
      if (d < 0) return domain::fail(domain::ErrorCode::invalid, "not base64 text");
      v = v << 6 | static_cast<std::uint32_t>(d);
    }
    // Canonical encodings only: the bits under the padding must be zero.
    if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0)) {
      return domain::fail(domain::ErrorCode::invalid, "non-canonical base64 padding bits");
    }
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

}  // namespace pactwatch::trail
