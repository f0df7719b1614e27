#include "domain/date.hpp"

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pactwatch::domain {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;

std::string date_error(std::string_view text) {
  auto parsed = parse_date(text);
  return parsed ? "<parsed as " + format_date(*parsed) + ">" : parsed.error().message;
}

std::string instant_error(std::string_view text) {
  auto parsed = parse_instant(text);
  return parsed ? "<parsed as " + format_instant(*parsed) + ">" : parsed.error().message;
}

/** The instant `text` as formatted UTC, or the error message. */
std::string as_utc(std::string_view text) {
  auto parsed = parse_instant(text);
  return parsed ? format_instant(*parsed) : "<error: " + parsed.error().message + ">";
}

// Verifies valid calendar dates parse to the right year, month and day, leap days included.
TEST(DateParse, ReadsStrictIsoDates) {
  EXPECT_EQ(parse_date("2026-02-03"), Date{year{2026} / February / 3});
  EXPECT_EQ(parse_date("2024-02-29"), Date{year{2024} / February / 29});
  EXPECT_EQ(parse_date("2000-02-29"), Date{year{2000} / February / 29});
  EXPECT_EQ(parse_date("1900-01-01"), Date{year{1900} / January / 1});
  EXPECT_EQ(parse_date("9999-12-31"), Date{year{9999} / December / 31});
}

// Verifies malformed or non-existent dates are refused with a reason.
TEST(DateParse, RejectsMalformedAndImpossibleDates) {
  EXPECT_THAT(date_error("2026-2-3"), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("2026-02-3"), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("2026/02/03"), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("20260203"), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("2026-02-03 "), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("2026-02-03T00:00:00Z"), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error(""), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("２０２６-02-03"), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(date_error("2026-02-30"), HasSubstr("does not exist"));
  EXPECT_THAT(date_error("2025-02-29"), HasSubstr("does not exist"));
  EXPECT_THAT(date_error("1900-02-29"), HasSubstr("does not exist"));
  EXPECT_THAT(date_error("2026-04-31"), HasSubstr("does not exist"));
  EXPECT_THAT(date_error("2026-02-00"), HasSubstr("does not exist"));
  EXPECT_THAT(date_error("2026-13-01"), HasSubstr("month"));
  EXPECT_THAT(date_error("2026-00-10"), HasSubstr("month"));
  EXPECT_THAT(date_error("1899-12-31"), HasSubstr("1900 and 9999"));
  EXPECT_THAT(date_error("0000-01-01"), HasSubstr("1900 and 9999"));
  EXPECT_EQ(parse_date("2026-02-30").error().code, ErrorCode::invalid);
}

// Verifies format_date zero-pads and round-trips through parse_date.
TEST(DateFormat, WritesZeroPaddedAndRoundTrips) {
  EXPECT_EQ(format_date(year{2026} / March / 4), "2026-03-04");
  EXPECT_EQ(format_date(year{1900} / January / 1), "1900-01-01");
  for (std::string_view text : {"2026-03-04", "2024-02-29", "9999-12-31", "1970-01-01"}) {
    auto d = parse_date(text);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(format_date(*d), text);
  }
}

// Verifies the date helpers count calendar days across month and year ends.
TEST(DateArithmetic, CountsAndAddsDays) {
  EXPECT_EQ(days_between(year{2026} / February / 12, year{2026} / March / 4), 20);
  EXPECT_EQ(days_between(year{2026} / March / 4, year{2026} / February / 12), -20);
  EXPECT_EQ(add_days(year{2025} / December / 31, 1), Date{year{2026} / January / 1});
  EXPECT_EQ(add_days(year{2024} / March / 1, -1), Date{year{2024} / February / 29});
}

// Verifies UTC instants with and without fractions parse to the same UTC time point.
TEST(DateInstant, ReadsUtcInstants) {
  auto t = parse_instant("2026-11-26T05:29:13Z");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(*t, Instant{sys_days{year{2026} / November / 26} + 5h + 29min + 13s});
  EXPECT_EQ(as_utc("2026-11-26T05:29:13Z"), "2026-11-26T05:29:13.000Z");
  EXPECT_EQ(as_utc("2026-11-26T05:29:13.5Z"), "2026-11-26T05:29:13.500Z");
  EXPECT_EQ(as_utc("2026-11-26T05:29:13.12Z"), "2026-11-26T05:29:13.120Z");
  EXPECT_EQ(as_utc("2026-11-26T05:29:13.123Z"), "2026-11-26T05:29:13.123Z");
  EXPECT_EQ(as_utc("2026-11-26t05:29:13z"), "2026-11-26T05:29:13.000Z");
}

// Verifies fractions finer than a millisecond (up to nanoseconds) are truncated, never rounded up.
TEST(DateInstant, TruncatesFractionsToMilliseconds) {
  EXPECT_EQ(as_utc("2026-11-26T05:29:13.1239Z"), "2026-11-26T05:29:13.123Z");
  EXPECT_EQ(as_utc("2026-11-26T05:29:13.999999999Z"), "2026-11-26T05:29:13.999Z");
  EXPECT_EQ(as_utc("2026-12-31T23:59:59.9999Z"), "2026-12-31T23:59:59.999Z");
  EXPECT_THAT(instant_error("2026-11-26T05:29:13.1234567890Z"), HasSubstr("more than 9"));
}

// Verifies numeric offsets are converted to UTC, including across a date boundary.
TEST(DateInstant, ConvertsOffsetsToUtc) {
  // Beijing time (UTC+8) 13:29 is 05:29 UTC.
  EXPECT_EQ(as_utc("2026-11-26T13:29:13+08:00"), "2026-11-26T05:29:13.000Z");
  EXPECT_EQ(as_utc("2026-01-01T07:00:00+08:00"), "2025-12-31T23:00:00.000Z");
  EXPECT_EQ(as_utc("2026-12-31T20:30:00-05:30"), "2027-01-01T02:00:00.000Z");
  EXPECT_EQ(as_utc("2026-11-26T05:29:13+00:00"), "2026-11-26T05:29:13.000Z");
  EXPECT_EQ(as_utc("2026-11-26T05:29:13-00:00"), "2026-11-26T05:29:13.000Z");
  EXPECT_EQ(as_utc("2026-11-26T13:29:13.250+08:00"), "2026-11-26T05:29:13.250Z");
  EXPECT_EQ(parse_instant("2026-11-26T13:29:13+08:00"), parse_instant("2026-11-26T05:29:13Z"));
}

// Verifies instants without a zone, or with malformed parts, are refused with the reason.
TEST(DateInstant, RejectsMissingZoneAndMalformedParts) {
  EXPECT_THAT(instant_error("2026-11-26T05:29:13"), HasSubstr("time zone is missing"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13.123"), HasSubstr("time zone is missing"));
  EXPECT_THAT(instant_error("2026-11-26"), HasSubstr("RFC 3339"));
  EXPECT_THAT(instant_error("2026-11-26 05:29:13Z"), HasSubstr("'T'"));
  EXPECT_THAT(instant_error("2026-11-26T5:29:13Z"), HasSubstr("HH:MM:SS"));
  EXPECT_THAT(instant_error("2026-11-26T24:00:00Z"), HasSubstr("out of range"));
  EXPECT_THAT(instant_error("2026-11-26T23:60:00Z"), HasSubstr("out of range"));
  EXPECT_THAT(instant_error("2026-12-31T23:59:60Z"), HasSubstr("leap second"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13.Z"), HasSubstr("fractional-second digits"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13+0800"), HasSubstr("offset"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13+08"), HasSubstr("offset"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13+24:00"), HasSubstr("offset"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13ZZ"), HasSubstr("nothing else"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13Z "), HasSubstr("nothing else"));
  EXPECT_THAT(instant_error("2026-11-26T05:29:13UTC"), HasSubstr("nothing else"));
  EXPECT_THAT(instant_error("2026-02-30T05:29:13Z"), HasSubstr("does not exist"));
  EXPECT_THAT(instant_error("1899-12-31T23:00:00Z"), HasSubstr("1900 and 9999"));
}

// Verifies format_instant writes milliseconds and 'Z', also before 1970, and round-trips.
TEST(DateInstant, FormatsUtcWithMillisecondsAndRoundTrips) {
  EXPECT_EQ(format_instant(Instant{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_instant(Instant{sys_days{year{1969} / December / 31} + 23h + 59min + 59s + 999ms}),
            "1969-12-31T23:59:59.999Z");
  for (std::string_view text : {"2026-11-26T05:29:13.000Z", "1900-01-01T00:00:00.001Z",
                                "9999-12-31T23:59:59.999Z", "1965-06-15T12:00:00.500Z"}) {
    auto t = parse_instant(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(format_instant(*t), text);
  }
}

}  // namespace
}  // namespace pactwatch::domain
