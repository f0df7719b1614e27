#include "adapters/trail/hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace pactwatch::trail {
namespace {

// Fetched once: EVP_MD_fetch takes a lock and searches the provider tables.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Without a context or the algorithm nothing in the trail can work: this is not a recoverable input error.
  if (ctx_ == nullptr || sha256_md() == nullptr) throw std::runtime_error("OpenSSL SHA-256 is unavailable");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
}

Hash Sha256::digest(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                    std::span<const std::uint8_t> c, std::span<const std::uint8_t> d) {
  Hash out{};
  unsigned int len = 0;
  bool ok = EVP_DigestInit_ex(ctx_, sha256_md(), nullptr) == 1;
  for (auto part : {a, b, c, d}) {
    if (!part.empty()) ok = ok && EVP_DigestUpdate(ctx_, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx_, out.data(), &len) == 1;
  if (!ok || len != out.size()) throw std::runtime_error("OpenSSL SHA-256 failed");
  return out;
}

Sha256& thread_hasher() {
  thread_local Sha256 hasher;
  return hasher;
}

void append_hex(const Hash& h, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + h.size() * 2);
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[at + 2 * i] = kHexDigits[h[i] >> 4];
    out[at + 2 * i + 1] = kHexDigits[h[i] & 0x0f];
  }
}

std::string to_hex(const Hash& h) {
  std::string out(h.size() * 2, '0');
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[2 * i] = kHexDigits[h[i] >> 4];
    out[2 * i + 1] = kHexDigits[h[i] & 0x0f];
  }
  return out;
}

domain::Result<Hash> hash_from_hex(std::string_view text) {
  Hash h{};
  if (text.size() != h.size() * 2) {
    return domain::fail(domain::ErrorCode::invalid, "a SHA-256 hash is 64 hex digits");
  }
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return domain::fail(domain::ErrorCode::invalid, "a SHA-256 hash is 64 hex digits");
    h[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
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
