// The built pactwatch binary's write commands and the accountability trail: every command that writes the
// ledger appends its entries (docs/TRAIL.md §8.2), counted with `pactwatch trail verify` before and after,
// on SQLite and on MariaDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/process.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::testing {
namespace {

/** A migrated test database and a temporary working directory, driven through the binary. */
class CliTrailTest : public ::testing::Test {
 protected:
  CliTrailTest() : cwd_(make_temp_dir("pactwatch-cli-trail")) {}
  ~CliTrailTest() override { std::filesystem::remove_all(cwd_); }

  ProcessResult pactwatch(std::vector<std::string> args) {
    args.insert(args.begin(), PACTWATCH_BINARY);
    const std::vector<std::string> options{
        "--database",      db_.url_text(),
        "--sql-dir",       source_sql_dir(),
        "--data-dir",      (cwd_ / "var").string(),
        "--calendar-file", PACTWATCH_SOURCE_DIR "/config/calendar/cn-2025-2026.csv"};
    args.insert(args.end(), options.begin(), options.end());
    return run_process(args, {}, cwd_);
  }

  /** The number of entries `trail verify` finds intact (the test fails if the trail is not intact). */
  std::uint64_t entries() {
    const auto r = pactwatch({"trail", "verify"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::smatch m;
    if (!std::regex_search(r.out, m, std::regex("trail intact: ([0-9]+) entries"))) {
      ADD_FAILURE() << "no count in: " << r.out;
      return 0;
    }
    return std::stoull(m[1]);
  }

  /** The number after `label` in `text` ("30 bodies" -> 30 for label "bodies"). */
  static std::uint64_t count_of(const std::string& text, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("([0-9]+) " + label))) {
      ADD_FAILURE() << "no '" << label << "' in: " << text;
      return 0;
    }
    return std::stoull(m[1]);
  }

  TestDatabase db_;
  std::filesystem::path cwd_;
};

// Verifies token create and revoke, seed-demo, detect and import each append the entries of what they
// write (and nothing when they write nothing), and the trail stays intact throughout.
TEST_F(CliTrailTest, EveryWriteCommandAppendsItsEntries) {
  const auto migrated = pactwatch({"migrate"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  ASSERT_EQ(entries(), 0u);

  // token create / revoke: one entry each.
  const auto created = pactwatch({"token", "create", "--role", "auditor", "--name", "州审计局"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(entries(), 1u);
  std::smatch id;
  ASSERT_TRUE(std::regex_search(created.out, id, std::regex("created token (tok_[0-9a-f]+)"))) << created.out;
  ASSERT_EQ(pactwatch({"token", "revoke", id[1]}).exit_code, 0);
  EXPECT_EQ(entries(), 2u);

  // seed-demo: one entry per entity at least (an agreement's stage assignments add one each); a second
  // run changes nothing and appends nothing.
  const auto seeded = pactwatch({"seed-demo", "--demo-dir", PACTWATCH_SOURCE_DIR "/config/demo"});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  std::uint64_t entities = 0;
  for (const char* label : {"bodies", "officials", "organizations", "agreements", "commitments", "facts"})
    entities += count_of(seeded.out, label);
  ASSERT_GT(entities, 0u);
  const std::uint64_t after_seed = entries();
  EXPECT_GE(after_seed, 2 + entities);
  ASSERT_EQ(pactwatch({"seed-demo", "--demo-dir", PACTWATCH_SOURCE_DIR "/config/demo"}).exit_code, 0);
  EXPECT_EQ(entries(), after_seed);

  // detect: one entry per breach it opens.
  const auto detected = pactwatch({"detect", "--as-of", "2026-06-30"});
  ASSERT_EQ(detected.exit_code, 0) << detected.err;
  const auto summary = nlohmann::json::parse(detected.out);
  const std::uint64_t opened = summary.at("opened");
  ASSERT_GT(opened, 0u) << detected.out;
  EXPECT_EQ(entries(), after_seed + opened);

  // import: one entry per entity created (and per breach its detection opens).
  const std::uint64_t before_import = entries();
  const auto imported = pactwatch(
      {"import", PACTWATCH_SOURCE_DIR "/tests/data/ocds/milestones-implementation_milestones_met.json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::uint64_t created_entities = count_of(imported.out, "entities created");
  ASSERT_GT(created_entities, 0u) << imported.out;
  EXPECT_GE(entries(), before_import + created_entities);
}

}  // namespace
}  // namespace pactwatch::testing
