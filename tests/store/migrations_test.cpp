#include "adapters/store/migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_database.hpp"

namespace pactwatch::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Verifies splitting at top-level semicolons and dropping comment-only tails.
TEST(SplitSqlTest, SplitsAtTopLevelSemicolons) {
  EXPECT_THAT(split_sql_statements("CREATE TABLE a (x INT);\n\nCREATE TABLE b (y INT);\n-- done\n", false),
              ElementsAre("CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"));
  EXPECT_THAT(split_sql_statements("SELECT 1", false), ElementsAre("SELECT 1"));
  EXPECT_TRUE(split_sql_statements("  -- only a comment;\n/* and; another */ ;", false).empty());
}

// Verifies that semicolons in literals, quoted identifiers and comments do not split a statement.
TEST(SplitSqlTest, KeepsSemicolonsInLiteralsAndComments) {
  const auto statements = split_sql_statements(
      "INSERT INTO t VALUES ('a;b', 'it''s; fine'); -- trailing; comment\n"
      "/* block; comment */ INSERT INTO \"we;ird\" VALUES (`x;y`);",
      false);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0], "INSERT INTO t VALUES ('a;b', 'it''s; fine')");
  EXPECT_EQ(statements[1], "INSERT INTO \"we;ird\" VALUES (`x;y`)");
}

// Verifies MySQL's backslash escapes and # comments, which SQLite does not have.
TEST(SplitSqlTest, HonoursMysqlBackslashEscapes) {
  EXPECT_THAT(split_sql_statements("INSERT INTO t VALUES ('a\\';b'); # x; y\nSELECT 2;", true),
              ElementsAre("INSERT INTO t VALUES ('a\\';b')", "SELECT 2"));
}

// Verifies that a trigger body's own statements stay inside the CREATE TRIGGER statement.
TEST(SplitSqlTest, KeepsTriggerBodiesWhole) {
  const auto statements = split_sql_statements(
      "CREATE TRIGGER trail_no_update BEFORE UPDATE ON trail BEGIN SELECT RAISE(ABORT, 'append only'); "
      "END;\nCREATE TABLE z (a INT);",
      false);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_THAT(statements[0], HasSubstr("RAISE(ABORT, 'append only'); END"));
  EXPECT_EQ(statements[1], "CREATE TABLE z (a INT)");
}

// Verifies the checksum against the FIPS 180-2 test vector for "abc".
TEST(MigrationChecksumTest, IsSha256Hex) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Verifies file discovery: numeric order, non-.sql files ignored, malformed names and duplicates rejected.
TEST(MigrationFilesTest, LoadsNumberedFilesInOrder) {
  const auto dir = testing::make_temp_dir();
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("0002_ledger.sql", "CREATE TABLE b (x INT);");
  write("0001_regions.sql", "CREATE TABLE a (x INT);");
  write("README.md", "not a migration");
  auto files = load_migration_files(dir);
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].file_name(), "0001_regions.sql");
  EXPECT_EQ((*files)[1].file_name(), "0002_ledger.sql");
  EXPECT_EQ((*files)[0].checksum, sha256_hex("CREATE TABLE a (x INT);"));

  write("0002_other.sql", "SELECT 1;");
  auto duplicate = load_migration_files(dir);
  ASSERT_FALSE(duplicate);
  EXPECT_THAT(duplicate.error().message, HasSubstr("share version 0002"));
  std::filesystem::remove(dir / "0002_other.sql");

  write("3_Bad-Name.sql", "SELECT 1;");
  auto malformed = load_migration_files(dir);
  ASSERT_FALSE(malformed);
  EXPECT_THAT(malformed.error().message, HasSubstr("3_Bad-Name.sql is not named NNNN_name.sql"));
  std::filesystem::remove_all(dir);

  auto missing = load_migration_files(dir);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, domain::ErrorCode::unavailable);
}

// Verifies that comparing files with records names changed, renamed and missing files, and lists pending
// ones.
TEST(MigrationCompareTest, NamesEveryProblemFile) {
  const std::vector<MigrationFile> files = {{"0001", "regions", "a", sha256_hex("a")},
                                            {"0002", "ledger", "b", sha256_hex("b")},
                                            {"0004", "trail", "d", sha256_hex("d")}};
  const std::vector<AppliedMigration> applied = {
      {"0001", "regions", sha256_hex("a")}, {"0002", "ledger", sha256_hex("old b")}, {"0003", "gone", "x"}};
  const auto status = compare_migrations(files, applied);
  EXPECT_FALSE(status.at_head());
  ASSERT_EQ(status.problems.size(), 2u);
  EXPECT_THAT(status.problems[0], HasSubstr("0002_ledger.sql changed after it was applied"));
  EXPECT_THAT(status.problems[1], HasSubstr("0003_gone.sql was applied but its file is missing"));
  EXPECT_THAT(status.pending(), ElementsAre("0004_trail.sql"));

  const auto renamed = compare_migrations({{"0001", "areas", "a", sha256_hex("a")}}, {applied[0]});
  ASSERT_EQ(renamed.problems.size(), 1u);
  EXPECT_THAT(renamed.problems[0],
              HasSubstr("0001_regions.sql was applied but the file is now named 0001_areas.sql"));

  const auto clean = compare_migrations({files[0]}, {applied[0]});
  EXPECT_TRUE(clean.at_head());
}

}  // namespace
}  // namespace pactwatch::store
