#include "domain/responsibility.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::ymd;

/** A PPP project whose implementation stage changed hands on 2026-04-01, and the posts of four officials. */
class TraceBack : public ::testing::Test {
 protected:
  Agreement ppp;
  std::vector<Official> officials;

  void SetUp() override {
    ppp.id = "PPP1";
    ppp.kind = AgreementKind::ppp;
    ppp.body_id = "G1";
    ppp.counterparty_id = "S1";
    ppp.stages.push_back(Stage{StageKind::implementation,
                               {Assignment{"li", "政府方责任人", ymd(2025, 1, 1), ymd(2026, 3, 31)},
                                Assignment{"wang", "政府方责任人", ymd(2026, 4, 1), std::nullopt}}});
    ppp.stages.push_back(Stage{StageKind::financing, {}});
    // Li moves to another county in the middle of the stage; Zhao hands G1 to Qian on 2026-03-01.
    officials = {
        Official{"li",
                 "李",
                 {Post{"G1", "副局长", ymd(2024, 1, 1), ymd(2026, 3, 31), false},
                  Post{"G9", "局长", ymd(2026, 4, 1), std::nullopt, true}}},
        Official{"wang", "王", {Post{"G1", "副局长", ymd(2026, 4, 1), std::nullopt, false}}},
        Official{"zhao", "赵", {Post{"G1", "局长", ymd(2022, 1, 1), ymd(2026, 2, 28), true}}},
        Official{"qian", "钱", {Post{"G1", "局长", ymd(2026, 3, 1), std::nullopt, true}}},
    };
  }

  Commitment commitment(std::optional<StageKind> stage) const {
    Commitment c;
    c.id = "C1";
    c.agreement_id = "PPP1";
    c.obligor_side = ObligorSide::government;
    c.obligor_id = "G1";
    c.kind = CommitmentKind::milestone;
    c.stage = stage;
    c.committing_official_id = "zhao";
    return c;
  }
  static std::vector<std::string> ids(const std::vector<ResponsibleOfficial>& v) {
    std::vector<std::string> out;
    for (const auto& o : v)
      out.push_back(o.official_id);
    return out;
  }
};

// Verifies the stage assignee whose tenure covers the due date is performing, before and after the
// mid-stage change, and that Li, who has since moved to another body, stays responsible.
TEST_F(TraceBack, MidStagePostChange) {
  const Commitment c = commitment(StageKind::implementation);
  const Responsibility before = trace_responsibility(c, ppp, officials, ymd(2026, 3, 15));
  EXPECT_EQ(ids(before.performing), std::vector<std::string>{"li"});
  EXPECT_EQ(before.performing[0].basis, ResponsibilityBasis::stage_assignment);
  EXPECT_EQ(before.performing[0].role, "政府方责任人");
  EXPECT_EQ(ids(trace_responsibility(c, ppp, officials, ymd(2026, 3, 31)).performing),
            std::vector<std::string>{"li"});
  EXPECT_EQ(ids(trace_responsibility(c, ppp, officials, ymd(2026, 4, 1)).performing),
            std::vector<std::string>{"wang"});
  EXPECT_EQ(ids(before.committing), std::vector<std::string>{"zhao"});
}

// Verifies that when no assignee covers the date the head of the obligor body on that date is performing.
TEST_F(TraceBack, FallsBackToTheHeadOfTheBody) {
  const Commitment c = commitment(StageKind::financing);
  const Responsibility feb = trace_responsibility(c, ppp, officials, ymd(2026, 2, 28));
  EXPECT_EQ(ids(feb.performing), std::vector<std::string>{"zhao"});
  EXPECT_EQ(feb.performing[0].basis, ResponsibilityBasis::body_head);
  EXPECT_EQ(ids(trace_responsibility(c, ppp, officials, ymd(2026, 3, 1)).performing),
            std::vector<std::string>{"qian"});
  EXPECT_EQ(heads_of("G1", officials, ymd(2026, 3, 1)), std::vector<std::string>{"qian"});
}

// Verifies a commitment without a stage looks at every stage, and nobody is performing when no one covers it.
TEST_F(TraceBack, NoStageAndNobody) {
  EXPECT_EQ(ids(trace_responsibility(commitment(std::nullopt), ppp, officials, ymd(2025, 6, 1)).performing),
            std::vector<std::string>{"li"});
  Commitment orphan = commitment(StageKind::financing);
  orphan.obligor_id = "G5";
  orphan.committing_official_id.clear();
  const Responsibility r = trace_responsibility(orphan, ppp, officials, ymd(2026, 5, 1));
  EXPECT_TRUE(r.performing.empty());
  EXPECT_TRUE(r.committing.empty());
}

}  // namespace
}  // namespace pactwatch::domain
