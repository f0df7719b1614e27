#pragma once
// The official working-day calendar (工作日历): State Council holidays and make-up working days (调休).
// Deadlines set by the breach workflow are counted in working days on it. The domain does not read
// files: the caller passes the text of config/calendar/*.csv.

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::domain {

/** A deadline counted in working days, and whether any counted day fell in a year the calendar lacks. */
struct WorkingDeadline {
  Date date;
  bool fallback_used = false;  ///< true when a year without a holiday notice was counted as plain Mon-Fri
  std::string note;            ///< says which years fell back, empty otherwise
};

/**
 * Which days are worked: State Council holidays and 调休 make-up working days for the covered years, plain
 * Monday-Friday elsewhere. Immutable after parsing; safe to share between threads.
 */
class WorkingCalendar {
 public:
  /**
   * Parses CSV text with the header "date,kind,name" and rows "YYYY-MM-DD,holiday|workday,名称". A date not
   * listed follows the plain rule (Mon-Fri work). The years covered are those with at least one row.
   * A malformed row is an `invalid` error naming its line number.
   *
   * Tolerated: a UTF-8 byte-order mark, CRLF line ends, blank lines (including a trailing newline), and
   * spaces around fields. The name may be empty and may contain commas (everything after the second
   * comma). Rejected: a missing or different header, fewer than three columns, a bad date, a kind other
   * than holiday/workday, and a date listed twice.
   */
  static Result<WorkingCalendar> parse_csv(std::string_view text);
  /** A calendar that knows no holidays: plain Monday-Friday everywhere. */
  static WorkingCalendar plain() { return WorkingCalendar{}; }

  bool covers(std::chrono::year y) const { return years_.contains(static_cast<int>(y)); }
  /** The years with at least one row in the calendar file, ascending. */
  const std::set<int>& covered_years() const { return years_; }
  /** O(1): one table lookup for covered years, the weekday otherwise. */
  bool is_working_day(Date d) const;
  /**
   * The n-th working day after `start` (start itself not counted); n == 0 returns start, and n < 0 counts
   * backwards (the |n|-th working day before start). `fallback_used` is set when any day examined on the
   * way lay in a year the calendar does not cover; `note` then names those years.
   */
  WorkingDeadline add_working_days(Date start, int n) const;
  /**
   * Working days in (from, to]: the number of working days after `from` up to and including `to`. When
   * `to` is before `from` the result is minus the working days in (to, from].
   */
  int working_days_between(Date from, Date to) const;

 private:
  /** Per-day flags in `days_`. */
  static constexpr std::uint8_t kWorking = 1;
  static constexpr std::uint8_t kCovered = 2;

  /** kWorking/kCovered for `d`; days outside the table are uncovered and follow the weekday rule. */
  std::uint8_t day_flags(std::chrono::sys_days d) const;

  std::set<int> years_;
  std::chrono::sys_days first_day_{};  ///< January 1 of the first covered year
  std::vector<std::uint8_t> days_;     ///< one entry per day from first_day_ to Dec 31 of the last year
};

}  // namespace pactwatch::domain
