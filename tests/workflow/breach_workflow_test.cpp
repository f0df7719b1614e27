// End-to-end tests of the breach workflow over HTTP (issue #5): detection, the lifecycle to `recorded` and
// `repaired`, eligibility and public disclosure, deadlines across 春节 2026, concurrency, region scope.
#include <gmock/gmock.h>

#include <future>
#include <thread>

#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class BreachWorkflowTest : public WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    make_ledger();
  }
  /** An overdue government promise (BC01, general: 50 days late as of 2026-03-01) and its breach. */
  std::string overdue_breach() {
    const auto c = commitment("government", "policy_promise", "2026-01-10",
                              {{"amount", {{"amount", "500000.00"}, {"currency", "CNY"}}}});
    detect("2026-03-01");
    auto found = breaches_of(c);
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? std::string{} : found[0]["id"].get<std::string>();
  }
  static std::vector<std::string> ids(const json& items) {
    std::vector<std::string> out;
    for (const auto& i : items)
      out.push_back(i["id"]);
    return out;
  }
};

// Verifies the whole BC01 story: detection opens one breach (idempotently) with the right severity and
// officials; verify, order rectification and record take it to `recorded`; the body and the assignee lose
// eligibility and the public list shows it; a granted repair ends both.
TEST_F(BreachWorkflowTest, OverduePromiseRunsToRecordedThenRepaired) {
  const auto c = commitment("government", "policy_promise", "2026-01-10",
                            {{"amount", {{"amount", "500000.00"}, {"currency", "CNY"}}}});
  auto run = detect("2026-03-01");
  EXPECT_EQ(run["opened"], 1);
  EXPECT_EQ(run["by_rule"]["BC01"], 1);
  EXPECT_EQ(run["new_by_severity"]["general"], 1);
  EXPECT_EQ(detect("2026-03-01")["opened"], 0) << "a second run opens nothing";

  auto found = breaches_of(c);
  ASSERT_EQ(found.size(), 1u);
  const std::string id = found[0]["id"];
  auto one = get("/api/v1/breaches/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  auto b = one.json();
  EXPECT_EQ(b["rule"], "BC01");
  EXPECT_EQ(b["severity"], "general");
  EXPECT_EQ(b["state"], "detected");
  EXPECT_EQ(b["days_late"], 50);
  EXPECT_EQ(one.header("etag"), "\"v1\"");
  json performing, committing;
  for (const auto& o : b["officials"])
    (o["role"] == "performing" ? performing : committing).push_back(o["official_id"]);
  EXPECT_EQ(performing, json::array({assignee_}));
  EXPECT_EQ(committing, json::array({committer_}));
  EXPECT_THAT(b["allowed_actions"].get<std::vector<std::string>>(), Contains("verify"));
  ASSERT_EQ(b["history"].size(), 1u);
  EXPECT_EQ(b["history"][0]["action"], "detect");

  auto verified = act(id, "verify", {{"reason", "核实属实"}, {"as_of", "2026-03-02"}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.header("etag"), "\"v2\"");
  auto ordered = act(id, "order_rectification",
                     {{"reason", "限期整改"}, {"as_of", "2026-03-03"}, {"deadline_working_days", 10}});
  ASSERT_EQ(ordered.status, 200) << ordered.body;
  EXPECT_EQ(ordered.json()["rectification_deadline"], "2026-03-17");
  auto recorded = act(id, "record", {{"reason", "逾期未整改"}, {"as_of", "2026-03-20"}});
  ASSERT_EQ(recorded.status, 200) << recorded.body;
  EXPECT_EQ(recorded.json()["state"], "recorded");
  EXPECT_EQ(recorded.json()["history"].size(), 4u);

  auto body_elig = get("/api/v1/bodies/" + body_ + "/eligibility");
  ASSERT_EQ(body_elig.status, 200) << body_elig.body;
  EXPECT_FALSE(body_elig.json()["eligible"]);
  EXPECT_TRUE(body_elig.json()["listed_for_criticism"]);
  EXPECT_EQ(body_elig.json()["reasons"], json::array({id}));
  auto official_elig = get("/api/v1/officials/" + assignee_ + "/eligibility");
  ASSERT_EQ(official_elig.status, 200) << official_elig.body;
  EXPECT_FALSE(official_elig.json()["merit"]["eligible"]);
  auto accountability = get("/api/v1/officials/" + committer_ + "/accountability");
  ASSERT_EQ(accountability.status, 200) << accountability.body;
  ASSERT_EQ(accountability.json()["items"].size(), 1u);
  EXPECT_EQ(accountability.json()["items"][0]["roles"][0]["role"], "committing");

  auto published = call("GET", "/api/v1/public/breaches", "");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_THAT(ids(published.json()["items"]), ElementsAre(id));
  EXPECT_THAT(published.header("cache-control"), ::testing::HasSubstr("max-age="));
  EXPECT_FALSE(published.header("etag").empty());
  const auto item = published.json()["items"][0];
  EXPECT_EQ(item["published_until"], "2027-03-19");
  std::vector<std::string> names;
  for (const auto& o : item["officials"])
    names.push_back(o["name"]);
  EXPECT_THAT(names, UnorderedElementsAre("张建国", "李明"));

  auto requested =
      act(id, "request_repair", {{"reason", "已整改"}, {"as_of", "2026-06-20"}, {"evidence", "付款凭证"}});
  ASSERT_EQ(requested.status, 200) << requested.body;
  auto repaired = act(id, "decide_repair",
                      {{"reason", "符合修复条件"}, {"as_of", "2026-06-25"}, {"decision", "granted"}});
  ASSERT_EQ(repaired.status, 200) << repaired.body;
  EXPECT_EQ(repaired.json()["state"], "repaired");
  EXPECT_TRUE(call("GET", "/api/v1/public/breaches", "").json()["items"].empty());
  EXPECT_TRUE(get("/api/v1/bodies/" + body_ + "/eligibility").json()["eligible"]);
}

// Verifies that a rectification deadline is counted on the official calendar: 10 working days from
// 2026-02-12 skip the Spring Festival holidays (and count the make-up Saturday) and end on 2026-03-04.
TEST_F(BreachWorkflowTest, RectificationDeadlineCrossesSpringFestival) {
  const auto c = commitment("government", "policy_promise", "2026-01-05");
  detect("2026-02-01");
  auto found = breaches_of(c);
  ASSERT_EQ(found.size(), 1u);
  const std::string id = found[0]["id"];
  ASSERT_EQ(act(id, "verify", {{"reason", "核实"}, {"as_of", "2026-02-11"}}).status, 200);
  auto ordered = act(id, "order_rectification",
                     {{"reason", "限期整改"}, {"as_of", "2026-02-12"}, {"deadline_working_days", 10}});
  ASSERT_EQ(ordered.status, 200) << ordered.body;
  EXPECT_EQ(ordered.json()["rectification_deadline"], "2026-03-04");
}

// Verifies the preconditions of a transition: no If-Match is 428, a stale one 412, an illegal action 409
// listing the allowed ones, a missing reason 422 naming the field, an unknown action 404.
TEST_F(BreachWorkflowTest, TransitionsNeedIfMatchReasonAndALegalAction) {
  const auto id = overdue_breach();
  const std::string url = "/api/v1/breaches/" + id + "/actions/";
  EXPECT_EQ(call("POST", url + "verify", kSupervisor, json{{"reason", "x"}}.dump()).status, 428);
  EXPECT_EQ(call("POST", url + "verify", kSupervisor, json{{"reason", "x"}}.dump(), {{"If-Match", "\"v9\""}})
                .status,
            412);
  auto illegal =
      call("POST", url + "record", kSupervisor, json{{"reason", "x"}}.dump(), {{"If-Match", "\"v1\""}});
  ASSERT_EQ(illegal.status, 409) << illegal.body;
  EXPECT_EQ(illegal.header("content-type"), "application/problem+json");
  EXPECT_THAT(illegal.json()["allowed_actions"].get<std::vector<std::string>>(),
              UnorderedElementsAre("verify", "dismiss", "file_objection"));
  auto no_reason = call("POST", url + "verify", kSupervisor, json::object().dump(), {{"If-Match", "\"v1\""}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_THAT(error_fields(no_reason), ElementsAre("reason"));
  EXPECT_EQ(call("POST", url + "promote", kSupervisor, json{{"reason", "x"}}.dump(), {{"If-Match", "\"v1\""}})
                .status,
            404);
  EXPECT_EQ(get("/api/v1/breaches/" + id).json()["state"], "detected") << "nothing changed";
  EXPECT_EQ(
      call("POST", url + "verify", kAuditor, json{{"reason", "x"}}.dump(), {{"If-Match", "\"v1\""}}).status,
      403);
}

// Verifies optimistic concurrency: two supervisors act on the same version at once; exactly one wins and the
// other gets 409 or 412, and the history holds one verification.
TEST_F(BreachWorkflowTest, ConcurrentTransitionsExactlyOneWins) {
  const auto id = overdue_breach();
  const std::string url = "/api/v1/breaches/" + id + "/actions/";
  auto attempt = [&](const std::string& action) {
    return call("POST", url + action, kSupervisor, json{{"reason", "并发"}, {"as_of", "2026-03-02"}}.dump(),
                {{"If-Match", "\"v1\""}})
        .status;
  };
  auto a = std::async(std::launch::async, attempt, "verify");
  auto b = std::async(std::launch::async, attempt, "dismiss");
  const int sa = a.get(), sb = b.get();
  EXPECT_EQ((sa == 200) + (sb == 200), 1) << sa << " " << sb;
  const int loser = sa == 200 ? sb : sa;
  EXPECT_TRUE(loser == 409 || loser == 412) << loser;
  auto after = get("/api/v1/breaches/" + id).json();
  EXPECT_EQ(after["history"].size(), 2u);
  EXPECT_EQ(after["version"], 2);
}

// Verifies region scope on every workflow route: a 禄丰 supervisor does not see 楚雄市's breach, body or
// officials (404, never 403), its list and detection do not include them.
TEST_F(BreachWorkflowTest, AnotherRegionsRecordsAreNotFound) {
  const auto id = overdue_breach();
  EXPECT_EQ(get("/api/v1/breaches/" + id, kLufeng).status, 404);
  EXPECT_TRUE(get("/api/v1/breaches", kLufeng).json()["items"].empty());
  EXPECT_EQ(call("POST", "/api/v1/breaches/" + id + "/actions/verify", kLufeng, json{{"reason", "x"}}.dump(),
                 {{"If-Match", "\"v1\""}})
                .status,
            404);
  EXPECT_EQ(get("/api/v1/bodies/" + body_ + "/eligibility", kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/officials/" + assignee_ + "/eligibility", kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/officials/" + assignee_ + "/accountability", kLufeng).status, 404);
  EXPECT_EQ(detect("2026-03-01", kLufeng)["findings"], 0);
  EXPECT_EQ(get("/api/v1/breaches/" + id, kChuxiongCity).status, 200);
  auto integrity = get("/api/v1/integrity?level=body&as_of=2026-03-01", kLufeng).json();
  for (const auto& s : integrity["items"])
    EXPECT_NE(s["subject_id"], body_);
  EXPECT_TRUE(get("/api/v1/warnings?within_days=30", kLufeng).json()["items"].empty());
}

// Verifies the list filters, cursor pagination and the CSV form (UTF-8 BOM, text/csv).
TEST_F(BreachWorkflowTest, ListFiltersPagesAndCsv) {
  for (const auto* due : {"2026-01-05", "2026-01-06", "2026-01-07"})
    commitment("government", "policy_promise", due);
  detect("2026-03-01");
  EXPECT_EQ(walk("/api/v1/breaches?rule=BC01", 2).size(), 3u);
  EXPECT_EQ(walk("/api/v1/breaches?official_id=" + assignee_, 1).size(), 3u);
  EXPECT_EQ(walk("/api/v1/breaches?state=recorded", 2).size(), 0u);
  EXPECT_EQ(walk("/api/v1/breaches?region=532302", 2).size(), 0u);
  EXPECT_EQ(walk("/api/v1/breaches?detected_from=2026-03-01&detected_to=2026-03-01", 2).size(), 3u);
  auto bad = get("/api/v1/breaches?state=lost&severty=minor");
  EXPECT_EQ(bad.status, 422);
  auto csv = get("/api/v1/breaches?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 4);
  auto ranking = get("/api/v1/integrity?level=region&as_of=2026-03-01&format=csv");
  ASSERT_EQ(ranking.status, 200);
  EXPECT_EQ(ranking.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(ranking.body.find("532301"), std::string::npos);
}

}  // namespace
}  // namespace pactwatch::testing
