// The application layer's use cases (app/) on plain inputs and an in-memory detection port: what HTTP,
// sync, the CLI and the schedulers all call.
#include <gtest/gtest.h>

#include "app/assignments.hpp"
#include "app/complaints.hpp"
#include "app/detection.hpp"
#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::testing {
namespace {

// Verifies the tenure rule: one role's tenures in a stage may not overlap (inclusive dates, an open end runs
// forever); another role, or a tenure after the end, fits.
TEST(AppAssignments, TenuresOfOneRoleMayNotOverlap) {
  Stage stage;
  stage.assignments.push_back({"off-1", "项目负责人", ymd(2025, 1, 1), ymd(2025, 6, 30)});
  auto overlap = app::tenure_overlap(stage, {"off-2", "项目负责人", ymd(2025, 6, 30), std::nullopt});
  ASSERT_TRUE(overlap.has_value());
  EXPECT_EQ(overlap->field, "from");
  EXPECT_EQ(overlap->message,
            "the tenure overlaps off-1's tenure as 项目负责人 from 2025-01-01 to 2025-06-30");
  EXPECT_FALSE(app::tenure_overlap(stage, {"off-2", "项目负责人", ymd(2025, 7, 1), std::nullopt}));
  EXPECT_FALSE(app::tenure_overlap(stage, {"off-2", "分管领导", ymd(2025, 3, 1), std::nullopt}));
  stage.assignments.push_back({"off-3", "分管领导", ymd(2025, 1, 1), std::nullopt});
  overlap = app::tenure_overlap(stage, {"off-4", "分管领导", ymd(2030, 1, 1), ymd(2030, 2, 1)});
  ASSERT_TRUE(overlap.has_value());
  EXPECT_NE(overlap->message.find("(open)"), std::string::npos);
}

// Verifies the candidate finding of a complaint: BC10 for a pledge, BC01 otherwise, minor; with a commitment
// its obligor and due date, without one the agreement's body as of today.
TEST(AppComplaints, ComplaintBecomesACandidateFinding) {
  LedgerBuilder b;
  Agreement& a = b.agreement("A1", AgreementKind::procurement, "BODY", "ORG");
  Commitment& c = b.commitment("C1", "A1", ObligorSide::counterparty, "ORG", CommitmentKind::delivery,
                               ymd(2026, 3, 1), 50'000);
  const Finding about_commitment = app::complaint_finding(a, &c, ymd(2026, 5, 1));
  EXPECT_EQ(about_commitment.rule, RuleCode::BC01);
  EXPECT_EQ(about_commitment.severity, Severity::minor);
  EXPECT_EQ(about_commitment.obligor_side, ObligorSide::counterparty);
  EXPECT_EQ(about_commitment.obligor_id, "ORG");
  EXPECT_EQ(about_commitment.commitment_id, "C1");
  EXPECT_EQ(about_commitment.due, ymd(2026, 3, 1));
  EXPECT_EQ(about_commitment.committed, Money::yuan(50'000));

  a.kind = AgreementKind::pledge;
  const Finding about_agreement = app::complaint_finding(a, nullptr, ymd(2026, 5, 1));
  EXPECT_EQ(about_agreement.rule, RuleCode::BC10);
  EXPECT_EQ(about_agreement.obligor_side, ObligorSide::government);
  EXPECT_EQ(about_agreement.obligor_id, "BODY");
  EXPECT_EQ(about_agreement.due, ymd(2026, 5, 1));
  EXPECT_TRUE(about_agreement.commitment_id.empty());
}

/** Detection's port in memory: one ledger, the breaches opened so far. */
class MemoryDetection final : public app::DetectionPort {
 public:
  explicit MemoryDetection(Ledger ledger) : ledger_(std::move(ledger)) {}
  Result<app::DetectionSlice> load(const Scope&, const std::vector<std::string>*) override {
    return app::DetectionSlice{
        ledger_, {Body{"BODY", "楚雄州财政局", "532301", BodyKind::department, ""}}, {}};
  }
  Result<std::vector<app::KnownBreach>> breaches(const Scope&, const std::vector<std::string>*) override {
    std::vector<app::KnownBreach> out;
    for (const auto& b : opened_)
      out.push_back({b, "BODY"});
    return out;
  }
  Result<std::vector<Breach>> open(const std::vector<app::FindingToOpen>& findings, Date on) override {
    ++writes;
    std::vector<Breach> out;
    for (const auto& f : findings) {
      EXPECT_EQ(f.region, "532301");
      out.push_back(open_breach(f.finding, "B" + std::to_string(opened_.size() + 1), on));
      opened_.push_back(out.back());
    }
    return out;
  }
  int writes = 0;

 private:
  Ledger ledger_;
  std::vector<Breach> opened_;
};

// Verifies the detection use case: an unpaid government payment past its due date opens one breach, filed
// under its body's region; a second run finds it again but opens nothing (idempotent).
TEST(AppDetection, OpensEachFindingOnce) {
  LedgerBuilder b;
  b.organization("ORG", true);
  b.agreement("A1", AgreementKind::procurement, "BODY", "ORG");
  b.commitment("C1", "A1", ObligorSide::government, "BODY", CommitmentKind::payment, ymd(2026, 1, 10),
               100'000);
  MemoryDetection port(b.build());
  const auto calendar = WorkingCalendar::plain();
  auto first = app::detect(port, calendar, RulePolicy{}, Scope{}, ymd(2026, 6, 1));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_GE(first->findings, 1);
  EXPECT_EQ(first->opened, first->findings);
  EXPECT_EQ(first->opened_ids.size(), static_cast<std::size_t>(first->opened));
  auto second = app::detect(port, calendar, RulePolicy{}, Scope{}, ymd(2026, 6, 1));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->findings, first->findings);
  EXPECT_EQ(second->opened, 0);
  const std::vector<std::string> other{"C-other"};
  auto restricted = app::detect(port, calendar, RulePolicy{}, Scope{}, ymd(2026, 6, 1), &other);
  ASSERT_TRUE(restricted.has_value());
  EXPECT_EQ(restricted->findings, 0) << "findings about other commitments are not counted";
}

}  // namespace
}  // namespace pactwatch::testing
