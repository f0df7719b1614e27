#pragma once
// The official working-day calendar (工作日历): State Council holidays and make-up working days (调休).
// Deadlines set by the breach workflow are counted in working days on it. The domain does not read
// files: the caller passes the text of config/calendar/*.csv.

#include <set>
#include <string>
#include <string_view>

#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::domain {

/** A deadline counted in working days, and whether any counted day fell in a year the calendar lacks. */
struct WorkingDeadline {
  Date date;
  bool fallback_used = false;  ///< true when a year without a holiday notice was counted as plain Mon-Fri
  std::string note;            ///< says which years fell back, empty otherwise
};

class WorkingCalendar {
 public:
  /**
   * Parses CSV text with the header "date,kind,name" and rows "YYYY-MM-DD,holiday|workday,名称". A date not
   * listed follows the plain rule (Mon-Fri work). The years covered are those with at least one row.
   * A malformed row is an `invalid` error naming its line number.
   */
  static Result<WorkingCalendar> parse_csv(std::string_view text);
  /** A calendar that knows no holidays: plain Monday-Friday everywhere. */
  static WorkingCalendar plain() { return WorkingCalendar{}; }

  bool covers(std::chrono::year y) const { return years_.contains(static_cast<int>(y)); }
  bool is_working_day(Date d) const;
  /** The n-th working day after `start` (start itself not counted); n >= 0, n == 0 returns start. */
  WorkingDeadline add_working_days(Date start, int n) const;
  /** Working days in (from, to]: the number of working days after `from` up to and including `to`. */
  int working_days_between(Date from, Date to) const;

 private:
  std::set<int> years_;
  std::set<Date> holidays_;
  std::set<Date> workdays_;
};

}  // namespace pactwatch::domain
