#include "adapters/platform/ocds/values.hpp"

#include <algorithm>
#include <array>

namespace pactwatch::platform::ocds {
namespace {

// Active ISO 4217 alphabetic codes (list one, 2024), sorted for binary search. Fund codes and precious
// metals (XAU, XDR...) are left out on purpose: no public contract is priced in them.
constexpr std::array<std::string_view, 155> kIso4217 = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
    "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
    "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF",
    "XPF", "YER", "ZAR", "ZMW", "ZWL"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

ValueResult<domain::Date> parse_ocds_date(std::string_view text) {
  auto bad = [&](std::string why) {
    return std::unexpected(
        ValueError{QuarantineReason::unparsable_date, "date \"" + std::string(text) + "\": " + why});
  };
  if (text.size() == 10) {
    auto d = domain::parse_date(text);
    if (!d) return bad(d.error().message);
    return *d;
  }
  // A date-time must be a valid instant as a whole; its first ten characters are the local date.
  auto instant = domain::parse_instant(text);
  if (!instant) return bad(instant.error().message);
  auto d = domain::parse_date(text.substr(0, 10));
  if (!d) return bad(d.error().message);
  return *d;
}

bool is_iso4217(std::string_view code) {
  return std::binary_search(kIso4217.begin(), kIso4217.end(), code);
}

ValueResult<domain::Money> parse_amount(std::string_view text, std::string_view currency_code) {
  auto currency = domain::Currency::parse(currency_code);
  if (!currency || !is_iso4217(currency_code)) {
    return std::unexpected(
        ValueError{QuarantineReason::unknown_currency,
                   "currency \"" + std::string(currency_code) + "\" is not an active ISO 4217 code"});
  }
  // Tell "too many decimals" apart from other bad text: an auditor fixes the two differently.
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    const std::string_view decimals = text.substr(dot + 1);
    if (decimals.size() > 2 && std::all_of(decimals.begin(), decimals.end(), is_digit) &&
        decimals.substr(2).find_first_not_of('0') != std::string_view::npos) {
      return std::unexpected(ValueError{QuarantineReason::amount_too_precise,
                                        "amount " + std::string(text) + " has more than two decimals"});
    }
  }
  auto money = domain::Money::parse(text, *currency);
  if (!money) {
    return std::unexpected(ValueError{QuarantineReason::unparsable_amount,
                                      "amount " + std::string(text) + ": " + money.error().message});
  }
  return *money;
}

}  // namespace pactwatch::platform::ocds
