// Change-set entries (docs/TRAIL.md §2.4): the canonical text of a change, the documented example entry and
// its hash, and how a reader tells a change set from an entry of the earlier layout.
#include "adapters/trail/change_set.hpp"

#include <gtest/gtest.h>

#include "adapters/trail/canonical_json.hpp"

namespace pactwatch::trail {
namespace {

using nlohmann::json;

constexpr const char* kAgreement = "agr_01JD3F8Q6X2M5N7P9R1S3T5V7W";
constexpr const char* kCommitment = "com_01JD3F8Q6X2M5N7P9R1S3T5V7X";

EntityChange creation(const std::string& type, const std::string& id, json value) {
  return {{type, id}, "create", json::array({{{"op", "add"}, {"path", ""}, {"value", std::move(value)}}})};
}

// Verifies the documented example of §2.4: an imported release that created an agreement and a commitment,
// its exact canonical bytes, and its hash (computed independently with Python's hashlib).
TEST(ChangeSet, DocumentedExampleBytesAndHash) {
  const auto agreement = canonical_change(
      creation("agreement", kAgreement, {{"id", kAgreement}, {"title", "楚雄州政府采购合同"}}));
  const auto commitment = canonical_change(creation(
      "commitment", kCommitment, {{"id", kCommitment}, {"agreement_id", kAgreement}, {"due", "2026-06-30"}}));
  ASSERT_TRUE(agreement && commitment);
  EntryDraft d;
  d.time = *domain::parse_instant("2026-11-26T05:29:13.042Z");
  d.actor = {"", "sync:file"};
  d.role = "platform";
  d.action = "sync.import";
  d.entity = {"agreement", kAgreement};
  d.request_id = "sync-import-host-1";
  d.reason = "platform sync of file: ocds:ocds-213czf-000-00001/r1";
  d.canonical_patch = "[" + *agreement + "," + *commitment + "]";
  auto e = seal_entry(d, 1, kZeroHash);
  ASSERT_TRUE(e) << e.error().message;
  std::string bytes;
  ASSERT_TRUE(append_entry_canonical(*e, bytes));
  EXPECT_EQ(
      bytes,
      R"({"action":"sync.import","actor":{"name":"sync:file","token_id":""},"entity":{"id":"agr_01JD3F8Q6X2M5N7P9R1S3T5V7W","type":"agreement"},)"
      R"("patch":[{"id":"agr_01JD3F8Q6X2M5N7P9R1S3T5V7W","op":"create","patch":[{"op":"add","path":"","value":{"id":"agr_01JD3F8Q6X2M5N7P9R1S3T5V7W","title":"楚雄州政府采购合同"}}],"type":"agreement"},)"
      R"({"id":"com_01JD3F8Q6X2M5N7P9R1S3T5V7X","op":"create","patch":[{"op":"add","path":"","value":{"agreement_id":"agr_01JD3F8Q6X2M5N7P9R1S3T5V7W","due":"2026-06-30","id":"com_01JD3F8Q6X2M5N7P9R1S3T5V7X"}}],"type":"commitment"}],)"
      R"("prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",)"
      R"("reason":"platform sync of file: ocds:ocds-213czf-000-00001/r1","request_id":"sync-import-host-1","role":"platform","seq":1,"time":"2026-11-26T05:29:13.042Z"})");
  EXPECT_EQ(to_hex(e->hash), "bfd54b440d5dcb5deba0e431a2cb30f74326da29b2dcc43e9c8b56c625cc08b9");
  // The same entry sealed from the parsed patch (the generic canonical writer) is byte for byte the same.
  EntryDraft generic = d;
  generic.canonical_patch.clear();
  generic.patch = json::parse(d.canonical_patch);
  EXPECT_EQ(seal_entry(generic, 1, kZeroHash).value(), *e);
}

// Verifies a change's text is the canonical JSON of {type, id, op, patch}, also for text to escape.
TEST(ChangeSet, ChangeTextIsCanonicalJson) {
  const EntityChange c{{"official", "off_\"1\"\n楚雄"},
                       "append_post",
                       json::parse(R"([{"value":{"title":"局长\\"},"path":"/posts/-","op":"add"}])")};
  const auto text = canonical_change(c);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text,
            canonical_json({{"type", c.entity.type}, {"id", c.entity.id}, {"op", c.op}, {"patch", c.patch}})
                .value());
}

// Verifies a creation's text is that of the change whose patch adds the whole state at "".
TEST(ChangeSet, CreationTextEqualsTheChangeOfItsAddPatch) {
  const json state = json::parse(R"({"id":"com_1","title":"第1期","amount":null,"posts":[{"a":"\u0001"}]})");
  const auto direct = canonical_creation({"commitment", "com_1"}, "create", state);
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ(*direct, canonical_change(creation("commitment", "com_1", state)).value());
  const auto with_float = canonical_creation({"commitment", "com_1"}, "create", json::parse(R"({"x":1.5})"));
  ASSERT_FALSE(with_float);
  EXPECT_EQ(with_float.error().field, "patch/0/value/x");
}

// Verifies what a change must hold: an entity, an op, and an RFC 6902 patch without floats.
TEST(ChangeSet, IncompleteOrFloatChangesAreRefused) {
  EXPECT_FALSE(canonical_change({{"", "x"}, "create", json::array()}));
  EXPECT_FALSE(canonical_change({{"body", ""}, "create", json::array()}));
  EXPECT_FALSE(canonical_change({{"body", "x"}, "", json::array()}));
  EXPECT_FALSE(canonical_change({{"body", "x"}, "update", json::object()}));
  EXPECT_FALSE(canonical_change({{"body", "x"}, "update", json::parse(R"([{"op":"add"}])")}));
  const auto with_float =
      canonical_change({{"body", "x"}, "update", json::parse(R"([{"op":"add","path":"/a","value":1.5}])")});
  ASSERT_FALSE(with_float);
  EXPECT_EQ(with_float.error().field, "patch/0/value");
  EXPECT_FALSE(canonical_change({{"body", std::string("\xff", 1)}, "create", json::array()}));
}

// Verifies a reader tells the layouts apart by the hashed patch alone: RFC 6902 operations (the layout
// before migration 0009, also an empty patch) are never taken for changes.
TEST(ChangeSet, ChangeSetsAreToldFromPerEntityPatches) {
  EXPECT_TRUE(is_change_set(json::parse(R"([{"id":"b","op":"create","patch":[],"type":"body"}])")));
  EXPECT_FALSE(is_change_set(json::parse(R"([{"op":"replace","path":"/name","value":"x"}])")));
  EXPECT_FALSE(
      is_change_set(json::parse(R"([{"op":"add","path":"","value":{"type":"t","id":"i","patch":[]}}])")));
  EXPECT_FALSE(is_change_set(json::array()));
  EXPECT_FALSE(is_change_set(json::parse(R"([{"id":"b","op":"create","patch":{},"type":"body"}])")));
  EXPECT_FALSE(is_change_set(json::parse(R"({"id":"b"})")));
}

// Verifies an entity's patches in an entry: every change naming it, in order, in a change set; the whole
// patch of an earlier-layout entry about it; nothing otherwise.
TEST(ChangeSet, EntityPatchesAndChangedEntitiesOfBothLayouts) {
  TrailEntry set;
  set.entity = {"body", "b1"};
  const json changes = json::parse(
      R"([{"id":"b1","op":"create","patch":[{"op":"add","path":"","value":{"n":1}}],"type":"body"},
      {"id":"o1","op":"create","patch":[{"op":"add","path":"","value":{}}],"type":"official"},
      {"id":"b1","op":"update","patch":[{"op":"replace","path":"/n","value":2}],"type":"body"}])");
  const auto patches = entity_patches(set, changes, {"body", "b1"});
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(patches[1], changes[2]["patch"]);
  EXPECT_TRUE(entity_patches(set, changes, {"official", "b1"}).empty());
  EXPECT_EQ(changed_entities(set, changes), (std::vector<EntityRef>{{"body", "b1"}, {"official", "o1"}}));

  TrailEntry old;
  old.entity = {"body", "b1"};
  const json patch = json::parse(R"([{"op":"replace","path":"/n","value":3}])");
  ASSERT_EQ(entity_patches(old, patch, {"body", "b1"}).size(), 1u);
  EXPECT_EQ(entity_patches(old, patch, {"body", "b1"})[0], patch);
  EXPECT_TRUE(entity_patches(old, patch, {"body", "b2"}).empty());
  EXPECT_EQ(changed_entities(old, patch), (std::vector<EntityRef>{{"body", "b1"}}));
}

}  // namespace
}  // namespace pactwatch::trail
