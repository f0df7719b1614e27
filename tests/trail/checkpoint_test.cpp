#include "adapters/trail/checkpoint.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace pactwatch::trail {
namespace {

namespace fs = std::filesystem;

/** A fresh temporary directory per test, removed afterwards. */
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pactwatch-trail-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Checkpoint sample() {
  return Checkpoint{1234, sha256("root"), "2026-11-26T05:29:13.000Z"};
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

// Verifies the exact signed bytes of a checkpoint as specified in docs/TRAIL.md §5.
TEST(Checkpoint, MessageBytesAreAsDocumented) {
  EXPECT_EQ(checkpoint_message(sample()), "{\"format\":\"pactwatch-trail-checkpoint/v1\",\"root_hash\":\"" +
                                              to_hex(sha256("root")) +
                                              "\",\"time\":\"2026-11-26T05:29:13.000Z\",\"tree_size\":1234}");
}

// Verifies that a signature verifies with the signer's public key (also after a PEM or raw round trip) and
// not with another key.
TEST(Checkpoint, SignAndVerify) {
  const SigningKey key = *SigningKey::generate();
  const SignedCheckpoint signed_cp = key.sign(sample());
  EXPECT_EQ(signed_cp.signature.size(), 64u);
  EXPECT_EQ(signed_cp.key_id, key.public_key().key_id());
  EXPECT_TRUE(key.public_key().verify(signed_cp));
  EXPECT_TRUE(PublicKey::from_pem(key.public_key().pem())->verify(signed_cp));
  const auto raw = base64_decode(key.public_key().raw_base64());
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), 32u);
  EXPECT_TRUE(PublicKey::from_raw(*raw)->verify(signed_cp));
  EXPECT_FALSE(SigningKey::generate()->public_key().verify(signed_cp));
}

// Verifies that a flipped bit in the signature, or any change to the signed fields, is rejected.
TEST(Checkpoint, RejectsFlippedBitsAndAlteredFields) {
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  const SignedCheckpoint good = key.sign(sample());
  for (int bit = 0; bit < 512; ++bit) {
    SignedCheckpoint bad = good;
    bad.signature[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(pub.verify(bad)) << "bit " << bit;
  }
  for (int bit = 0; bit < 256; bit += 3) {
    SignedCheckpoint bad = good;
    bad.checkpoint.root_hash[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(pub.verify(bad)) << "root bit " << bit;
  }
  SignedCheckpoint bad = good;
  bad.checkpoint.tree_size += 1;
  EXPECT_FALSE(pub.verify(bad));
  bad = good;
  bad.checkpoint.time = "2026-11-26T05:29:13.001Z";
  EXPECT_FALSE(pub.verify(bad));
  bad = good;
  bad.signature.pop_back();
  EXPECT_FALSE(pub.verify(bad));
}

// Verifies the JSON form round-trips and that malformed checkpoints are rejected with the field named.
TEST(Checkpoint, JsonRoundTrip) {
  const SigningKey key = *SigningKey::generate();
  const SignedCheckpoint c = key.sign(sample());
  const nlohmann::json j = checkpoint_to_json(c);
  EXPECT_EQ(j["root_hash"], to_hex(c.checkpoint.root_hash));
  EXPECT_EQ(checkpoint_from_json(j), c);
  nlohmann::json bad = j;
  bad["signature"] = "not base64!";
  EXPECT_EQ(checkpoint_from_json(bad).error().field, "signature");
  bad = j;
  bad["tree_size"] = -3;
  EXPECT_EQ(checkpoint_from_json(bad).error().field, "tree_size");
}

// Verifies first start: the key file and its missing parent directories are created with mode 0600, and
// the next start loads the same key.
TEST(KeyFile, GeneratedOnFirstUseThenReloaded) {
  TempDir dir;
  KeyFileOptions options;
  options.path = dir.path() / "var" / "trail" / "checkpoint-key.pem";
  auto first = load_or_create_signing_key(options);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(mode_of(options.path), 0600u);
  auto second = load_or_create_signing_key(options);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->public_key().raw(), first->public_key().raw());
  EXPECT_TRUE(second->public_key().verify(first->sign(sample())));
  // No temporary files are left beside the key.
  EXPECT_EQ(std::distance(fs::directory_iterator(options.path.parent_path()), fs::directory_iterator()), 1);
}

// Verifies that a key file open to others, a missing file when creation is off, and a file that is not an
// Ed25519 private key are refused with clear errors.
TEST(KeyFile, RefusesUnsafeMissingOrForeignKeys) {
  TempDir dir;
  KeyFileOptions options;
  options.path = dir.path() / "key.pem";
  ASSERT_TRUE(load_or_create_signing_key(options).has_value());
  fs::permissions(options.path, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  auto open = load_or_create_signing_key(options);
  ASSERT_FALSE(open.has_value());
  EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
  options.require_private_mode = false;
  EXPECT_TRUE(load_or_create_signing_key(options).has_value());

  KeyFileOptions missing;
  missing.path = dir.path() / "absent.pem";
  missing.create_if_missing = false;
  EXPECT_EQ(load_or_create_signing_key(missing).error().code, domain::ErrorCode::not_found);

  KeyFileOptions foreign;
  foreign.path = dir.path() / "foreign.pem";
  std::ofstream(foreign.path) << SigningKey::generate()->public_key().pem();
  fs::permissions(foreign.path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  EXPECT_EQ(load_or_create_signing_key(foreign).error().code, domain::ErrorCode::invalid);
  EXPECT_FALSE(
      SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").has_value());
}

}  // namespace
}  // namespace pactwatch::trail
