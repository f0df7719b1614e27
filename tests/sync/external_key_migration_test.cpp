// Migration 0016 (sql/*/0016_external_key_order.sql): external_keys, keyed by the SHA-256 of each key until
// 0015, is keyed by the key itself (adapters/sync/external_key.hpp) — rebuilt in place, on a database that
// already holds imported keys, on both backends.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "adapters/sync/external_key.hpp"
#include "adapters/sync/file_import.hpp"
#include "adapters/trail/hash.hpp"
#include "bench/sync/synthetic_ocds.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;
namespace synthetic = platform::ocds::testing;

constexpr std::string_view kMigration = "0016_external_key_order.sql";

/** One external_keys row, in the columns every layout has. */
struct KeyRow {
  std::string source, external_key, entity_type, entity_id, content_hash, updated_at;
};

std::vector<KeyRow> key_rows(store::Database& db) {
  auto session = db.acquire();
  std::vector<KeyRow> out;
  KeyRow r;
  soci::statement st = (session->prepare << "SELECT source, external_key, entity_type, entity_id, "
                                            "content_hash, updated_at FROM external_keys",
                        soci::into(r.source), soci::into(r.external_key), soci::into(r.entity_type),
                        soci::into(r.entity_id), soci::into(r.content_hash), soci::into(r.updated_at));
  st.execute(false);
  while (st.fetch())
    out.push_back(r);
  return out;
}

/** Imports `path` as source "file" and returns the counts. */
BatchCounts import(store::Database& db, const std::string& path) {
  ManualClock clock;
  SyncStore store(db, clock);
  auto lease = store.acquire_lease("file", "migration-test", 600s);
  if (!lease) throw std::runtime_error(lease.error().message);
  auto r = import_ocds_file(store, *lease, path, ImportOptions{});
  if (!r) throw std::runtime_error(r.error().message);
  return r->counts;
}

class ExternalKeyMigrationTest : public ::testing::Test {
 protected:
  ExternalKeyMigrationTest() {
    std::filesystem::copy(pactwatch::testing::source_sql_dir(), sql_dir,
                          std::filesystem::copy_options::recursive);
    std::stringstream s;
    synthetic::write_synthetic_ocds(s, 40, synthetic::SyntheticLayout::json_lines, 5);
    releases = write_file(dir, "releases.jsonl", s.str());
  }
  ~ExternalKeyMigrationTest() override { std::filesystem::remove_all(dir); }

  std::filesystem::path migration_file(store::Backend backend) const {
    return sql_dir / (backend == store::Backend::sqlite ? "sqlite" : "mysql") / kMigration;
  }

  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-keys");
  std::filesystem::path sql_dir = dir / "sql";
  std::string releases;
};

// Verifies the rebuild keeps every key and makes it findable: the keys an import stored, written in 0015's
// layout (under their SHA-256) together with a key of 600 bytes whose 400th byte falls inside a character,
// come out of 0016 with the lookup key the importer computes, and importing the same file again finds every
// release unchanged (were a key lost or mis-keyed, its release would be stored a second time).
TEST_F(ExternalKeyMigrationTest, KeysStoredBeforeTheRebuildAreFoundAfterIt) {
  SyncDb reference;
  const BatchCounts first = import(*reference.db, releases);
  ASSERT_EQ(first.records, 40u);
  ASSERT_GT(first.entities_created, 40u);
  std::vector<KeyRow> rows = key_rows(*reference.db);
  ASSERT_GT(rows.size(), 100u);
  ASSERT_TRUE(std::ranges::any_of(rows, [](const KeyRow& r) { return r.source == "*"; }));
  // 600 bytes; 楚 takes bytes 400 to 402, so the 400-byte prefix ends inside it.
  const std::string long_key = "ocds:" + std::string(394, 'x') + "楚雄" + std::string(195, 'y');
  rows.push_back({"file", long_key, "agreement", "agr_LONG", "hash-long", "2026-03-02T08:00:00.000Z"});

  pactwatch::testing::TestDatabase tdb;
  const std::string saved = migration_file(tdb.backend()).string() + ".later";
  std::filesystem::rename(migration_file(tdb.backend()), saved);
  auto db = tdb.open(2, sql_dir.string());
  auto at_0015 = db->migrate();
  ASSERT_TRUE(at_0015) << at_0015.error().message;
  {
    auto session = db->acquire();
    for (const KeyRow& r : rows) {
      const std::string sha = trail::sha256_hex(r.external_key);
      *session << "INSERT INTO external_keys (source, key_sha256, external_key, entity_type, entity_id, "
                  "content_hash, updated_at) VALUES (:s, :sha, :k, :t, :i, :h, :u)",
          soci::use(r.source, "s"), soci::use(sha, "sha"), soci::use(r.external_key, "k"),
          soci::use(r.entity_type, "t"), soci::use(r.entity_id, "i"), soci::use(r.content_hash, "h"),
          soci::use(r.updated_at, "u");
    }
  }

  std::filesystem::rename(saved, migration_file(tdb.backend()));
  auto migrated = db->migrate();
  ASSERT_TRUE(migrated) << migrated.error().message;
  EXPECT_THAT(migrated->applied_now, ::testing::ElementsAre(std::string(kMigration)));

  {
    auto session = db->acquire();
    for (const KeyRow& r : rows) {
      std::string lookup, id;
      soci::indicator found = soci::i_null;
      *session << "SELECT lookup_key, entity_id FROM external_keys WHERE source = :s AND external_key = :k",
          soci::use(r.source, "s"), soci::use(r.external_key, "k"), soci::into(lookup, found), soci::into(id);
      ASSERT_EQ(found, soci::i_ok) << r.external_key;
      EXPECT_EQ(lookup, external_key_lookup(r.external_key)) << r.external_key;
      EXPECT_EQ(id, r.entity_id);
    }
  }
  EXPECT_EQ(external_key_lookup(long_key).size(), 465u);
  EXPECT_EQ(key_rows(*db).size(), rows.size());

  const BatchCounts again = import(*db, releases);
  EXPECT_EQ(again.records, 40u);
  EXPECT_EQ(again.unchanged, 40u);
  EXPECT_EQ(again.entities_created, 0u);
}

// Verifies 0016 can run again after a failure without losing a key. On MySQL its DDL commits one statement
// at a time and a failed migration runs again from its first statement: run again after it completed but
// before it was recorded, it keeps every key as it was. On SQLite the file is one transaction: run again, it
// fails on the rebuilt table (it has no key_sha256 to copy), says which file failed, and rolls back whole.
TEST_F(ExternalKeyMigrationTest, RunningTheRebuildAgainKeepsEveryKey) {
  SyncDb db;
  import(*db.db, releases);
  const std::string columns = "SELECT source, lookup_key, external_key, entity_id FROM external_keys";
  const auto before = db.rows(columns, 4);
  ASSERT_GT(before.size(), 100u);
  {
    auto session = db.db->acquire();
    *session << "DELETE FROM schema_migrations WHERE version = '0016'";
  }
  auto again = db.db->migrate();
  if (db.test_db.backend() == store::Backend::mysql) {
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_THAT(again->applied_now, ::testing::ElementsAre(std::string(kMigration)));
  } else {
    ASSERT_FALSE(again);
    EXPECT_THAT(again.error().message, ::testing::HasSubstr(std::string(kMigration)));
  }
  EXPECT_THAT(db.rows(columns, 4), ::testing::UnorderedElementsAreArray(before));
  EXPECT_EQ(import(*db.db, releases).unchanged, 40u);
}

}  // namespace
}  // namespace pactwatch::sync::testing
