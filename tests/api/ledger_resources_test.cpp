// HTTP tests of the ledger resources beyond bodies: organizations, officials and posts, agreements with
// stages and assignments, commitments, facts and regions.
#include "server/api/ledger_routes.hpp"

#include <gmock/gmock.h>
#include <soci/soci.h>

#include "domain/identifiers.hpp"
#include "tests/api/api_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

/** A valid credit code whose first 17 characters are `first17` (the check character is computed). */
std::string credit_code(const std::string& first17) {
  return first17 + domain::credit_code_check_character(first17);
}

json cny(const std::string& amount) {
  return json{{"amount", amount}, {"currency", "CNY"}};
}

/** Seeds two bodies (楚雄市, 禄丰市), a supplier, and an agreement in each region. */
class LedgerTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    chuxiong_ = create("bodies", body_json("楚雄市财政局", "532301"))["id"];
    lufeng_ = create("bodies", body_json("禄丰市财政局", "532302"))["id"];
    supplier_ = create("organizations", {{"name", "云南彝信科技有限公司"},
                                         {"credit_code", credit_code("91532301MA6K1234X")},
                                         {"sme", true}})["id"];
    agreement_cx_ = create("agreements", agreement("楚雄市智慧政务平台采购", chuxiong_, "ZC2026-001"))["id"];
    agreement_lf_ = create("agreements", agreement("禄丰市校舍维修采购", lufeng_, "ZC2026-002"))["id"];
  }
  json agreement(const std::string& title, const std::string& body_id, const std::string& project_code) {
    return json{{"kind", "procurement"},
                {"title", title},
                {"body_id", body_id},
                {"counterparty_id", supplier_},
                {"value", cny("1280000.00")},
                {"signed_on", "2026-03-02"},
                {"platform_project_code", project_code}};
  }
  json commitment(const std::string& agreement_id, const std::string& due) {
    return json{{"agreement_id", agreement_id},
                {"obligor_side", "government"},
                {"obligor_id", chuxiong_},
                {"kind", "payment"},
                {"title", "首期款"},
                {"due", due},
                {"amount", cny("384000.00")},
                {"grace_days", 5}};
  }
  std::string chuxiong_, lufeng_, supplier_, agreement_cx_, agreement_lf_;
};

// Verifies organizations: a bad check character is a 422 on credit_code; a duplicate code is a 409.
TEST_F(LedgerTest, OrganizationCreditCode) {
  auto code = credit_code("91532301MA6K1234X");
  std::string wrong = code;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  auto bad = post("/api/v1/organizations", {{"name", "某公司"}, {"credit_code", wrong}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(error_fields(bad), ElementsAre("credit_code"));
  auto dup = post("/api/v1/organizations", {{"name", "另一家公司"}, {"credit_code", code}});
  EXPECT_EQ(dup.status, 409) << dup.body;
  auto read = get("/api/v1/organizations/" + supplier_);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json().at("credit_code"), code);
  EXPECT_EQ(read.json().at("sme"), true);
  EXPECT_EQ(walk("/api/v1/organizations?sme=true", 1).size(), 1u);
  EXPECT_EQ(walk("/api/v1/organizations?credit_code=" + code, 5).size(), 1u);
  // Organizations are visible to every region's token: suppliers serve many counties.
  EXPECT_EQ(get("/api/v1/organizations/" + supplier_, kLufeng).status, 200);
}

// Verifies agreements: amounts must be decimal strings (a JSON number is a 422), one error per bad field,
// a duplicate external reference is a 409, filters by reference and region work.
TEST_F(LedgerTest, AgreementValidationAndReferences) {
  auto body = agreement("x", chuxiong_, "ZC2026-009");
  body["value"] = json{{"amount", 1280000.5}, {"currency", "CNY"}};
  body["signed_on"] = "2026-02-30";
  body["kind"] = "loan";
  body["body_id"] = "bod_missing";
  auto bad = post("/api/v1/agreements", body);
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(error_fields(bad), UnorderedElementsAre("value", "signed_on", "kind"));
  auto plain_number = agreement("x", chuxiong_, "ZC2026-010");
  plain_number["value"] = 1280000;
  EXPECT_THAT(error_fields(post("/api/v1/agreements", plain_number)), ElementsAre("value"));
  auto unknown_body = post("/api/v1/agreements", agreement("x", "bod_missing", "ZC2026-011"));
  EXPECT_EQ(unknown_body.status, 422);
  EXPECT_THAT(error_fields(unknown_body), ElementsAre("body_id"));

  auto dup = post("/api/v1/agreements", agreement("重复", chuxiong_, "ZC2026-001"));
  EXPECT_EQ(dup.status, 409) << dup.body;

  auto found = walk("/api/v1/agreements?platform_project_code=ZC2026-002", 10);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].at("id"), agreement_lf_);
  EXPECT_EQ(found[0].at("value"), cny("1280000.00"));
  EXPECT_EQ(walk("/api/v1/agreements?region=532300", 1).size(), 2u);
  EXPECT_EQ(walk("/api/v1/agreements?region=532301", 1).size(), 1u);
  EXPECT_EQ(walk("/api/v1/agreements?kind=ppp", 1).size(), 0u);
}

// Verifies region scope on agreements, commitments and facts: another region's object is a 404, and lists
// only hold the token's region.
TEST_F(LedgerTest, RegionScopeAcrossResources) {
  auto com = create("commitments", commitment(agreement_cx_, "2026-06-30"));
  auto fact = create("facts", {{"commitment_id", com["id"]}, {"kind", "fulfilled"}, {"on", "2026-06-20"}});
  EXPECT_EQ(get("/api/v1/agreements/" + agreement_cx_, kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/agreements/" + agreement_cx_, kChuxiongCity).status, 200);
  EXPECT_EQ(get("/api/v1/commitments/" + com["id"].get<std::string>(), kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/facts/" + fact["id"].get<std::string>(), kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/facts/" + fact["id"].get<std::string>(), kChuxiongCity).status, 200);
  auto mine = walk("/api/v1/agreements", 10, kLufeng);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].at("id"), agreement_lf_);
  EXPECT_EQ(walk("/api/v1/commitments", 10, kLufeng).size(), 0u);
  EXPECT_EQ(walk("/api/v1/facts", 10, kLufeng).size(), 0u);
  // Writing against another region's agreement: the reference does not exist for this token.
  auto other = post("/api/v1/commitments", commitment(agreement_cx_, "2026-06-30"), kLufeng);
  EXPECT_EQ(other.status, 422);
  EXPECT_THAT(error_fields(other), UnorderedElementsAre("agreement_id", "obligor_id"));
}

// Verifies commitments: no due date before signing (422 on due), PATCH with If-Match, filters by due range.
TEST_F(LedgerTest, CommitmentDueDatesAndPatch) {
  auto early = post("/api/v1/commitments", commitment(agreement_cx_, "2026-03-01"));
  EXPECT_EQ(early.status, 422);
  EXPECT_THAT(error_fields(early), ElementsAre("due"));
  auto c = create("commitments", commitment(agreement_cx_, "2026-06-30"));
  create("commitments", commitment(agreement_cx_, "2026-09-30"));
  const std::string url = "/api/v1/commitments/" + c["id"].get<std::string>();
  EXPECT_EQ(patch(url, {{"due", "2026-07-15"}}, "").status, 428);
  EXPECT_EQ(patch(url, {{"due", "2026-07-15"}}, "\"v2\"").status, 412);
  EXPECT_THAT(error_fields(patch(url, {{"due", "2026-01-01"}}, "\"v1\"")), ElementsAre("due"));
  EXPECT_THAT(error_fields(patch(url, {{"agreement_id", agreement_lf_}}, "\"v1\"")),
              ElementsAre("agreement_id"));
  auto ok = patch(url, {{"due", "2026-07-15"}, {"amount", {{"amount", "400000"}}}}, "\"v1\"");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"v2\"");
  EXPECT_EQ(ok.json().at("due"), "2026-07-15");
  EXPECT_EQ(ok.json().at("amount"), cny("400000.00"));
  EXPECT_EQ(walk("/api/v1/commitments?due_before=2026-08-01", 10).size(), 1u);
  EXPECT_EQ(walk("/api/v1/commitments?due_after=2026-08-01&agreement_id=" + agreement_cx_, 10).size(), 1u);
  EXPECT_EQ(walk("/api/v1/commitments?obligor=" + chuxiong_, 1).size(), 2u);
  // Moving the signing date after a due date is refused on the agreement too.
  auto late = patch("/api/v1/agreements/" + agreement_cx_, {{"signed_on", "2026-08-01"}}, "\"v1\"");
  EXPECT_EQ(late.status, 422);
  EXPECT_THAT(error_fields(late), ElementsAre("signed_on"));
}

// Verifies assignments: appended per stage, a second tenure of the same role that overlaps is a 422, one
// that follows is accepted; the agreement's version rises with each.
TEST_F(LedgerTest, AssignmentsDoNotOverlap) {
  auto zhang = create(
      "officials",
      {{"name", "张建国"}, {"posts", {{{"body_id", chuxiong_}, {"title", "局长"}, {"from", "2024-01-01"}}}}});
  auto li = create(
      "officials",
      {{"name", "李明"}, {"posts", {{{"body_id", chuxiong_}, {"title", "副局长"}, {"from", "2025-01-01"}}}}});
  const std::string url = "/api/v1/agreements/" + agreement_cx_ + "/stages/implementation/assignments";
  // Read first: GET /agreements/{id} keeps prepared statements on the pooled session; the writes below and
  // the read after them must still see the latest state.
  ASSERT_EQ(get("/api/v1/agreements/" + agreement_cx_).status, 200);
  auto first = post(
      url,
      {{"official_id", zhang["id"]}, {"role", "项目负责人"}, {"from", "2026-03-02"}, {"to", "2026-06-30"}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("etag"), "\"v2\"");
  auto overlap = post(url, {{"official_id", li["id"]}, {"role", "项目负责人"}, {"from", "2026-06-30"}});
  EXPECT_EQ(overlap.status, 422);
  EXPECT_THAT(error_fields(overlap), ElementsAre("from"));
  auto other_role = post(url, {{"official_id", li["id"]}, {"role", "监督人"}, {"from", "2026-04-01"}});
  EXPECT_EQ(other_role.status, 201);
  auto next = post(url, {{"official_id", li["id"]}, {"role", "项目负责人"}, {"from", "2026-07-01"}});
  ASSERT_EQ(next.status, 201) << next.body;
  auto stages = next.json().at("stages");
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_EQ(stages[0].at("kind"), "implementation");
  EXPECT_EQ(stages[0].at("assignments").size(), 3u);
  EXPECT_EQ(next.json().at("version"), 4);
  for (int i = 0; i < 8; ++i) {  // more reads than pooled sessions: every session answers the new state
    auto reread = get("/api/v1/agreements/" + agreement_cx_);
    ASSERT_EQ(reread.status, 200);
    EXPECT_EQ(reread.header("etag"), "\"v4\"");
    EXPECT_EQ(reread.json().at("stages").at(0).at("assignments").size(), 3u);
  }
  EXPECT_EQ(post("/api/v1/agreements/" + agreement_cx_ + "/stages/cooking/assignments",
                 {{"official_id", li["id"]}, {"role", "x"}, {"from", "2026-07-01"}})
                .status,
            404);
  auto unknown = post(url, {{"official_id", "off_nobody"}, {"role", "审计"}, {"from", "2027-01-01"}});
  EXPECT_THAT(error_fields(unknown), ElementsAre("official_id"));
}

// Verifies a filtered list of agreements carries each listed agreement's own stages and assignments (read
// for the page's ids only), in stage order and in the order the assignments were appended.
TEST_F(LedgerTest, FilteredAgreementListCarriesItsOwnStages) {
  auto zhang = create(
      "officials",
      {{"name", "张建国"}, {"posts", {{{"body_id", chuxiong_}, {"title", "局长"}, {"from", "2024-01-01"}}}}});
  const std::string third =
      create("agreements", agreement("楚雄市道路养护采购", chuxiong_, "ZC2026-003"))["id"];
  const auto assign = [&](const std::string& agreement_id, const std::string& stage,
                          const std::string& role) {
    auto r = post("/api/v1/agreements/" + agreement_id + "/stages/" + stage + "/assignments",
                  {{"official_id", zhang["id"]}, {"role", role}, {"from", "2026-03-02"}});
    ASSERT_EQ(r.status, 201) << r.body;
  };
  assign(agreement_cx_, "implementation", "项目负责人");
  assign(agreement_cx_, "implementation", "监督人");
  assign(agreement_cx_, "procurement", "采购人代表");
  assign(agreement_lf_, "implementation", "禄丰负责人");
  assign(third, "tendering", "招标负责人");
  for (int limit : {1, 5}) {
    auto items = walk("/api/v1/agreements?region=532301", limit);
    ASSERT_EQ(items.size(), 2u) << limit;
    EXPECT_EQ(items[0].at("id"), agreement_cx_);
    const auto& stages = items[0].at("stages");
    ASSERT_EQ(stages.size(), 2u);
    EXPECT_EQ(stages[0].at("kind"), "procurement");
    EXPECT_EQ(stages[1].at("kind"), "implementation");
    ASSERT_EQ(stages[1].at("assignments").size(), 2u);
    EXPECT_EQ(stages[1].at("assignments")[0].at("role"), "项目负责人");
    EXPECT_EQ(stages[1].at("assignments")[1].at("role"), "监督人");
    EXPECT_EQ(items[1].at("id"), third);
    ASSERT_EQ(items[1].at("stages").size(), 1u);
    EXPECT_EQ(items[1].at("stages")[0].at("kind"), "tendering");
    EXPECT_EQ(items[1].at("stages")[0].at("assignments").size(), 1u);
  }
}

// Verifies officials: posts are appended and closed, never rewritten; scope follows the posts.
TEST_F(LedgerTest, OfficialPostsAreHistory) {
  auto wang = create(
      "officials",
      {{"name", "王芳"}, {"posts", {{{"body_id", chuxiong_}, {"title", "科长"}, {"from", "2023-05-01"}}}}});
  const std::string url = "/api/v1/officials/" + wang["id"].get<std::string>();
  EXPECT_EQ(get(url, kLufeng).status, 404);
  EXPECT_EQ(get(url, kChuxiongCity).status, 200);
  EXPECT_EQ(patch(url + "/posts/1", {{"to", "2026-04-30"}}, "").status, 428);
  auto closed = patch(url + "/posts/1", {{"to", "2026-04-30"}}, "\"v1\"");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json().at("posts")[0].at("to"), "2026-04-30");
  auto again = patch(url + "/posts/1", {{"to", "2026-05-30"}}, "\"v2\"");
  EXPECT_EQ(again.status, 422);
  EXPECT_THAT(error_fields(again), ElementsAre("to"));
  auto moved = post(url + "/posts",
                    {{"body_id", lufeng_}, {"title", "副局长"}, {"from", "2026-05-01"}, {"head", false}});
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(moved.json().at("posts").size(), 2u);
  EXPECT_EQ(moved.json().at("posts")[0].at("title"), "科长");  // the old post is still there
  EXPECT_EQ(get(url, kLufeng).status, 200);                    // now in 禄丰市's scope too
  EXPECT_EQ(walk("/api/v1/officials?body_id=" + lufeng_, 5).size(), 1u);
  auto bad = post("/api/v1/officials",
                  {{"name", "赵"}, {"posts", {{{"body_id", chuxiong_}, {"from", "2026-13-01"}}}}});
  EXPECT_THAT(error_fields(bad), UnorderedElementsAre("posts[0].title", "posts[0].from"));
  EXPECT_THAT(error_fields(post("/api/v1/officials", {{"name", "钱"}}, kChuxiongCity)), ElementsAre("posts"));
}

// Verifies facts are append-only (PATCH and DELETE are 405), corrections must name a fact of the same
// commitment, kind-specific fields are checked, and the platform's facts are marked as such.
TEST_F(LedgerTest, FactsAreAppendOnly) {
  auto c1 = create("commitments", commitment(agreement_cx_, "2026-06-30"));
  auto c2 = create("commitments", commitment(agreement_cx_, "2026-09-30"));
  auto f1 = create(
      "facts",
      {{"commitment_id", c1["id"]}, {"kind", "fulfilled"}, {"on", "2026-06-20"}, {"amount", cny("384000")}});
  const std::string url = "/api/v1/facts/" + f1["id"].get<std::string>();
  EXPECT_EQ(patch(url, {{"on", "2026-06-21"}}, "\"v1\"").status, 405);
  EXPECT_EQ(call("DELETE", url, kSupervisor).status, 405);
  auto wrong = post(
      "/api/v1/facts",
      {{"commitment_id", c2["id"]}, {"kind", "fulfilled"}, {"on", "2026-06-21"}, {"corrects", f1["id"]}});
  EXPECT_THAT(error_fields(wrong), ElementsAre("corrects"));
  auto fix = post("/api/v1/facts",
                  {{"commitment_id", c1["id"]},
                   {"kind", "fulfilled"},
                   {"on", "2026-06-21"},
                   {"amount", cny("384000")},
                   {"corrects", f1["id"]}},
                  kPlatform);
  ASSERT_EQ(fix.status, 201) << fix.body;
  EXPECT_EQ(fix.json().at("corrects"), f1["id"]);
  EXPECT_EQ(fix.json().at("source"), "platform");
  EXPECT_EQ(f1.at("source"), "manual");
  auto bad = post("/api/v1/facts", {{"commitment_id", c1["id"]},
                                    {"kind", "amended"},
                                    {"on", "2026-06-01"},
                                    {"score", 80},
                                    {"source", "platform"}});
  EXPECT_THAT(error_fields(bad), UnorderedElementsAre("source", "score", "new_due"));
  EXPECT_EQ(walk("/api/v1/facts?commitment_id=" + c1["id"].get<std::string>(), 1).size(), 2u);
  EXPECT_EQ(get("/api/v1/facts/fct_unknown").status, 404);
}

// Verifies a fact keeps its note (POST, GET and the list show it), an agreement may have no value (null,
// never 0.00), and a PATCH that changes nothing keeps the version (no new ETag, no trail entry).
TEST_F(LedgerTest, FactNoteAgreementWithoutValueAndEmptyPatch) {
  auto c1 = create("commitments", commitment(agreement_cx_, "2026-06-30"));
  const std::string note = "依据合同第十二条延长交付期限; penalty imposed: 300000.0";
  auto f = create("facts",
                  {{"commitment_id", c1["id"]}, {"kind", "fulfilled"}, {"on", "2026-06-20"}, {"note", note}});
  EXPECT_EQ(f.at("note"), note);
  EXPECT_EQ(get("/api/v1/facts/" + f["id"].get<std::string>()).json().at("note"), note);
  EXPECT_EQ(walk("/api/v1/facts?commitment_id=" + c1["id"].get<std::string>(), 5).at(0).at("note"), note);
  auto plain = create("facts", {{"commitment_id", c1["id"]}, {"kind", "fulfilled"}, {"on", "2026-06-21"}});
  EXPECT_EQ(plain.at("note"), "");

  auto body = agreement("无金额协议", chuxiong_, "ZC2026-077");
  body.erase("value");
  auto created = post("/api/v1/agreements", body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.json().at("value").is_null());
  const std::string url = "/api/v1/agreements/" + created.json().at("id").get<std::string>();
  EXPECT_TRUE(get(url).json().at("value").is_null());

  const auto trail_entries = [this] {
    auto session = database().acquire();
    long long n = 0;
    *session << "SELECT COUNT(*) FROM trail_entries", soci::into(n);
    return n;
  };
  const long long trail_before = trail_entries();
  auto same = patch(url, {{"title", "无金额协议"}}, "\"v1\"");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json().at("version"), 1);
  EXPECT_EQ(trail_entries(), trail_before);
  auto changed = patch(url, {{"title", "有新标题"}}, "\"v1\"");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json().at("version"), 2);
}

// Verifies who may change a shared organization (issue 13): a region-scoped token only while every
// agreement naming it lies in its region (403 otherwise, as the organization itself is visible to all); an
// unscoped token always. The supplier here serves 楚雄市 and 禄丰市.
TEST_F(LedgerTest, ScopedTokenChangesOnlyOrganizationsUsedInItsRegion) {
  const std::string shared = "/api/v1/organizations/" + supplier_;
  auto refused = patch(shared, {{"name", "改名"}}, "\"v1\"", kChuxiongCity);
  ASSERT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_EQ(get(shared).json().at("name"), "云南彝信科技有限公司");
  EXPECT_EQ(patch(shared, {{"name", "改名"}}, "\"v1\"", kLufeng).status, 403);

  const std::string local = create("organizations", {{"name", "楚雄本地公司"}})["id"];
  auto a = agreement("楚雄市会议服务采购", chuxiong_, "ZC2026-003");
  a["counterparty_id"] = local;
  create("agreements", a);
  EXPECT_EQ(patch("/api/v1/organizations/" + local, {{"sme", true}}, "\"v1\"", kChuxiongCity).status, 200);
  EXPECT_EQ(patch("/api/v1/organizations/" + local, {{"sme", false}}, "\"v2\"", kLufeng).status, 403);
  EXPECT_EQ(patch(shared, {{"name", "云南彝信科技股份有限公司"}}, "\"v1\"", kSupervisor).status, 200);
}

// Verifies a region-scoped token cannot rewrite another region's part of a shared official (issue 13): an
// official with posts in 楚雄市 and 禄丰市 is renamed only by an unscoped token, and each region closes only
// the posts at its own bodies (a post is the history its region's trace-back reads).
TEST_F(LedgerTest, ScopedTokenChangesOnlyItsOwnPartOfASharedOfficial) {
  auto official =
      create("officials", {{"name", "李明"},
                           {"posts",
                            {{{"body_id", chuxiong_}, {"title", "科长"}, {"from", "2024-01-01"}},
                             {{"body_id", lufeng_}, {"title", "挂职副局长"}, {"from", "2025-01-01"}}}}});
  const std::string url = "/api/v1/officials/" + official["id"].get<std::string>();
  auto renamed = patch(url, {{"name", "李小明"}}, "\"v1\"", kChuxiongCity);
  EXPECT_EQ(renamed.status, 403) << renamed.body;
  auto closed = patch(url + "/posts/2", {{"to", "2026-01-31"}}, "\"v1\"", kChuxiongCity);
  EXPECT_EQ(closed.status, 403) << closed.body;
  EXPECT_TRUE(get(url).json()["posts"][1]["to"].is_null());
  EXPECT_EQ(patch(url + "/posts/1", {{"to", "2026-01-31"}}, "\"v1\"", kChuxiongCity).status, 200);
  EXPECT_EQ(patch(url + "/posts/2", {{"to", "2026-01-31"}}, "\"v2\"", kLufeng).status, 200);
  EXPECT_EQ(patch(url, {{"name", "李小明"}}, "\"v3\"", kSupervisor).status, 200);
}

// Verifies regions are read-only reference data listed by containment, with 404 for an unknown code.
TEST_F(LedgerTest, Regions) {
  EXPECT_EQ(walk("/api/v1/regions", 5).size(), 12u);  // the fixture's 云南省, 楚雄州 and its ten counties
  EXPECT_EQ(walk("/api/v1/regions?within=532300", 2).size(), 11u);
  auto one = get("/api/v1/regions/532301", kLufeng);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json().at("name"), "楚雄市");
  EXPECT_EQ(one.json().at("parent_code"), "532300");
  EXPECT_EQ(get("/api/v1/regions/532399").status, 404);
  EXPECT_EQ(post("/api/v1/regions", {{"code", "532399"}}).status, 405);
  EXPECT_EQ(post("/api/v1/bodies", body_json("大姚县财政局", "532326")).status, 201);
}

// Verifies a body's region must be a region the table lists: a well-formed code that names none (a typo,
// 532399) is a 422 on `region`, on POST and on PATCH (issue 13).
TEST_F(LedgerTest, UnknownRegionCodeIs422) {
  auto r = post("/api/v1/bodies", body_json("不存在县财政局", "532399"));
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "region");
  auto body = create("bodies", body_json("大姚县财政局", "532326"));
  auto p = patch("/api/v1/bodies/" + body["id"].get<std::string>(), {{"region", "532399"}}, "\"v1\"");
  ASSERT_EQ(p.status, 422) << p.body;
  EXPECT_EQ(p.json().at("errors").at(0).at("field"), "region");
}

}  // namespace
}  // namespace pactwatch::testing
