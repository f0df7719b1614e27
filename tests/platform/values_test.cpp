#include "adapters/platform/ocds/values.hpp"

#include <gtest/gtest.h>

namespace pactwatch::platform::ocds {
namespace {

using namespace std::chrono;

// Verifies an OCDS date-time gives the calendar day the publisher wrote, whatever its offset.
TEST(OcdsValues, DateTimeKeepsThePublishersLocalDay) {
  EXPECT_EQ(parse_ocds_date("2018-10-10T00:00:00+04:30").value(), 2018y / October / 10);
  EXPECT_EQ(parse_ocds_date("2018-03-31T23:59:59-06:00").value(), 2018y / March / 31);
  EXPECT_EQ(parse_ocds_date("2024-02-29").value(), 2024y / February / 29);
}

// Verifies impossible or zone-less date-times are unparsable_date, not guessed.
TEST(OcdsValues, BadDatesAreRejectedWithTheirText) {
  for (const char* bad : {"2018-13-01", "2023-02-29", "2018-10-10T00:00:00", "10/10/2018", ""}) {
    auto d = parse_ocds_date(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().reason, QuarantineReason::unparsable_date);
    EXPECT_NE(d.error().message.find(bad), std::string::npos);
  }
}

// Verifies amounts convert exactly from decimal text, including values a double cannot hold.
TEST(OcdsValues, AmountsAreExactFen) {
  EXPECT_EQ(parse_amount("1234.56", "CNY")->fen, 123456);
  EXPECT_EQ(parse_amount("0.30", "CNY")->fen, 30);
  EXPECT_EQ(parse_amount("1234.560", "USD")->fen, 123456);
  EXPECT_EQ(parse_amount("9876543210987.65", "CNY")->fen, 987654321098765);
  EXPECT_EQ(parse_amount("76955", "AFN")->currency.code(), "AFN");
}

// Verifies an amount beyond 10^15 fen (十万亿元) is quarantined as unparsable, like any input (issue 13).
TEST(OcdsValues, AmountsBeyondTheBoundAreRefused) {
  EXPECT_EQ(parse_amount("10000000000000.00", "CNY")->fen, 1'000'000'000'000'000);
  auto huge = parse_amount("12345678901234567.89", "CNY");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().reason, QuarantineReason::unparsable_amount);
  EXPECT_NE(huge.error().message.find("too large"), std::string::npos) << huge.error().message;
}

// Verifies sub-fen amounts and exponents are refused with distinct reasons.
TEST(OcdsValues, TooPreciseAndExponentAmountsAreRefused) {
  EXPECT_EQ(parse_amount("1234.567", "CNY").error().reason, QuarantineReason::amount_too_precise);
  EXPECT_EQ(parse_amount("801999.9999999999", "USD").error().reason, QuarantineReason::amount_too_precise);
  EXPECT_EQ(parse_amount("1e6", "CNY").error().reason, QuarantineReason::unparsable_amount);
  EXPECT_EQ(parse_amount("1.5E+3", "CNY").error().reason, QuarantineReason::unparsable_amount);
}

// Verifies only active ISO 4217 codes pass: lower case, made-up and missing codes are unknown_currency.
TEST(OcdsValues, CurrenciesMustBeIso4217) {
  EXPECT_TRUE(is_iso4217("CNY"));
  EXPECT_TRUE(is_iso4217("EUR"));
  for (const char* bad : {"cny", "XYZ", "RMB", "", "CNYY"}) {
    EXPECT_EQ(parse_amount("1", bad).error().reason, QuarantineReason::unknown_currency) << bad;
  }
}

// Verifies the content hash is SHA-256 (known answer for "abc").
TEST(OcdsValues, Sha256KnownAnswer) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace pactwatch::platform::ocds
