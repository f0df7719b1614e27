#include "adapters/trail/canonical_json.hpp"

#include <gtest/gtest.h>

namespace pactwatch::trail {
namespace {

using nlohmann::json;

std::string canon(const json& j) {
  auto r = canonical_json(j);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r.value_or("");
}

// Verifies that members are sorted by key bytes at every depth and no whitespace is written.
TEST(CanonicalJson, SortsKeysRecursivelyWithoutWhitespace) {
  const json j =
      json::parse(R"({ "b": 1, "a": {"z": [3, 2, {"y": null, "x": true}], "m": false}, "": "e" })");
  EXPECT_EQ(canon(j), R"({"":"e","a":{"m":false,"z":[3,2,{"x":true,"y":null}]},"b":1})");
}

// Verifies byte order of keys: upper case before lower case, and Chinese (3-byte UTF-8) after ASCII, by
// UTF-8 bytes (U+00E9 "é" is C3 A9 and sorts before U+4E2D "中" E4 B8 AD).
TEST(CanonicalJson, KeysSortByUtf8Bytes) {
  const json j = {{"中", 1}, {"é", 2}, {"Z", 3}, {"a", 4}, {"aa", 5}};
  EXPECT_EQ(canon(j), "{\"Z\":3,\"a\":4,\"aa\":5,\"é\":2,\"中\":1}");
}

// Verifies the example of docs/TRAIL.md §1 byte for byte.
TEST(CanonicalJson, DocumentedExample) {
  EXPECT_EQ(canon(json::parse(R"({"b":1,"a":{"z":[3,2],"é":"楚雄\n"},"Z":null})")),
            R"({"Z":null,"a":{"z":[3,2],"é":"楚雄\n"},"b":1})");
}

// Verifies that Chinese text is written as raw UTF-8, never as \u escapes.
TEST(CanonicalJson, ChineseTextStaysUtf8) {
  const json j = {{"reason", "楚雄州财政局：逾期未支付中小企业款项"}};
  EXPECT_EQ(canon(j), "{\"reason\":\"楚雄州财政局：逾期未支付中小企业款项\"}");
}

// Verifies the escape set: quote, backslash, the five short forms, other controls as lower-case \u00xx,
// and DEL, slash and non-ASCII left alone.
TEST(CanonicalJson, EscapesOnlyWhatJsonRequires) {
  const std::string text = std::string("q\"b\\/\b\f\n\r\t") + '\x00' + "\x01\x1f\x7f" + "€";
  EXPECT_EQ(canon(json(text)), "\"q\\\"b\\\\/\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\x7f€\"");
}

// Verifies the word-at-a-time scan of the unchecked writer (verification's) escapes every byte that needs
// it at every position and block alignment, and gives the same bytes as the checked writer.
TEST(CanonicalJson, UncheckedWriterEscapesAtEveryOffset) {
  for (const char special : {'"', '\\', '\x00', '\x01', '\x1f', '\n'}) {
    for (std::size_t at = 0; at < 24; ++at) {
      std::string text = "abcdefghijklmnopqrstuvwx楚雄州";  // ASCII first: inserts stay UTF-8
      text.insert(at, 1, special);
      std::string checked, unchecked;
      ASSERT_TRUE(append_json_string(text, checked));
      append_json_string_unchecked(text, unchecked);
      EXPECT_EQ(unchecked, checked) << static_cast<int>(special) << " at " << at;
      EXPECT_EQ(unchecked, canon(json(text)));
    }
  }
  std::string plain;
  append_json_string_unchecked("\x20\x7f\x80\xff 0123456789 !#$%&'()*+,-./", plain);
  EXPECT_EQ(plain,
            "\"\x20\x7f\x80\xff 0123456789 !#$%&'()*+,-./\"");  // bytes >= 0x20 except " and \\ verbatim
}

// Verifies the one number form: integers in plain decimal across the full int64/uint64 range.
TEST(CanonicalJson, IntegersInPlainDecimal) {
  EXPECT_EQ(canon(json::parse("[0, -0, 7, -42, 9223372036854775807, -9223372036854775808, "
                              "18446744073709551615]")),
            "[0,0,7,-42,9223372036854775807,-9223372036854775808,18446744073709551615]");
}

// Verifies that floats are rejected with the pointer of the offending value (amounts are decimal strings).
TEST(CanonicalJson, RejectsFloatsWithTheirPointer) {
  auto r = canonical_json(json::parse(R"({"a": [1, {"x/y": 1.5}]})"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, domain::ErrorCode::invalid);
  EXPECT_EQ(r.error().field, "/a/1/x~1y");
  EXPECT_FALSE(canonical_json(json::parse("1.0")).has_value());
  EXPECT_FALSE(canonical_json(json::parse("1e3")).has_value());
}

// Verifies that ill-formed UTF-8 (truncated, overlong, surrogate, beyond U+10FFFF) is rejected.
TEST(CanonicalJson, RejectsInvalidUtf8) {
  for (std::string bad : {"\xe4\xb8", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff"}) {
    EXPECT_FALSE(canonical_json(json(bad)).has_value()) << bad.size();
    EXPECT_FALSE(canonical_json(json{{bad, 1}}).has_value());
  }
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80 楚雄"));
}

// Verifies that parsing the canonical text gives back the same value and re-canonicalising is a fixpoint.
TEST(CanonicalJson, IsAFixpointOfParsing) {
  const json j = json::parse(R"({"patch":[{"op":"replace","path":"/a~1b","value":{"amount":"1234.56",
      "currency":"CNY"}}],"seq":12,"ok":true,"none":null,"text":"中\n文"})");
  const std::string once = canon(j);
  EXPECT_EQ(json::parse(once), j);
  EXPECT_EQ(canon(json::parse(once)), once);
}

}  // namespace
}  // namespace pactwatch::trail
