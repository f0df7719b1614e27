#include "adapters/platform/exchange/quarantine.hpp"

namespace pactwatch::platform::exchange {

std::string_view to_string(QuarantineReason r) {
  switch (r) {
    case QuarantineReason::missing_unified_deal_code:
      return "missing_unified_deal_code";
    case QuarantineReason::missing_contract_code:
      return "missing_contract_code";
    case QuarantineReason::missing_field:
      return "missing_field";
    case QuarantineReason::unparsable_date:
      return "unparsable_date";
    case QuarantineReason::unparsable_amount:
      return "unparsable_amount";
    case QuarantineReason::amount_too_precise:
      return "amount_too_precise";
    case QuarantineReason::invalid_amount:
      return "invalid_amount";
    case QuarantineReason::unknown_currency:
      return "unknown_currency";
    case QuarantineReason::invalid_credit_code:
      return "invalid_credit_code";
    case QuarantineReason::invalid_value:
      return "invalid_value";
    case QuarantineReason::missing_due_date:
      return "missing_due_date";
    case QuarantineReason::unknown_contract:
      return "unknown_contract";
  }
  return "unknown";
}

}  // namespace pactwatch::platform::exchange
