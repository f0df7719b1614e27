// Configuration changes in the trail (server/config_trail.hpp, docs/TRAIL.md §8.6): what `serve` records at
// start, on SQLite and on MariaDB.
#include "server/config_trail.hpp"

#include <gmock/gmock.h>

#include "tests/trail_db/trail_db_support.hpp"

namespace pactwatch::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

/** A configuration as `serve` would load it from `file` text plus `env` (no flags). */
server::LoadedConfig config_of(const std::string& file, const server::Environment& env = {}) {
  server::CommandLine command_line;
  command_line.command = "serve";
  auto loaded = server::build_config(command_line, env, file, "pactwatch.conf");
  EXPECT_TRUE(loaded) << loaded.error().message;
  return loaded ? *loaded : server::LoadedConfig{};
}

class ConfigTrailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = database_.open(2);
    auto migrated = db_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }
  /** One start of `serve` with this configuration at `time`. */
  server::ConfigRecord start(const server::LoadedConfig& loaded, const std::string& time) {
    auto r = server::record_config_change(*db_, loaded, time, "pw-test-host");
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : server::ConfigRecord{};
  }
  std::uint64_t head() { return store::TrailStore(*db_).head().value().seq; }

  TestDatabase database_;
  std::unique_ptr<store::Database> db_;
};

// Verifies the first start records the whole configuration once; a restart unchanged records nothing; a
// restart with another deadline records one entry whose patch replaces exactly that value and whose
// reason names where it came from; and the trail still verifies.
TEST_F(ConfigTrailTest, RecordsEachChangeOnceWithItsPatch) {
  const auto first = start(config_of("rectification_working_days = 15\n"), "2026-11-26T05:00:00.000Z");
  ASSERT_EQ(first.seq, 1u);
  EXPECT_EQ(first.entity_id, "host:pw-test-host");
  const auto created = store::TrailStore(*db_).entry(1).value();
  EXPECT_EQ(created.action, "config.changed");
  EXPECT_EQ(created.entity.type, "config");
  EXPECT_EQ(created.actor.name, "system:pw-test-host");
  EXPECT_EQ(created.role, "system");
  // A change set of one change, the configuration's: its patch adds the whole state.
  const json created_set = json::parse(created.patch);
  ASSERT_EQ(created_set.size(), 1u);
  EXPECT_EQ(created_set[0]["type"], "config");
  EXPECT_EQ(created_set[0]["op"], "changed");
  const json created_patch = created_set[0]["patch"];
  ASSERT_EQ(created_patch.size(), 1u);
  EXPECT_EQ(created_patch[0]["op"], "add");
  EXPECT_EQ(created_patch[0]["value"]["rectification_working_days"], "15");
  EXPECT_EQ(created_patch[0]["value"]["complaints_per_hour"], "5");

  EXPECT_EQ(start(config_of("rectification_working_days = 15\n"), "2026-11-26T06:00:00.000Z").seq, 0u);
  EXPECT_EQ(head(), 1u);

  const auto changed =
      start(config_of("rectification_working_days = 15\n", {{"PACTWATCH_RECTIFICATION_WORKING_DAYS", "20"}}),
            "2026-11-26T07:00:00.000Z");
  ASSERT_EQ(changed.seq, 2u);
  const auto entry = store::TrailStore(*db_).entry(2).value();
  EXPECT_EQ(json::parse(entry.patch)[0]["patch"],
            json::parse(R"([{"op":"replace","path":"/rectification_working_days","value":"20"}])"));
  EXPECT_EQ(entry.time, "2026-11-26T07:00:00.000Z");
  EXPECT_THAT(entry.reason, HasSubstr("rectification_working_days (PACTWATCH_RECTIFICATION_WORKING_DAYS)"));

  // The same again: nothing; another host keeps its own history.
  EXPECT_EQ(
      start(config_of("", {{"PACTWATCH_RECTIFICATION_WORKING_DAYS", "20"}}), "2026-11-26T08:00:00.000Z").seq,
      0u);
  auto other = server::record_config_change(*db_, config_of(""), "2026-11-26T09:00:00.000Z", "pw-other-host");
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->seq, 3u);
  // The state folded from the entries is the configuration last recorded.
  auto history = store::TrailStore(*db_).entity_history("config", "host:pw-test-host");
  ASSERT_TRUE(history);
  EXPECT_EQ(
      store::rebuild_state(*history, {"config", "host:pw-test-host"}).value()["rectification_working_days"],
      "20");
  EXPECT_TRUE(store::TrailStore(*db_).verify({}).value().ok());
}

// Verifies no secret reaches the trail: the database password is redacted as check-config shows it.
TEST_F(ConfigTrailTest, DatabasePasswordIsNeverRecorded) {
  const auto loaded = config_of("database = mysql://pactwatch:s3cr3t-pw@db.example:3306/pactwatch\n");
  const json state = server::config_state(loaded);
  EXPECT_THAT(state.dump(), Not(HasSubstr("s3cr3t-pw")));
  EXPECT_EQ(state["database"], "mysql://pactwatch:***@db.example:3306/pactwatch");
  ASSERT_EQ(start(loaded, "2026-11-26T05:00:00.000Z").seq, 1u);
  EXPECT_THAT(store::TrailStore(*db_).entry(1).value().patch, Not(HasSubstr("s3cr3t-pw")));
  EXPECT_THAT(server::config_change_reason(loaded), Not(HasSubstr("s3cr3t-pw")));

  // Keys other branches add (sync sources are URLs too) and secret-named keys, whatever they hold.
  server::LoadedConfig more = loaded;
  more.origins["source.exchange.url"] = {"mysql://sync:x%40y-pw@10.0.0.5:3306/exchange?socket=/s", "--x"};
  more.origins["source.feed.url"] = {"https://user@feed.example/ocds?since=1", "--x"};
  more.origins["source.feed.api_token"] = {"abc123-token-value", "--x"};
  const json redacted = server::config_state(more);
  EXPECT_EQ(redacted["source.exchange.url"], "mysql://sync:***@10.0.0.5:3306/exchange?socket=/s");
  EXPECT_EQ(redacted["source.feed.url"], "https://user@feed.example/ocds?since=1");  // no password
  EXPECT_EQ(redacted["source.feed.api_token"], "(redacted)");
  EXPECT_THAT(redacted.dump(), Not(HasSubstr("x%40y-pw")));
}

}  // namespace
}  // namespace pactwatch::testing
