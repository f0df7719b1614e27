#include "adapters/store/token_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <array>
#include <map>
#include <string>

#include "adapters/store/trail_store.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::store {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

domain::Instant at(const char* text) {
  return *domain::parse_instant(text);
}

std::string hash_of(char c) {
  return std::string(64, c);
}

class TokenStoreTest : public ::testing::Test {
 protected:
  TokenStoreTest() : db_(tdb_.open()) {
    auto migrated = db_->migrate();
    if (!migrated) throw std::runtime_error(migrated.error().message);
  }
  /** Runs one statement on the table behind the store's back, as someone with database access would. */
  void tamper(const std::string& statement) {
    auto lease = db_->acquire();
    *lease << statement;
  }
  testing::TestDatabase tdb_;
  std::unique_ptr<Database> db_;
  TokenSeal seal_{std::array<std::uint8_t, 32>{1, 2, 3, 4, 5}};
};

// Verifies a created token is found by its hash with its name, role, region and creation time, and that
// the table holds the hash and never anything else secret-looking.
TEST_F(TokenStoreTest, CreateThenFindByHash) {
  TokenStore tokens(*db_, seal_);
  auto made =
      tokens.create({"楚雄市财政局", "supervisor", "532301", hash_of('a')}, at("2026-11-26T01:02:03Z"));
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_THAT(made->id, MatchesRegex("tok_[0-9a-f]{16}"));
  auto found = tokens.find_active(hash_of('a'));
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, made->id);
  EXPECT_EQ((*found)->name, "楚雄市财政局");
  EXPECT_EQ((*found)->role, "supervisor");
  EXPECT_EQ((*found)->region, "532301");
  EXPECT_EQ((*found)->created_at, "2026-11-26T01:02:03.000Z");
  EXPECT_FALSE((*found)->revoked_at);

  auto other = tokens.find_active(hash_of('b'));
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
}

// Verifies an unscoped token round-trips with an empty region.
TEST_F(TokenStoreTest, UnscopedTokenHasEmptyRegion) {
  TokenStore tokens(*db_, seal_);
  ASSERT_TRUE(tokens.create({"运维", "admin", "", hash_of('c')}, at("2026-11-26T00:00:00Z")));
  auto found = tokens.find_active(hash_of('c'));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->region, "");
}

// Verifies a revoked token is no longer found, keeps its row with revoked_at, and cannot be revoked twice.
TEST_F(TokenStoreTest, RevokedTokenIsNotFound) {
  TokenStore tokens(*db_, seal_);
  auto made = tokens.create({"州审计局", "auditor", "", hash_of('d')}, at("2026-11-26T00:00:00Z"));
  ASSERT_TRUE(made);
  auto revoked = tokens.revoke(made->id, at("2026-11-26T08:00:00Z"));
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(revoked->revoked_at, "2026-11-26T08:00:00.000Z");
  auto found = tokens.find_active(hash_of('d'));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());

  auto again = tokens.revoke(made->id, at("2026-11-26T09:00:00Z"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, domain::ErrorCode::conflict);

  auto list = tokens.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().revoked_at, "2026-11-26T08:00:00.000Z");
}

// Verifies revoking an unknown id is not_found.
TEST_F(TokenStoreTest, RevokeUnknownIsNotFound) {
  TokenStore tokens(*db_, seal_);
  auto r = tokens.revoke("tok_0000000000000000", at("2026-11-26T00:00:00Z"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, domain::ErrorCode::not_found);
}

// Verifies the same hash cannot be stored twice (a conflict), and a malformed hash or empty name is refused.
TEST_F(TokenStoreTest, DuplicateHashAndBadInputAreRefused) {
  TokenStore tokens(*db_, seal_);
  ASSERT_TRUE(tokens.create({"a", "platform", "", hash_of('e')}, at("2026-11-26T00:00:00Z")));
  auto dup = tokens.create({"b", "platform", "", hash_of('e')}, at("2026-11-26T00:00:01Z"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, domain::ErrorCode::conflict);

  auto bad_hash = tokens.create({"c", "platform", "", "ABC"}, at("2026-11-26T00:00:00Z"));
  ASSERT_FALSE(bad_hash);
  EXPECT_EQ(bad_hash.error().code, domain::ErrorCode::invalid);
  auto no_name = tokens.create({"", "platform", "", hash_of('f')}, at("2026-11-26T00:00:00Z"));
  ASSERT_FALSE(no_name);
  EXPECT_THAT(no_name.error().field, HasSubstr("name"));
}

// Verifies the schema itself refuses an unknown role, whatever the caller validated.
TEST_F(TokenStoreTest, SchemaRefusesUnknownRole) {
  TokenStore tokens(*db_, seal_);
  auto r = tokens.create({"x", "root", "", hash_of('1')}, at("2026-11-26T00:00:00Z"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, domain::ErrorCode::conflict);
}

// Verifies list returns tokens oldest first.
TEST_F(TokenStoreTest, ListIsOldestFirst) {
  TokenStore tokens(*db_, seal_);
  ASSERT_TRUE(tokens.create({"second", "auditor", "", hash_of('2')}, at("2026-11-26T02:00:00Z")));
  ASSERT_TRUE(tokens.create({"first", "auditor", "", hash_of('3')}, at("2026-11-26T01:00:00Z")));
  auto list = tokens.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "first");
  EXPECT_EQ((*list)[1].name, "second");
}

// Verifies every field the seal covers: a row changed behind the store's back (role raised, scope dropped,
// revocation undone, hash swapped, name changed, seal erased) is found on the next read (issue 13: a role
// edited in the database was honoured).
TEST_F(TokenStoreTest, EditedRowsFailTheirSeal) {
  TokenStore tokens(*db_, seal_);
  auto auditor =
      tokens.create({"楚雄市审计局", "auditor", "532301", hash_of('a')}, at("2026-11-26T01:00:00Z"));
  auto revoked = tokens.create({"旧令牌", "admin", "", hash_of('b')}, at("2026-11-26T01:00:00Z"));
  ASSERT_TRUE(auditor && revoked);
  ASSERT_TRUE(tokens.revoke(revoked->id, at("2026-11-26T02:00:00Z")));
  EXPECT_EQ((*tokens.find_active(hash_of('a')))->seal, SealState::valid);
  const std::string a = "'" + auditor->id + "'", b = "'" + revoked->id + "'";
  const std::vector<std::string> edits{"role = 'admin'", "region = ''", "name = '州审计局'",
                                       "created_at = '2020-01-01T00:00:00.000Z'"};
  for (std::size_t i = 0; i < edits.size(); ++i) {
    const std::string hash = std::string(63, '0') + static_cast<char>('1' + i);
    auto made = tokens.create({"楚雄市审计局", "auditor", "532301", hash}, at("2026-11-26T01:00:00Z"));
    ASSERT_TRUE(made);
    tamper("UPDATE api_tokens SET " + edits[i] + " WHERE id = '" + made->id + "'");
    auto found = tokens.find_active(hash);
    ASSERT_TRUE(found && found->has_value()) << edits[i];
    EXPECT_EQ((*found)->seal, SealState::invalid) << edits[i];
  }
  tamper("UPDATE api_tokens SET revoked_at = NULL WHERE id = " + b);
  EXPECT_EQ((*tokens.find_active(hash_of('b')))->seal, SealState::invalid) << "an undone revocation";
  tamper("UPDATE api_tokens SET token_sha256 = '" + hash_of('c') + "' WHERE id = " + a);
  EXPECT_EQ((*tokens.find_active(hash_of('c')))->seal, SealState::invalid) << "a swapped hash";
  tamper("UPDATE api_tokens SET token_sha256 = '" + hash_of('a') + "', row_mac = '' WHERE id = " + a);
  EXPECT_EQ((*tokens.find_active(hash_of('a')))->seal, SealState::missing);
  // Another key (a replaced trail key) does not know the seals either.
  TokenStore other(*db_, TokenSeal{std::array<std::uint8_t, 32>{9}});
  auto fresh = tokens.create({"州财政局", "supervisor", "", hash_of('d')}, at("2026-11-26T03:00:00Z"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ((*other.find_active(hash_of('d')))->seal, SealState::invalid);
}

// Verifies `reseal` seals a row whose seal was erased when it matches its trail history, refuses one whose
// role differs from it, and leaves a row whose history holds no hash check (a token of before migration
// 0011) unsealed unless unchecked hashes are accepted; each seal is a trail entry.
TEST_F(TokenStoreTest, ResealChecksRowsAgainstTheTrail) {
  TokenStore tokens(*db_, seal_);
  auto kept = tokens.create({"州审计局", "auditor", "", hash_of('a')}, at("2026-11-26T01:00:00Z"));
  auto raised =
      tokens.create({"楚雄市财政局", "supervisor", "532301", hash_of('b')}, at("2026-11-26T01:00:00Z"));
  ASSERT_TRUE(kept && raised);
  tamper("UPDATE api_tokens SET row_mac = '' WHERE id = '" + kept->id + "'");
  tamper("UPDATE api_tokens SET role = 'admin', row_mac = '' WHERE id = '" + raised->id + "'");
  // A token of before 0011: a row and a trail entry without the hash check, and no seal.
  const std::string old_id = "tok_00000000000000aa";
  {
    auto lease = db_->acquire();
    soci::transaction tr(*lease);
    *lease
        << "INSERT INTO api_tokens (id, name, role, region, token_sha256, created_at, revoked_at) VALUES ('" +
               old_id + "', '旧平台', 'platform', '', '" + hash_of('e') +
               "', '2026-01-01T00:00:00.000Z', NULL)";
    const nlohmann::json state{{"id", old_id},
                               {"name", "旧平台"},
                               {"role", "platform"},
                               {"region", ""},
                               {"created_at", "2026-01-01T00:00:00.000Z"},
                               {"revoked_at", nullptr}};
    const ChangeRecord change{"create", "token", old_id, nullptr, state};
    ASSERT_TRUE(append_change_set(
        *lease,
        WriteContext{"", "pactwatch token (command line)", "admin", "", "", "2026-01-01T00:00:00.000Z"},
        std::span<const ChangeRecord>(&change, 1)));
    tr.commit();
  }
  auto first = tokens.reseal(at("2026-11-27T00:00:00Z"), false);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 3u);
  std::map<std::string, ResealOutcome> by_id;
  for (const auto& o : *first)
    by_id[o.id] = o;
  EXPECT_TRUE(by_id[kept->id].sealed);
  EXPECT_FALSE(by_id[raised->id].sealed);
  EXPECT_THAT(by_id[raised->id].note, HasSubstr("role"));
  EXPECT_FALSE(by_id[old_id].sealed);
  EXPECT_THAT(by_id[old_id].note, HasSubstr("hash could not be checked"));
  EXPECT_EQ((*tokens.find_active(hash_of('a')))->seal, SealState::valid);
  EXPECT_EQ((*tokens.find_active(hash_of('b')))->seal, SealState::missing);

  auto second = tokens.reseal(at("2026-11-27T00:00:01Z"), true);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->size(), 2u);  // the sealed row is not looked at again
  EXPECT_EQ((*tokens.find_active(hash_of('e')))->seal, SealState::valid);
  EXPECT_EQ((*tokens.find_active(hash_of('b')))->seal, SealState::missing);
  // Now the trail holds the hash check of the old token: a swapped hash would be found by the next reseal.
  auto history = TrailStore(*db_).entity_history("token", old_id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().action, "token.reseal");
  EXPECT_EQ(rebuild_state(*history, trail::EntityRef{"token", old_id})->at("hash_check"),
            token_hash_check(hash_of('e')));
}

}  // namespace
}  // namespace pactwatch::store
