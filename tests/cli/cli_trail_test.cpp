// The built pactwatch binary's write commands and the accountability trail: every command that writes the
// ledger appends its entries (docs/TRAIL.md §8.2), counted with `pactwatch trail verify` before and after,
// on SQLite and on MariaDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "adapters/store/trail_store.hpp"
#include "adapters/trail/change_set.hpp"
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
    return run_process(with_options(std::move(args)), {}, cwd_);
  }

  /** The binary, `args`, and the options every command needs here (test database, repository paths). */
  std::vector<std::string> with_options(std::vector<std::string> args) {
    args.insert(args.begin(), PACTWATCH_BINARY);
    const std::vector<std::string> options{
        "--database",      db_.url_text(),
        "--sql-dir",       source_sql_dir(),
        "--data-dir",      (cwd_ / "var").string(),
        "--calendar-file", PACTWATCH_SOURCE_DIR "/config/calendar/cn-2025-2026.csv"};
    args.insert(args.end(), options.begin(), options.end());
    return args;
  }

  /** Starts `serve` on a free port with `env`, waits until it has started, stops it with SIGTERM. */
  std::string serve_once(const EnvVars& env) {
    Subprocess server(with_options({"serve", "--listen", "127.0.0.1:0", "--detection-time", "off"}), env,
                      cwd_);
    bool started = false;
    for (int i = 0; i < 3000 && !started; ++i) {
      started = server.err().find("\"event\":\"started\"") != std::string::npos;
      if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(started) << server.err();
    server.signal(SIGTERM);
    const auto stopped = server.wait();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    return stopped.err;
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

  /** The ids of type `type` the whole trail names as changed (every change of every change set). */
  std::set<std::string> changed(const std::string& type) {
    const auto db = db_.open(1);
    store::TrailFilter all;
    all.limit = 100000;
    const auto page = store::TrailStore(*db).entries(all);
    EXPECT_TRUE(page) << page.error().message;
    std::set<std::string> ids;
    if (!page) return ids;
    for (const auto& e : page->items) {
      for (const auto& ref : trail::changed_entities(e, nlohmann::json::parse(e.patch)))
        if (ref.type == type) ids.insert(ref.id);
    }
    return ids;
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

  // seed-demo: one write, so one change set (cut at its bound: a few entries) naming every entity it
  // created; a second run changes nothing and appends nothing.
  const auto seeded = pactwatch({"seed-demo", "--demo-dir", PACTWATCH_SOURCE_DIR "/config/demo"});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  const std::uint64_t after_seed = entries();
  EXPECT_GT(after_seed, 2u);
  for (const auto& [label, type] :
       std::vector<std::pair<std::string, std::string>>{{"bodies", "body"},
                                                        {"officials", "official"},
                                                        {"organizations", "organization"},
                                                        {"agreements", "agreement"},
                                                        {"commitments", "commitment"},
                                                        {"facts", "fact"},
                                                        {"regions", "region"}}) {
    const std::uint64_t created = count_of(seeded.out, label);
    ASSERT_GT(created, 0u) << label;
    EXPECT_EQ(changed(type).size(), created) << label;
  }
  ASSERT_EQ(pactwatch({"seed-demo", "--demo-dir", PACTWATCH_SOURCE_DIR "/config/demo"}).exit_code, 0);
  EXPECT_EQ(entries(), after_seed);

  // detect: one write opening every breach it found, each named in its change set.
  const auto detected = pactwatch({"detect", "--as-of", "2026-06-30"});
  ASSERT_EQ(detected.exit_code, 0) << detected.err;
  const auto summary = nlohmann::json::parse(detected.out);
  const std::uint64_t opened = summary.at("opened");
  ASSERT_GT(opened, 0u) << detected.out;
  EXPECT_GT(entries(), after_seed);
  EXPECT_EQ(changed("breach").size(), opened);

  // import: one change set per release, naming every entity it created (and detection's breaches).
  const std::uint64_t before_import = entries();
  const std::size_t agreements_before = changed("agreement").size();
  const auto imported = pactwatch(
      {"import", PACTWATCH_SOURCE_DIR "/tests/data/ocds/milestones-implementation_milestones_met.json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::uint64_t created_entities = count_of(imported.out, "entities created");
  ASSERT_GT(created_entities, 0u) << imported.out;
  EXPECT_GT(entries(), before_import);
  EXPECT_GT(changed("agreement").size(), agreements_before);
}

// Verifies serve records the configuration in the trail: the first start one config.changed entry, a
// restart unchanged none, a restart with another deadline one entry whose patch replaces that value.
TEST_F(CliTrailTest, ServeRecordsConfigurationChanges) {
  ASSERT_EQ(pactwatch({"migrate"}).exit_code, 0);
  EXPECT_THAT(serve_once({{"PACTWATCH_RECTIFICATION_WORKING_DAYS", "15"}}),
              ::testing::HasSubstr("\"event\":\"config_recorded\""));
  EXPECT_EQ(entries(), 1u);
  EXPECT_THAT(serve_once({{"PACTWATCH_RECTIFICATION_WORKING_DAYS", "15"}}),
              ::testing::Not(::testing::HasSubstr("config_recorded")));
  EXPECT_EQ(entries(), 1u);
  (void)serve_once({{"PACTWATCH_RECTIFICATION_WORKING_DAYS", "20"}});
  ASSERT_EQ(entries(), 2u);
  const auto db = db_.open(1);
  const auto entry = store::TrailStore(*db).entry(2).value();
  EXPECT_EQ(entry.action, "config.changed");
  EXPECT_EQ(nlohmann::json::parse(entry.patch)[0]["patch"],
            nlohmann::json::parse(R"([{"op":"replace","path":"/rectification_working_days","value":"20"}])"));
  EXPECT_THAT(entry.reason, ::testing::HasSubstr("PACTWATCH_RECTIFICATION_WORKING_DAYS"));
}

}  // namespace
}  // namespace pactwatch::testing
