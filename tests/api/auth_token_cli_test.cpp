// `pactwatch token create|revoke|list`, run in-process against a temporary database on SQLite and MariaDB.
#include "server/cli_token.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <sstream>

#include "adapters/store/token_store.hpp"
#include "adapters/trail/checkpoint.hpp"
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
  TokenCliTest() : db_(tdb_.open()), key_dir_(testing::make_temp_dir("pactwatch-token-key")) {
    auto migrated = db_->migrate();
    if (!migrated) throw std::runtime_error(migrated.error().message);
    env_ = {{"PACTWATCH_DATABASE", tdb_.url_text()},
            {"PACTWATCH_SQL_DIR", testing::source_sql_dir()},
            {"PACTWATCH_CONFIG", ""},
            {"PACTWATCH_TRAIL_KEY_FILE", (key_dir_ / "checkpoint-key.pem").string()}};
    // The regions a scope may name (reference data; seed-demo loads them in production).
    auto lease = db_->acquire();
    *lease
        << "INSERT INTO regions (code, name, parent_code, level) VALUES ('532300', '楚雄彝族自治州', NULL, "
           "'prefecture')";
    *lease << "INSERT INTO regions (code, name, parent_code, level) VALUES ('532301', '楚雄市', '532300', "
              "'county')";
  }
  ~TokenCliTest() override { std::filesystem::remove_all(key_dir_); }
  /** The token store with the seal of the key file the commands use (created by the first of them). */
  store::TokenStore tokens() {
    trail::KeyFileOptions options;
    options.path = key_dir_ / "checkpoint-key.pem";
    auto key = trail::load_or_create_signing_key(options);
    if (!key) throw std::runtime_error(key.error().message);
    return store::TokenStore(*db_, *store::TokenSeal::derive(*key));
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
  std::filesystem::path key_dir_;
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

  auto found = tokens().find_active(token_hash_hex(secret));
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
           {"create", "--role", "auditor", "--region", "532399", "--name", "x"},
           {"list", "--accept-unchecked-hashes"},
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
  EXPECT_TRUE(tokens().list()->empty());
}

// Verifies revoke makes the token unknown to the lookup at once, and revoking twice or an unknown id fails.
TEST_F(TokenCliTest, RevokeStopsTheToken) {
  const auto made = token({"create", "--role", "platform", "--name", "公共资源交易平台"});
  ASSERT_EQ(made.code, 0) << made.err;
  auto token_store = tokens();
  const std::string id = token_store.list()->front().id;
  const auto r = token({"revoke", id});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(id));
  EXPECT_FALSE(token_store.find_active(token_hash_hex(made.last_word()))->has_value());
  EXPECT_EQ(token({"revoke", id}).code, 2);
  EXPECT_EQ(token({"revoke", "tok_ffffffffffffffff"}).code, 2);
  EXPECT_EQ(token({"revoke"}).code, 2);
}

// Verifies `token list` shows each row's seal and `token reseal` restores an erased one after checking the
// row against the trail (exit 0), while a row whose role was raised stays unsealed (exit 1, named).
TEST_F(TokenCliTest, ResealRestoresOnlyRowsThatMatchTheTrail) {
  ASSERT_EQ(token({"create", "--role", "auditor", "--name", "州审计局"}).code, 0);
  ASSERT_EQ(token({"create", "--role", "auditor", "--region", "532301", "--name", "楚雄市审计局"}).code, 0);
  const auto rows = tokens().list();
  ASSERT_EQ(rows->size(), 2u);
  const std::string erased = rows->at(0).id, raised = rows->at(1).id;
  {
    auto lease = db_->acquire();
    *lease << "UPDATE api_tokens SET row_mac = '' WHERE id = '" + erased + "'";
    *lease << "UPDATE api_tokens SET role = 'admin' WHERE id = '" + raised + "'";
  }
  const auto listed = token({"list"});
  EXPECT_THAT(listed.out, HasSubstr("\tmissing\t州审计局"));
  EXPECT_THAT(listed.out, HasSubstr("\tinvalid\t楚雄市审计局"));
  const auto resealed = token({"reseal"});
  EXPECT_EQ(resealed.code, 1) << resealed.err;
  EXPECT_THAT(resealed.out, HasSubstr(erased + ": seal missing; sealed"));
  EXPECT_THAT(
      resealed.out,
      HasSubstr(raised + ": seal invalid; NOT sealed (role is \"admin\" but the trail says \"auditor\")"));
  EXPECT_THAT(token({"list"}).out, HasSubstr("\tvalid\t州审计局"));
  ASSERT_EQ(token({"revoke", raised}).code, 0);
  EXPECT_THAT(token({"list"}).out, HasSubstr("\tinvalid\t楚雄市审计局")) << "revoking must not bless the row";
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
