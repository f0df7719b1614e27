#include "adapters/platform/exchange/tables.hpp"

namespace pactwatch::platform::exchange {
namespace {

using enum ColumnType;

constexpr Column kContractColumns[] = {
    {"CONTRACT_CODE", text},    {"UNIFIED_DEAL_CODE", text}, {"PROJECT_CODE", text},
    {"BID_SECTION_CODE", text}, {"CONTRACT_NAME", text},     {"IS_PPP", text},
    {"PURCHASER_NAME", text},   {"PURCHASER_CODE", text},    {"SUPPLIER_NAME", text},
    {"SUPPLIER_CODE", text},    {"SUPPLIER_IS_SME", text},   {"CONTRACT_AMOUNT", decimal},
    {"CURRENCY_CODE", text},    {"SIGN_DATE", date},         {"PAYMENT_TERM_DAYS", integer},
    {"DELIVERY_DATE", date},    {"PERFORM_END_DATE", date},  {"REGION_CODE", text},
    {"PLATFORM_CODE", text},
};

constexpr Column kAcceptanceColumns[] = {
    {"ACCEPTANCE_CODE", text},      {"UNIFIED_DEAL_CODE", text},  {"CONTRACT_CODE", text},
    {"ACCEPTANCE_RESULT", text},    {"ACCEPTANCE_DATE", date},    {"ACCEPTANCE_SCORE", decimal},
    {"ACTUAL_DELIVERY_DATE", date}, {"ACCEPTANCE_OPINION", text}, {"REGION_CODE", text},
    {"PLATFORM_CODE", text},
};

constexpr Column kPaymentColumns[] = {
    {"PAYMENT_CODE", text}, {"UNIFIED_DEAL_CODE", text}, {"CONTRACT_CODE", text},
    {"PAY_SEQ", integer},   {"PAY_AMOUNT", decimal},     {"CURRENCY_CODE", text},
    {"PAY_DATE", date},     {"PAYER_NAME", text},        {"PLATFORM_CODE", text},
};

constexpr Column kChangeColumns[] = {
    {"CHANGE_CODE", text},  {"UNIFIED_DEAL_CODE", text}, {"CONTRACT_CODE", text},  {"CHANGE_TYPE", text},
    {"CHANGE_DATE", date},  {"NEW_AMOUNT", decimal},     {"NEW_DATE", date},       {"CHANGE_REASON", text},
    {"LEGAL_BASIS", text},  {"APPROVE_AUTHORITY", text}, {"APPROVE_DOC_NO", text}, {"SUPPLIER_LOSS", text},
    {"COMPENSATION", text}, {"PLATFORM_CODE", text},
};

constexpr Column kTerminationColumns[] = {
    {"TERMINATE_CODE", text},  {"UNIFIED_DEAL_CODE", text},
    {"CONTRACT_CODE", text},   {"TERMINATE_DATE", date},
    {"TERMINATE_PARTY", text}, {"TERMINATE_REASON", text},
    {"REASON_CODE", text},     {"LEGAL_BASIS", text},
    {"COMPENSATION", text},    {"COMPENSATION_AMOUNT", decimal},
    {"PLATFORM_CODE", text},
};

const TableInfo kTables[] = {
    {ExchangeTable::contract, "CONTRACT_INFO", "CONTRACT_CODE", kContractColumns},
    {ExchangeTable::change, "CONTRACT_CHANGE", "CHANGE_CODE", kChangeColumns},
    {ExchangeTable::acceptance, "CONTRACT_ACCEPTANCE", "ACCEPTANCE_CODE", kAcceptanceColumns},
    {ExchangeTable::payment, "CONTRACT_PAYMENT", "PAYMENT_CODE", kPaymentColumns},
    {ExchangeTable::termination, "CONTRACT_TERMINATION", "TERMINATE_CODE", kTerminationColumns},
};

}  // namespace

const TableInfo& table_info(ExchangeTable t) {
  for (const TableInfo& info : kTables) {
    if (info.table == t) return info;
  }
  return kTables[0];  // unreachable: every enumerator has a row above
}

std::string_view to_string(ExchangeTable t) {
  return table_info(t).name;
}

std::optional<ExchangeTable> table_from_string(std::string_view name) {
  for (const TableInfo& info : kTables) {
    if (info.name == name) return info.table;
  }
  return std::nullopt;
}

std::string page_query(ExchangeTable t) {
  const TableInfo& info = table_info(t);
  const std::string key(info.key_column);
  std::string sql = "SELECT ";
  for (const Column& c : info.columns) {
    const std::string name(c.name);
    // DECIMAL, DATE and INT as text: exact digits (never a double) and one date format, whatever the
    // connector does with binary-protocol values.
    sql += c.type == ColumnType::text ? name : "CAST(" + name + " AS CHAR)";
    sql += ", ";
  }
  sql += "DATE_FORMAT(DATA_TIMESTAMP, '%Y-%m-%d %H:%i:%s.%f') FROM " + std::string(info.name);
  // (DATA_TIMESTAMP, key) > (?, ?), written so that the (DATA_TIMESTAMP, key) index serves it.
  sql += " WHERE DATA_TIMESTAMP >= ? AND (DATA_TIMESTAMP > ? OR " + key + " > ?)";
  sql += " ORDER BY DATA_TIMESTAMP, " + key + " LIMIT ?";
  return sql;
}

}  // namespace pactwatch::platform::exchange
