// End to end on a real MariaDB exchange database: read every table in sync order, map the rows, build the
// ledger the store would hold, and run detection on it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/platform/exchange/mapping.hpp"
#include "adapters/platform/exchange/reader.hpp"
#include "domain/calendar.hpp"
#include "domain/detection.hpp"
#include "domain/ledger.hpp"
#include "tests/exchange/exchange_database.hpp"
#include "tests/exchange/exchange_rows.hpp"

namespace pactwatch::platform::exchange {
namespace {

using domain::RuleCode;
using testing::ExchangeDatabase;
using testing::ExchangeValues;

/** What the future sync layer would keep: the latest entity per key, facts, quarantine. */
struct Synced {
  std::map<std::string, domain::Organization> organizations;
  std::map<std::string, domain::Agreement> agreements;
  std::map<std::string, domain::Commitment> commitments;
  std::map<std::string, MappedFact> facts;
  std::vector<QuarantineEntry> quarantine;
  std::size_t rows = 0;

  void add(const RowMapping& m) {
    for (const auto& o : m.organizations)
      organizations[o.key] = o.value;
    for (const auto& a : m.agreements)
      agreements[a.key] = a.value;
    for (const auto& c : m.commitments)
      commitments[c.key] = c.value;
    for (const auto& f : m.facts)
      facts[f.key] = f;
    quarantine.insert(quarantine.end(), m.quarantine.begin(), m.quarantine.end());
  }

  /** The ledger detection reads; agreement-wide facts expanded to the agreement's commitments. */
  domain::Ledger ledger() const {
    std::vector<domain::Fact> expanded;
    for (const auto& [key, f] : facts) {
      if (f.scope == FactScope::commitment) {
        expanded.push_back(f.value);
        continue;
      }
      for (const auto& [ckey, c] : commitments) {
        if (c.agreement_id != f.agreement_key || (f.applies_to && *f.applies_to != c.obligor_side)) continue;
        domain::Fact copy = f.value;
        copy.id = key + "@" + ckey;
        copy.commitment_id = ckey;
        expanded.push_back(copy);
      }
    }
    auto values = [](const auto& m) {
      std::vector<typename std::decay_t<decltype(m)>::mapped_type> out;
      for (const auto& [k, v] : m)
        out.push_back(v);
      return out;
    };
    auto l = domain::link_ledger(values(organizations), values(agreements), values(commitments), expanded);
    EXPECT_TRUE(l.has_value()) << (l ? "" : l.error().message);
    return l ? *l : domain::Ledger{};
  }
};

/** One sync round: every table in order, page by page, the cursor persisted as text after each page. */
void sync_round(ExchangeReader& reader, std::string& cursor_text, Synced& out) {
  for (ExchangeTable table : kAllTables) {
    for (bool caught_up = false; !caught_up;) {
      auto cursor = ExchangeCursor::parse(cursor_text);
      ASSERT_TRUE(cursor.has_value());
      auto batch = reader.read_batch(table, cursor->tables[table]);
      ASSERT_TRUE(batch.has_value()) << batch.error().message;
      const KnownContract known = [&](std::string_view key) {
        return out.agreements.contains(std::string(key));
      };
      for (const ExchangeRow& row : batch->rows) {
        out.add(map_row(row, {}, known));
        ++out.rows;
      }
      cursor->tables[table] = batch->cursor;
      cursor_text = cursor->to_text();
      caught_up = batch->caught_up;
    }
  }
}

const domain::Finding* find(const std::vector<domain::Finding>& fs, RuleCode rule,
                            const std::string& commitment) {
  const auto it = std::find_if(fs.begin(), fs.end(), [&](const domain::Finding& f) {
    return f.rule == rule && f.commitment_id == commitment;
  });
  return it == fs.end() ? nullptr : &*it;
}

/** The 楚雄州 data of the scenario: an SME left unpaid, a contract revoked after 政府换届, bad rows. */
void fill(ExchangeDatabase& db) {
  // A: SME supplier accepted on 2024-03-05 with a 30-day term, paid 5 of 12.345678 万元 on 2024-05-20.
  db.insert("CONTRACT_INFO", testing::contract_values("HT-A", "CX-A", "2024-01-10 09:00:00.000000"));
  db.insert("CONTRACT_ACCEPTANCE", testing::accepted_contract_a());
  db.insert("CONTRACT_PAYMENT", testing::payment_values("ZF-A1", "CX-A", "HT-A", "5.000000", "2024-05-20",
                                                        "2024-05-20 11:00:00.000000"));
  // B: revoked by the purchaser because the county government changed.
  auto b = testing::contract_values("HT-B", "CX-B", "2024-01-11 09:00:00.000000");
  b["CONTRACT_NAME"] = "双柏县乡镇卫生院信息化建设";
  b["DELIVERY_DATE"] = "2024-06-30";
  b["PERFORM_END_DATE"] = "2024-07-31";
  db.insert("CONTRACT_INFO", b);
  db.insert("CONTRACT_TERMINATION", {{"TERMINATE_CODE", "ZZ-B"},
                                     {"UNIFIED_DEAL_CODE", "CX-B"},
                                     {"CONTRACT_CODE", "HT-B"},
                                     {"TERMINATE_DATE", "2024-04-15"},
                                     {"TERMINATE_PARTY", "1"},
                                     {"TERMINATE_REASON", "因县政府换届，新一届领导班子决定不再实施该项目"},
                                     {"REASON_CODE", "government_turnover"},
                                     {"DATA_TIMESTAMP", "2024-04-15 10:00:00.000000"}});
  // Rows that cannot be mapped.
  auto bad_code = testing::contract_values("HT-BAD", "CX-BAD", "2024-01-12 09:00:00.000000");
  std::string code = testing::supplier_code();
  code.back() = code.back() == '0' ? '1' : '0';
  bad_code["SUPPLIER_CODE"] = code;
  db.insert("CONTRACT_INFO", bad_code);
  auto no_udc = testing::contract_values("HT-NOUDC", "x", "2024-01-12 09:00:01.000000");
  no_udc["UNIFIED_DEAL_CODE"] = std::nullopt;
  db.insert("CONTRACT_INFO", no_udc);
  db.insert("CONTRACT_PAYMENT", testing::payment_values("ZF-ORPHAN", "CX-NONE", "HT-NONE", "1.000000",
                                                        "2024-05-01", "2024-05-01 09:00:00.000000"));
  db.insert("CONTRACT_ACCEPTANCE", {{"ACCEPTANCE_CODE", "YS-ZERO"},
                                    {"UNIFIED_DEAL_CODE", "CX-A"},
                                    {"CONTRACT_CODE", "HT-A"},
                                    {"ACCEPTANCE_RESULT", "1"},
                                    {"ACCEPTANCE_DATE", "0000-00-00"},
                                    {"DATA_TIMESTAMP", "2024-03-06 16:00:00.000000"}});
}

// Verifies the whole path from exchange rows to breaches: the overdue payment to an SME gives BC03 against
// the purchaser with the exact shortfall, the revocation citing 政府换届 gives BC05 and excuses the
// supplier, and every unmappable row is quarantined with its reason and raw row.
TEST(ExchangeSync, OverdueSmePaymentAndTurnoverRevocationBecomeBreaches) {
  ExchangeDatabase db;
  fill(db);
  auto reader = ExchangeReader::connect(db.source(), ReaderOptions{2, 300, 10, 60});
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  std::string cursor;
  Synced synced;
  sync_round(**reader, cursor, synced);

  const std::string a = agreement_key("CX-A", "HT-A");
  const std::string b = agreement_key("CX-B", "HT-B");
  ASSERT_TRUE(synced.agreements.contains(a));
  ASSERT_TRUE(synced.agreements.contains(b));
  EXPECT_EQ(synced.agreements.size(), 2u);
  EXPECT_TRUE(synced.organizations.at("uscc:" + testing::supplier_code()).sme);
  EXPECT_EQ(synced.facts.at("exchange:CONTRACT_PAYMENT/ZF-A1").value.amount->fen, 5'000'000);

  const MappedFact& revoked = synced.facts.at("exchange:CONTRACT_TERMINATION/ZZ-B");
  EXPECT_EQ(revoked.value.kind, domain::FactKind::revoked);
  EXPECT_EQ(revoked.value.reason, domain::ReasonCode::government_turnover);
  EXPECT_EQ(revoked.value.note, "因县政府换届，新一届领导班子决定不再实施该项目");

  std::multiset<std::string> reasons;
  for (const QuarantineEntry& q : synced.quarantine) {
    reasons.insert(std::string(to_string(q.reason)) + ":" + q.row_key);
    EXPECT_THAT(q.raw_text, ::testing::HasSubstr(q.row_key));
  }
  EXPECT_THAT(reasons, ::testing::UnorderedElementsAre(
                           "invalid_credit_code:HT-BAD", "missing_unified_deal_code:HT-NOUDC",
                           "unknown_contract:ZF-ORPHAN", "unparsable_date:YS-ZERO"));

  const domain::Ledger ledger = synced.ledger();
  const auto result = domain::detect_breaches(
      ledger, {}, domain::WorkingCalendar::plain(), domain::RulePolicy{},
      domain::Date{std::chrono::year{2024}, std::chrono::month{9}, std::chrono::day{30}});
  const domain::Finding* bc03 = find(result.findings, RuleCode::BC03, payment_key(a));
  ASSERT_NE(bc03, nullptr);
  EXPECT_EQ(bc03->obligor_id, "uscc:" + testing::purchaser_code());
  EXPECT_EQ(domain::format_date(bc03->due), "2024-04-04");  // acceptance 2024-03-05 + 30 days
  EXPECT_EQ(bc03->shortfall->fen, 12'345'678 - 5'000'000);
  EXPECT_EQ(bc03->severity, domain::Severity::serious);  // 179 days late

  const domain::Finding* bc05 = find(result.findings, RuleCode::BC05, payment_key(b));
  ASSERT_NE(bc05, nullptr);
  EXPECT_EQ(bc05->severity, domain::Severity::severe);
  // The supplier of B cannot be late for a delivery the government revoked.
  EXPECT_EQ(find(result.findings, RuleCode::BC01, delivery_key(b)), nullptr);
  // A delivered on time and passed acceptance: nothing against the supplier.
  EXPECT_EQ(find(result.findings, RuleCode::BC01, delivery_key(a)), nullptr);
  EXPECT_EQ(find(result.findings, RuleCode::BC07, delivery_key(a)), nullptr);

  // A second round from the persisted cursor hands over nothing new.
  Synced again;
  again.agreements = synced.agreements;
  sync_round(**reader, cursor, again);
  EXPECT_EQ(again.rows, 0u);
}

// Verifies that a payment read before its contract is quarantined as unknown_contract and maps once the
// contract has arrived, from the quarantined raw row alone.
TEST(ExchangeSync, PaymentBeforeItsContractIsReprocessedFromQuarantine) {
  ExchangeDatabase db;
  db.insert("CONTRACT_PAYMENT", testing::payment_values("ZF-EARLY", "CX-C", "HT-C", "3.210000", "2024-05-01",
                                                        "2024-05-01 09:00:00.000000"));
  auto reader = ExchangeReader::connect(db.source(), ReaderOptions{10, 300, 10, 60});
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  std::string cursor;
  Synced synced;
  sync_round(**reader, cursor, synced);
  ASSERT_EQ(synced.quarantine.size(), 1u);
  const QuarantineEntry q = synced.quarantine[0];
  EXPECT_EQ(q.reason, QuarantineReason::unknown_contract);

  db.insert("CONTRACT_INFO", testing::contract_values("HT-C", "CX-C", "2024-05-02 09:00:00.000000"));
  sync_round(**reader, cursor, synced);
  ASSERT_TRUE(synced.agreements.contains(agreement_key("CX-C", "HT-C")));

  auto row = row_from_json(q.raw_text);
  ASSERT_TRUE(row.has_value()) << row.error().message;
  const RowMapping m =
      map_row(*row, {}, [&](std::string_view k) { return synced.agreements.contains(std::string(k)); });
  ASSERT_FALSE(m.quarantined);
  ASSERT_EQ(m.facts.size(), 1u);
  EXPECT_EQ(m.facts[0].value.commitment_id, payment_key(agreement_key("CX-C", "HT-C")));
  EXPECT_EQ(m.facts[0].value.amount->fen, 3'210'000);
}

}  // namespace
}  // namespace pactwatch::platform::exchange
