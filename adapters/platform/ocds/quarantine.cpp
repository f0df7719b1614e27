#include "adapters/platform/ocds/quarantine.hpp"

namespace pactwatch::platform::ocds {

std::string_view to_string(QuarantineReason r) {
  switch (r) {
    case QuarantineReason::malformed_json:
      return "malformed_json";
    case QuarantineReason::not_a_package:
      return "not_a_package";
    case QuarantineReason::release_not_object:
      return "release_not_object";
    case QuarantineReason::record_without_compiled_release:
      return "record_without_compiled_release";
    case QuarantineReason::missing_ocid:
      return "missing_ocid";
    case QuarantineReason::missing_id:
      return "missing_id";
    case QuarantineReason::malformed_field:
      return "malformed_field";
    case QuarantineReason::missing_date:
      return "missing_date";
    case QuarantineReason::unparsable_date:
      return "unparsable_date";
    case QuarantineReason::unparsable_amount:
      return "unparsable_amount";
    case QuarantineReason::amount_too_precise:
      return "amount_too_precise";
    case QuarantineReason::unknown_currency:
      return "unknown_currency";
    case QuarantineReason::invalid_credit_code:
      return "invalid_credit_code";
    case QuarantineReason::missing_due_date:
      return "missing_due_date";
    case QuarantineReason::transaction_without_value:
      return "transaction_without_value";
    case QuarantineReason::unmatched_transaction:
      return "unmatched_transaction";
  }
  return "unknown";
}

}  // namespace pactwatch::platform::ocds
