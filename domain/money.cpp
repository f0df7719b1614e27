#include "domain/money.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace pactwatch::domain {
namespace {

// Decimal places of fen in one unit of the text: yuan have 2, 万元 (10,000 yuan = 1,000,000 fen) have 6.
constexpr int kYuanScale = 2;
constexpr int kWanyuanScale = 6;

constexpr std::uint64_t kMaxMagnitude = std::numeric_limits<std::uint64_t>::max();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::unexpected<Error> reject(std::string_view text, std::string_view reason) {
  std::string message = "amount \"";
  message.append(text);
  message.append("\" is not a valid decimal amount: ");
  message.append(reason);
  return fail(ErrorCode::invalid, std::move(message));
}

/** Looks for the things people commonly send instead of a plain decimal, to name them in the error. */
std::string_view describe_foreign_character(char c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return "spaces are not allowed";
  if (c == ',' || c == '\'' || c == '_') return "thousands separators are not allowed";
  if (c == 'e' || c == 'E') return "exponent notation is not allowed";
  // "NaN", "nan", "Inf", "infinity": the first foreign letter is enough to tell.
  if (c == 'n' || c == 'N' || c == 'i' || c == 'I') return "NaN and infinity are not amounts";
  if (c == '+') return "a '+' sign is not allowed (only a leading '-' for negatives)";
  if (c == '-') return "a '-' sign is allowed only at the start";
  return "only digits, one '.' and a leading '-' are allowed";
}

/**
 * Parses "[-]digits[.digits]" into an integer count of 10^-scale units. Strict like a bank: digits on
 * both sides of a '.', no sign but a leading '-', nothing else. Digits beyond `scale` decimals must be 0.
 */
Result<std::int64_t> parse_scaled(std::string_view text, int scale, std::string_view unit) {
  if (text.empty()) return reject(text, "it is empty");

  std::size_t pos = 0;
  const bool negative = text[0] == '-';
  if (negative) ++pos;

  // Find the first character that is neither a digit nor the decimal point, to name it precisely.
  std::size_t point = std::string_view::npos;
  for (std::size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) continue;
    if (c == '.') {
      if (point != std::string_view::npos) return reject(text, "more than one decimal point");
      point = i;
      continue;
    }
    return reject(text, describe_foreign_character(c));
  }

  const std::string_view integer_part =
      text.substr(pos, (point == std::string_view::npos ? text.size() : point) - pos);
  const std::string_view fraction_part =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (integer_part.empty() && point == std::string_view::npos) return reject(text, "there are no digits");
  if (integer_part.empty()) return reject(text, "a digit is required before the decimal point (write 0.5)");
  if (point != std::string_view::npos && fraction_part.empty()) {
    return reject(text, "a digit is required after the decimal point (write 1 or 1.0)");
  }

  for (std::size_t i = static_cast<std::size_t>(scale); i < fraction_part.size(); ++i) {
    if (fraction_part[i] != '0') {
      std::string reason = "more than ";
      reason += std::to_string(scale);
      reason += " decimals in ";
      reason.append(unit);
      reason += " (finer than one fen)";
      return reject(text, reason);
    }
  }

  // Accumulate the magnitude in unsigned arithmetic, stopping before it overflows; the bound comes after.
  std::uint64_t magnitude = 0;
  auto push_digit = [&](char c) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (kMaxMagnitude - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
    return true;
  };
  bool fits = true;
  for (char c : integer_part)
    fits = fits && push_digit(c);
  for (int i = 0; i < scale; ++i) {
    const auto index = static_cast<std::size_t>(i);
    fits = fits && push_digit(index < fraction_part.size() ? fraction_part[index] : '0');
  }
  if (!fits || magnitude > static_cast<std::uint64_t>(kMaxAmountFen)) {
    return reject(text, "it is too large (the largest amount accepted is 10000000000000.00 yuan, 10^15 fen)");
  }

  return negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
}

/** Writes |fen| as "<units>.<decimals>" with exactly `scale` decimals, '-' first for negatives. */
std::string format_scaled(std::int64_t value, int scale) {
  const bool negative = value < 0;
  // Two's complement negation in unsigned arithmetic is exact for INT64_MIN too.
  const std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
  std::uint64_t divisor = 1;
  for (int i = 0; i < scale; ++i)
    divisor *= 10;

  std::string fraction = std::to_string(magnitude % divisor);
  fraction.insert(0, static_cast<std::size_t>(scale) - fraction.size(), '0');

  std::string out;
  if (negative) out += '-';
  out += std::to_string(magnitude / divisor);
  out += '.';
  out += fraction;
  return out;
}

}  // namespace

Result<Currency> Currency::parse(std::string_view code) {
  const bool ok =
      code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) {
    std::string message = "currency \"";
    message.append(code);
    message += "\" is not an ISO 4217 code (three upper-case letters A-Z, e.g. CNY)";
    return fail(ErrorCode::invalid, std::move(message));
  }
  return Currency{code[0], code[1], code[2]};
}

// GCC 12's std::expected has no monadic operations (transform), hence the explicit branches.
Result<Money> Money::parse(std::string_view decimal_text, Currency currency) {
  auto fen = parse_scaled(decimal_text, kYuanScale, "yuan");
  if (!fen) return std::unexpected(std::move(fen.error()));
  return Money{*fen, currency};
}

Result<Money> Money::parse_wanyuan(std::string_view decimal_text, Currency currency) {
  auto fen = parse_scaled(decimal_text, kWanyuanScale, "wanyuan");
  if (!fen) return std::unexpected(std::move(fen.error()));
  return Money{*fen, currency};
}

std::string Money::to_decimal() const {
  return format_scaled(fen, kYuanScale);
}

std::string Money::to_wanyuan_decimal() const {
  return format_scaled(fen, kWanyuanScale);
}

namespace {

std::unexpected<Error> currency_mismatch(const Money& a, const Money& b, std::string_view operation) {
  std::string message = "cannot ";
  message.append(operation);
  message += " amounts in different currencies (";
  message.append(a.currency.code());
  message += " and ";
  message.append(b.currency.code());
  message += ")";
  return fail(ErrorCode::invalid, std::move(message));
}

std::unexpected<Error> overflow(std::string_view operation) {
  std::string message = "the ";
  message.append(operation);
  message += " of the amounts overflows the 64-bit range of fen";
  return fail(ErrorCode::invalid, std::move(message));
}

}  // namespace

Result<Money> add(const Money& a, const Money& b) {
  if (a.currency != b.currency) return currency_mismatch(a, b, "add");
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a.fen, b.fen, &sum)) return overflow("sum");
  return Money{sum, a.currency};
}

std::int64_t saturating_add_fen(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

std::int64_t saturating_mul_fen(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (!__builtin_mul_overflow(a, b, &product)) return product;
  return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min()
                            : std::numeric_limits<std::int64_t>::max();
}

Result<Money> subtract(const Money& a, const Money& b) {
  if (a.currency != b.currency) return currency_mismatch(a, b, "subtract");
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a.fen, b.fen, &difference)) return overflow("difference");
  return Money{difference, a.currency};
}

}  // namespace pactwatch::domain
