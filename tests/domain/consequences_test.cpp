#include "domain/consequences.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::ymd;

Breach breach(std::string id, RuleCode rule, BreachState state, std::optional<Date> recorded_on) {
  Breach b;
  b.id = std::move(id);
  b.rule = rule;
  b.severity = Severity::serious;
  b.obligor_side = ObligorSide::government;
  b.obligor_id = "G1";
  b.due = ymd(2026, 1, 15);
  b.state = state;
  b.recorded_on = recorded_on;
  b.performing_officials = {"li"};
  b.committing_official = "zhao";
  return b;
}

// Verifies a body with an unrepaired recorded breach is ineligible for honours and listed for criticism,
// naming the breach, while detected, repaired and voided ones do not count.
TEST(Consequences, BodyHonours) {
  const std::vector<Breach> breaches{breach("B1", RuleCode::BC01, BreachState::recorded, ymd(2026, 2, 1)),
                                     breach("B2", RuleCode::BC01, BreachState::detected, std::nullopt),
                                     breach("B3", RuleCode::BC01, BreachState::repaired, ymd(2025, 2, 1)),
                                     breach("B4", RuleCode::BC01, BreachState::voided, ymd(2025, 6, 1))};
  const Eligibility e = body_honours_eligibility("G1", breaches, ymd(2026, 3, 1));
  EXPECT_FALSE(e.eligible);
  EXPECT_TRUE(e.listed_for_criticism);
  EXPECT_EQ(e.reasons, std::vector<std::string>{"B1"});
  EXPECT_TRUE(body_honours_eligibility("G2", breaches, ymd(2026, 3, 1)).eligible);
  EXPECT_TRUE(body_honours_eligibility("G1", breaches, ymd(2026, 1, 31)).eligible);  // not yet recorded
}

// Verifies an official traced to a recorded breach (performing or committing) is restricted from 评优评先,
// and an exemption (免于惩戒) lifts it with a note while 从轻 keeps it.
TEST(Consequences, OfficialMeritAndMitigation) {
  std::vector<Breach> breaches{breach("B1", RuleCode::BC01, BreachState::recorded, ymd(2026, 2, 1))};
  EXPECT_EQ(official_merit_eligibility("li", breaches, ymd(2026, 3, 1)).reasons,
            std::vector<std::string>{"B1"});
  EXPECT_FALSE(official_merit_eligibility("zhao", breaches, ymd(2026, 3, 1)).eligible);
  EXPECT_TRUE(official_merit_eligibility("wang", breaches, ymd(2026, 3, 1)).eligible);
  breaches[0].mitigation =
      Mitigation{MitigationDecision::lighter, "部分挽回损失", "supervisor-7", ymd(2026, 2, 20)};
  EXPECT_FALSE(official_merit_eligibility("li", breaches, ymd(2026, 3, 1)).eligible);
  breaches[0].mitigation->decision = MitigationDecision::exempt;
  const Eligibility exempt = official_merit_eligibility("li", breaches, ymd(2026, 3, 1));
  EXPECT_TRUE(exempt.eligible);
  ASSERT_EQ(exempt.notes.size(), 1u);
  EXPECT_TRUE(exempt.notes[0].starts_with("B1"));
  EXPECT_FALSE(
      body_honours_eligibility("G1", breaches, ymd(2026, 3, 1)).eligible);  // the body's record stands
}

// Verifies the heads of a body with a recorded BC06 breach are blocked from promotion — the current head
// and the one heading it on the due date, though since moved — and other rules or officials are not.
TEST(Consequences, PromotionBlockForBc06) {
  const std::vector<Official> officials{
      Official{"zhao", "赵", {Post{"G1", "局长", ymd(2022, 1, 1), ymd(2026, 2, 28), true}}},
      Official{"qian", "钱", {Post{"G1", "局长", ymd(2026, 3, 1), std::nullopt, true}}},
      Official{"sun", "孙", {Post{"G1", "科员", ymd(2020, 1, 1), std::nullopt, false}}}};
  std::vector<Breach> breaches{breach("B6", RuleCode::BC06, BreachState::recorded, ymd(2026, 3, 10)),
                               breach("B1", RuleCode::BC01, BreachState::recorded, ymd(2026, 3, 10))};
  EXPECT_EQ(promotion_eligibility("qian", officials, breaches, ymd(2026, 4, 1)).reasons,
            std::vector<std::string>{"B6"});
  EXPECT_EQ(promotion_eligibility("zhao", officials, breaches, ymd(2026, 4, 1)).reasons,
            std::vector<std::string>{"B6"});
  EXPECT_TRUE(promotion_eligibility("sun", officials, breaches, ymd(2026, 4, 1)).eligible);
  breaches[0].state = BreachState::repaired;
  EXPECT_TRUE(promotion_eligibility("qian", officials, breaches, ymd(2026, 4, 1)).eligible);
}

// Verifies BC07 (the supplier's deliverable failed acceptance) does not restrict the purchasing officials it
// is traced to, while another rule's record on the same commitment does.
TEST(Consequences, SupplierFailedAcceptanceDoesNotBlockOfficials) {
  Breach failed = breach("B7", RuleCode::BC07, BreachState::recorded, ymd(2026, 2, 1));
  failed.obligor_side = ObligorSide::counterparty;
  failed.obligor_id = "S1";
  const std::vector<Breach> only_bc07{failed};
  EXPECT_TRUE(official_merit_eligibility("li", only_bc07, ymd(2026, 3, 1)).eligible);
  EXPECT_TRUE(official_merit_eligibility("zhao", only_bc07, ymd(2026, 3, 1)).eligible);
  const std::vector<Breach> both{failed,
                                 breach("B1", RuleCode::BC01, BreachState::recorded, ymd(2026, 2, 1))};
  EXPECT_EQ(official_merit_eligibility("li", both, ymd(2026, 3, 1)).reasons, std::vector<std::string>{"B1"});
}

}  // namespace
}  // namespace pactwatch::domain
