#pragma once
// Quarantine (隔离区) of the OCDS adapter: a record that cannot be mapped is kept with a machine-readable
// reason, a human message and its raw text, so that nothing is dropped silently and a fixed record can be
// re-processed. See docs/OCDS_MAPPING.md for when each reason is used.

#include <string>
#include <string_view>

namespace pactwatch::platform::ocds {

/** Why a record was quarantined. Stable names (to_string) are what the API and the CLI report. */
enum class QuarantineReason {
  malformed_json,                   ///< the text is not JSON (a JSON Lines line, or a package cut short)
  not_a_package,                    ///< a JSON document that is neither a package nor a release (a schema)
  release_not_object,               ///< an element of `releases` (or a line) that is not an object
  record_without_compiled_release,  ///< a record of a record package with no `compiledRelease`
  missing_ocid,                     ///< a release without a non-empty string `ocid`
  missing_id,                       ///< a release, party, contract, milestone, transaction... without `id`
  malformed_field,                  ///< a field of the wrong JSON type (e.g. `contracts` not an array)
  missing_date,                     ///< a fact needs a date and none of its date fields is present
  unparsable_date,                  ///< a date that is neither YYYY-MM-DD nor an RFC 3339 date-time
  unparsable_amount,                ///< an amount that is not a plain decimal JSON number
  amount_too_precise,               ///< an amount with non-zero digits beyond the fen (2 decimals)
  unknown_currency,                 ///< a missing currency or one that is not an active ISO 4217 code
  invalid_credit_code,              ///< a Chinese identifier that fails GB 32100-2015 validation
  missing_due_date,                 ///< a milestone without `dueDate`: no commitment without a due date
  transaction_without_value,        ///< a transaction without `value.amount`
  unmatched_transaction,            ///< a transaction that cannot be tied to one payment commitment
};

std::string_view to_string(QuarantineReason r);

/** One quarantined record: what it was, where it was, why, and its raw text for re-processing. */
struct QuarantineEntry {
  QuarantineReason reason = QuarantineReason::malformed_json;
  std::string message;  ///< for a person: what is wrong, naming the field and the bad value
  std::string ocid;     ///< empty when unknown
  std::string release_id;
  std::string path;      ///< JSON pointer of the record within its release ("" = the whole release)
  std::string location;  ///< where in the input: "line 17" or "releases[3]"
  std::string raw_text;  ///< the record's JSON text (for a whole release: the exact source bytes)
};

}  // namespace pactwatch::platform::ocds
