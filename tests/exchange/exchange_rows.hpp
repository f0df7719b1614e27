#pragma once
// Realistic exchange rows for the tests: 楚雄州 purchasers, SME suppliers, 万元 amounts with six decimals,
// valid unified social credit codes made with the GB 32100-2015 check character.

#include <string>

#include "domain/identifiers.hpp"
#include "tests/exchange/exchange_database.hpp"

namespace pactwatch::testing {

/** A valid credit code from its first 17 characters. */
inline std::string credit_code(const std::string& first17) {
  return first17 + domain::credit_code_check_character(first17);
}

/** 楚雄市教育体育局 (a 机关 code registered in 532301). */
inline std::string purchaser_code() {
  return credit_code("11532301015123456");
}
/** 云南彝乡科技有限公司, an SME of 楚雄市. */
inline std::string supplier_code() {
  return credit_code("91532301MA6K12345");
}

/** A contract of deal `udc`, code `code`, stamped `ts`: 12.345678 万元, delivery 2024-03-01, 30-day term. */
inline ExchangeValues contract_values(const std::string& code, const std::string& udc,
                                      const std::string& ts) {
  return {{"CONTRACT_CODE", code},
          {"UNIFIED_DEAL_CODE", udc},
          {"PROJECT_CODE", "CXZC2024-" + code},
          {"BID_SECTION_CODE", "CXZC2024-" + code + "-01"},
          {"CONTRACT_NAME", "楚雄市中小学智慧教室设备采购"},
          {"IS_PPP", "0"},
          {"PURCHASER_NAME", "楚雄市教育体育局"},
          {"PURCHASER_CODE", purchaser_code()},
          {"SUPPLIER_NAME", "云南彝乡科技有限公司"},
          {"SUPPLIER_CODE", supplier_code()},
          {"SUPPLIER_IS_SME", "1"},
          {"CONTRACT_AMOUNT", "12.345678"},
          {"SIGN_DATE", "2024-01-10"},
          {"PAYMENT_TERM_DAYS", "30"},
          {"DELIVERY_DATE", "2024-03-01"},
          {"PERFORM_END_DATE", "2024-03-31"},
          {"REGION_CODE", "532301"},
          {"PLATFORM_CODE", "53230001"},
          {"DATA_TIMESTAMP", ts}};
}

/** A payment `code` of contract `contract` (deal `udc`): `amount` 万元 on `date`, stamped `ts`. */
inline ExchangeValues payment_values(const std::string& code, const std::string& udc,
                                     const std::string& contract, const std::string& amount,
                                     const std::string& date, const std::string& ts) {
  return {{"PAYMENT_CODE", code},
          {"UNIFIED_DEAL_CODE", udc},
          {"CONTRACT_CODE", contract},
          {"PAY_SEQ", "1"},
          {"PAY_AMOUNT", amount},
          {"PAY_DATE", date},
          {"PAYER_NAME", "楚雄市教育体育局"},
          {"PLATFORM_CODE", "53230001"},
          {"DATA_TIMESTAMP", ts}};
}

/** Contract HT-A (deal CX-A) accepted on 2024-03-05 (score 95, delivered 2024-02-28), stamped that day. */
inline ExchangeValues accepted_contract_a() {
  return {{"ACCEPTANCE_CODE", "YS-A"},
          {"UNIFIED_DEAL_CODE", "CX-A"},
          {"CONTRACT_CODE", "HT-A"},
          {"ACCEPTANCE_RESULT", "1"},
          {"ACCEPTANCE_DATE", "2024-03-05"},
          {"ACCEPTANCE_SCORE", "95.00"},
          {"ACTUAL_DELIVERY_DATE", "2024-02-28"},
          {"ACCEPTANCE_OPINION", "设备到货齐全，验收合格"},
          {"DATA_TIMESTAMP", "2024-03-05 16:00:00.000000"}};
}

}  // namespace pactwatch::testing
