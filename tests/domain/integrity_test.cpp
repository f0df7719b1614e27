#include "domain/integrity.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/ledger_builder.hpp"

namespace pactwatch::domain {
namespace {

using testing::LedgerBuilder;
using testing::ymd;

const Date kAsOf = ymd(2026, 6, 30);

class IntegrityIndex : public ::testing::Test {
 protected:
  std::vector<Body> bodies{Body{"G1", "楚雄市财政局", "532301", BodyKind::department, ""},
                           Body{"G2", "楚雄市鹿城镇", "532301", BodyKind::township, ""},
                           Body{"G3", "双柏县财政局", "532322", BodyKind::department, ""}};
  std::vector<std::string> regions{"532300", "532301", "532322"};
  std::vector<Breach> breaches;
  Ledger ledger;

  void SetUp() override {
    LedgerBuilder b;
    b.agreement("P1", AgreementKind::pledge, "G1", "");
    // G1: four due in the window, three kept; one outside the window; one still within its grace.
    b.commitment("C1", "P1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2026, 1, 10));
    b.fact("F1", "C1", FactKind::fulfilled, ymd(2026, 1, 10));
    b.commitment("C2", "P1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2026, 2, 10));
    b.fact("F2", "C2", FactKind::fulfilled, ymd(2026, 2, 1));
    b.commitment("C3", "P1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2026, 3, 10))
        .grace_days = 5;
    b.fact("F3", "C3", FactKind::fulfilled, ymd(2026, 3, 15));
    b.commitment("C4", "P1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2026, 4, 10));
    b.fact("F4", "C4", FactKind::fulfilled, ymd(2026, 4, 11));
    b.commitment("C5", "P1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2025, 6, 30));
    b.commitment("C6", "P1", ObligorSide::government, "G1", CommitmentKind::pledge, ymd(2026, 6, 28))
        .grace_days = 5;
    // G3: one kept.
    b.agreement("P3", AgreementKind::pledge, "G3", "");
    b.commitment("C7", "P3", ObligorSide::government, "G3", CommitmentKind::pledge, ymd(2026, 5, 1));
    b.fact("F7", "C7", FactKind::fulfilled, ymd(2026, 5, 1));
    ledger = b.build();

    breaches.push_back(recorded("B1", "G1", Severity::serious, ymd(2026, 5, 1)));
    Breach repaired = recorded("B2", "G3", Severity::severe, ymd(2025, 1, 1));
    repaired.state = BreachState::repaired;
    repaired.repaired_on = ymd(2026, 2, 1);
    breaches.push_back(repaired);
  }

  static Breach recorded(std::string id, std::string body, Severity s, Date on) {
    Breach b;
    b.id = std::move(id);
    b.obligor_side = ObligorSide::government;
    b.obligor_id = std::move(body);
    b.severity = s;
    b.state = BreachState::recorded;
    b.recorded_on = on;
    return b;
  }
  static const IntegrityScore& of(const std::vector<IntegrityScore>& list, const std::string& id) {
    for (const auto& s : list) {
      if (s.subject_id == id) return s;
    }
    throw std::runtime_error("no " + id);
  }
};

// Verifies a body's index: kept-promise rate of government commitments due in the window (grace counted,
// the still-in-grace one left out), penalty points of unrepaired records, weights 0.7 / 0.3.
TEST_F(IntegrityIndex, PerBody) {
  const IntegrityReport r = integrity_index(bodies, ledger, breaches, regions, EvaluationPolicy{}, kAsOf);
  const IntegrityScore& g1 = of(r.bodies, "G1");
  EXPECT_EQ(g1.due, 4);
  EXPECT_EQ(g1.kept, 3);
  EXPECT_DOUBLE_EQ(*g1.kept_rate, 0.75);
  EXPECT_DOUBLE_EQ(g1.penalty_points, 15);  // one serious record
  EXPECT_DOUBLE_EQ(*g1.score, 0.7 * 75 + 0.3 * 85);
  EXPECT_EQ(g1.breaches, std::vector<std::string>{"B1"});
  const IntegrityScore& g2 = of(r.bodies, "G2");
  EXPECT_FALSE(g2.kept_rate);
  EXPECT_FALSE(g2.score);  // nothing due: no data, not 100
  EXPECT_EQ(g2.rank, 0);
  EXPECT_DOUBLE_EQ(of(r.bodies, "G3").penalty_points, 0);  // repaired before as_of
}

// Verifies the ranking (scored first, ties by id, the unscored last with rank 0) and the regions: pooled
// counts, mean penalty per body, the breaches behind the points; the prefecture, which contains the
// counties, is given apart as their total and not ranked among them.
TEST_F(IntegrityIndex, RankingAndRegions) {
  const IntegrityReport r = integrity_index(bodies, ledger, breaches, regions, EvaluationPolicy{}, kAsOf);
  ASSERT_EQ(r.bodies.size(), 3u);
  EXPECT_EQ(r.bodies[0].subject_id, "G3");
  EXPECT_EQ(r.bodies[1].subject_id, "G1");
  EXPECT_EQ(r.bodies[1].rank, 2);
  EXPECT_EQ(r.bodies[2].subject_id, "G2");
  EXPECT_EQ(r.bodies[2].rank, 0);
  ASSERT_EQ(r.regions.size(), 2u);
  const IntegrityScore& chuxiong = of(r.regions, "532301");
  EXPECT_EQ(chuxiong.due, 4);
  EXPECT_DOUBLE_EQ(chuxiong.penalty_points, 7.5);  // 15 points over two bodies
  EXPECT_DOUBLE_EQ(*chuxiong.score, 0.7 * 75 + 0.3 * 92.5);
  EXPECT_EQ(chuxiong.breaches, std::vector<std::string>{"B1"});
  EXPECT_EQ(of(r.regions, "532322").rank, 1);
  EXPECT_EQ(chuxiong.rank, 2);
  ASSERT_EQ(r.enclosing.size(), 1u);
  const IntegrityScore& prefecture = r.enclosing[0];
  EXPECT_EQ(prefecture.subject_id, "532300");
  EXPECT_EQ(prefecture.due, 5);
  EXPECT_EQ(prefecture.kept, 4);
  EXPECT_EQ(prefecture.rank, 0);
  EXPECT_EQ(prefecture.breaches, std::vector<std::string>{"B1"});
}

// Verifies a county with nothing due is "no data" (no score, not ranked) even when its bodies exist, and
// that it still shows its penalty points and the breaches behind them.
TEST_F(IntegrityIndex, CountyWithNothingDueHasNoScore) {
  bodies.push_back(Body{"G4", "南华县财政局", "532324", BodyKind::department, ""});
  regions.push_back("532324");
  breaches.push_back(recorded("B4", "G4", Severity::general, ymd(2026, 6, 1)));
  const IntegrityReport r = integrity_index(bodies, ledger, breaches, regions, EvaluationPolicy{}, kAsOf);
  const IntegrityScore& nanhua = of(r.regions, "532324");
  EXPECT_EQ(nanhua.due, 0);
  EXPECT_FALSE(nanhua.score);
  EXPECT_EQ(nanhua.rank, 0);
  EXPECT_GT(nanhua.penalty_points, 0);
  EXPECT_EQ(nanhua.breaches, std::vector<std::string>{"B4"});
  EXPECT_EQ(r.regions.back().subject_id, "532324");
}

// Verifies a body of unknown region (stored empty: an imported body abroad) is ranked as a body but in no
// region, and an empty code asked for gives no region entry of its own.
TEST_F(IntegrityIndex, UnknownRegionIsRankedInNoRegion) {
  bodies.push_back(Body{"X1", "London Borough of Barnet", "", BodyKind::government, ""});
  std::vector<std::string> asked = regions;
  asked.push_back("");
  const IntegrityReport r = integrity_index(bodies, ledger, breaches, asked, EvaluationPolicy{}, kAsOf);
  EXPECT_EQ(r.bodies.size(), 4u);
  ASSERT_EQ(r.regions.size() + r.enclosing.size(), 3u);
  for (const IntegrityScore& s : r.regions)
    EXPECT_FALSE(s.subject_id.empty());
}

// Verifies the monthly series: one report per month end, the last on as_of, each judged on its own date
// (B2 still unrepaired at the end of January, B1 not yet recorded at the end of April).
TEST_F(IntegrityIndex, MonthlySeries) {
  const auto series = integrity_series(bodies, ledger, breaches, regions, EvaluationPolicy{}, kAsOf, 6);
  ASSERT_EQ(series.size(), 6u);
  EXPECT_EQ(series[0].as_of, ymd(2026, 1, 31));
  EXPECT_EQ(series[3].as_of, ymd(2026, 4, 30));
  EXPECT_EQ(series[5].as_of, kAsOf);
  EXPECT_DOUBLE_EQ(of(series[0].bodies, "G3").penalty_points, 30);
  EXPECT_DOUBLE_EQ(of(series[1].bodies, "G3").penalty_points, 0);
  EXPECT_DOUBLE_EQ(of(series[3].bodies, "G1").penalty_points, 0);
  EXPECT_EQ(of(series[0].bodies, "G1").due, 2);  // C5 (2025-06-30) still in the window; C1 kept
}

}  // namespace
}  // namespace pactwatch::domain
