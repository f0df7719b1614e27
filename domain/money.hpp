#pragma once
// Money (金额): an integer count of fen (分, 1/100 of the currency unit) plus an ISO 4217 currency.
// Never a floating-point number. The trading platform sends 万元 (ten thousand yuan) with decimals;
// those are converted exactly from their decimal text.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::domain {

/** An ISO 4217 alphabetic code: three upper-case ASCII letters. */
class Currency {
 public:
  /** Accepts exactly three letters A-Z; anything else is an `invalid` error naming the text. */
  static Result<Currency> parse(std::string_view code);
  static constexpr Currency cny() { return Currency{'C', 'N', 'Y'}; }

  std::string_view code() const { return {code_.data(), code_.size()}; }
  friend constexpr bool operator==(const Currency&, const Currency&) = default;
  friend constexpr auto operator<=>(const Currency&, const Currency&) = default;

 private:
  constexpr Currency(char a, char b, char c) : code_{a, b, c} {}
  std::array<char, 3> code_;
};

/**
 * The largest magnitude of an amount accepted from any input (the API, OCDS, the exchange database, files):
 * 10^15 fen, 十万亿元 (10 trillion yuan). No public contract comes near it, and every sum of a few
 * thousand such amounts still fits in 64 bits; anything larger is a typo or an attack.
 */
inline constexpr std::int64_t kMaxAmountFen = 1'000'000'000'000'000;

/** An exact amount of money. */
struct Money {
  std::int64_t fen = 0;
  Currency currency = Currency::cny();

  /**
   * Parses decimal text in the currency unit (yuan): "1234.56", "-3", "0.5". At most two decimals
   * (trailing zeros beyond them are accepted); no exponent, no sign other than a leading '-', no
   * spaces, no thousands separators, no NaN/Inf; a magnitude above kMaxAmountFen is rejected ("too
   * large"). The error message says which of these it was.
   *
   * Strict like a bank: a '.' needs a digit on both sides ("1." and ".5" are rejected; write "1" and
   * "0.5"). Leading zeros ("007.50") are unambiguous and accepted; "-0" is zero.
   */
  static Result<Money> parse(std::string_view decimal_text, Currency currency = Currency::cny());

  /**
   * Parses decimal text in 万元 (10,000 yuan): "12.3456" is exactly 123456 yuan. At most six decimals
   * (one fen); otherwise the same grammar and errors as parse().
   */
  static Result<Money> parse_wanyuan(std::string_view decimal_text, Currency currency = Currency::cny());

  static constexpr Money yuan(std::int64_t y, Currency c = Currency::cny()) { return Money{y * 100, c}; }

  /** "1234.56", always with exactly two decimals, '-' for negatives. Round-trips through parse(). */
  std::string to_decimal() const;
  /** "12.345600" in 万元, always with exactly six decimals. Round-trips through parse_wanyuan(). */
  std::string to_wanyuan_decimal() const;

  friend bool operator==(const Money&, const Money&) = default;
};

/** Sum and difference of amounts in one currency; a currency mismatch or overflow is an `invalid` error. */
Result<Money> add(const Money& a, const Money& b);
Result<Money> subtract(const Money& a, const Money& b);

/**
 * Running totals of fen (payments of a commitment, amendment increases of an agreement): a + b, and a * b,
 * clamped to the int64 range instead of overflowing (signed overflow is undefined behaviour). Inputs are
 * bounded by kMaxAmountFen, so only totals of millions of amounts could reach the clamp; a clamped total is
 * still larger than any committed amount, which is what the rules compare it with.
 */
std::int64_t saturating_add_fen(std::int64_t a, std::int64_t b);
std::int64_t saturating_mul_fen(std::int64_t a, std::int64_t b);

}  // namespace pactwatch::domain
