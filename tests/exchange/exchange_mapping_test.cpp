#include "adapters/platform/exchange/mapping.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/exchange/exchange_rows.hpp"

namespace pactwatch::platform::exchange {
namespace {

using domain::FactKind;
using domain::ReasonCode;

/** A row as the reader would hand it over, from test values (DATA_TIMESTAMP split off). */
ExchangeRow row(ExchangeTable table, testing::ExchangeValues values) {
  std::string ts = values["DATA_TIMESTAMP"].value_or("2024-01-01 00:00:00.000000");
  values.erase("DATA_TIMESTAMP");
  std::map<std::string, std::optional<std::string>, std::less<>> columns;
  for (const Column& c : table_info(table).columns) {
    const auto it = values.find(std::string(c.name));
    columns.emplace(std::string(c.name), it == values.end() ? std::nullopt : it->second);
  }
  return make_row(table, std::move(columns), ts);
}

ExchangeRow contract(testing::ExchangeValues changes = {}) {
  auto v = testing::contract_values("HT-001", "CX-001", "2024-01-10 09:00:00.000000");
  for (auto& [k, val] : changes)
    v[k] = val;
  return row(ExchangeTable::contract, v);
}

ExchangeRow termination(testing::ExchangeValues changes) {
  testing::ExchangeValues v{{"TERMINATE_CODE", "ZZ-1"},  {"UNIFIED_DEAL_CODE", "CX-001"},
                            {"CONTRACT_CODE", "HT-001"}, {"TERMINATE_DATE", "2024-04-15"},
                            {"TERMINATE_PARTY", "1"},    {"TERMINATE_REASON", "项目调整"}};
  for (auto& [k, val] : changes)
    v[k] = val;
  return row(ExchangeTable::termination, v);
}

ExchangeRow change(testing::ExchangeValues changes) {
  testing::ExchangeValues v{{"CHANGE_CODE", "BG-1"},
                            {"UNIFIED_DEAL_CODE", "CX-001"},
                            {"CONTRACT_CODE", "HT-001"},
                            {"CHANGE_DATE", "2024-02-20"},
                            {"CHANGE_REASON", "增加采购数量"}};
  for (auto& [k, val] : changes)
    v[k] = val;
  return row(ExchangeTable::change, v);
}

ExchangeRow acceptance(testing::ExchangeValues changes) {
  testing::ExchangeValues v{{"ACCEPTANCE_CODE", "YS-1"},
                            {"UNIFIED_DEAL_CODE", "CX-001"},
                            {"CONTRACT_CODE", "HT-001"},
                            {"ACCEPTANCE_RESULT", "1"},
                            {"ACCEPTANCE_DATE", "2024-03-05"}};
  for (auto& [k, val] : changes)
    v[k] = val;
  return row(ExchangeTable::acceptance, v);
}

domain::Date day(int y, unsigned m, unsigned d) {
  return domain::Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

QuarantineReason reason_of(const RowMapping& m) {
  EXPECT_TRUE(m.quarantined);
  EXPECT_EQ(m.quarantine.size(), 1u);
  return m.quarantine.empty() ? QuarantineReason::missing_field : m.quarantine[0].reason;
}

// Verifies the contract mapping: purchaser body, SME supplier, agreement with platform references and the
// exact value, the supplier's delivery and the purchaser's payment commitment with the documented due dates.
TEST(ExchangeMapping, ContractBecomesAgreementPartiesAndTwoCommitments) {
  const RowMapping m = map_row(contract());
  ASSERT_FALSE(m.quarantined);
  ASSERT_EQ(m.bodies.size(), 1u);
  EXPECT_EQ(m.bodies[0].key, "uscc:" + testing::purchaser_code());
  EXPECT_EQ(m.bodies[0].value.region, "532301");
  ASSERT_EQ(m.organizations.size(), 1u);
  EXPECT_TRUE(m.organizations[0].value.sme);
  EXPECT_EQ(m.organizations[0].value.credit_code->str(), testing::supplier_code());
  ASSERT_EQ(m.agreements.size(), 1u);
  const domain::Agreement& a = m.agreements[0].value;
  EXPECT_EQ(a.id, "exchange:CX-001/HT-001");
  EXPECT_EQ(a.kind, domain::AgreementKind::procurement);
  ASSERT_TRUE(a.value.has_value());
  EXPECT_EQ(a.value->fen, 12'345'678);
  EXPECT_EQ(a.refs.unified_deal_code, "CX-001");
  EXPECT_EQ(a.refs.platform_project_code, "CXZC2024-HT-001");
  EXPECT_EQ(a.signed_on, day(2024, 1, 10));
  ASSERT_EQ(m.commitments.size(), 2u);
  const domain::Commitment& d = m.commitments[0].value;
  EXPECT_EQ(d.id, "exchange:CX-001/HT-001/delivery");
  EXPECT_EQ(d.obligor_side, domain::ObligorSide::counterparty);
  EXPECT_EQ(d.due, day(2024, 3, 1));
  const domain::Commitment& p = m.commitments[1].value;
  EXPECT_EQ(p.id, "exchange:CX-001/HT-001/payment");
  EXPECT_EQ(p.obligor_side, domain::ObligorSide::government);
  EXPECT_EQ(p.obligor_id, m.bodies[0].key);
  EXPECT_EQ(p.amount->fen, 12'345'678);
  EXPECT_EQ(p.payment_term_days, 30);
  EXPECT_EQ(p.due, day(2024, 4, 30));  // end of the performance period 2024-03-31 + 30 days
}

// Verifies that the same purchaser in two contracts has one key and one content hash (stored once), while
// the agreements differ.
TEST(ExchangeMapping, PartiesKeepTheirHashAcrossContracts) {
  const RowMapping one = map_row(contract());
  const RowMapping two = map_row(contract({{"CONTRACT_CODE", "HT-002"}, {"CONTRACT_AMOUNT", "3.000000"}}));
  EXPECT_EQ(one.bodies[0].content_hash, two.bodies[0].content_hash);
  EXPECT_EQ(one.organizations[0].content_hash, two.organizations[0].content_hash);
  EXPECT_NE(one.agreements[0].content_hash, two.agreements[0].content_hash);
}

// Verifies PPP marking, the default payment term with its note, and a contract with only a performance end.
TEST(ExchangeMapping, PppFlagDefaultTermAndPerformanceEnd) {
  const RowMapping m = map_row(
      contract({{"IS_PPP", "1"}, {"PAYMENT_TERM_DAYS", std::nullopt}, {"DELIVERY_DATE", std::nullopt}}));
  ASSERT_FALSE(m.quarantined);
  EXPECT_EQ(m.agreements[0].value.kind, domain::AgreementKind::ppp);
  EXPECT_EQ(m.commitments[0].value.due, day(2024, 3, 31));
  EXPECT_EQ(m.commitments[0].value.stage, domain::StageKind::implementation);
  EXPECT_FALSE(m.commitments[1].value.payment_term_days.has_value());
  EXPECT_EQ(m.commitments[1].value.due, day(2024, 4, 30));
  EXPECT_THAT(m.notes, ::testing::Contains(::testing::HasSubstr("PAYMENT_TERM_DAYS is NULL")));
}

// Verifies the quarantine reasons of contract rows, each naming its column, with the whole row kept.
TEST(ExchangeMapping, BadContractRowsAreQuarantinedWithTheirReason) {
  std::string bad_code = testing::purchaser_code();
  bad_code.back() = bad_code.back() == '0' ? '1' : '0';
  EXPECT_EQ(reason_of(map_row(contract({{"UNIFIED_DEAL_CODE", std::nullopt}}))),
            QuarantineReason::missing_unified_deal_code);
  EXPECT_EQ(reason_of(map_row(contract({{"UNIFIED_DEAL_CODE", "  "}}))),
            QuarantineReason::missing_unified_deal_code);
  EXPECT_EQ(reason_of(map_row(contract({{"PURCHASER_CODE", bad_code}}))),
            QuarantineReason::invalid_credit_code);
  EXPECT_EQ(reason_of(map_row(contract({{"CONTRACT_AMOUNT", "1.0000001"}}))),
            QuarantineReason::amount_too_precise);
  EXPECT_EQ(reason_of(map_row(contract({{"CONTRACT_AMOUNT", "1e3"}}))), QuarantineReason::unparsable_amount);
  // Beyond 10^15 fen (1,000,000,000 万元): refused like any input (issue 13).
  EXPECT_EQ(reason_of(map_row(contract({{"CONTRACT_AMOUNT", "1000000000.000001"}}))),
            QuarantineReason::unparsable_amount);
  EXPECT_EQ(reason_of(map_row(contract({{"CONTRACT_AMOUNT", "0.000000"}}))),
            QuarantineReason::invalid_amount);
  EXPECT_EQ(reason_of(map_row(contract({{"SIGN_DATE", "0000-00-00"}}))), QuarantineReason::unparsable_date);
  EXPECT_EQ(reason_of(map_row(contract({{"SUPPLIER_IS_SME", "maybe"}}))), QuarantineReason::invalid_value);
  EXPECT_EQ(reason_of(map_row(contract({{"CURRENCY_CODE", "RMB"}}))), QuarantineReason::unknown_currency);
  EXPECT_EQ(
      reason_of(map_row(contract({{"DELIVERY_DATE", std::nullopt}, {"PERFORM_END_DATE", std::nullopt}}))),
      QuarantineReason::missing_due_date);
  const RowMapping m = map_row(contract({{"PURCHASER_CODE", bad_code}}));
  EXPECT_TRUE(m.agreements.empty());
  EXPECT_TRUE(m.bodies.empty());
  EXPECT_EQ(m.quarantine[0].column, "PURCHASER_CODE");
  EXPECT_THAT(m.quarantine[0].message, ::testing::HasSubstr(bad_code));
  auto back = row_from_json(m.quarantine[0].raw_text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->content_hash, contract({{"PURCHASER_CODE", bad_code}}).content_hash);
}

// Verifies acceptance: a pass becomes acceptance_passed with its (rounded) score and a delivery on the
// actual delivery date; a failure becomes acceptance_failed and no delivery.
TEST(ExchangeMapping, AcceptanceResultsBecomeAcceptanceAndDeliveryFacts) {
  const RowMapping passed =
      map_row(acceptance({{"ACCEPTANCE_SCORE", "89.50"}, {"ACTUAL_DELIVERY_DATE", "2024-02-28"}}));
  ASSERT_FALSE(passed.quarantined);
  ASSERT_EQ(passed.facts.size(), 2u);
  EXPECT_EQ(passed.facts[0].value.kind, FactKind::acceptance_passed);
  EXPECT_EQ(passed.facts[0].value.score, 90);
  EXPECT_EQ(passed.facts[0].value.commitment_id, "exchange:CX-001/HT-001/delivery");
  EXPECT_EQ(passed.facts[1].value.kind, FactKind::fulfilled);
  EXPECT_EQ(passed.facts[1].value.on, day(2024, 2, 28));

  const RowMapping failed = map_row(acceptance({{"ACCEPTANCE_RESULT", "0"}, {"ACCEPTANCE_SCORE", "52.00"}}));
  ASSERT_EQ(failed.facts.size(), 1u);
  EXPECT_EQ(failed.facts[0].value.kind, FactKind::acceptance_failed);
  EXPECT_EQ(failed.facts[0].value.score, 52);

  EXPECT_EQ(reason_of(map_row(acceptance({{"ACCEPTANCE_RESULT", "优"}}))), QuarantineReason::invalid_value);
  EXPECT_EQ(reason_of(map_row(acceptance({{"ACCEPTANCE_SCORE", "101.00"}}))),
            QuarantineReason::invalid_value);
  EXPECT_EQ(reason_of(map_row(acceptance({{"CONTRACT_CODE", std::nullopt}}))),
            QuarantineReason::missing_contract_code);
}

// Verifies payments: an exact fulfilled fact on the payment commitment; a payment of an unknown contract
// is quarantined when the caller says which contracts it knows.
TEST(ExchangeMapping, PaymentsAreExactFulfilmentsOfThePaymentCommitment) {
  const ExchangeRow r =
      row(ExchangeTable::payment, testing::payment_values("ZF-1", "CX-001", "HT-001", "0.000001",
                                                          "2024-05-20", "2024-05-20 11:00:00.000000"));
  const RowMapping m = map_row(r);
  ASSERT_EQ(m.facts.size(), 1u);
  EXPECT_EQ(m.facts[0].key, "exchange:CONTRACT_PAYMENT/ZF-1");
  EXPECT_EQ(m.facts[0].value.amount->fen, 1);  // 0.000001 万元 = 0.01 yuan
  EXPECT_EQ(m.facts[0].value.commitment_id, "exchange:CX-001/HT-001/payment");
  EXPECT_EQ(m.facts[0].value.source, domain::FactSource::platform);
  const RowMapping orphan = map_row(r, {}, [](std::string_view) { return false; });
  EXPECT_EQ(reason_of(orphan), QuarantineReason::unknown_contract);
}

// Verifies contract changes: each type lands on the right commitment with its new value, and the legality
// fields and the reason (in `note`) are carried.
TEST(ExchangeMapping, ChangesBecomeAmendedFactsWithTheirLegality) {
  const RowMapping amount = map_row(change({{"CHANGE_TYPE", "1"},
                                            {"NEW_AMOUNT", "13.580246"},
                                            {"LEGAL_BASIS", "政府采购法第四十九条"},
                                            {"APPROVE_AUTHORITY", "楚雄市财政局"},
                                            {"APPROVE_DOC_NO", "楚市财采〔2024〕12号"}}));
  ASSERT_EQ(amount.facts.size(), 1u);
  const domain::Fact& f = amount.facts[0].value;
  EXPECT_EQ(f.kind, FactKind::amended);
  EXPECT_EQ(f.commitment_id, "exchange:CX-001/HT-001/payment");
  EXPECT_EQ(f.new_amount->fen, 13'580'246);
  EXPECT_EQ(f.legal_basis, "政府采购法第四十九条");
  EXPECT_EQ(f.competent_authority, "楚雄市财政局");
  EXPECT_EQ(f.procedure_reference, "楚市财采〔2024〕12号");
  EXPECT_EQ(f.note, "增加采购数量");

  const RowMapping period = map_row(change({{"CHANGE_TYPE", "2"}, {"NEW_DATE", "2024-04-15"}}));
  EXPECT_EQ(period.facts[0].value.commitment_id, "exchange:CX-001/HT-001/delivery");
  EXPECT_EQ(period.facts[0].value.new_due, day(2024, 4, 15));
  const RowMapping other = map_row(change({{"CHANGE_TYPE", "9"}}));
  EXPECT_EQ(other.facts[0].scope, FactScope::agreement);
  EXPECT_EQ(reason_of(map_row(change({{"CHANGE_TYPE", "2"}}))), QuarantineReason::missing_field);
  EXPECT_EQ(reason_of(map_row(change({{"CHANGE_TYPE", "7"}}))), QuarantineReason::invalid_value);
}

// Verifies that a termination citing government turnover becomes a revocation with that reason (BC05),
// whether REASON_CODE says so or only the text does.
TEST(ExchangeMapping, TurnoverTerminationBecomesRevocation) {
  const RowMapping coded = map_row(termination(
      {{"REASON_CODE", "government_turnover"}, {"TERMINATE_REASON", "因县政府换届，项目不再实施"}}));
  ASSERT_EQ(coded.facts.size(), 1u);
  EXPECT_EQ(coded.facts[0].value.kind, FactKind::revoked);
  EXPECT_EQ(coded.facts[0].value.reason, ReasonCode::government_turnover);
  EXPECT_EQ(coded.facts[0].scope, FactScope::agreement);
  EXPECT_EQ(coded.facts[0].value.note, "因县政府换届，项目不再实施");

  const RowMapping inferred =
      map_row(termination({{"TERMINATE_REASON", "因政府换届，新班子不再认可原合同"}}));
  EXPECT_EQ(inferred.facts[0].value.kind, FactKind::revoked);
  EXPECT_EQ(inferred.facts[0].value.reason, ReasonCode::government_turnover);
  EXPECT_THAT(inferred.notes, ::testing::Contains(::testing::HasSubstr("inferred")));

  const RowMapping restructuring = map_row(termination({{"TERMINATE_REASON", "机构改革后职能划转"}}));
  EXPECT_EQ(restructuring.facts[0].value.reason, ReasonCode::restructuring);
  EXPECT_EQ(reason_of(map_row(termination({{"REASON_CODE", "budget_cut"}}))),
            QuarantineReason::invalid_value);
}

// Verifies ordinary terminations: who ended it, the lawful grounds (mutual agreement by default) and the
// compensation decision with its exact amount.
TEST(ExchangeMapping, OtherTerminationsKeepPartyGroundsAndCompensation) {
  const RowMapping gov = map_row(termination({{"REASON_CODE", "public_interest"},
                                              {"LEGAL_BASIS", "民法典第五百六十三条"},
                                              {"COMPENSATION", "按实际损失补偿"},
                                              {"COMPENSATION_AMOUNT", "2.500000"}}));
  const domain::Fact& f = gov.facts.at(0).value;
  EXPECT_EQ(f.kind, FactKind::terminated);
  EXPECT_EQ(f.terminated_by, domain::ObligorSide::government);
  EXPECT_EQ(f.lawful_grounds, "民法典第五百六十三条");
  EXPECT_EQ(f.compensation_decision, "按实际损失补偿；补偿金额 2.500000 万元");
  const RowMapping mutual = map_row(termination({{"TERMINATE_PARTY", "3"}}));
  EXPECT_FALSE(mutual.facts.at(0).value.terminated_by.has_value());
  EXPECT_EQ(mutual.facts.at(0).value.lawful_grounds, MappingOptions{}.mutual_termination_grounds);
  const RowMapping supplier = map_row(termination({{"TERMINATE_PARTY", "2"}}));
  EXPECT_EQ(supplier.facts.at(0).value.terminated_by, domain::ObligorSide::counterparty);
  EXPECT_EQ(reason_of(map_row(termination({{"TERMINATE_PARTY", "4"}}))), QuarantineReason::invalid_value);
}

// Verifies the URL of the exchange database: socket form, TCP form with percent-encoded password, and errors.
TEST(ExchangeSource, ParsesMysqlUrls) {
  auto s = ExchangeSource::parse("mysql://root@localhost/exchange?socket=/tmp/x.sock");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->socket, "/tmp/x.sock");
  EXPECT_EQ(s->database, "exchange");
  auto t = ExchangeSource::parse("mysql://sync:p%40ss@10.1.2.3:3307/qzk");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->password, "p@ss");
  EXPECT_EQ(t->port, 3307);
  EXPECT_EQ(t->redacted(), "mysql://sync:***@10.1.2.3:3307/qzk");
  EXPECT_FALSE(ExchangeSource::parse("postgres://a@b/c").has_value());
  EXPECT_FALSE(ExchangeSource::parse("mysql://a@b:99999/c").has_value());
  EXPECT_FALSE(ExchangeSource::parse("mysql://a@b/").has_value());
  EXPECT_FALSE(ExchangeSource::parse("mysql://a@b/c?sslmode=x").has_value());
}

}  // namespace
}  // namespace pactwatch::platform::exchange
