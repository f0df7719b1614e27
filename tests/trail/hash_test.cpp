#include "adapters/trail/hash.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace pactwatch::trail {
namespace {

// Verifies SHA-256 against the FIPS 180-2 "abc" vector and the empty string.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Verifies that digesting several ranges equals digesting their concatenation.
TEST(Sha256, PartsEqualConcatenation) {
  Sha256 sha;
  EXPECT_EQ(sha.digest(bytes_of("ab"), bytes_of(""), bytes_of("c")), sha256("abc"));
}

// Verifies hex round trips and that malformed hex is rejected rather than truncated.
TEST(Hex, RoundTripAndStrictness) {
  const Hash h = sha256("x");
  EXPECT_EQ(hash_from_hex(to_hex(h)), h);
  EXPECT_FALSE(hash_from_hex(to_hex(h).substr(1)).has_value());
  std::string bad = to_hex(h);
  bad[10] = 'g';
  EXPECT_FALSE(hash_from_hex(bad).has_value());
  for (char c : {'/', ':', '@', 'G', '`', 'g', ' ', '\0', '\xff'}) {  // neighbours of the digit ranges
    bad = to_hex(h);
    bad[63] = c;
    EXPECT_FALSE(hash_from_hex(bad).has_value()) << static_cast<int>(c);
  }
  std::string upper = to_hex(h);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_EQ(hash_from_hex(upper), h);
}

// Verifies is_hex_of accepts exactly the 64 lower-case digits of the hash (what the store writes).
TEST(Hex, IsHexOfIsExactLowerCase) {
  const Hash h = sha256("x");
  const std::string hex = to_hex(h);
  EXPECT_TRUE(is_hex_of(h, hex));
  std::string upper = hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_NE(upper, hex);
  EXPECT_FALSE(is_hex_of(h, upper));
  EXPECT_FALSE(is_hex_of(h, hex.substr(1)));
  EXPECT_FALSE(is_hex_of(h, hex + "0"));
  EXPECT_FALSE(is_hex_of(sha256("y"), hex));
}

// Verifies base64 against RFC 4648 §10 vectors and rejects non-canonical or foreign text.
TEST(Base64, Rfc4648VectorsAndStrictness) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(bytes_of(plain)), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
  EXPECT_FALSE(base64_decode("Zg=").has_value());
  EXPECT_FALSE(base64_decode("Zh==").has_value());  // non-zero bits under the padding
  EXPECT_FALSE(base64_decode("Z=g=").has_value());
  EXPECT_FALSE(base64_decode("Zm9v\n").has_value());
  EXPECT_FALSE(base64_decode("Zm-_").has_value());
}

// Verifies the fixed-block digests of a Merkle leaf (prefix + 32 bytes) and node (prefix + 64 bytes) equal
// SHA-256 over the same bytes, for many inputs.
TEST(Hash, PrefixedDigestsEqualSha256OfTheBytes) {
  for (int i = 0; i < 64; ++i) {
    const Hash a = sha256("a" + std::to_string(i)), b = sha256("b" + std::to_string(i));
    const auto prefix = static_cast<std::uint8_t>(i % 3);
    const std::string one = std::string(1, static_cast<char>(prefix)) +
                            std::string(reinterpret_cast<const char*>(a.data()), a.size());
    const std::string two = one + std::string(reinterpret_cast<const char*>(b.data()), b.size());
    EXPECT_EQ(sha256_prefixed(prefix, a), sha256(one)) << i;
    EXPECT_EQ(sha256_prefixed(prefix, a, b), sha256(two)) << i;
  }
}

}  // namespace
}  // namespace pactwatch::trail
