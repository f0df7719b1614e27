#include "adapters/store/token_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <string>

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
  testing::TestDatabase tdb_;
  std::unique_ptr<Database> db_;
};

// Verifies a created token is found by its hash with its name, role, region and creation time, and that
// the table holds the hash and never anything else secret-looking.
TEST_F(TokenStoreTest, CreateThenFindByHash) {
  TokenStore tokens(*db_);
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
  TokenStore tokens(*db_);
  ASSERT_TRUE(tokens.create({"运维", "admin", "", hash_of('c')}, at("2026-11-26T00:00:00Z")));
  auto found = tokens.find_active(hash_of('c'));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->region, "");
}

// Verifies a revoked token is no longer found, keeps its row with revoked_at, and cannot be revoked twice.
TEST_F(TokenStoreTest, RevokedTokenIsNotFound) {
  TokenStore tokens(*db_);
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
  TokenStore tokens(*db_);
  auto r = tokens.revoke("tok_0000000000000000", at("2026-11-26T00:00:00Z"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, domain::ErrorCode::not_found);
}

// Verifies the same hash cannot be stored twice (a conflict), and a malformed hash or empty name is refused.
TEST_F(TokenStoreTest, DuplicateHashAndBadInputAreRefused) {
  TokenStore tokens(*db_);
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
  TokenStore tokens(*db_);
  auto r = tokens.create({"x", "root", "", hash_of('1')}, at("2026-11-26T00:00:00Z"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, domain::ErrorCode::conflict);
}

// Verifies list returns tokens oldest first.
TEST_F(TokenStoreTest, ListIsOldestFirst) {
  TokenStore tokens(*db_);
  ASSERT_TRUE(tokens.create({"second", "auditor", "", hash_of('2')}, at("2026-11-26T02:00:00Z")));
  ASSERT_TRUE(tokens.create({"first", "auditor", "", hash_of('3')}, at("2026-11-26T01:00:00Z")));
  auto list = tokens.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "first");
  EXPECT_EQ((*list)[1].name, "second");
}

}  // namespace
}  // namespace pactwatch::store
