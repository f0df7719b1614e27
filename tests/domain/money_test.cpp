#include "domain/money.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pactwatch::domain {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

/** The error message of a failed parse, or a marker that makes the assertion fail when it succeeded. */
std::string parse_error(std::string_view text) {
  auto parsed = Money::parse(text);
  return parsed ? "<parsed as " + parsed->to_decimal() + ">" : parsed.error().message;
}

std::string wanyuan_error(std::string_view text) {
  auto parsed = Money::parse_wanyuan(text);
  return parsed ? "<parsed as " + parsed->to_decimal() + ">" : parsed.error().message;
}

// Verifies that ordinary yuan texts become the exact number of fen.
TEST(MoneyParse, ReadsYuanExactly) {
  EXPECT_EQ(Money::parse("1234.56")->fen, 123456);
  EXPECT_EQ(Money::parse("-3")->fen, -300);
  EXPECT_EQ(Money::parse("0.5")->fen, 50);
  EXPECT_EQ(Money::parse("0.05")->fen, 5);
  EXPECT_EQ(Money::parse("0")->fen, 0);
  EXPECT_EQ(Money::parse("-0")->fen, 0);
  EXPECT_EQ(Money::parse("007.50")->fen, 750);
  // 0.1 + 0.2 style values that floating point gets wrong are exact here.
  EXPECT_EQ(Money::parse("0.29")->fen, 29);
  EXPECT_EQ(Money::parse("19999999.99")->fen, 1999999999);
}

// Verifies that zeros beyond the fen are accepted (they change nothing) but any other digit is refused.
TEST(MoneyParse, TrailingZerosBeyondFenAreAcceptedButNotOtherDigits) {
  EXPECT_EQ(Money::parse("1.230")->fen, 123);
  EXPECT_EQ(Money::parse("1.2300000000")->fen, 123);
  EXPECT_THAT(parse_error("1.234"), HasSubstr("more than 2 decimals"));
  EXPECT_THAT(parse_error("1.2300001"), HasSubstr("more than 2 decimals"));
  EXPECT_THAT(parse_error("-0.001"), HasSubstr("finer than one fen"));
}

// Verifies the currency travels with the amount.
TEST(MoneyParse, KeepsTheGivenCurrency) {
  auto usd = Currency::parse("USD");
  ASSERT_TRUE(usd.has_value());
  auto m = Money::parse("10.00", *usd);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->fen, 1000);
  EXPECT_EQ(m->currency.code(), "USD");
  EXPECT_EQ(Money::parse("1")->currency, Currency::cny());
}

// Verifies each kind of malformed text is refused and the message says which kind it was.
TEST(MoneyParse, RejectsMalformedTextNamingTheReason) {
  EXPECT_THAT(parse_error(""), HasSubstr("empty"));
  EXPECT_THAT(parse_error("1e3"), HasSubstr("exponent"));
  EXPECT_THAT(parse_error("1.5E2"), HasSubstr("exponent"));
  EXPECT_THAT(parse_error("NaN"), HasSubstr("NaN"));
  EXPECT_THAT(parse_error("nan"), HasSubstr("NaN"));
  EXPECT_THAT(parse_error("Infinity"), HasSubstr("infinity"));
  EXPECT_THAT(parse_error("-inf"), HasSubstr("infinity"));
  EXPECT_THAT(parse_error("+"), HasSubstr("'+'"));
  EXPECT_THAT(parse_error("+5"), HasSubstr("'+'"));
  EXPECT_THAT(parse_error("-"), HasSubstr("no digits"));
  EXPECT_THAT(parse_error("."), HasSubstr("before the decimal point"));
  EXPECT_THAT(parse_error("1."), HasSubstr("after the decimal point"));
  EXPECT_THAT(parse_error(".5"), HasSubstr("before the decimal point"));
  EXPECT_THAT(parse_error("-.5"), HasSubstr("before the decimal point"));
  EXPECT_THAT(parse_error("1.2.3"), HasSubstr("more than one decimal point"));
  EXPECT_THAT(parse_error(" 12"), HasSubstr("spaces"));
  EXPECT_THAT(parse_error("12 "), HasSubstr("spaces"));
  EXPECT_THAT(parse_error("1 000"), HasSubstr("spaces"));
  EXPECT_THAT(parse_error("1,000.00"), HasSubstr("thousands separators"));
  EXPECT_THAT(parse_error("1-2"), HasSubstr("only at the start"));
  EXPECT_THAT(parse_error("--1"), HasSubstr("only at the start"));
  EXPECT_THAT(parse_error("12元"), HasSubstr("only digits"));
  EXPECT_THAT(parse_error("0x10"), HasSubstr("only digits"));
  // Every error is of the `invalid` kind.
  EXPECT_EQ(Money::parse("1e3").error().code, ErrorCode::invalid);
}

// Verifies amounts up to the bound of 10^15 fen (十万亿元) parse, and one fen beyond it, in either direction,
// is "too large" (issue 13: an amount near the int64 range overflowed the sums of the rules).
TEST(MoneyParse, RejectsAmountsBeyondTheBound) {
  EXPECT_EQ(Money::parse("10000000000000.00")->fen, kMaxAmountFen);
  EXPECT_EQ(Money::parse("-10000000000000")->fen, -kMaxAmountFen);
  EXPECT_THAT(parse_error("10000000000000.01"), HasSubstr("too large"));
  EXPECT_THAT(parse_error("-10000000000000.01"), HasSubstr("too large"));
  EXPECT_THAT(parse_error("92233720368547758.07"), HasSubstr("too large"));
  EXPECT_THAT(parse_error("-92233720368547758.08"), HasSubstr("too large"));
  EXPECT_THAT(parse_error("100000000000000000000000"), HasSubstr("too large"));
  // The integer part fits in int64 but not once multiplied into fen.
  EXPECT_THAT(parse_error("9223372036854775807"), HasSubstr("too large"));
  EXPECT_EQ(Money::parse_wanyuan("1000000000")->fen, kMaxAmountFen);
  EXPECT_THAT(wanyuan_error("1000000000.000001"), HasSubstr("too large"));
}

// Verifies 万元 text from the trading platform converts exactly: 12.3456 万元 is 123456 yuan.
TEST(MoneyParse, ReadsWanyuanExactly) {
  auto m = Money::parse_wanyuan("12.3456");
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->fen, 12345600);
  EXPECT_EQ(m->to_decimal(), "123456.00");
  EXPECT_EQ(Money::parse_wanyuan("0.000001")->fen, 1);  // one fen
  EXPECT_EQ(Money::parse_wanyuan("1")->fen, 1000000);
  EXPECT_EQ(Money::parse_wanyuan("-2.5")->fen, -2500000);
  EXPECT_EQ(Money::parse_wanyuan("3.1200000")->fen, 3120000);
  EXPECT_EQ(Money::parse_wanyuan("999999999.999999")->fen, kMaxAmountFen - 1);
}

// Verifies 万元 text is held to the same grammar, with fen as the finest unit.
TEST(MoneyParse, RejectsBadWanyuan) {
  EXPECT_THAT(wanyuan_error("0.0000001"), HasSubstr("more than 6 decimals"));
  EXPECT_THAT(wanyuan_error("1.23456789"), HasSubstr("finer than one fen"));
  EXPECT_THAT(wanyuan_error("9223372036854.775808"), HasSubstr("too large"));
  EXPECT_THAT(wanyuan_error("1e2"), HasSubstr("exponent"));
  EXPECT_THAT(wanyuan_error("12,345.6"), HasSubstr("thousands separators"));
  EXPECT_THAT(wanyuan_error(""), HasSubstr("empty"));
}

// Verifies formatting always shows two decimals and a leading '-' for negatives.
TEST(MoneyFormat, WritesTwoDecimals) {
  EXPECT_EQ(Money{0}.to_decimal(), "0.00");
  EXPECT_EQ(Money{5}.to_decimal(), "0.05");
  EXPECT_EQ(Money{-5}.to_decimal(), "-0.05");
  EXPECT_EQ(Money{123456}.to_decimal(), "1234.56");
  EXPECT_EQ(Money{-100}.to_decimal(), "-1.00");
  EXPECT_EQ(Money::yuan(7).to_decimal(), "7.00");
  EXPECT_EQ(Money{kMax}.to_decimal(), "92233720368547758.07");
  EXPECT_EQ(Money{kMin}.to_decimal(), "-92233720368547758.08");
  EXPECT_EQ(Money{12345600}.to_wanyuan_decimal(), "12.345600");
  EXPECT_EQ(Money{-1}.to_wanyuan_decimal(), "-0.000001");
}

// Verifies parse(to_decimal(m)) == m across signs, zero and the bounds of accepted amounts.
TEST(MoneyFormat, RoundTripsThroughParse) {
  const std::int64_t samples[] = {0,
                                  1,
                                  -1,
                                  99,
                                  -99,
                                  100,
                                  -100,
                                  123456,
                                  -123456,
                                  kMaxAmountFen,
                                  -kMaxAmountFen,
                                  kMaxAmountFen - 1,
                                  -kMaxAmountFen + 1,
                                  kMaxAmountFen / 3,
                                  10000000,
                                  99999999,
                                  -4200000};
  for (std::int64_t fen : samples) {
    const Money m{fen};
    auto back = Money::parse(m.to_decimal());
    ASSERT_TRUE(back.has_value()) << m.to_decimal() << ": " << back.error().message;
    EXPECT_EQ(*back, m) << m.to_decimal();
    auto back_wan = Money::parse_wanyuan(m.to_wanyuan_decimal());
    ASSERT_TRUE(back_wan.has_value()) << m.to_wanyuan_decimal() << ": " << back_wan.error().message;
    EXPECT_EQ(*back_wan, m) << m.to_wanyuan_decimal();
  }
}

// Verifies sums and differences are exact and stay in the currency of the operands.
TEST(MoneyArithmetic, AddsAndSubtractsInOneCurrency) {
  auto sum = add(Money{150}, Money{-50});
  ASSERT_TRUE(sum.has_value());
  EXPECT_EQ(sum->fen, 100);
  auto difference = subtract(Money{150}, Money{200});
  ASSERT_TRUE(difference.has_value());
  EXPECT_EQ(difference->fen, -50);
  EXPECT_EQ(add(Money{kMax - 1}, Money{1})->fen, kMax);
  EXPECT_EQ(subtract(Money{kMin + 1}, Money{1})->fen, kMin);
}

// Verifies amounts in different currencies are never combined.
TEST(MoneyArithmetic, RejectsCurrencyMismatch) {
  const Money usd{100, *Currency::parse("USD")};
  auto sum = add(Money{100}, usd);
  ASSERT_FALSE(sum.has_value());
  EXPECT_EQ(sum.error().code, ErrorCode::invalid);
  EXPECT_THAT(sum.error().message, HasSubstr("different currencies"));
  EXPECT_THAT(sum.error().message, HasSubstr("CNY"));
  EXPECT_THAT(sum.error().message, HasSubstr("USD"));
  EXPECT_FALSE(subtract(usd, Money{100}).has_value());
}

// Verifies overflow in either direction is an error rather than a wrapped amount.
TEST(MoneyArithmetic, RejectsOverflow) {
  auto sum = add(Money{kMax}, Money{1});
  ASSERT_FALSE(sum.has_value());
  EXPECT_THAT(sum.error().message, HasSubstr("overflows"));
  EXPECT_FALSE(add(Money{kMin}, Money{-1}).has_value());
  EXPECT_FALSE(subtract(Money{kMin}, Money{1}).has_value());
  EXPECT_FALSE(subtract(Money{kMax}, Money{-1}).has_value());
  EXPECT_FALSE(subtract(Money{0}, Money{kMin}).has_value());
}

// Verifies running totals clamp at the int64 range instead of wrapping (signed overflow is undefined).
TEST(MoneyArithmetic, SaturatingTotalsClampAtTheRange) {
  EXPECT_EQ(saturating_add_fen(kMaxAmountFen, kMaxAmountFen), 2 * kMaxAmountFen);
  EXPECT_EQ(saturating_add_fen(kMax, 1), kMax);
  EXPECT_EQ(saturating_add_fen(kMin, -1), kMin);
  EXPECT_EQ(saturating_mul_fen(kMaxAmountFen, 100), 100 * kMaxAmountFen);
  EXPECT_EQ(saturating_mul_fen(kMax / 2, 3), kMax);
  EXPECT_EQ(saturating_mul_fen(kMax / 2, -3), kMin);
}

// Verifies currency codes are exactly three upper-case ASCII letters.
TEST(MoneyCurrencyParse, AcceptsThreeUpperCaseLetters) {
  auto cny = Currency::parse("CNY");
  ASSERT_TRUE(cny.has_value());
  EXPECT_EQ(*cny, Currency::cny());
  EXPECT_EQ(Currency::parse("EUR")->code(), "EUR");
  for (std::string_view bad : {"", "CN", "CNYY", "cny", "CnY", "C1Y", " CNY", "CN ", "元元元"}) {
    auto parsed = Currency::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid);
    EXPECT_THAT(parsed.error().message, HasSubstr("ISO 4217"));
  }
}

}  // namespace
}  // namespace pactwatch::domain
