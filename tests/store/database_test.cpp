#include "adapters/store/database.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <fstream>
#include <optional>
#include <thread>

#include "adapters/store/soci_errors.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/** A copy of the repository's sql/ in a temporary directory, so a test may edit or delete files. */
class SqlDirCopy {
 public:
  SqlDirCopy() : dir_(testing::make_temp_dir("pactwatch-sql")) {
    std::filesystem::copy(testing::source_sql_dir(), dir_, std::filesystem::copy_options::recursive);
  }
  ~SqlDirCopy() { std::filesystem::remove_all(dir_); }
  std::string path() const { return dir_.string(); }
  std::filesystem::path file(Backend backend, const std::string& name) const {
    return dir_ / (backend == Backend::sqlite ? "sqlite" : "mysql") / name;
  }

 private:
  std::filesystem::path dir_;
};

int count_rows(soci::session& sql, const std::string& query) {
  int n = -1;
  sql << query, soci::into(n);
  return n;
}

// Verifies that migrate() applies every file in order, records it with its checksum, and creates regions.
TEST(DatabaseTest, MigrateAppliesEveryFileOnce) {
  testing::TestDatabase tdb;
  auto db = tdb.open();

  auto before = db->migration_status();
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_FALSE(before->at_head());
  EXPECT_THAT(before->pending(), ::testing::Contains("0001_regions.sql"));

  auto first = db->migrate();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->at_head());
  ASSERT_FALSE(first->applied_now.empty());
  EXPECT_EQ(first->applied_now.front(), "0001_regions.sql");
  EXPECT_TRUE(first->problems.empty());

  auto lease = db->acquire();
  std::string checksum;
  std::string version = "0001";
  *lease << "SELECT checksum_sha256 FROM schema_migrations WHERE version = :v", soci::use(version, "v"),
      soci::into(checksum);
  EXPECT_EQ(checksum.size(), 64u);
  EXPECT_EQ(count_rows(*lease, "SELECT COUNT(*) FROM regions"), 0);
}

// Verifies that running migrate() again applies nothing and leaves the records untouched.
TEST(DatabaseTest, SecondMigrateAppliesNothing) {
  testing::TestDatabase tdb;
  auto db = tdb.open();
  ASSERT_TRUE(db->migrate());
  auto again = db->migrate();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->applied_now.empty());
  EXPECT_TRUE(again->at_head());
  auto lease = db->acquire();
  EXPECT_EQ(count_rows(*lease, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int>(again->migrations.size()));
}

// Verifies that an applied file edited afterwards is reported by name and migrate() refuses to continue.
TEST(DatabaseTest, DetectsAChangedAppliedFile) {
  testing::TestDatabase tdb;
  SqlDirCopy sql_dir;
  auto db = tdb.open(2, sql_dir.path());
  ASSERT_TRUE(db->migrate());
  std::ofstream(sql_dir.file(tdb.backend(), "0001_regions.sql"), std::ios::app) << "\n-- edited later\n";

  auto status = db->migration_status();
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_FALSE(status->at_head());
  ASSERT_EQ(status->problems.size(), 1u);
  EXPECT_THAT(status->problems[0], HasSubstr("0001_regions.sql changed after it was applied"));

  auto refused = db->migrate();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, domain::ErrorCode::conflict);
  EXPECT_THAT(refused.error().message, HasSubstr("0001_regions.sql"));
}

// Verifies that an applied migration whose file was deleted is reported by name.
TEST(DatabaseTest, DetectsAMissingAppliedFile) {
  testing::TestDatabase tdb;
  SqlDirCopy sql_dir;
  auto db = tdb.open(2, sql_dir.path());
  ASSERT_TRUE(db->migrate());
  std::filesystem::remove(sql_dir.file(tdb.backend(), "0001_regions.sql"));
  auto status = db->migration_status();
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_FALSE(status->at_head());
  EXPECT_THAT(status->problems,
              ElementsAre(HasSubstr("0001_regions.sql was applied but its file is missing")));
}

// Verifies that a new file added after the first migrate is pending, then applied alone.
TEST(DatabaseTest, AppliesOnlyTheNewFile) {
  testing::TestDatabase tdb;
  SqlDirCopy sql_dir;
  auto db = tdb.open(2, sql_dir.path());
  ASSERT_TRUE(db->migrate());
  std::ofstream(sql_dir.file(tdb.backend(), "0999_extra.sql"))
      << "-- a test migration; with a semicolon in a comment\n"
         "CREATE TABLE IF NOT EXISTS extra (note VARCHAR(50) NOT NULL);\n"
         "INSERT INTO extra (note) VALUES ('a;b');\n";
  auto status = db->migration_status();
  ASSERT_TRUE(status);
  EXPECT_THAT(status->pending(), ElementsAre("0999_extra.sql"));
  auto applied = db->migrate();
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_THAT(applied->applied_now, ElementsAre("0999_extra.sql"));
  auto lease = db->acquire();
  std::string note;
  *lease << "SELECT note FROM extra", soci::into(note);
  EXPECT_EQ(note, "a;b");
}

// Verifies that a failing migration is reported with its file and leaves nothing recorded, so it can be
// fixed and re-run.
TEST(DatabaseTest, FailedMigrationIsNotRecorded) {
  testing::TestDatabase tdb;
  SqlDirCopy sql_dir;
  auto db = tdb.open(2, sql_dir.path());
  std::ofstream(sql_dir.file(tdb.backend(), "0998_broken.sql")) << "CREATE TABLE IF NOT EXISTS ok1 (a INT);\n"
                                                                   "CREATE TABLE broken (;\n";
  auto failed = db->migrate();
  ASSERT_FALSE(failed);
  EXPECT_THAT(failed.error().message, HasSubstr("0998_broken.sql, statement 2"));
  auto status = db->migration_status();
  ASSERT_TRUE(status);
  EXPECT_THAT(status->pending(), ElementsAre("0998_broken.sql"));

  std::ofstream(sql_dir.file(tdb.backend(), "0998_broken.sql"))
      << "CREATE TABLE IF NOT EXISTS ok1 (a INT);\n";
  auto fixed = db->migrate();
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_THAT(fixed->applied_now, ElementsAre("0998_broken.sql"));
}

// Verifies lease accounting: in_use while leased, waiting while a caller blocks on an exhausted pool.
TEST(DatabaseTest, PoolCountsLeasesAndWaiters) {
  testing::TestDatabase tdb;
  auto db = tdb.open(2);
  EXPECT_EQ(db->stats().size, 2u);
  EXPECT_EQ(db->stats().in_use, 0u);
  std::optional<Database::Lease> a(db->acquire());
  auto b = std::make_optional(db->acquire());
  EXPECT_EQ(db->stats().in_use, 2u);
  EXPECT_EQ(db->stats().waiting, 0u);

  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto c = db->acquire();
    got = true;
  });
  // Wait (without a deadline assertion) until the waiter is blocked inside acquire().
  while (db->stats().waiting == 0)
    std::this_thread::yield();
  EXPECT_EQ(db->stats().waiting, 1u);
  EXPECT_FALSE(got);
  a.reset();  // returning a lease wakes the waiter
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(db->stats().waiting, 0u);
  EXPECT_EQ(db->stats().in_use, 1u);
  b.reset();
  EXPECT_EQ(db->stats().in_use, 0u);
}

// Verifies that a moved lease returns its session exactly once.
TEST(DatabaseTest, MovedLeaseReturnsOnce) {
  testing::TestDatabase tdb;
  auto db = tdb.open(1);
  {
    auto a = db->acquire();
    Database::Lease b(std::move(a));
    EXPECT_EQ(db->stats().in_use, 1u);
  }
  EXPECT_EQ(db->stats().in_use, 0u);
  EXPECT_TRUE(db->ping());
}

// Verifies the durability settings each pooled session runs with: WAL, foreign keys and synchronous=FULL
// on SQLite; strict SQL mode, READ COMMITTED, UTC and utf8mb4 on MariaDB.
TEST(DatabaseTest, SessionsRunWithTheDurabilitySettings) {
  testing::TestDatabase tdb;
  auto db = tdb.open(2);
  for (int i = 0; i < 2; ++i) {
    auto lease = db->acquire();
    auto other = db->acquire();  // both sessions of the pool, not just the first
    soci::session& sql = i == 0 ? *lease : *other;
    if (tdb.backend() == Backend::sqlite) {
      std::string journal;
      int foreign_keys = -1, synchronous = -1, busy = -1;
      sql << "PRAGMA journal_mode", soci::into(journal);
      sql << "PRAGMA foreign_keys", soci::into(foreign_keys);
      sql << "PRAGMA synchronous", soci::into(synchronous);
      sql << "PRAGMA busy_timeout", soci::into(busy);
      EXPECT_EQ(journal, "wal");
      EXPECT_EQ(foreign_keys, 1);
      EXPECT_EQ(synchronous, 2);  // FULL
      EXPECT_EQ(busy, 5000);
    } else {
      std::string mode, isolation, zone, charset;
      sql << "SELECT @@SESSION.sql_mode", soci::into(mode);
      sql << "SELECT @@SESSION.tx_isolation", soci::into(isolation);
      sql << "SELECT @@SESSION.time_zone", soci::into(zone);
      sql << "SELECT @@SESSION.character_set_connection", soci::into(charset);
      EXPECT_THAT(mode, HasSubstr("STRICT_ALL_TABLES"));
      EXPECT_EQ(isolation, "READ-COMMITTED");
      EXPECT_EQ(zone, "+00:00");
      EXPECT_EQ(charset, "utf8mb4");
    }
  }
}

// Verifies that the configured SQLite busy timeout reaches the sessions and that the file's directory is
// created.
TEST(DatabaseTest, SqliteHonoursBusyTimeoutAndCreatesTheDirectory) {
  const auto dir = testing::make_temp_dir();
  auto url = DatabaseUrl::parse("sqlite:" + (dir / "nested" / "deeper" / "pw.db").string());
  ASSERT_TRUE(url);
  DatabaseOptions options;
  options.pool_size = 1;
  options.busy_timeout = std::chrono::milliseconds{1234};
  options.sql_dir = testing::source_sql_dir();
  auto db = Database::open(*url, options);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir / "nested" / "deeper" / "pw.db"));
  int busy = -1;
  auto lease = (*db)->acquire();
  *lease << "PRAGMA busy_timeout", soci::into(busy);
  EXPECT_EQ(busy, 1234);
  std::filesystem::remove_all(dir);
}

// Verifies the error mapping at the adapter boundary: duplicate keys and broken foreign keys are conflicts.
TEST(DatabaseTest, ConstraintViolationsAreConflicts) {
  testing::TestDatabase tdb;
  auto db = tdb.open();
  ASSERT_TRUE(db->migrate());
  auto lease = db->acquire();
  const std::string code = "532300", name = "楚雄彝族自治州", level = "prefecture";
  *lease << "INSERT INTO regions (code, name, parent_code, level) VALUES (:c, :n, NULL, :l)",
      soci::use(code, "c"), soci::use(name, "n"), soci::use(level, "l");
  std::string read_back;
  *lease << "SELECT name FROM regions WHERE code = :c", soci::use(code, "c"), soci::into(read_back);
  EXPECT_EQ(read_back, name);  // Chinese names round-trip on both backends

  auto duplicate = [&] {
    try {
      *lease << "INSERT INTO regions (code, name, parent_code, level) VALUES (:c, :n, NULL, :l)",
          soci::use(code, "c"), soci::use(name, "n"), soci::use(level, "l");
      return domain::Error{};
    } catch (...) {
      return map_current_exception("inserting a region");
    }
  }();
  EXPECT_EQ(duplicate.code, domain::ErrorCode::conflict) << duplicate.message;

  const std::string orphan = "532301", parent = "999999", county = "county", city = "楚雄市";
  auto dangling = [&] {
    try {
      *lease << "INSERT INTO regions (code, name, parent_code, level) VALUES (:c, :n, :p, :l)",
          soci::use(orphan, "c"), soci::use(city, "n"), soci::use(parent, "p"), soci::use(county, "l");
      return domain::Error{};
    } catch (...) {
      return map_current_exception("inserting a region");
    }
  }();
  EXPECT_EQ(dangling.code, domain::ErrorCode::conflict) << dangling.message;
}

// Verifies that an unreachable MySQL server is reported as `unavailable`, not as a crash.
TEST(DatabaseTest, UnreachableServerIsUnavailable) {
  const auto dir = testing::make_temp_dir();
  auto url = DatabaseUrl::parse("mysql://nobody@localhost/none?socket=" + (dir / "no.sock").string());
  ASSERT_TRUE(url);
  auto db = Database::open(*url, 1, testing::source_sql_dir());
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, domain::ErrorCode::unavailable) << db.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pactwatch::store
