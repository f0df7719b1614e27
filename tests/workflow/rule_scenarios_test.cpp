// One end-to-end scenario per rule BC01-BC08 and BC10 over HTTP (BC09 has its own test): an agreement with
// commitments and facts made through the ledger API, detection as of a date, the breach's rule, severity and
// traced officials, the lifecycle to `recorded`, eligibility and public disclosure, then a repair after which
// disclosure ends.
#include <gmock/gmock.h>

#include <functional>

#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

struct Scenario {
  std::string rule;
  std::string severity;
  bool government = true;  ///< obligor side: the body's eligibility changes
  /** Makes the agreement, commitment and facts; returns the commitment id. */
  std::function<std::string(class RuleScenarioTest&)> make;
};

class RuleScenarioTest : public WorkflowFixture, public ::testing::WithParamInterface<std::string> {
 public:
  using WorkflowFixture::commitment;
  using WorkflowFixture::fact;
  using WorkflowFixture::new_agreement;
  std::string supplier() const { return supplier_; }
  std::string body() const { return body_; }
  json money(const std::string& yuan) { return {{"amount", yuan}, {"currency", "CNY"}}; }

 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    make_ledger();
  }
};

const std::map<std::string, Scenario>& scenarios() {
  static const std::map<std::string, Scenario> all{
      {"BC01",
       {"BC01", "general", true,
        [](RuleScenarioTest& t) {
          return t.commitment("government", "policy_promise", "2025-09-01",
                              {{"amount", t.money("500000.00")}});
        }}},
      {"BC02",
       {"BC02", "general", true,
        [](RuleScenarioTest& t) {
          auto c = t.commitment("government", "milestone", "2025-09-01", {{"amount", t.money("1000000.00")}});
          t.fact(c, "fulfilled", "2025-08-30", {{"amount", t.money("400000.00")}});
          return c;
        }}},
      {"BC03",
       {"BC03", "general", true,
        [](RuleScenarioTest& t) {
          auto a = t.new_agreement("procurement", t.body(), t.supplier(), "PRJ-BC03");
          auto d = t.commitment("counterparty", "delivery", "2025-08-01", {}, a);
          t.fact(d, "fulfilled", "2025-08-01");
          return t.commitment("government", "payment", "2025-12-31", {{"amount", t.money("200000.00")}}, a);
        }}},
      {"BC04",
       {"BC04", "serious", true,
        [](RuleScenarioTest& t) {
          auto c =
              t.commitment("government", "policy_promise", "2026-12-31", {{"amount", t.money("300000.00")}});
          t.fact(c, "amended", "2025-10-01", {{"new_due", "2027-06-30"}});
          return c;
        }}},
      {"BC05",
       {"BC05", "severe", true,
        [](RuleScenarioTest& t) {
          auto c = t.commitment("government", "policy_promise", "2026-12-31");
          t.fact(c, "refused", "2025-10-01", {{"reason", "government_turnover"}});
          return c;
        }}},
      {"BC06",
       {"BC06", "severe", true,
        [](RuleScenarioTest& t) {
          auto c = t.commitment("government", "judgment", "2025-08-01", {{"amount", t.money("80000.00")}});
          t.fact(c, "judgment_issued", "2025-08-01", {{"new_due", "2025-09-30"}});
          return c;
        }}},
      {"BC07",
       {"BC07", "general", false,
        [](RuleScenarioTest& t) {
          auto a = t.new_agreement("procurement", t.body(), t.supplier(), "PRJ-BC07");
          auto c = t.commitment("counterparty", "delivery", "2025-09-01", {}, a);
          t.fact(c, "acceptance_failed", "2025-09-05", {{"score", 52}});
          return c;
        }}},
      {"BC08",
       {"BC08", "serious", true,
        [](RuleScenarioTest& t) {
          auto c = t.commitment("government", "policy_promise", "2026-12-31");
          t.fact(c, "terminated", "2025-10-01", {{"terminated_by", "government"}});
          return c;
        }}},
      {"BC10",
       {"BC10", "general", true,
        [](RuleScenarioTest& t) {
          auto a = t.new_agreement("pledge", t.body(), "", "PLEDGE-1");
          return t.commitment("government", "pledge", "2025-09-01", {}, a);
        }}},
  };
  return all;
}

// Verifies the rule's whole story end to end (see the file comment).
TEST_P(RuleScenarioTest, DetectRecordDiscloseRepair) {
  const Scenario& s = scenarios().at(GetParam());
  const std::string c = s.make(*this);
  auto run = detect("2025-11-01");
  ASSERT_EQ(run["new_by_rule"][s.rule], 1) << run.dump();

  std::string id;
  for (auto& b : breaches_of(c))
    if (b["rule"] == s.rule) id = b["id"];
  ASSERT_FALSE(id.empty());
  auto b = get("/api/v1/breaches/" + id).json();
  EXPECT_EQ(b["severity"], s.severity);
  bool assignee_performs = false, committer_commits = false;
  for (const auto& o : b["officials"]) {
    assignee_performs |= o["role"] == "performing" && o["official_id"] == assignee_;
    committer_commits |= o["role"] == "committing" && o["official_id"] == committer_;
  }
  EXPECT_TRUE(assignee_performs) << b["officials"].dump();
  EXPECT_TRUE(committer_commits) << b["officials"].dump();
  EXPECT_FALSE(b["evidence_facts"].is_null());

  ASSERT_EQ(act(id, "verify", {{"reason", "核实属实"}, {"as_of", "2025-11-03"}}).status, 200);
  if (s.severity != "severe") {
    auto ordered = act(id, "order_rectification",
                       {{"reason", "限期整改"}, {"as_of", "2025-11-04"}, {"deadline_working_days", 5}});
    ASSERT_EQ(ordered.status, 200) << ordered.body;
  }
  auto recorded = act(id, "record", {{"reason", "认定失信"}, {"as_of", "2025-11-20"}});
  ASSERT_EQ(recorded.status, 200) << recorded.body;
  EXPECT_EQ(recorded.json()["state"], "recorded");

  auto published = call("GET", "/api/v1/public/breaches", "").json()["items"];
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0]["id"], id);
  if (s.government) {
    EXPECT_FALSE(get("/api/v1/bodies/" + body_ + "/eligibility").json()["eligible"]);
  } else {
    auto perf = get("/api/v1/organizations/" + supplier_ + "/performance");
    ASSERT_EQ(perf.status, 200) << perf.body;
    bool cited = false;
    const json contracts = perf.json()["contracts"];
    for (const auto& k : contracts)
      for (const auto& e : k["evidence"])
        cited |= e == id;
    EXPECT_TRUE(cited) << id << " " << perf.body;
  }
  // BC07 is the supplier's failed deliverable: it never restricts the purchasing officials (issue 14).
  EXPECT_EQ(get("/api/v1/officials/" + assignee_ + "/eligibility").json()["merit"]["eligible"],
            s.rule == "BC07")
      << s.rule;

  ASSERT_EQ(
      act(id, "request_repair", {{"reason", "已整改"}, {"as_of", "2026-06-01"}, {"evidence", "整改报告"}})
          .status,
      200);
  auto repaired = act(id, "decide_repair",
                      {{"reason", "符合修复条件"}, {"as_of", "2026-06-01"}, {"decision", "granted"}});
  ASSERT_EQ(repaired.status, 200) << repaired.body;
  EXPECT_TRUE(call("GET", "/api/v1/public/breaches", "").json()["items"].empty());
  EXPECT_TRUE(get("/api/v1/bodies/" + body_ + "/eligibility").json()["eligible"]);
  EXPECT_TRUE(get("/api/v1/officials/" + assignee_ + "/eligibility").json()["merit"]["eligible"]);
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleScenarioTest,
                         ::testing::Values("BC01", "BC02", "BC03", "BC04", "BC05", "BC06", "BC07", "BC08",
                                           "BC10"));

}  // namespace
}  // namespace pactwatch::testing
