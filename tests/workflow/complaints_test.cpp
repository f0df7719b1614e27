// Tests of the public side of the workflow: anonymous complaints (validation, size and rate limits, the
// breach candidate they open, private contact details), the public list without officials' names when the
// switch is off, detection on arriving facts, and BC09 (repeat) over HTTP.
#include <gmock/gmock.h>

#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::IsSupersetOf;

class ComplaintTest : public WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    make_ledger();
  }
  ClientResponse complain(const json& body) {
    return call("POST", "/api/v1/public/complaints", "", body.dump());
  }
};

// Verifies malformed complaints are refused with reasons (400 for non-JSON, 422 naming each field, 413 for an
// oversized body) and open nothing.
TEST_F(ComplaintTest, MalformedComplaintsAreRefused) {
  EXPECT_EQ(call("POST", "/api/v1/public/complaints", "", "{not json").status, 400);
  auto missing = complain({{"subject", ""}, {"contact", {{"email", "nobody"}}}, {"extra", 1}});
  ASSERT_EQ(missing.status, 422) << missing.body;
  EXPECT_THAT(error_fields(missing),
              IsSupersetOf({"description", "agreement_ref", "contact.email", "extra"}));
  auto unknown = complain({{"subject", "拖欠"}, {"description", "未兑现"}, {"agreement_ref", "NO-SUCH"}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_THAT(error_fields(unknown), ::testing::ElementsAre("agreement_ref"));
  auto huge = complain(
      {{"subject", "x"}, {"description", std::string(20000, 'x')}, {"agreement_ref", "PRJ-2025-001"}});
  EXPECT_EQ(huge.status, 413);
  EXPECT_TRUE(walk("/api/v1/breaches", 50).empty());
}

// Verifies a well-formed complaint opens a `detected` candidate linked to it, traced to the body's head,
// never shows the complainant's contact details, and that the third complaint within the hour from one
// address gets 429 with Retry-After.
TEST_F(ComplaintTest, ComplaintOpensACandidateAndIsRateLimited) {
  const json complaint{
      {"subject", "招商引资承诺未兑现"},
      {"description", "承诺的厂房补贴至今未兑现。"},
      {"agreement_ref", "PRJ-2025-001"},
      {"contact", {{"name", "赵六"}, {"phone", "13800000000"}, {"email", "zhao@example.cn"}}}};
  auto filed = complain(complaint);
  ASSERT_EQ(filed.status, 202) << filed.body;
  EXPECT_EQ(filed.body.find("13800000000"), std::string::npos);
  auto items = walk("/api/v1/breaches?state=detected", 50);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["complaint_id"], filed.json()["complaint_id"]);
  auto one = get("/api/v1/breaches/" + items[0]["id"].get<std::string>());
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body.find("13800000000"), std::string::npos);
  EXPECT_EQ(one.body.find("zhao@example.cn"), std::string::npos);
  EXPECT_EQ(one.json()["officials"][0]["official_id"], head_);
  EXPECT_EQ(one.json()["history"][0]["action"], "complaint");

  EXPECT_EQ(complain(complaint).status, 202);
  auto limited = complain(complaint);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("retry-after"), "3600");
}

class NamesOffTest : public ComplaintTest {
 public:
  NamesOffTest() { publish_names_ = false; }
};

// Verifies that with publish_official_names off the public list carries no officials, and that it never
// carries a breach before it is recorded.
TEST_F(NamesOffTest, PublicListWithoutOfficialsNames) {
  const auto c = commitment("government", "policy_promise", "2026-01-10");
  detect("2026-03-01");
  const std::string id = breaches_of(c).at(0)["id"];
  EXPECT_TRUE(call("GET", "/api/v1/public/breaches", "").json()["items"].empty()) << "detected is not public";
  ASSERT_EQ(act(id, "verify", {{"reason", "核实"}, {"as_of", "2026-03-02"}}).status, 200);
  ASSERT_EQ(act(id, "order_rectification", {{"reason", "整改"}, {"as_of", "2026-03-03"}}).status, 200);
  ASSERT_EQ(act(id, "record", {{"reason", "逾期"}, {"as_of", "2026-04-30"}}).status, 200);
  auto published = call("GET", "/api/v1/public/breaches", "");
  ASSERT_EQ(published.json()["items"].size(), 1u);
  EXPECT_FALSE(published.json()["items"][0].contains("officials"));
  EXPECT_EQ(published.body.find("张建国"), std::string::npos);
  auto again = call("GET", "/api/v1/public/breaches", "", {}, {{"If-None-Match", published.header("etag")}});
  EXPECT_EQ(again.status, 304);
}

class FactHookTest : public ComplaintTest {
 public:
  FactHookTest() { fact_hook_ = true; }
};

// Verifies detection runs on the commitment a new fact touches: a refusal citing government turnover opens
// a severe BC05 breach at once, without a detection run.
TEST_F(FactHookTest, NewFactOpensItsBreach) {
  const auto c = commitment("government", "policy_promise", "2026-12-31");
  EXPECT_TRUE(breaches_of(c).empty());
  fact(c, "refused", "2026-05-01", {{"reason", "government_turnover"}});
  auto found = breaches_of(c);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["rule"], "BC05");
  EXPECT_EQ(found[0]["severity"], "severe");
}

// Verifies BC09: the third recorded breach of one obligor within 12 months makes the next detection run
// open a serious repeat breach against it.
TEST_F(ComplaintTest, ThirdRecordedBreachOpensRepeat) {
  for (const auto* due : {"2025-09-01", "2025-09-02", "2025-09-03"})
    commitment("government", "policy_promise", due);
  detect("2025-11-01");
  for (const auto& b : walk("/api/v1/breaches", 50)) {
    const std::string id = b["id"];
    ASSERT_EQ(act(id, "verify", {{"reason", "核实"}, {"as_of", "2025-11-03"}}).status, 200);
    ASSERT_EQ(act(id, "order_rectification", {{"reason", "整改"}, {"as_of", "2025-11-04"}}).status, 200);
    ASSERT_EQ(act(id, "record", {{"reason", "逾期"}, {"as_of", "2025-12-20"}}).status, 200);
  }
  auto run = detect("2025-12-31");
  EXPECT_EQ(run["new_by_rule"]["BC09"], 1) << run.dump();
  auto repeat = walk("/api/v1/breaches?rule=BC09", 50);
  ASSERT_EQ(repeat.size(), 1u);
  EXPECT_EQ(repeat[0]["severity"], "serious");
  EXPECT_EQ(repeat[0]["obligor_id"], body_);
}

}  // namespace
}  // namespace pactwatch::testing
