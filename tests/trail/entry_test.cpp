#include "adapters/trail/entry.hpp"

#include <gtest/gtest.h>

#include "adapters/trail/canonical_json.hpp"

namespace pactwatch::trail {
namespace {

using nlohmann::json;

EntryDraft draft(std::string reason = "逾期未支付：合同约定 30 日内付款") {
  EntryDraft d;
  d.time = *domain::parse_instant("2026-11-26T05:29:13.042Z");
  d.actor = {"tok_7Qx", "州财政局采购监管科"};
  d.role = "supervisor";
  d.action = "breach.verify";
  d.entity = {"breach", "br_8f3a"};
  d.request_id = "req-01";
  d.reason = std::move(reason);
  d.patch = json::parse(R"([{"op":"replace","path":"/state","value":"verified"},
                            {"op":"add","path":"/amount","value":{"amount":"1234.56","currency":"CNY"}}])");
  return d;
}

// Verifies the exact canonical bytes of an entry (the documented example in docs/TRAIL.md §2) and its hash
// as SHA-256 over prev_hash's 32 bytes followed by those bytes.
TEST(TrailEntry, CanonicalBytesAndHashAreAsDocumented) {
  auto e = seal_entry(draft("逾期"), 1, kZeroHash);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  std::string bytes;
  ASSERT_TRUE(append_entry_canonical(*e, bytes));
  EXPECT_EQ(
      bytes,
      "{\"action\":\"breach.verify\",\"actor\":{\"name\":\"州财政局采购监管科\",\"token_id\":\"tok_7Qx\"},"
      "\"entity\":{\"id\":\"br_8f3a\",\"type\":\"breach\"},\"patch\":[{\"op\":\"replace\",\"path\":"
      "\"/state\",\"value\":\"verified\"},{\"op\":\"add\",\"path\":\"/amount\",\"value\":{\"amount\":"
      "\"1234.56\",\"currency\":\"CNY\"}}],\"prev_hash\":\"" +
          std::string(64, '0') +
          "\",\"reason\":\"逾期\",\"request_id\":\"req-01\",\"role\":\"supervisor\",\"seq\":1,"
          "\"time\":\"2026-11-26T05:29:13.042Z\"}");
  EXPECT_EQ(e->hash, sha256(std::string(32, '\0') + bytes));
}

// Verifies that the fast field-by-field writer equals canonical_json() of the entry's JSON form, for text
// with Chinese, quotes, backslashes and control characters.
TEST(TrailEntry, FastWriterEqualsGenericCanonicalJson) {
  const std::vector<std::string> reasons = {"", "楚雄 \"引号\" \\ 反斜杠",
                                            std::string("tab\tnl\ncr\rnul\0x", 15), "\x7f/"};
  for (const std::string& reason : reasons) {
    auto e = seal_entry(draft(reason), 42, sha256("prev"));
    ASSERT_TRUE(e.has_value());
    std::string fast;
    ASSERT_TRUE(append_entry_canonical(*e, fast));
    EXPECT_EQ(fast, canonical_json(entry_to_json(*e, false)).value());
  }
}

// Verifies that each hashed field changes the hash: nothing in an entry can be altered unnoticed.
TEST(TrailEntry, EveryFieldIsCovered) {
  const TrailEntry base = *seal_entry(draft(), 3, sha256("p"));
  EntryHasher hasher;
  ASSERT_EQ(hasher.hash(base), base.hash);
  const std::vector<void (*)(TrailEntry&)> edits = {
      [](TrailEntry& e) { e.seq = 4; },
      [](TrailEntry& e) { e.time = "2026-11-26T05:29:13.043Z"; },
      [](TrailEntry& e) { e.actor.token_id += "x"; },
      [](TrailEntry& e) { e.actor.name += "x"; },
      [](TrailEntry& e) { e.role = "admin"; },
      [](TrailEntry& e) { e.action += "x"; },
      [](TrailEntry& e) { e.entity.type = "agreement"; },
      [](TrailEntry& e) { e.entity.id += "x"; },
      [](TrailEntry& e) { e.request_id += "x"; },
      [](TrailEntry& e) { e.reason += "。"; },
      [](TrailEntry& e) { e.patch = "[]"; },
      [](TrailEntry& e) { e.prev_hash[31] ^= 1; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    TrailEntry edited = base;
    edits[i](edited);
    EXPECT_NE(hasher.hash(edited), base.hash) << "edit " << i;
  }
}

// Verifies that sealing rejects what cannot be hashed canonically: floats in the patch, a non-array patch,
// operations without op/path, invalid UTF-8, an empty action and seq 0.
TEST(TrailEntry, SealRejectsBadDrafts) {
  EntryDraft d = draft();
  d.patch = json::parse(R"([{"op":"replace","path":"/rate","value":0.5}])");
  EXPECT_EQ(seal_entry(d, 1, kZeroHash).error().field, "patch/0/value");
  d.patch = json::object();
  EXPECT_FALSE(seal_entry(d, 1, kZeroHash).has_value());
  d.patch = json::parse(R"([{"path":"/a"}])");
  EXPECT_FALSE(seal_entry(d, 1, kZeroHash).has_value());
  EXPECT_FALSE(seal_entry(draft("\xff"), 1, kZeroHash).has_value());
  d = draft();
  d.action.clear();
  EXPECT_FALSE(seal_entry(d, 1, kZeroHash).has_value());
  EXPECT_FALSE(seal_entry(draft(), 0, kZeroHash).has_value());
}

// Verifies the JSON form round-trips (an exported trail can be verified offline) and bad shapes fail.
TEST(TrailEntry, JsonRoundTrip) {
  const TrailEntry e = *seal_entry(draft(), 9, sha256("p"));
  const json j = entry_to_json(e);
  EXPECT_EQ(j["hash"], to_hex(e.hash));
  EXPECT_EQ(j["patch"][0]["value"], "verified");
  EXPECT_EQ(entry_from_json(j), e);
  json signed_seq = j;
  signed_seq["seq"] = std::int64_t{9};  // a signed integer from a JSON builder is as good as a parsed one
  EXPECT_EQ(entry_from_json(signed_seq), e);
  json bad = j;
  bad["seq"] = -1;
  EXPECT_FALSE(entry_from_json(bad).has_value());
  bad["seq"] = 0;
  EXPECT_FALSE(entry_from_json(bad).has_value());
  bad = j;
  bad["prev_hash"] = "abc";
  EXPECT_EQ(entry_from_json(bad).error().field, "prev_hash");
  bad = j;
  bad["actor"].erase("name");
  EXPECT_EQ(entry_from_json(bad).error().field, "actor.name");
}

}  // namespace
}  // namespace pactwatch::trail
