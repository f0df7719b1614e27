#include "adapters/trail/checkpoint.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/trail/canonical_json.hpp"

namespace pactwatch::trail {
namespace {

using nlohmann::json;

PkeyPtr own(EVP_PKEY* key) {
  return PkeyPtr(key, EVP_PKEY_free);
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// Never prompt on a terminal for a passphrase: an encrypted key file simply fails to load.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

domain::Result<PkeyPtr> read_private_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr;
  ERR_clear_error();
  if (key == nullptr) return domain::fail(domain::ErrorCode::invalid, "not an unencrypted PEM private key");
  PkeyPtr owned = own(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return domain::fail(domain::ErrorCode::invalid, "the checkpoint key must be an Ed25519 key");
  }
  return owned;
}

domain::Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return domain::fail(domain::ErrorCode::unavailable, std::string("write: ") + std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

domain::Result<SigningKey> load_key_file(const KeyFileOptions& options) {
  struct stat st {};
  if (::stat(options.path.c_str(), &st) != 0) {
    return domain::fail(domain::ErrorCode::unavailable,
                        "cannot stat " + options.path.string() + ": " + std::strerror(errno));
  }
  if (options.require_private_mode && (st.st_mode & 077) != 0) {
    std::ostringstream mode;
    mode << std::oct << (st.st_mode & 0777);
    return domain::fail(domain::ErrorCode::invalid, "checkpoint key " + options.path.string() +
                                                        " has mode 0" + mode.str() +
                                                        "; it must not be open to group or "
                                                        "others (chmod 600)");
  }
  std::ifstream in(options.path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return domain::fail(domain::ErrorCode::unavailable, "cannot read " + options.path.string());
  auto key = SigningKey::from_pem(text.str());
  if (!key) {
    return domain::fail(domain::ErrorCode::invalid, options.path.string() + ": " + key.error().message);
  }
  return key;
}

// Writes a new key to a private temporary file and links it into place; linking fails if another process
// created the key first, and then that key is used.
domain::Result<SigningKey> create_key_file(const KeyFileOptions& options) {
  std::error_code ec;
  if (options.path.has_parent_path()) std::filesystem::create_directories(options.path.parent_path(), ec);
  if (ec) {
    return domain::fail(domain::ErrorCode::unavailable,
                        "cannot create " + options.path.parent_path().string() + ": " + ec.message());
  }
  auto key = SigningKey::generate();
  if (!key) return key;
  std::uint8_t nonce[8];
  if (RAND_bytes(nonce, sizeof nonce) != 1)
    return domain::fail(domain::ErrorCode::unavailable, "no randomness");
  std::string suffix;
  for (std::uint8_t b : nonce) {
    suffix += "0123456789abcdef"[b >> 4];
    suffix += "0123456789abcdef"[b & 15];
  }
  const std::filesystem::path temp = options.path.string() + ".tmp-" + suffix;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return domain::fail(domain::ErrorCode::unavailable,
                        "cannot create " + temp.string() + ": " + std::strerror(errno));
  }
  auto written = write_all(fd, key->private_pem());
  const bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(temp.c_str());
    return domain::fail(domain::ErrorCode::unavailable, "cannot write " + temp.string());
  }
  const int linked = ::link(temp.c_str(), options.path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno == EEXIST) return load_key_file(options);
  if (linked != 0) {
    return domain::fail(domain::ErrorCode::unavailable,
                        "cannot create " + options.path.string() + ": " + std::strerror(link_errno));
  }
  return key;
}

}  // namespace

std::string checkpoint_message(const Checkpoint& c) {
  std::string out = "{\"format\":";
  append_json_string(kCheckpointFormat, out);
  out += ",\"root_hash\":\"" + to_hex(c.root_hash) + "\",\"time\":";
  if (!append_json_string(c.time, out)) out += "null";  // not UTF-8: cannot have been signed by us
  out += ",\"tree_size\":" + std::to_string(c.tree_size) + "}";
  return out;
}

nlohmann::json checkpoint_to_json(const SignedCheckpoint& c) {
  return {{"tree_size", c.checkpoint.tree_size},
          {"root_hash", to_hex(c.checkpoint.root_hash)},
          {"time", c.checkpoint.time},
          {"signature", base64_encode(c.signature)},
          {"key_id", c.key_id}};
}

domain::Result<SignedCheckpoint> checkpoint_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return domain::fail(domain::ErrorCode::invalid, "a checkpoint is an object");
  SignedCheckpoint c;
  const auto size = j.find("tree_size");
  if (size == j.end() || !size->is_number_integer() ||
      (!size->is_number_unsigned() && size->get<std::int64_t>() < 0)) {
    return domain::fail(domain::ErrorCode::invalid, "must be a non-negative integer", "tree_size");
  }
  c.checkpoint.tree_size = size->get<std::uint64_t>();
  for (const char* key : {"root_hash", "time", "signature"}) {
    if (!j.contains(key) || !j[key].is_string()) {
      return domain::fail(domain::ErrorCode::invalid, "must be a string", key);
    }
  }
  auto root = hash_from_hex(j["root_hash"].get<std::string>());
  if (!root) return domain::fail(domain::ErrorCode::invalid, root.error().message, "root_hash");
  c.checkpoint.root_hash = *root;
  c.checkpoint.time = j["time"].get<std::string>();
  auto signature = base64_decode(j["signature"].get<std::string>());
  if (!signature) return domain::fail(domain::ErrorCode::invalid, signature.error().message, "signature");
  c.signature = std::move(*signature);
  if (j.contains("key_id") && j["key_id"].is_string()) c.key_id = j["key_id"].get<std::string>();
  return c;
}

domain::Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr) : nullptr;
  ERR_clear_error();
  if (key == nullptr) return domain::fail(domain::ErrorCode::invalid, "not a PEM public key");
  PkeyPtr owned = own(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return domain::fail(domain::ErrorCode::invalid, "the checkpoint key must be an Ed25519 key");
  }
  return PublicKey(std::move(owned));
}

domain::Result<PublicKey> PublicKey::from_raw(std::span<const std::uint8_t> raw) {
  if (raw.size() != 32) return domain::fail(domain::ErrorCode::invalid, "an Ed25519 public key is 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size());
  ERR_clear_error();
  if (key == nullptr) return domain::fail(domain::ErrorCode::invalid, "not an Ed25519 public key");
  return PublicKey(own(key));
}

std::string PublicKey::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    throw std::runtime_error("PEM_write_bio_PUBKEY");
  return bio_text(bio.get());
}

std::array<std::uint8_t, 32> PublicKey::raw() const {
  std::array<std::uint8_t, 32> out{};
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), out.data(), &len) != 1 || len != out.size()) {
    throw std::runtime_error("EVP_PKEY_get_raw_public_key");
  }
  return out;
}

std::string PublicKey::key_id() const {
  const auto bytes = raw();
  return to_hex(thread_hasher().digest(bytes)).substr(0, 16);
}

bool PublicKey::verify(std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature) const {
  if (signature.size() != 64) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

bool PublicKey::verify(const SignedCheckpoint& c) const {
  return verify(bytes_of(checkpoint_message(c.checkpoint)), c.signature);
}

domain::Result<SigningKey> SigningKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ERR_clear_error();
  if (key == nullptr) return domain::fail(domain::ErrorCode::unavailable, "Ed25519 key generation failed");
  return SigningKey(own(key));
}

domain::Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  auto key = read_private_pem(pem);
  if (!key) return std::unexpected(key.error());
  return SigningKey(std::move(*key));
}

std::string SigningKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PrivateKey");
  }
  return bio_text(bio.get());
}

PublicKey SigningKey::public_key() const {
  std::array<std::uint8_t, 32> raw{};
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &len) != 1) {
    throw std::runtime_error("EVP_PKEY_get_raw_public_key");
  }
  return *PublicKey::from_raw(raw);
}

std::vector<std::uint8_t> SigningKey::sign(std::span<const std::uint8_t> message) const {
  std::vector<std::uint8_t> signature(64);
  std::size_t len = signature.size();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  // Ed25519 hashes internally: the digest argument is NULL (one-shot EVP_DigestSign only).
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &len, message.data(), message.size()) != 1 || len != 64) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  return signature;
}

SignedCheckpoint SigningKey::sign(const Checkpoint& checkpoint) const {
  return SignedCheckpoint{checkpoint, sign(bytes_of(checkpoint_message(checkpoint))), public_key().key_id()};
}

domain::Result<SigningKey> load_or_create_signing_key(const KeyFileOptions& options) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(options.path, ec);
  if (ec) return domain::fail(domain::ErrorCode::unavailable, "cannot access " + options.path.string());
  if (exists) return load_key_file(options);
  if (!options.create_if_missing) {
    return domain::fail(domain::ErrorCode::not_found,
                        "checkpoint key " + options.path.string() + " does not exist");
  }
  return create_key_file(options);
}

}  // namespace pactwatch::trail
