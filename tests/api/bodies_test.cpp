// HTTP tests of /api/v1/bodies.
#include "server/api/ledger_routes.hpp"

#include <gmock/gmock.h>

#include "tests/api/api_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class BodiesTest : public ApiFixture {};

// Verifies that a created body answers 201 with Location and ETag, and reads back the same.
TEST_F(BodiesTest, CreateThenRead) {
  auto r = post("/api/v1/bodies", body_json("楚雄州财政局", "532300", "department"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto created = r.json();
  const std::string id = created.at("id");
  EXPECT_TRUE(id.starts_with("bod_")) << id;
  EXPECT_EQ(id.size(), 4u + 26u);
  EXPECT_EQ(r.header("location"), "/api/v1/bodies/" + id);
  EXPECT_EQ(r.header("etag"), "\"v1\"");
  EXPECT_EQ(created.at("name"), "楚雄州财政局");
  EXPECT_EQ(created.at("region"), "532300");
  EXPECT_EQ(created.at("kind"), "department");
  EXPECT_TRUE(created.at("parent_id").is_null());
  EXPECT_EQ(created.at("version"), 1);

  auto read = get("/api/v1/bodies/" + id);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json(), created);
  EXPECT_EQ(read.header("etag"), "\"v1\"");
}

// Verifies that every bad field gets exactly one error entry, unknown fields included, all at once.
TEST_F(BodiesTest, ValidationListsEveryBadField) {
  auto r = post("/api/v1/bodies", json{{"name", 42}, {"region", "53230"}, {"kind", "ministry"}, {"id", "x"}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_THAT(error_fields(r), UnorderedElementsAre("id", "name", "region", "kind"));
  auto missing = post("/api/v1/bodies", json::object());
  EXPECT_THAT(error_fields(missing), UnorderedElementsAre("name", "region", "kind"));
}

// Verifies that malformed JSON and a non-object body are 400 problems, not 422 or 500.
TEST_F(BodiesTest, MalformedJsonIs400) {
  auto r = call("POST", "/api/v1/bodies", kSupervisor, "{\"name\": ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(call("POST", "/api/v1/bodies", kSupervisor, "[1,2]").status, 400);
}

// Verifies that a parent must name an existing body (422 naming parent_id) and an unknown id is a 404.
TEST_F(BodiesTest, ReferencesAndUnknownIds) {
  auto body = body_json("楚雄市人民政府", "532301", "government");
  body["parent_id"] = "bod_00000000000000000000000000";
  auto r = post("/api/v1/bodies", body);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_THAT(error_fields(r), ElementsAre("parent_id"));
  EXPECT_EQ(get("/api/v1/bodies/bod_00000000000000000000000000").status, 404);
}

// Verifies PATCH: 428 without If-Match, 412 on a stale ETag, 200 with the new ETag and merged fields.
TEST_F(BodiesTest, PatchNeedsMatchingIfMatch) {
  auto created = create("bodies", body_json("鹿城镇人民政府", "532301", "township"));
  const std::string url = "/api/v1/bodies/" + created.at("id").get<std::string>();
  EXPECT_EQ(patch(url, {{"name", "鹿城镇"}}, "").status, 428);
  EXPECT_EQ(patch(url, {{"name", "鹿城镇"}}, "\"v7\"").status, 412);
  auto ok = patch(url, {{"name", "鹿城镇"}}, "\"v1\"");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"v2\"");
  EXPECT_EQ(ok.json().at("name"), "鹿城镇");
  EXPECT_EQ(ok.json().at("kind"), "township");  // untouched fields stay
  // The old ETag is stale now.
  EXPECT_EQ(patch(url, {{"name", "again"}}, "\"v1\"").status, 412);
  // Server-set fields cannot be patched; a required field cannot be removed.
  auto bad = patch(url, {{"version", 9}, {"name", nullptr}}, "\"v2\"");
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(error_fields(bad), ElementsAre("version"));
  auto removed = patch(url, {{"name", nullptr}}, "\"v2\"");
  EXPECT_EQ(removed.status, 422);
  EXPECT_THAT(error_fields(removed), ElementsAre("name"));
}

// Verifies filters (region containment, kind) and that walking all pages returns each body exactly once.
TEST_F(BodiesTest, ListFiltersAndPaginates) {
  for (int i = 0; i < 7; ++i)
    create("bodies", body_json("楚雄市部门" + std::to_string(i), "532301"));
  for (int i = 0; i < 4; ++i)
    create("bodies", body_json("禄丰市乡镇" + std::to_string(i), "532302", "township"));
  create("bodies", body_json("楚雄州人民政府", "532300", "government"));

  EXPECT_EQ(walk("/api/v1/bodies", 5).size(), 12u);
  EXPECT_EQ(walk("/api/v1/bodies?region=532300", 3).size(), 12u);  // the prefecture contains its counties
  EXPECT_EQ(walk("/api/v1/bodies?region=532301", 2).size(), 7u);
  EXPECT_EQ(walk("/api/v1/bodies?kind=township", 50).size(), 4u);
  // Pages come in creation (id) order.
  auto all = walk("/api/v1/bodies", 4);
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_LT(all[i - 1].at("id").get<std::string>(), all[i].at("id").get<std::string>());
}

// Verifies list parameter checks: limit out of range, malformed cursor, unknown filter, bad region: 422.
TEST_F(BodiesTest, ListParametersAreValidated) {
  EXPECT_EQ(get("/api/v1/bodies?limit=0").status, 422);
  EXPECT_EQ(get("/api/v1/bodies?limit=501").status, 422);
  EXPECT_EQ(get("/api/v1/bodies?limit=abc").status, 422);
  EXPECT_EQ(get("/api/v1/bodies?limit=500").status, 200);
  auto cursor = get("/api/v1/bodies?cursor=%25%25%25");
  EXPECT_EQ(cursor.status, 422);
  EXPECT_THAT(error_fields(cursor), ElementsAre("cursor"));
  EXPECT_THAT(error_fields(get("/api/v1/bodies?regoin=532301")), ElementsAre("regoin"));
  EXPECT_THAT(error_fields(get("/api/v1/bodies?region=5323")), ElementsAre("region"));
}

// Verifies region scope: another region's body is a 404, lists are filtered, and no body can be created
// outside the token's region.
TEST_F(BodiesTest, RegionScope) {
  auto chuxiong = create("bodies", body_json("楚雄市财政局", "532301"));
  auto lufeng = create("bodies", body_json("禄丰市财政局", "532302"));
  EXPECT_EQ(get("/api/v1/bodies/" + lufeng.at("id").get<std::string>(), kChuxiongCity).status, 404);
  EXPECT_EQ(get("/api/v1/bodies/" + chuxiong.at("id").get<std::string>(), kChuxiongCity).status, 200);
  auto visible = walk("/api/v1/bodies", 10, kChuxiongCity);
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0].at("id"), chuxiong.at("id"));
  // A patch of another region's body is a 404 too, not a 412 or 403.
  EXPECT_EQ(
      patch("/api/v1/bodies/" + lufeng.at("id").get<std::string>(), {{"name", "x"}}, "\"v1\"", kChuxiongCity)
          .status,
      404);
  auto outside = post("/api/v1/bodies", body_json("禄丰市教育局", "532302"), kChuxiongCity);
  EXPECT_EQ(outside.status, 422);
  EXPECT_THAT(error_fields(outside), ElementsAre("region"));
}

// Verifies Idempotency-Key: the same key and body replays the same answer without a second body; another
// body with the same key is a 422; keys are per token.
TEST_F(BodiesTest, IdempotencyKey) {
  const auto body = body_json("武定县财政局", "532329");
  auto first = post("/api/v1/bodies", body, kSupervisor, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201);
  auto again = post("/api/v1/bodies", body, kSupervisor, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("etag"), first.header("etag"));
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(walk("/api/v1/bodies", 50).size(), 1u);

  auto other =
      post("/api/v1/bodies", body_json("武定县教育局", "532329"), kSupervisor, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_THAT(error_fields(other), ElementsAre("Idempotency-Key"));

  // The same key from another token is another key.
  auto mine = post("/api/v1/bodies", body, kChuxiongCity, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(mine.status, 422);  // 532329 is outside 532301: validated, not replayed
  EXPECT_THAT(error_fields(mine), ElementsAre("region"));
}

}  // namespace
}  // namespace pactwatch::testing
