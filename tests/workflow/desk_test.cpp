// Tests of the supervision office's desk (issue 14, "Names and language"): names beside ids in lists and
// CSV, Chinese problems and summaries by default (English on Accept-Language: en), the integrity ranking
// (prefecture apart, "no data", breaches behind the penalty, one decimal), the public disclosure naming the
// supplier, complaint receipt codes, and the names in eligibility and performance answers.
#include <gmock/gmock.h>

#include <algorithm>
#include <array>

#include "adapters/store/region_store.hpp"
#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DeskTest : public WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    const std::array<store::RegionRow, 3> regions{{{"532300", "楚雄彝族自治州", "", "prefecture"},
                                                   {"532301", "楚雄市", "532300", "county"},
                                                   {"532302", "禄丰市", "532300", "county"}}};
    store::WriteContext context;
    context.actor_name = "test";
    context.role = "admin";
    context.now = "2026-06-30T00:00:00Z";
    auto inserted = store::insert_missing_regions(*database_, regions, context);
    ASSERT_TRUE(inserted) << inserted.error().message;
    make_ledger();
  }

  /** A BC01 breach of the body (promise due 2026-01-10), recorded on 2026-03-20; its id. */
  std::string recorded_breach() {
    return record_breach_of(commitment("government", "policy_promise", "2026-01-10"));
  }

  /** Detects as of 2026-03-01 and takes the commitment's breach to `recorded` on 2026-03-20; its id. */
  std::string record_breach_of(const std::string& c) {
    detect("2026-03-01");
    const std::string id = breaches_of(c).at(0)["id"];
    EXPECT_EQ(act(id, "verify", {{"reason", "核实属实"}, {"as_of", "2026-03-02"}}).status, 200);
    EXPECT_EQ(act(id, "order_rectification",
                  {{"reason", "限期整改"}, {"as_of", "2026-03-03"}, {"deadline_working_days", 10}})
                  .status,
              200);
    EXPECT_EQ(act(id, "record", {{"reason", "逾期未整改"}, {"as_of", "2026-03-20"}}).status, 200);
    return id;
  }

  ClientResponse english(const std::string& target) {
    return call("GET", target, kSupervisor, "", {{"Accept-Language", "en-US,en;q=0.9,zh;q=0.5"}});
  }
};

// Verifies the breach list and its CSV name the body, region, obligor, agreement and commitment beside
// their ids.
TEST_F(DeskTest, BreachListAndCsvCarryNames) {
  const auto c = commitment("government", "policy_promise", "2026-01-10");
  detect("2026-03-01");
  auto list = get("/api/v1/breaches");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto item = list.json()["items"].at(0);
  EXPECT_EQ(item["commitment_id"], c);
  EXPECT_EQ(item["body_name"], "楚雄市商务局");
  EXPECT_EQ(item["obligor_name"], "楚雄市商务局");
  EXPECT_EQ(item["region_name"], "楚雄市");
  EXPECT_EQ(item["agreement_title"], "招商引资协议 PRJ-2025-001");
  EXPECT_EQ(item["commitment_title"], "承诺 policy_promise");
  EXPECT_THAT(item["performing_official_names"].get<std::vector<std::string>>(),
              ::testing::Contains("张建国"));
  auto csv = get("/api/v1/breaches?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(csv.body, HasSubstr("body_name"));
  EXPECT_THAT(csv.body, HasSubstr(",楚雄市商务局,"));
  EXPECT_THAT(csv.body, HasSubstr("招商引资协议 PRJ-2025-001"));
}

// Verifies agreements, commitments and facts come as CSV too (UTF-8 BOM, names, a formula defused), and
// that their JSON lists carry the names.
TEST_F(DeskTest, AgreementsCommitmentsAndFactsAsCsv) {
  const auto c = commitment("government", "policy_promise", "2026-01-10", {{"title", "=HYPERLINK(\"x\")"}});
  fact(c, "fulfilled", "2026-01-05");
  auto agreements = get("/api/v1/agreements?format=csv");
  ASSERT_EQ(agreements.status, 200) << agreements.body;
  EXPECT_EQ(agreements.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(agreements.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(agreements.body, HasSubstr("楚雄市商务局,"));
  EXPECT_THAT(agreements.body, HasSubstr("云南某建设有限公司"));
  auto commitments = get("/api/v1/commitments?format=csv");
  ASSERT_EQ(commitments.status, 200) << commitments.body;
  EXPECT_EQ(commitments.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(commitments.body, HasSubstr("\"'=HYPERLINK(\"\"x\"\")\"")) << "a formula cell is defused";
  EXPECT_THAT(commitments.body, Not(HasSubstr(",=HYPERLINK")));
  EXPECT_THAT(commitments.body, HasSubstr("李明"));
  auto facts = get("/api/v1/facts?format=csv");
  ASSERT_EQ(facts.status, 200) << facts.body;
  EXPECT_EQ(facts.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(facts.body, HasSubstr("fulfilled"));
  EXPECT_EQ(get("/api/v1/facts?format=xml").status, 422);
  EXPECT_EQ(get("/api/v1/commitments").json()["items"][0]["obligor_name"], "楚雄市商务局");
  EXPECT_EQ(get("/api/v1/facts").json()["items"][0]["commitment_title"], "=HYPERLINK(\"x\")");
}

// Verifies problems are in Chinese by default and in English with Accept-Language: en, and so are
// breach summaries.
TEST_F(DeskTest, ChineseByDefaultEnglishOnRequest) {
  auto bad = get("/api/v1/breaches?state=lost");
  ASSERT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json()["title"], "参数校验失败");
  EXPECT_THAT(bad.json()["errors"][0]["message"].get<std::string>(), HasSubstr("必须是以下之一"));
  EXPECT_EQ(bad.header("content-language"), "zh-CN");
  auto bad_en = english("/api/v1/breaches?state=lost");
  EXPECT_EQ(bad_en.json()["title"], "Validation failed");
  EXPECT_THAT(bad_en.json()["errors"][0]["message"].get<std::string>(), HasSubstr("must be one of"));
  auto missing = get("/api/v1/bodies/bod_nosuch");
  ASSERT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["title"], "未找到");
  EXPECT_EQ(english("/api/v1/bodies/bod_nosuch").json()["title"], "Not Found");
  auto unrouted = call("GET", "/api/v1/nothing-here", kSupervisor);
  EXPECT_EQ(unrouted.json()["detail"], "此路径下没有资源。");

  const auto c = commitment("government", "policy_promise", "2026-01-10");
  detect("2026-03-01");
  const std::string id = breaches_of(c).at(0)["id"];
  const std::string zh = get("/api/v1/breaches/" + id).json()["summary"];
  EXPECT_THAT(zh, HasSubstr("到期（含宽限期）未履行"));
  EXPECT_THAT(zh, HasSubstr("逾期 50 天"));
  const std::string en = english("/api/v1/breaches/" + id).json()["summary"];
  EXPECT_THAT(en, HasSubstr("not performed by due date + grace"));
  EXPECT_THAT(en, HasSubstr("50 days late"));
}

// Verifies the ranking: the prefecture (a body of its own at 532300) is not ranked among its counties but
// given apart; a county with nothing due has no score and a reason, not 100; a region row lists the
// breaches behind its penalty points; the score has one decimal.
TEST_F(DeskTest, IntegrityRankingPrefectureApartNoDataAndBreaches) {
  create("bodies", body_json("楚雄州财政局", "532300"));
  const auto breach = recorded_breach();
  // Three promises due, one kept: a kept rate of 1/3 gives a score with more than one decimal.
  const auto kept = commitment("government", "policy_promise", "2026-02-01");
  fact(kept, "fulfilled", "2026-01-30");
  commitment("government", "policy_promise", "2026-02-02");
  auto r = get("/api/v1/integrity?level=region&as_of=2026-04-01");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  std::vector<std::string> ranked;
  for (const auto& item : j["items"])
    ranked.push_back(item["subject_id"]);
  EXPECT_THAT(ranked, ::testing::UnorderedElementsAre("532301", "532302"));
  ASSERT_EQ(j["enclosing"].size(), 1u);
  EXPECT_EQ(j["enclosing"][0]["subject_id"], "532300");
  EXPECT_EQ(j["enclosing"][0]["subject_name"], "楚雄彝族自治州");
  for (const auto& item : j["items"]) {
    if (item["subject_id"] == "532302") {
      EXPECT_TRUE(item["score"].is_null()) << item;
      EXPECT_TRUE(item["rank"].is_null());
      EXPECT_EQ(item["no_data_reason"], "评价期内没有到期承诺，无数据");
    } else {
      EXPECT_EQ(item["rank"], 1);
      EXPECT_EQ(item["subject_name"], "楚雄市");
      const double score = item["score"];
      EXPECT_DOUBLE_EQ(score * 10, std::round(score * 10)) << "one decimal: " << score;
      ASSERT_EQ(item["breaches"].size(), 1u);
      EXPECT_EQ(item["breaches"][0]["id"], breach);
      EXPECT_EQ(item["breaches"][0]["rule"], "BC01");
    }
  }
  auto en = english("/api/v1/integrity?level=region&as_of=2026-04-01").json();
  for (const auto& item : en["items"]) {
    if (item["subject_id"] == "532302") {
      EXPECT_EQ(item["no_data_reason"], "nothing was due in the window: no data");
    }
  }
}

// Verifies the public disclosure names a supplier obligor by name and 统一社会信用代码, as 信用中国 does,
// and the body and region by name.
TEST_F(DeskTest, PublicDisclosureNamesTheSupplier) {
  const std::string coded = create(
      "organizations", {{"name", "楚雄某供应链有限公司"}, {"credit_code", "91532301MA6K0A1B21"}})["id"];
  const auto agreement = new_agreement("procurement", body_, coded, "PRJ-2025-009");
  const auto c = commitment("counterparty", "delivery", "2026-01-10", {{"obligor_id", coded}}, agreement);
  record_breach_of(c);
  auto published = call("GET", "/api/v1/public/breaches", "");
  ASSERT_EQ(published.status, 200) << published.body;
  const auto item = published.json()["items"].at(0);
  EXPECT_EQ(item["obligor_name"], "楚雄某供应链有限公司");
  EXPECT_EQ(item["obligor_credit_code"], "91532301MA6K0A1B21");
  EXPECT_EQ(item["body_name"], "楚雄市商务局");
  EXPECT_EQ(item["region_name"], "楚雄市");
}

// Verifies a complaint returns a receipt code by which anyone holding it sees its state (nothing private),
// an unknown code is a 404, and look-ups are rate-limited per address.
TEST_F(DeskTest, ComplaintFollowedByReceiptCode) {
  auto filed = call("POST", "/api/v1/public/complaints", "",
                    json{{"subject", "拖欠工程款"},
                         {"description", "约定付款未兑现"},
                         {"agreement_ref", "PRJ-2025-001"},
                         {"contact", {{"name", "张三"}, {"phone", "13800000000"}}}}
                        .dump());
  ASSERT_EQ(filed.status, 202) << filed.body;
  const std::string code = filed.json()["receipt_code"];
  EXPECT_EQ(code.size(), 19u);
  auto state = call("GET", "/api/v1/public/complaints/" + code, "");
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_EQ(state.json()["status"], "received");
  EXPECT_EQ(state.json()["breach_state"], "detected");
  EXPECT_THAT(state.body, Not(HasSubstr("13800000000")));
  EXPECT_THAT(state.body, Not(HasSubstr("张三")));
  const std::string breach = walk("/api/v1/breaches", 10).at(0)["id"];
  ASSERT_EQ(act(breach, "dismiss", {{"reason", "查无实据"}, {"as_of", "2026-06-30"}}).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/public/complaints/" + code, "").json()["status"], "dismissed");
  EXPECT_EQ(call("GET", "/api/v1/public/complaints/0000-0000-0000-0000", "").status, 404);
  int last = 200;
  for (int i = 0; i < 70 && last != 429; ++i)
    last = call("GET", "/api/v1/public/complaints/" + code, "").status;
  EXPECT_EQ(last, 429) << "look-ups are limited per address (60 an hour by default)";
}

// Verifies eligibility reasons and a supplier's contracts name what they refer to.
TEST_F(DeskTest, EligibilityAndPerformanceCarryNames) {
  const auto id = recorded_breach();
  auto body = get("/api/v1/bodies/" + body_ + "/eligibility");
  ASSERT_EQ(body.status, 200) << body.body;
  EXPECT_EQ(body.json()["body_name"], "楚雄市商务局");
  ASSERT_EQ(body.json()["reason_breaches"].size(), 1u);
  EXPECT_EQ(body.json()["reason_breaches"][0]["id"], id);
  EXPECT_EQ(body.json()["reason_breaches"][0]["obligor_name"], "楚雄市商务局");
  EXPECT_EQ(body.json()["reason_breaches"][0]["agreement_title"], "招商引资协议 PRJ-2025-001");
  auto official = get("/api/v1/officials/" + assignee_ + "/eligibility");
  ASSERT_EQ(official.status, 200) << official.body;
  EXPECT_EQ(official.json()["official_name"], "张建国");
  EXPECT_EQ(official.json()["merit"]["reason_breaches"][0]["body_name"], "楚雄市商务局");
  auto performance = get("/api/v1/organizations/" + supplier_ + "/performance");
  ASSERT_EQ(performance.status, 200) << performance.body;
  ASSERT_FALSE(performance.json()["contracts"].empty());
  EXPECT_EQ(performance.json()["contracts"][0]["agreement_title"], "招商引资协议 PRJ-2025-001");
}

}  // namespace
}  // namespace pactwatch::testing
