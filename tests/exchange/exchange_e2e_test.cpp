// Issue #7 end to end: a MariaDB exchange database (前置库) filled by the test, a ledger (SQLite or MariaDB,
// by the test's suffix) holding the purchaser, its officials and who was assigned to each contract's stage,
// and the real `pactwatch sync SOURCE` binary running the configured exchange-mysql source. After the sync
// the overdue payment to an SME is a BC03 breach and the revocation citing 政府换届 a BC05 breach, each
// naming the official assigned at the time; running the sync again creates nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <soci/soci.h>

#include <algorithm>
#include <string>
#include <vector>

#include "adapters/platform/ocds/values.hpp"
#include "adapters/store/breach_store.hpp"
#include "adapters/store/ids.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/sync/external_key.hpp"
#include "adapters/sync/sync_store.hpp"
#include "tests/cli/process.hpp"
#include "tests/exchange/exchange_database.hpp"
#include "tests/exchange/exchange_rows.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using pactwatch::testing::ExchangeDatabase;

domain::Date day(int y, unsigned m, unsigned d) {
  return domain::Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

/** The exchange database as `source.platform.url` takes it. */
std::string exchange_url(const platform::exchange::ExchangeSource& s) {
  std::string url = "mysql://" + s.user + (s.password.empty() ? "" : ":" + s.password) + "@" + s.host + ":" +
                    std::to_string(s.port) + "/" + s.database;
  if (!s.socket.empty()) url += "?socket=" + s.socket;
  return url;
}

std::string entity_of(SyncDb& db, const std::string& external_key) {
  auto session = db.db->acquire();
  std::string id;
  *session << "SELECT entity_id FROM external_keys WHERE source = 'platform' AND external_key = :k",
      soci::use(external_key, "k"), soci::into(id);
  return id;
}

store::WriteContext context() {
  return store::WriteContext{"", "test", "admin", "req-e2e", "ledger set-up", "2026-03-02T08:00:00.000Z"};
}

/**
 * The purchaser and four of its officials, stored before the sync as another source would have stored them:
 * the body's credit-code key is recorded for every source (external_keys' shared source "*"), so the
 * platform's contracts name this body instead of creating their own.
 */
void fill_ledger(SyncDb& db, const std::string& body_id) {
  {
    auto session = db.db->acquire();
    const std::string key = "uscc:" + pactwatch::testing::purchaser_code();
    const std::string lookup = external_key_lookup(key);
    *session << "INSERT INTO external_keys (source, lookup_key, external_key, entity_type, entity_id, "
                "content_hash, updated_at) VALUES ('*', :lookup, :key, 'body', :id, '', "
                "'2026-03-02T08:00:00.000Z')",
        soci::use(lookup, "lookup"), soci::use(key, "key"), soci::use(body_id, "id");
  }
  store::LedgerStore ledger(*db.db);
  auto written = ledger.write(
      context(), std::nullopt, [&](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
        domain::Body body{body_id, "楚雄市教育体育局", "532301", domain::BodyKind::department, ""};
        if (auto b = tx.insert_body(body); !b) return std::unexpected(b.error());
        for (const auto& [id, name] :
             std::vector<std::pair<std::string, std::string>>{{"off_li_ming", "李明"},
                                                              {"off_zhang_hua", "张华"},
                                                              {"off_wang_fang", "王芳"},
                                                              {"off_zhao_qiang", "赵强"}}) {
          domain::Official o{
              id, name, {domain::Post{body_id, "副局长", day(2023, 1, 1), std::nullopt, false}}};
          if (auto r = tx.insert_official(o); !r) return std::unexpected(r.error());
        }
        return store::StoredResponse{};
      });
  ASSERT_TRUE(written.has_value()) << written.error().message;
}

/** Assigns `first` to the implementation stage of `agreement_id` until `until`, and `second` after it. */
void assign(SyncDb& db, const std::string& agreement_id, const std::string& first, domain::Date until,
            const std::string& second) {
  store::LedgerStore ledger(*db.db);
  auto written = ledger.write(
      context(), std::nullopt, [&](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
        auto a = tx.agreement(domain::Scope{}, agreement_id);
        if (!a) return std::unexpected(a.error());
        auto one = tx.append_assignment(*a, domain::StageKind::implementation,
                                        domain::Assignment{first, "项目负责人", day(2024, 1, 1), until});
        if (!one) return std::unexpected(one.error());
        const domain::Date next = domain::add_days(until, 1);
        auto two = tx.append_assignment(*one, domain::StageKind::implementation,
                                        domain::Assignment{second, "项目负责人", next, std::nullopt});
        if (!two) return std::unexpected(two.error());
        return store::StoredResponse{};
      });
  ASSERT_TRUE(written.has_value()) << written.error().message;
}

const domain::Breach* find(const std::vector<store::StoredBreach>& all, domain::RuleCode rule,
                           const std::string& commitment) {
  const auto it = std::find_if(all.begin(), all.end(), [&](const store::StoredBreach& b) {
    return b.breach.rule == rule && b.breach.commitment_id == commitment;
  });
  return it == all.end() ? nullptr : &it->breach;
}

// Verifies the issue's scenario through the real binary and a configured exchange-mysql source: the unpaid
// SME (paid 5 of 12.345678 万元, 30 days after acceptance) is BC03 against the purchaser naming 李明, who was
// assigned to the stage on the due date (not his successor 张华); the contract revoked "因县政府换届" is BC05
// naming 王芳 (not 赵强); the supplier of the revoked contract is not blamed; a second run stores nothing
// new.
TEST(ExchangeEndToEnd, SyncOpensBc03AndBc05NamingTheOfficialsAssignedAtTheTime) {
  ExchangeDatabase xdb;
  SyncDb db;
  const std::string body_id = store::new_id("bod");
  fill_ledger(db, body_id);

  // The platform pushes the two contracts first.
  xdb.insert("CONTRACT_INFO",
             pactwatch::testing::contract_values("HT-A", "CX-A", "2024-01-10 09:00:00.000000"));
  auto b = pactwatch::testing::contract_values("HT-B", "CX-B", "2024-01-11 09:00:00.000000");
  b["CONTRACT_NAME"] = "双柏县乡镇卫生院信息化建设";
  b["DELIVERY_DATE"] = "2024-06-30";
  b["PERFORM_END_DATE"] = "2024-07-31";
  xdb.insert("CONTRACT_INFO", b);

  const pactwatch::testing::EnvVars env{{"PACTWATCH_DATABASE", db.test_db.url_text()},
                                        {"PACTWATCH_SQL_DIR", std::string(PACTWATCH_SOURCE_DIR) + "/sql"},
                                        {"PACTWATCH_LOG_LEVEL", "warn"},
                                        {"PACTWATCH_SOURCE_PLATFORM_KIND", "exchange-mysql"},
                                        {"PACTWATCH_SOURCE_PLATFORM_URL", exchange_url(xdb.source())},
                                        {"PACTWATCH_SOURCE_PLATFORM_BATCH_SIZE", "2"}};
  const std::vector<std::string> sync{PACTWATCH_BINARY, "sync", "platform"};
  auto first = sync;
  first.insert(first.end(), {"--no-detection", "true"});
  const auto contracts = pactwatch::testing::run_process(first, env, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(contracts.exit_code, 0) << contracts.out << contracts.err;
  EXPECT_THAT(contracts.out, ::testing::HasSubstr("(exchange-mysql): succeeded"));

  // The contracts now point at the stored purchaser; the office records who answered for each stage.
  const std::string a_id = entity_of(db, "exchange:CX-A/HT-A");
  const std::string b_id = entity_of(db, "exchange:CX-B/HT-B");
  ASSERT_FALSE(a_id.empty());
  ASSERT_FALSE(b_id.empty());
  store::LedgerStore ledger(*db.db);
  EXPECT_EQ(ledger.agreement(domain::Scope{}, a_id)->entity.body_id, body_id);
  assign(db, a_id, "off_li_ming", day(2024, 6, 30), "off_zhang_hua");
  assign(db, b_id, "off_wang_fang", day(2024, 12, 31), "off_zhao_qiang");

  // Then acceptance and a part payment of A, and the revocation of B after the county government changed.
  xdb.insert("CONTRACT_ACCEPTANCE", pactwatch::testing::accepted_contract_a());
  xdb.insert("CONTRACT_PAYMENT",
             pactwatch::testing::payment_values("ZF-A1", "CX-A", "HT-A", "5.000000", "2024-05-20",
                                                "2024-05-20 11:00:00.000000"));
  xdb.insert("CONTRACT_TERMINATION", {{"TERMINATE_CODE", "ZZ-B"},
                                      {"UNIFIED_DEAL_CODE", "CX-B"},
                                      {"CONTRACT_CODE", "HT-B"},
                                      {"TERMINATE_DATE", "2024-04-15"},
                                      {"TERMINATE_PARTY", "1"},
                                      {"TERMINATE_REASON", "因县政府换届，新一届领导班子决定不再实施该项目"},
                                      {"REASON_CODE", std::nullopt},
                                      {"DATA_TIMESTAMP", "2024-04-15 10:00:00.000000"}});
  const auto facts = pactwatch::testing::run_process(sync, env, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(facts.exit_code, 0) << facts.out << facts.err;

  store::BreachStore breaches(*db.db);
  auto all = breaches.all(domain::Scope{});
  ASSERT_TRUE(all.has_value()) << all.error().message;
  const std::string a_payment = entity_of(db, "exchange:CX-A/HT-A/payment");
  const std::string b_payment = entity_of(db, "exchange:CX-B/HT-B/payment");
  const std::string b_delivery = entity_of(db, "exchange:CX-B/HT-B/delivery");

  const domain::Breach* bc03 = find(*all, domain::RuleCode::BC03, a_payment);
  ASSERT_NE(bc03, nullptr) << facts.out;
  EXPECT_EQ(bc03->obligor_id, body_id);
  EXPECT_EQ(domain::format_date(bc03->due), "2024-04-04");  // acceptance 2024-03-05 + 30 days
  ASSERT_TRUE(bc03->shortfall.has_value());
  EXPECT_EQ(bc03->shortfall->fen, 12'345'678 - 5'000'000);
  EXPECT_THAT(bc03->performing_officials, ::testing::ElementsAre("off_li_ming"));

  const domain::Breach* bc05 = find(*all, domain::RuleCode::BC05, b_payment);
  ASSERT_NE(bc05, nullptr) << facts.out;
  EXPECT_EQ(bc05->obligor_id, body_id);
  EXPECT_THAT(bc05->performing_officials, ::testing::ElementsAre("off_wang_fang"));
  for (const auto& stored : *all)
    EXPECT_NE(stored.breach.commitment_id, b_delivery) << "the supplier of a revoked contract is blamed";

  // Exactly once: the same data synced again creates no entity, fact or breach.
  const long long facts_before = db.count("facts");
  const auto again = pactwatch::testing::run_process(sync, env, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  SyncStore store(*db.db);
  auto runs = store.runs("platform", 0, 10);
  ASSERT_TRUE(runs.has_value());
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ(runs->front().status, "succeeded");
  EXPECT_EQ(runs->front().created, 0);
  EXPECT_EQ(runs->front().updated, 0);
  EXPECT_EQ(db.count("facts"), facts_before);
  EXPECT_EQ(breaches.all(domain::Scope{})->size(), all->size());
}

}  // namespace
}  // namespace pactwatch::sync::testing
