// `pactwatch trail verify --state` (docs/TRAIL.md §8.7, issue 13): the built binary replays the trail and
// compares it with every row; rows edited, deleted or inserted with plain SQL behind the service's back are
// named (entity, field, trail value, row value), on SQLite and on MariaDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <soci/soci.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "adapters/store/trail_store.hpp"
#include "tests/cli/process.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::HasSubstr;

class CliStateTest : public ::testing::Test {
 protected:
  CliStateTest() : cwd_(make_temp_dir("pactwatch-cli-state")) {}
  ~CliStateTest() override { std::filesystem::remove_all(cwd_); }

  ProcessResult pactwatch(std::vector<std::string> args) {
    args.insert(args.begin(), PACTWATCH_BINARY);
    for (const std::string& option :
         {std::string("--database"), db_.url_text(), std::string("--sql-dir"), source_sql_dir(),
          std::string("--data-dir"), (cwd_ / "var").string(), std::string("--calendar-file"),
          std::string(PACTWATCH_SOURCE_DIR "/config/calendar/cn-2025-2026.csv")})
      args.push_back(option);
    return run_process(args, {}, cwd_);
  }

  /** A ledger as the service writes it: a token, the demo data, a detection run (breaches). */
  void seed() {
    ASSERT_EQ(pactwatch({"migrate"}).exit_code, 0);
    const auto created = pactwatch({"token", "create", "--role", "auditor", "--name", "州审计局"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::smatch id;
    ASSERT_TRUE(std::regex_search(created.out, id, std::regex("created token (tok_[0-9a-f]+)")));
    token_id_ = id[1];
    const auto seeded = pactwatch({"seed-demo", "--demo-dir", PACTWATCH_SOURCE_DIR "/config/demo"});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    const auto detected = pactwatch({"detect", "--as-of", "2026-06-30"});
    ASSERT_EQ(detected.exit_code, 0) << detected.err;
  }

  /** Runs plain SQL on the database, as someone with database access and no API token would. */
  void sql(const std::string& statement) {
    const auto db = db_.open(1);
    auto lease = db->acquire();
    *lease << statement;
  }
  std::string first(const std::string& query) {
    const auto db = db_.open(1);
    auto lease = db->acquire();
    std::string value;
    *lease << query, soci::into(value);
    return value;
  }

  /** `trail verify --state --json`, expecting `exit_code`. */
  nlohmann::json verify_json(int exit_code) {
    const auto r = pactwatch({"trail", "verify", "--state", "--json"});
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    return nlohmann::json::parse(r.out);
  }

  /** The state differences of `--json` about entity `type`/`id`. */
  static std::vector<nlohmann::json> about(const nlohmann::json& report, const std::string& type,
                                           const std::string& id) {
    std::vector<nlohmann::json> out;
    for (const auto& d : report.at("state").at("differences"))
      if (d.at("type") == type && d.at("id") == id) out.push_back(d);
    return out;
  }

  TestDatabase db_;
  std::filesystem::path cwd_;
  std::string token_id_;
};

// Verifies a database written only by the service matches its trail: exit 0, every compared table read.
TEST_F(CliStateTest, CleanDatabaseVerifiesClean) {
  seed();
  const auto r = pactwatch({"trail", "verify", "--state"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("trail intact"));
  EXPECT_THAT(r.out, HasSubstr("state matches the trail: 0 differences"));
  const auto report = verify_json(0);
  EXPECT_TRUE(report.at("ok"));
  EXPECT_TRUE(report.at("chain").at("ok"));
  const auto& state = report.at("state");
  EXPECT_EQ(state.at("differences_total"), 0) << state.dump(2);
  EXPECT_GT(state.at("rows_compared").get<int>(), 100);
  EXPECT_EQ(state.at("rows_compared"), state.at("entities"));
  EXPECT_EQ(state.at("types"), nlohmann::json({"region", "body", "official", "organization", "agreement",
                                               "commitment", "fact", "breach", "token"}));
}

// Verifies each kind of edit behind the service's back is named, one after the other, with the trail's and
// the row's values, while the trail itself stays intact (the rows were changed, not the trail).
TEST_F(CliStateTest, EditsBehindTheServicesBackAreNamed) {
  seed();

  // An UPDATE of a commitment's due date.
  const std::string commitment = first("SELECT id FROM commitments ORDER BY id LIMIT 1");
  const std::string due = first("SELECT due FROM commitments ORDER BY id LIMIT 1");
  sql("UPDATE commitments SET due = '2099-12-31' WHERE id = '" + commitment + "'");
  auto report = verify_json(3);
  EXPECT_TRUE(report.at("chain").at("ok"));
  auto found = about(report, "commitment", commitment);
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("kind"), "field");
  EXPECT_EQ(found[0].at("field"), "/due");
  EXPECT_EQ(found[0].at("trail"), due);
  EXPECT_EQ(found[0].at("row"), "2099-12-31");
  EXPECT_GT(found[0].at("last_seq").get<int>(), 0);
  const auto text = pactwatch({"trail", "verify", "--state"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_THAT(text.out,
              HasSubstr("commitment " + commitment + " /due: trail \"" + due + "\", row \"2099-12-31\""));
  EXPECT_THAT(text.out, HasSubstr("state does NOT match the trail: 1 differences"));

  // A DELETE of a fact.
  const std::string fact = first("SELECT id FROM facts ORDER BY id LIMIT 1");
  sql("DELETE FROM facts WHERE id = '" + fact + "'");
  report = verify_json(3);
  found = about(report, "fact", fact);
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("kind"), "entity_without_row");
  EXPECT_EQ(found[0].at("trail").at("id"), fact);

  // An INSERT of an organization the service never wrote.
  sql("INSERT INTO organizations (id, name, credit_code, sme, version, created_at, updated_at) VALUES"
      " ('org_ghost', '影子公司', NULL, 0, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
  report = verify_json(3);
  found = about(report, "organization", "org_ghost");
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("kind"), "row_without_history");
  EXPECT_EQ(found[0].at("row").at("name"), "影子公司");

  // A breach's state changed in its column (what the lists filter on) — and, separately, in its record.
  const std::string breach = first("SELECT id FROM breaches ORDER BY id LIMIT 1");
  const std::string breach_state = first("SELECT state FROM breaches ORDER BY id LIMIT 1");
  ASSERT_NE(breach_state, "voided");
  sql("UPDATE breaches SET state = 'voided' WHERE id = '" + breach + "'");
  report = verify_json(3);
  found = about(report, "breach", breach);
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("field"), "/state");
  EXPECT_EQ(found[0].at("trail"), breach_state);
  EXPECT_EQ(found[0].at("row"), "voided");

  // A token's role edited in SQL.
  sql("UPDATE api_tokens SET role = 'admin' WHERE id = '" + token_id_ + "'");
  report = verify_json(3);
  found = about(report, "token", token_id_);
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("field"), "/role");
  EXPECT_EQ(found[0].at("trail"), "auditor");
  EXPECT_EQ(found[0].at("row"), "admin");

  // All five are still there, and nothing else.
  EXPECT_EQ(report.at("state").at("differences_total"), 5) << report.dump(2);
  EXPECT_TRUE(report.at("chain").at("ok"));
  EXPECT_FALSE(report.at("ok"));
}

// Verifies a breach whose record (not its columns) was rewritten is named too, field by field.
TEST_F(CliStateTest, EditedBreachRecordIsNamed) {
  seed();
  const std::string breach = first("SELECT id FROM breaches ORDER BY id LIMIT 1");
  auto record = nlohmann::json::parse(first("SELECT record FROM breaches ORDER BY id LIMIT 1"));
  const auto severity = record.at("severity");
  record["severity"] = severity == "minor" ? "severe" : "minor";
  const std::string text = record.dump();
  const auto db = db_.open(1);
  {
    auto lease = db->acquire();
    *lease << "UPDATE breaches SET record = :record WHERE id = :id", soci::use(text, "record"),
        soci::use(breach, "id");
  }
  const auto report = verify_json(3);
  const auto found = about(report, "breach", breach);
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("field"), "/severity");
  EXPECT_EQ(found[0].at("trail"), severity);
}

// Verifies the rule for rows older than a field of their trail history (docs/TRAIL.md §8.7): a field the
// row has and the trail never recorded is counted as unchecked, not reported, while every recorded field is
// still compared.
TEST_F(CliStateTest, FieldsTheTrailNeverRecordedAreCountedNotReported) {
  ASSERT_EQ(pactwatch({"migrate"}).exit_code, 0);
  const auto db = db_.open(1);
  {
    // An organization as an older writer recorded it: without `sme`, which the row has.
    auto lease = db->acquire();
    soci::transaction tr(*lease);
    const nlohmann::json recorded{{"id", "org_old"},
                                  {"name", "老企业"},
                                  {"credit_code", nullptr},
                                  {"version", 1},
                                  {"created_at", "2025-01-01T00:00:00.000Z"},
                                  {"updated_at", "2025-01-01T00:00:00.000Z"}};
    const store::ChangeRecord change{"create", "organization", "org_old", nullptr, recorded};
    const store::WriteContext context{"", "test", "admin", "", "", "2025-01-01T00:00:00.000Z"};
    ASSERT_TRUE(store::append_change_set(*lease, context, std::span<const store::ChangeRecord>(&change, 1)));
    *lease << "INSERT INTO organizations (id, name, credit_code, sme, version, created_at, updated_at) VALUES"
              " ('org_old', '老企业', NULL, 1, 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')";
    tr.commit();
  }
  auto report = verify_json(0);
  EXPECT_EQ(report.at("state").at("differences_total"), 0) << report.dump(2);
  EXPECT_EQ(report.at("state").at("unrecorded_fields"), 1);
  const auto text = pactwatch({"trail", "verify", "--state"});
  EXPECT_THAT(text.out, HasSubstr("1 fields the trail never recorded (older entries) not checked"));

  sql("UPDATE organizations SET name = '新名' WHERE id = 'org_old'");
  report = verify_json(3);
  const auto found = about(report, "organization", "org_old");
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0].at("field"), "/name");
}

}  // namespace
}  // namespace pactwatch::testing
