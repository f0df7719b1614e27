#include "domain/calendar.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pactwatch::domain {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;
using ::testing::Not;

/** The shipped calendar file, read by the test (the domain never reads files). */
std::string read_shipped_calendar() {
  std::ifstream in(PACTWATCH_SOURCE_DIR "/config/calendar/cn-2025-2026.csv", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/** The shipped calendar, parsed once for all tests. */
const WorkingCalendar& shipped() {
  static const WorkingCalendar calendar = [] {
    auto parsed = WorkingCalendar::parse_csv(read_shipped_calendar());
    if (!parsed) throw std::runtime_error(parsed.error().message);
    return *parsed;
  }();
  return calendar;
}

Date d(int y, unsigned m, unsigned day) {
  return year{y} / month{m} / std::chrono::day{day};
}

std::string parse_error(std::string_view csv) {
  auto parsed = WorkingCalendar::parse_csv(csv);
  return parsed ? "<parsed>" : parsed.error().message;
}

// Verifies the real calendar file parses, covers 2025 and 2026, and has the official 248 working days a year.
TEST(CalendarShippedFile, ParsesAndCountsTheOfficialWorkingDays) {
  const std::string text = read_shipped_calendar();
  ASSERT_FALSE(text.empty()) << "could not read config/calendar/cn-2025-2026.csv";
  auto parsed = WorkingCalendar::parse_csv(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->covers(year{2025}));
  EXPECT_TRUE(parsed->covers(year{2026}));
  EXPECT_FALSE(parsed->covers(year{2024}));
  EXPECT_FALSE(parsed->covers(year{2027}));
  EXPECT_EQ(parsed->covered_years(), (std::set<int>{2025, 2026}));
  // 261 weekdays - 19 weekday holidays + 6 weekend make-up days = 248, in each of the two years.
  EXPECT_EQ(parsed->working_days_between(d(2024, 12, 31), d(2025, 12, 31)), 248);
  EXPECT_EQ(parsed->working_days_between(d(2025, 12, 31), d(2026, 12, 31)), 248);
}

// Verifies 10 working days from Thursday 2026-02-12 across 春节 land on 2026-03-04.
TEST(CalendarSpringFestival, TenWorkingDaysFromFebruary12) {
  // By hand, on the 2026 notice (春节 02-15..02-23 off; Saturdays 02-14 and 02-28 worked):
  //   02-13 Fri 1, 02-14 Sat (调休) 2, 02-15..02-23 holiday, 02-24 Tue 3, 02-25 4, 02-26 5, 02-27 Fri 6,
  //   02-28 Sat (调休) 7, 03-01 Sun off, 03-02 Mon 8, 03-03 9, 03-04 Wed 10.
  const WorkingDeadline deadline = shipped().add_working_days(d(2026, 2, 12), 10);
  EXPECT_EQ(deadline.date, d(2026, 3, 4));
  EXPECT_FALSE(deadline.fallback_used);
  EXPECT_EQ(deadline.note, "");
  EXPECT_EQ(shipped().working_days_between(d(2026, 2, 12), d(2026, 3, 4)), 10);
  // The plain Monday-Friday rule would have given 2026-02-26 instead.
  EXPECT_EQ(WorkingCalendar::plain().add_working_days(d(2026, 2, 12), 10).date, d(2026, 2, 26));
}

// Verifies 国庆 2026: 10-01..10-07 off, Saturday 10-10 worked, Sunday 10-11 not.
TEST(CalendarNationalDay, OctoberTenthIsAWorkday) {
  const auto& cal = shipped();
  for (unsigned day = 1; day <= 7; ++day)
    EXPECT_FALSE(cal.is_working_day(d(2026, 10, day))) << day;
  EXPECT_TRUE(cal.is_working_day(d(2026, 10, 8)));
  EXPECT_TRUE(cal.is_working_day(d(2026, 10, 9)));
  EXPECT_TRUE(cal.is_working_day(d(2026, 10, 10)));  // Saturday, 调休
  EXPECT_FALSE(cal.is_working_day(d(2026, 10, 11)));
  EXPECT_EQ(cal.add_working_days(d(2026, 9, 30), 1).date, d(2026, 10, 8));
  EXPECT_EQ(cal.add_working_days(d(2026, 9, 30), 3).date, d(2026, 10, 10));
  EXPECT_EQ(cal.add_working_days(d(2026, 9, 30), 4).date, d(2026, 10, 12));
  EXPECT_EQ(cal.working_days_between(d(2026, 9, 30), d(2026, 10, 11)), 3);
}

// Verifies a weekend make-up day counts as a working day and a weekday holiday does not.
TEST(CalendarMakeUpDays, WeekendWorkdayCountsAndWeekdayHolidayDoesNot) {
  const auto& cal = shipped();
  EXPECT_EQ(weekday{sys_days{d(2026, 2, 14)}}, Saturday);
  EXPECT_TRUE(cal.is_working_day(d(2026, 2, 14)));
  EXPECT_EQ(cal.add_working_days(d(2026, 2, 13), 1).date, d(2026, 2, 14));
  EXPECT_TRUE(cal.is_working_day(d(2026, 1, 4)));   // Sunday, 元旦调休
  EXPECT_TRUE(cal.is_working_day(d(2025, 1, 26)));  // Sunday, 春节调休 2025
  EXPECT_FALSE(cal.is_working_day(d(2026, 1, 1)));  // Thursday, 元旦
  EXPECT_FALSE(cal.is_working_day(d(2025, 10, 8)));
  // Ordinary days follow the weekday rule inside a covered year.
  EXPECT_TRUE(cal.is_working_day(d(2026, 3, 4)));
  EXPECT_FALSE(cal.is_working_day(d(2026, 3, 7)));
}

// Verifies a count reaching into 2027, which has no holiday notice yet, falls back and says so.
TEST(CalendarFallback, YearWithoutNoticeFallsBackToWeekdaysAndSaysSo) {
  // 12-31 Thu 1 (2026, covered), 2027-01-01 Fri 2 (no notice: counted although it will be 元旦),
  // 01-02/03 weekend, 01-04 Mon 3, 01-05 4, 01-06 5.
  const WorkingDeadline deadline = shipped().add_working_days(d(2026, 12, 30), 5);
  EXPECT_EQ(deadline.date, d(2027, 1, 6));
  EXPECT_TRUE(deadline.fallback_used);
  EXPECT_THAT(deadline.note, HasSubstr("2027"));
  EXPECT_THAT(deadline.note, HasSubstr("Monday-Friday"));
  EXPECT_THAT(deadline.note, Not(HasSubstr("2026")));
  // Staying inside 2026 needs no fallback.
  const WorkingDeadline inside = shipped().add_working_days(d(2026, 12, 28), 3);
  EXPECT_EQ(inside.date, d(2026, 12, 31));
  EXPECT_FALSE(inside.fallback_used);
  // A year before the file is not covered either.
  const WorkingDeadline before = shipped().add_working_days(d(2024, 12, 30), 2);
  EXPECT_EQ(before.date, d(2025, 1, 2));  // 2024-12-31 Tue, then 2025-01-02 (01-01 is 元旦)
  EXPECT_TRUE(before.fallback_used);
  EXPECT_THAT(before.note, HasSubstr("2024"));
}

// Verifies the note names every uncovered year crossed, and that n == 0 returns the start untouched.
TEST(CalendarFallback, NamesEveryUncoveredYearAndZeroIsStart) {
  const WorkingDeadline long_count = shipped().add_working_days(d(2026, 12, 31), 300);
  EXPECT_TRUE(long_count.fallback_used);
  EXPECT_THAT(long_count.note, HasSubstr("2027, 2028"));
  const WorkingDeadline zero = shipped().add_working_days(d(2027, 5, 1), 0);
  EXPECT_EQ(zero.date, d(2027, 5, 1));
  EXPECT_FALSE(zero.fallback_used);
}

// Verifies negative counts go backwards and working_days_between is antisymmetric.
TEST(CalendarCounting, BackwardsAndBetween) {
  const auto& cal = shipped();
  EXPECT_EQ(cal.add_working_days(d(2026, 3, 4), -10).date, d(2026, 2, 12));
  EXPECT_EQ(cal.working_days_between(d(2026, 3, 4), d(2026, 2, 12)), -10);
  EXPECT_EQ(cal.working_days_between(d(2026, 3, 4), d(2026, 3, 4)), 0);
  // (from, to]: a holiday `to` adds nothing, a working `to` adds one.
  EXPECT_EQ(cal.working_days_between(d(2026, 2, 13), d(2026, 2, 23)), 1);
  EXPECT_EQ(cal.working_days_between(d(2026, 2, 13), d(2026, 2, 24)), 2);
  // Adding then counting back agrees for every start day of a year.
  for (sys_days day = sys_days{d(2026, 1, 1)}; day < sys_days{d(2027, 1, 1)}; day += days{1}) {
    const Date start{day};
    const Date end = cal.add_working_days(start, 7).date;
    ASSERT_EQ(cal.working_days_between(start, end), 7) << format_date(start);
    ASSERT_TRUE(cal.is_working_day(end)) << format_date(start);
  }
}

// Verifies the plain calendar is Monday-Friday everywhere and always reports the fallback.
TEST(CalendarPlain, MondayToFridayEverywhere) {
  const WorkingCalendar plain = WorkingCalendar::plain();
  EXPECT_FALSE(plain.covers(year{2026}));
  EXPECT_TRUE(plain.is_working_day(d(2026, 10, 1)));    // a Thursday works on the plain rule
  EXPECT_FALSE(plain.is_working_day(d(2026, 10, 10)));  // a Saturday rests
  const WorkingDeadline deadline = plain.add_working_days(d(2026, 10, 9), 1);
  EXPECT_EQ(deadline.date, d(2026, 10, 12));
  EXPECT_TRUE(deadline.fallback_used);
  EXPECT_THAT(deadline.note, HasSubstr("2026"));
}

// Verifies the CSV reader tolerates BOM, CRLF, blank lines, spaces and commas in names.
TEST(CalendarCsv, ToleratesCommonFileVariations) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "date,kind,name\r\n"
      "2030-01-01,holiday,元旦\r\n"
      "\r\n"
      " 2030-01-05 , workday , 调休, 补班\r\n"
      "2030-01-07,holiday,\r\n";
  auto parsed = WorkingCalendar::parse_csv(csv);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->covers(year{2030}));
  EXPECT_FALSE(parsed->is_working_day(d(2030, 1, 1)));
  EXPECT_TRUE(parsed->is_working_day(d(2030, 1, 5)));  // Saturday
  EXPECT_FALSE(parsed->is_working_day(d(2030, 1, 7)));
  EXPECT_TRUE(parsed->is_working_day(d(2030, 1, 8)));
  // A header-only file is valid and covers nothing.
  auto empty = WorkingCalendar::parse_csv("date,kind,name\n");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->covered_years().empty());
}

// Verifies years inside the table's span but without rows are not covered.
TEST(CalendarCsv, GapYearsAreNotCovered) {
  auto parsed =
      WorkingCalendar::parse_csv("date,kind,name\n2025-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_FALSE(parsed->covers(year{2026}));
  EXPECT_TRUE(parsed->is_working_day(d(2026, 1, 1)));
  const WorkingDeadline deadline = parsed->add_working_days(d(2025, 12, 31), 1);
  EXPECT_EQ(deadline.date, d(2026, 1, 1));
  EXPECT_TRUE(deadline.fallback_used);
  EXPECT_THAT(deadline.note, HasSubstr("2026"));
}

// Verifies malformed files are refused with the line number and the reason.
TEST(CalendarCsv, RejectsMalformedRowsNamingTheLine) {
  EXPECT_THAT(parse_error(""), HasSubstr("header"));
  EXPECT_THAT(parse_error("day,type,label\n2026-01-01,holiday,元旦\n"), HasSubstr("line 1"));
  EXPECT_THAT(parse_error("2026-01-01,holiday,元旦\n"), HasSubstr("header"));

  const std::string unknown_kind =
      parse_error("date,kind,name\n2026-01-01,holiday,元旦\n2026-01-04,weekend,x\n");
  EXPECT_THAT(unknown_kind, HasSubstr("line 3"));
  EXPECT_THAT(unknown_kind, HasSubstr("unknown kind \"weekend\""));

  const std::string bad_date = parse_error("date,kind,name\r\n2026-02-30,holiday,x\r\n");
  EXPECT_THAT(bad_date, HasSubstr("line 2"));
  EXPECT_THAT(bad_date, HasSubstr("does not exist"));
  EXPECT_THAT(parse_error("date,kind,name\n2026-1-1,holiday,x\n"), HasSubstr("line 2"));

  const std::string missing = parse_error("date,kind,name\n2026-01-01,holiday,元旦\n\n2026-01-02,holiday\n");
  EXPECT_THAT(missing, HasSubstr("line 4"));
  EXPECT_THAT(missing, HasSubstr("three columns"));
  EXPECT_THAT(parse_error("date,kind,name\n2026-01-01\n"), HasSubstr("three columns"));

  const std::string duplicate = parse_error("date,kind,name\n2026-01-01,holiday,a\n2026-01-01,workday,b\n");
  EXPECT_THAT(duplicate, HasSubstr("line 3"));
  EXPECT_THAT(duplicate, HasSubstr("already listed on line 2"));

  EXPECT_EQ(WorkingCalendar::parse_csv("").error().code, ErrorCode::invalid);
}

}  // namespace
}  // namespace pactwatch::domain
