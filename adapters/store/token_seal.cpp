#include "adapters/store/token_seal.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace pactwatch::store {
namespace {

/** The message a seal covers: a versioned JSON array, so that no two rows share one (no field can bleed). */
std::string message_of(const SealedFields& row) {
  const nlohmann::json fields{"pactwatch-token-row/v1",
                              row.id,
                              row.name,
                              row.role,
                              row.region,
                              row.token_sha256,
                              row.created_at,
                              row.revoked_at ? nlohmann::json(*row.revoked_at) : nlohmann::json(nullptr)};
  return fields.dump(-1, ' ', true);
}

}  // namespace

std::string_view to_string(SealState state) {
  switch (state) {
    case SealState::valid:
      return "valid";
    case SealState::missing:
      return "missing";
    case SealState::invalid:
      return "invalid";
  }
  return "invalid";
}

domain::Result<TokenSeal> TokenSeal::derive(const trail::SigningKey& key) {
  // The PEM is the only way out of SigningKey; the raw 32-byte seed is the HKDF input keying material.
  const std::string pem = key.private_pem();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
  std::array<std::uint8_t, 32> seed{};
  std::size_t seed_len = seed.size();
  if (!pkey || EVP_PKEY_get_raw_private_key(pkey.get(), seed.data(), &seed_len) != 1 || seed_len != 32) {
    return domain::fail(domain::ErrorCode::invalid,
                        "the trail key holds no Ed25519 private key to derive from");
  }
  std::array<std::uint8_t, 32> out{};
  std::size_t out_len = out.size();
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                  &EVP_PKEY_CTX_free);
  const bool ok =
      ctx && EVP_PKEY_derive_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), seed.data(), static_cast<int>(seed.size())) == 1 &&
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(kLabel.data()),
                                  static_cast<int>(kLabel.size())) == 1 &&
      EVP_PKEY_derive(ctx.get(), out.data(), &out_len) == 1 && out_len == out.size();
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!ok) return domain::fail(domain::ErrorCode::unavailable, "HKDF of the token-row key failed");
  TokenSeal seal(out);
  OPENSSL_cleanse(out.data(), out.size());
  return seal;
}

std::string TokenSeal::mac(const SealedFields& row) const {
  const std::string message = message_of(row);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // HMAC fails only when OpenSSL itself is broken: an assertion, not a branch.
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
           &length) == nullptr) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

SealState TokenSeal::check(const SealedFields& row, std::string_view stored) const {
  if (stored.empty()) return SealState::missing;
  const std::string expected = mac(row);
  if (stored.size() != expected.size()) return SealState::invalid;
  return CRYPTO_memcmp(stored.data(), expected.data(), expected.size()) == 0 ? SealState::valid
                                                                             : SealState::invalid;
}

}  // namespace pactwatch::store
