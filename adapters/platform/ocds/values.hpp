#pragma once
// OCDS field values to domain values: dates from OCDS date-times, exact money from the text of JSON
// numbers, ISO 4217 currencies, and SHA-256 content hashes. Each failure carries the quarantine reason.

#include <string>
#include <string_view>

#include "adapters/platform/ocds/quarantine.hpp"
#include "adapters/trail/hash.hpp"
#include "domain/date.hpp"
#include "domain/money.hpp"

namespace pactwatch::platform::ocds {

/** Why a value could not be converted: the quarantine reason and a message naming the value. */
struct ValueError {
  QuarantineReason reason = QuarantineReason::malformed_field;
  std::string message;
};

template <class T>
using ValueResult = std::expected<T, ValueError>;

/**
 * An OCDS date ("format": "date-time") as a calendar date. Accepts a full RFC 3339 date-time (validated
 * with domain::parse_instant) and takes its date as written in its own offset — the publisher's local
 * calendar day ("2018-10-10T00:00:00+04:30" is 2018-10-10) — or a bare "YYYY-MM-DD". Anything else is
 * `unparsable_date`.
 */
ValueResult<domain::Date> parse_ocds_date(std::string_view text);

/** True when `code` is an active ISO 4217 alphabetic code (a fixed list kept in this adapter). */
bool is_iso4217(std::string_view code);

/**
 * An amount from the exact decimal text of a JSON number in the currency unit (yuan, dollar...):
 * "1234.56" is 123456 fen. Non-zero digits beyond two decimals are `amount_too_precise`; an exponent,
 * a sign other than a leading '-', or an out-of-range value is `unparsable_amount`.
 */
ValueResult<domain::Money> parse_amount(std::string_view number_text, std::string_view currency_code);

/** Lower-case hex SHA-256 of `bytes` (the one helper, adapters/trail/hash.hpp). */
using trail::sha256_hex;

}  // namespace pactwatch::platform::ocds
