// The demo data set (config/demo) loaded by seed-demo into a fresh database, on SQLite and MariaDB: counts,
// idempotency, and every rule BC01-BC10 firing over the loaded ledger as of 2026-11-26.
#include "server/cli_seed.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "domain/detection.hpp"
#include "domain/policy.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::server {
namespace {

using domain::RuleCode;

const std::filesystem::path kDemoDir = std::filesystem::path(PACTWATCH_SOURCE_DIR) / "config/demo";

domain::WorkingCalendar calendar() {
  std::ifstream in(std::filesystem::path(PACTWATCH_SOURCE_DIR) / "config/calendar/cn-2025-2026.csv");
  std::ostringstream text;
  text << in.rdbuf();
  return *domain::WorkingCalendar::parse_csv(text.str());
}

class SeedDemoTest : public ::testing::Test {
 protected:
  SeedDemoTest() : db_(tdb_.open()) {
    auto migrated = db_->migrate();
    if (!migrated) throw std::runtime_error(migrated.error().message);
    auto data = load_demo_data(kDemoDir);
    if (!data) throw std::runtime_error(data.error().message);
    data_ = std::move(*data);
  }
  testing::TestDatabase tdb_;
  std::unique_ptr<store::Database> db_;
  DemoData data_;
};

// Verifies the data set has the promised shape: the prefecture and its 10 counties, about 30 bodies, 50
// officials (some with several posts), 40 organizations (some SMEs) and agreements of all four kinds.
TEST(DemoData, HasThePromisedShape) {
  auto data = load_demo_data(kDemoDir);
  ASSERT_TRUE(data) << data.error().message;
  std::set<std::string> counties;
  for (const auto& r : data->regions)
    if (r.parent_code == "532300") counties.insert(r.code);
  EXPECT_EQ(counties, (std::set<std::string>{"532301", "532302", "532322", "532323", "532324", "532325",
                                             "532326", "532327", "532328", "532329"}));
  EXPECT_GE(data->bodies.size(), 28u);
  EXPECT_GE(data->officials.size(), 50u);
  EXPECT_GE(std::ranges::count_if(data->officials, [](const auto& o) { return o.posts.size() > 1; }), 5);
  EXPECT_GE(data->organizations.size(), 40u);
  EXPECT_GE(std::ranges::count_if(data->organizations, [](const auto& o) { return o.sme; }), 10);
  for (const auto& o : data->organizations) {
    ASSERT_TRUE(o.credit_code) << o.name;
    EXPECT_TRUE(domain::CreditCode::parse(o.credit_code->str())) << o.credit_code->str();
    EXPECT_EQ(o.credit_code->region_part().substr(0, 4), "5323") << o.name;
  }
  std::set<domain::AgreementKind> kinds;
  for (const auto& a : data->agreements)
    kinds.insert(a.kind);
  EXPECT_EQ(kinds.size(), 4u);
}

// Verifies a malformed data file is refused with a message naming the file and the record.
TEST(DemoData, MalformedFileIsNamed) {
  const auto root = testing::make_temp_dir("pactwatch-demo");
  const auto dir = root / "demo";
  std::filesystem::copy(kDemoDir, dir, std::filesystem::copy_options::recursive);
  std::filesystem::copy(kDemoDir.parent_path() / "regions", root / "regions",
                        std::filesystem::copy_options::recursive);
  std::ofstream(dir / "organizations.json")
      << R"([{"key": "x", "name": "坏公司", "credit_code": "91532301MA0000000X"}])";
  auto data = load_demo_data(dir);
  std::filesystem::remove_all(root);
  ASSERT_FALSE(data);
  EXPECT_THAT(data.error().message, ::testing::HasSubstr("organizations.json[0].credit_code"));
}

// Verifies seed-demo writes every record, and a second run changes nothing.
TEST_F(SeedDemoTest, LoadsOnceAndIsIdempotent) {
  auto first = seed_demo(*db_, data_, "2026-11-26T00:00:00.000Z");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->already_loaded);
  EXPECT_EQ(first->regions, 12);

  store::LedgerStore ledger(*db_);
  auto bodies = ledger.all_bodies({});
  ASSERT_TRUE(bodies) << bodies.error().message;
  EXPECT_EQ(bodies->size(), data_.bodies.size());
  auto officials = ledger.all_officials({});
  ASSERT_TRUE(officials);
  EXPECT_EQ(officials->size(), data_.officials.size());
  auto loaded = ledger.load_ledger({});
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->organizations.size(), data_.organizations.size());
  EXPECT_EQ(loaded->agreements.size(), data_.agreements.size());
  EXPECT_EQ(loaded->commitments.size(), data_.commitments.size());
  EXPECT_EQ(loaded->facts.size(), data_.facts.size());

  auto second = seed_demo(*db_, data_, "2026-11-27T00:00:00.000Z");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->already_loaded);
  EXPECT_EQ(second->regions, 0);
  EXPECT_EQ(ledger.load_ledger({})->facts.size(), data_.facts.size());
}

// Verifies `seed-demo --regions-file` loads only the GB/T 2260 regions of the file (the reference data that
// bodies and token scopes must name since issue 13), idempotently, and no demo record.
TEST_F(SeedDemoTest, RegionsFileLoadsOnlyTheRegions) {
  const Environment env{{"PACTWATCH_DATABASE", tdb_.url_text()},
                        {"PACTWATCH_SQL_DIR", testing::source_sql_dir()},
                        {"PACTWATCH_CONFIG", ""}};
  const std::string file = std::string(PACTWATCH_SOURCE_DIR) + "/config/regions/532300.csv";
  const std::vector<std::string> args{"--regions-file", file};
  std::ostringstream out, err;
  ASSERT_EQ(run_seed_demo_command(args, env, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), ::testing::HasSubstr("loaded 12 of 12 regions"));
  store::LedgerStore ledger(*db_);
  EXPECT_EQ(ledger.regions("", store::Window{"", 100})->size(), 12u);
  EXPECT_EQ(ledger.region("532301")->name, "楚雄市");
  EXPECT_TRUE(ledger.all_bodies({})->empty());
  std::ostringstream again;
  ASSERT_EQ(run_seed_demo_command(args, env, again, err), 0) << err.str();
  EXPECT_THAT(again.str(), ::testing::HasSubstr("loaded 0 of 12 regions"));
  std::ostringstream bad_out, bad_err;
  const std::vector<std::string> both{"--regions-file", file, "--demo-dir", kDemoDir.string()};
  EXPECT_EQ(run_seed_demo_command(both, env, bad_out, bad_err), 2);
}

// Verifies detection over the loaded ledger finds every rule BC01-BC10 as of 2026-11-26; BC09 once the three
// breaches the manifest names are recorded, as the breach workflow would record them.
TEST_F(SeedDemoTest, EveryRuleFiresAsOfTheReferenceDate) {
  ASSERT_TRUE(seed_demo(*db_, data_, "2026-11-26T00:00:00.000Z"));
  store::LedgerStore ledger(*db_);
  auto loaded = ledger.load_ledger({});
  ASSERT_TRUE(loaded) << loaded.error().message;
  const auto as_of = *domain::parse_date("2026-11-26");
  ASSERT_EQ(data_.as_of, as_of);
  const domain::RulePolicy policy;
  const auto cal = calendar();

  const auto first = domain::detect_breaches(*loaded, {}, cal, policy, as_of);
  std::set<RuleCode> fired;
  for (const auto& f : first.findings)
    fired.insert(f.rule);
  for (RuleCode r : {RuleCode::BC01, RuleCode::BC02, RuleCode::BC03, RuleCode::BC04, RuleCode::BC05,
                     RuleCode::BC06, RuleCode::BC07, RuleCode::BC08, RuleCode::BC10}) {
    EXPECT_TRUE(fired.contains(r)) << domain::to_string(r) << " did not fire";
  }

  std::vector<domain::Breach> recorded;
  for (const auto& rb : data_.recorded_breaches) {
    auto it = std::ranges::find_if(first.findings, [&](const domain::Finding& f) {
      return f.rule == rb.rule && f.commitment_id == rb.commitment_id;
    });
    ASSERT_NE(it, first.findings.end()) << rb.commitment_id << " has no " << domain::to_string(rb.rule);
    auto b = domain::open_breach(*it, "brc_demo_" + std::to_string(recorded.size() + 1), rb.recorded_on);
    b.state = domain::BreachState::recorded;
    b.verified_on = rb.recorded_on;
    b.recorded_on = rb.recorded_on;
    recorded.push_back(std::move(b));
  }
  const auto second = domain::detect_breaches(*loaded, recorded, cal, policy, as_of);
  auto bc09 = std::ranges::find_if(second.findings, [](const auto& f) { return f.rule == RuleCode::BC09; });
  ASSERT_NE(bc09, second.findings.end()) << "BC09 did not fire";
  EXPECT_EQ(bc09->obligor_id, "org_demo_yl_it");
}

}  // namespace
}  // namespace pactwatch::server
