#pragma once
// Calendar dates and instants. Due dates are calendar dates in Asia/Shanghai; instants are UTC.
// Nothing here reads the clock: "now" always comes in as an explicit argument (as_of).

#include <chrono>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::domain {

using Date = std::chrono::year_month_day;
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

/** Strict ISO 8601 calendar date "YYYY-MM-DD" (years 1900-9999) that exists (no 2026-02-30). */
Result<Date> parse_date(std::string_view text);
/** "YYYY-MM-DD". */
std::string format_date(Date d);

/**
 * RFC 3339 instant, e.g. "2026-11-26T05:29:13Z" or with fractional seconds or a numeric offset
 * ("2026-11-26T13:29:13.5+08:00"). The zone is required ('Z' or ±HH:MM); 'T' and 'Z' may be lower case as
 * RFC 3339 allows. A fraction has 1-9 digits and is truncated (not rounded) to milliseconds. Leap seconds
 * (":60") are rejected because a UTC time point cannot hold them.
 */
Result<Instant> parse_instant(std::string_view text);
/** RFC 3339 in UTC with milliseconds and 'Z': "2026-11-26T05:29:13.000Z". */
std::string format_instant(Instant t);

/** Days from `from` to `to` (negative when `to` is earlier). */
inline int days_between(Date from, Date to) {
  return static_cast<int>((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count());
}
inline Date add_days(Date d, int days) {
  return Date{std::chrono::sys_days{d} + std::chrono::days{days}};
}

}  // namespace pactwatch::domain
