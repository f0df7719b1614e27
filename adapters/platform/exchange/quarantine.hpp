#pragma once
// Quarantine (隔离区) of the exchange adapter: a row that cannot be mapped is kept whole, with a
// machine-readable reason, a message naming the column and the bad value, and the row as JSON, so that
// nothing is dropped silently and a fixed row can be re-processed. The shape follows the OCDS adapter's
// QuarantineEntry; the reasons are the exchange tables' own. When each is used: docs/EXCHANGE_DB.md.

#include <string>
#include <string_view>

#include "adapters/platform/exchange/tables.hpp"

namespace pactwatch::platform::exchange {

/** Why a row was quarantined. Stable names (to_string) are what the API and the CLI report. */
enum class QuarantineReason {
  missing_unified_deal_code,  ///< UNIFIED_DEAL_CODE is NULL or blank: the row cannot be tied to a deal
  missing_contract_code,      ///< a dependent row (acceptance, payment...) without CONTRACT_CODE
  missing_field,              ///< another required column is NULL or blank
  unparsable_date,            ///< a DATE that is not a real YYYY-MM-DD (e.g. 0000-00-00)
  unparsable_amount,          ///< a 万元 amount that is not plain decimal text
  amount_too_precise,         ///< a 万元 amount with non-zero digits beyond the sixth decimal (below 1 fen)
  invalid_amount,             ///< an amount that must be positive is zero or negative
  unknown_currency,           ///< CURRENCY_CODE is not an active ISO 4217 code (or 156)
  invalid_credit_code,        ///< PURCHASER_CODE or SUPPLIER_CODE fails GB 32100-2015 validation
  invalid_value,              ///< a coded column (flag, result, type, party, reason) or a score out of range
  missing_due_date,           ///< a contract with neither DELIVERY_DATE nor PERFORM_END_DATE
  unknown_contract,           ///< a dependent row whose contract has not been read (yet): re-processed later
};

std::string_view to_string(QuarantineReason r);

/** One quarantined row: where it came from, why, and its raw content for re-processing. */
struct QuarantineEntry {
  QuarantineReason reason = QuarantineReason::missing_field;
  std::string message;  ///< for a person: what is wrong, naming the column and the bad value
  ExchangeTable table = ExchangeTable::contract;
  std::string row_key;         ///< the value of the table's key column
  std::string column;          ///< the offending column ("" when about the whole row)
  std::string data_timestamp;  ///< the row's DATA_TIMESTAMP
  std::string raw_text;        ///< the whole row as canonical JSON (row_json)
};

}  // namespace pactwatch::platform::exchange
