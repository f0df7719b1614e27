// `pactwatch token create|revoke|list`, run in-process against a temporary database on SQLite and MariaDB.
#include "server/cli_token.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <sstream>

#include "adapters/store/token_store.hpp"
#include "server/auth.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int code = -1;
  std::string out, err;
  /** The last word of the last line of stdout. */
  std::string last_word() const {
    std::string line = out;
    while (!line.empty() && line.back() == '\n')
      line.pop_back();
    line = line.substr(line.rfind('\n') == std::string::npos ? 0 : line.rfind('\n') + 1);
    return line.substr(line.rfind(' ') == std::string::npos ? 0 : line.rfind(' ') + 1);
  }
};

class TokenCliTest : public ::testing::Test {
 protected:
  TokenCliTest() : db_(tdb_.open()) {
    auto migrated = db_->migrate();
    if (!migrated) throw std::runtime_error(migrated.error().message);
    env_ = {{"PACTWATCH_DATABASE", tdb_.url_text()},
            {"PACTWATCH_SQL_DIR", testing::source_sql_dir()},
            {"PACTWATCH_CONFIG", ""}};
  }
  CliRun token(std::vector<std::string> args) {
    std::ostringstream out, err;
    CliRun r;
    r.code = run_token_command(args, env_, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  testing::TestDatabase tdb_;
  std::unique_ptr<store::Database> db_;
  Environment env_;
};

// Verifies create prints the token once as the last word of its last line, stores only its SHA-256 with
// role, region and name, and the secret appears nowhere in the table or in `token list`.
TEST_F(TokenCliTest, CreatePrintsTokenOnceAndStoresOnlyItsHash) {
  const auto r =
      token({"create", "--role", "supervisor", "--region", "532301", "--name", "楚雄市财政局采购监管"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string secret = r.last_word();
  ASSERT_THAT(secret, ::testing::StartsWith("pw_"));
  ASSERT_GE(secret.size(), 3u + 43u);
  EXPECT_EQ(r.out.find(secret), r.out.rfind(secret)) << "printed more than once";

  store::TokenStore tokens(*db_);
  auto found = tokens.find_active(token_hash_hex(secret));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->role, "supervisor");
  EXPECT_EQ((*found)->region, "532301");
  EXPECT_EQ((*found)->name, "楚雄市财政局采购监管");

  auto lease = db_->acquire();
  soci::rowset<soci::row> rows =
      (lease->prepare << "SELECT id, name, role, region, token_sha256 FROM api_tokens");
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      EXPECT_THAT(row.get<std::string>(i), Not(HasSubstr(secret.substr(3))));
  }
  const auto listed = token({"list"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr((*found)->id));
  EXPECT_THAT(listed.out, Not(HasSubstr(secret.substr(3))));
}

// Verifies `--opt=value` spelling works and two tokens are different.
TEST_F(TokenCliTest, EqualsSpellingAndDistinctTokens) {
  const auto a = token({"create", "--role=auditor", "--name=州审计局"});
  const auto b = token({"create", "--role=auditor", "--name=州审计局"});
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(a.last_word(), b.last_word());
}

// Verifies a bad role, a bad region, a missing name and an unknown subcommand are one-line errors, exit 2,
// and create nothing.
TEST_F(TokenCliTest, ValidationErrorsExit2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"create", "--role", "root", "--name", "x"},
           {"create", "--role", "auditor", "--region", "5323", "--name", "x"},
           {"create", "--role", "auditor", "--region", "0a2301", "--name", "x"},
           {"create", "--role", "auditor"},
           {"create", "--name", "x"},
           {"create", "--role", "auditor", "--name", ""},
           {"create", "--role", "auditor", "--name", "x", "--role", "admin"},
           {"frobnicate"},
       }) {
    const auto r = token(args);
    EXPECT_EQ(r.code, 2) << args[0] << " " << (args.size() > 2 ? args[2] : "");
    EXPECT_THAT(r.err, HasSubstr("pactwatch token: "));
    EXPECT_TRUE(r.out.empty());
  }
  store::TokenStore tokens(*db_);
  EXPECT_TRUE(tokens.list()->empty());
}

// Verifies revoke makes the token unknown to the lookup at once, and revoking twice or an unknown id fails.
TEST_F(TokenCliTest, RevokeStopsTheToken) {
  const auto made = token({"create", "--role", "platform", "--name", "公共资源交易平台"});
  ASSERT_EQ(made.code, 0) << made.err;
  store::TokenStore tokens(*db_);
  const std::string id = tokens.list()->front().id;
  const auto r = token({"revoke", id});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(id));
  EXPECT_FALSE(tokens.find_active(token_hash_hex(made.last_word()))->has_value());
  EXPECT_EQ(token({"revoke", id}).code, 2);
  EXPECT_EQ(token({"revoke", "tok_ffffffffffffffff"}).code, 2);
  EXPECT_EQ(token({"revoke"}).code, 2);
}

// Verifies the command refuses a database whose migrations are not applied (exit 1, clear message).
TEST(TokenCliUnmigrated, RefusesUnmigratedDatabase) {
  testing::TestDatabase tdb;
  std::ostringstream out, err;
  Environment env{{"PACTWATCH_DATABASE", tdb.url_text()}, {"PACTWATCH_SQL_DIR", testing::source_sql_dir()}};
  const int code = run_token_command(std::vector<std::string>{"create", "--role", "admin", "--name", "ops"},
                                     env, out, err);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(err.str(), HasSubstr("pactwatch migrate"));
}

}  // namespace
}  // namespace pactwatch::server
