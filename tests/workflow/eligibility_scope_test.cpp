// Eligibility is judged on every breach of an official, wherever it lies, but a region-scoped caller must not
// read another region's breaches through it (issue 13: the reasons listed 禄丰市 breach ids and mitigation
// notes to a 楚雄市 token).
#include <gmock/gmock.h>

#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::Contains;
using ::testing::Not;

class EligibilityScopeTest : public WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    make_ledger();
  }
};

// Verifies an official posted in 楚雄市 and 禄丰市, with a recorded breach in 禄丰市, is ineligible for every
// caller, but only a caller who sees 禄丰市 is told which breach; a 楚雄市 token gets a count instead.
TEST_F(EligibilityScopeTest, ReasonsOutsideTheScopeAreCountedNotShown) {
  auto added = post("/api/v1/officials/" + assignee_ + "/posts",
                    {{"body_id", other_body_}, {"title", "项目办主任"}, {"from", "2025-01-01"}});
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string lufeng_agreement = new_agreement("investment", other_body_, supplier_, "PRJ-LF-001");
  const std::string c =
      commitment("government", "policy_promise", "2026-01-10",
                 {{"obligor_id", other_body_}, {"amount", {{"amount", "500000.00"}}}}, lufeng_agreement);
  detect("2026-03-01");
  const auto found = breaches_of(c);
  ASSERT_EQ(found.size(), 1u);
  const std::string id = found[0]["id"];
  ASSERT_EQ(act(id, "verify", {{"reason", "核实属实"}, {"as_of", "2026-03-02"}}).status, 200);
  ASSERT_EQ(act(id, "order_rectification",
                {{"reason", "限期整改"}, {"as_of", "2026-03-03"}, {"deadline_working_days", 10}})
                .status,
            200);
  ASSERT_EQ(act(id, "record", {{"reason", "逾期未整改"}, {"as_of", "2026-03-20"}}).status, 200);

  const std::string url = "/api/v1/officials/" + assignee_ + "/eligibility?as_of=2026-04-01";
  auto lufeng = get(url, kLufeng);
  ASSERT_EQ(lufeng.status, 200) << lufeng.body;
  EXPECT_FALSE(lufeng.json()["merit"]["eligible"]);
  EXPECT_THAT(lufeng.json()["merit"]["reasons"], Contains(id));

  auto city = get(url, kChuxiongCity);
  ASSERT_EQ(city.status, 200) << city.body;
  EXPECT_FALSE(city.json()["eligible"]) << "judged on every breach";
  EXPECT_THAT(city.json()["merit"]["reasons"], Not(Contains(id)));
  EXPECT_EQ(city.json()["merit"]["reasons_outside_scope"], 1);
  EXPECT_EQ(city.body.find(id), std::string::npos) << city.body;
}

}  // namespace
}  // namespace pactwatch::testing
