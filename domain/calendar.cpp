#include "domain/calendar.hpp"

#include <map>
#include <string>
#include <utility>

#include "domain/text.hpp"

namespace pactwatch::domain {
namespace {

using std::chrono::sys_days;

constexpr std::string_view kHeader = "date,kind,name";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/** The plain rule: Monday to Friday are worked. */
bool is_weekday(sys_days d) {
  const std::chrono::weekday wd{d};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

std::unexpected<Error> reject_line(std::size_t line, std::string_view reason) {
  std::string message = "working-day calendar, line ";
  message += std::to_string(line);
  message += ": ";
  message.append(reason);
  return fail(ErrorCode::invalid, std::move(message));
}

/** One parsed row: whether the date is worked, and the line it came from (for duplicate errors). */
struct Row {
  bool working = false;
  std::size_t line = 0;
};

/** Parses one data row into `rows`; `line` is 1-based. */
Result<void> parse_row(std::string_view raw, std::size_t line, std::map<sys_days, Row>& rows) {
  const auto first_comma = raw.find(',');
  const auto second_comma =
      first_comma == std::string_view::npos ? first_comma : raw.find(',', first_comma + 1);
  if (second_comma == std::string_view::npos) {
    return reject_line(line, "expected three columns date,kind,name");
  }
  const std::string_view date_text = trim_blanks(raw.substr(0, first_comma));
  const std::string_view kind = trim_blanks(raw.substr(first_comma + 1, second_comma - first_comma - 1));

  auto date = parse_date(date_text);
  if (!date) return reject_line(line, date.error().message);
  bool working = false;
  if (kind == "holiday") {
    working = false;
  } else if (kind == "workday") {
    working = true;
  } else {
    return reject_line(line, "unknown kind \"" + std::string(kind) + "\" (expected holiday or workday)");
  }
  const auto [it, inserted] = rows.try_emplace(sys_days{*date}, Row{working, line});
  if (!inserted) {
    return reject_line(line,
                       format_date(*date) + " is already listed on line " + std::to_string(it->second.line));
  }
  return {};
}

/** "2027" or "2027, 2028". */
std::string join_years(const std::set<int>& years) {
  std::string out;
  for (int y : years) {
    if (!out.empty()) out += ", ";
    out += std::to_string(y);
  }
  return out;
}

}  // namespace

Result<WorkingCalendar> WorkingCalendar::parse_csv(std::string_view text) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  std::map<sys_days, Row> rows;
  std::size_t line = 0;
  bool header_seen = false;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line;
    if (raw.ends_with('\r')) raw.remove_suffix(1);

    if (!header_seen) {
      if (trim_blanks(raw) != kHeader) return reject_line(line, "expected the header \"date,kind,name\"");
      header_seen = true;
      continue;
    }
    if (trim_blanks(raw).empty()) continue;
    if (auto parsed = parse_row(raw, line, rows); !parsed) return std::unexpected(parsed.error());
  }
  if (!header_seen) return reject_line(1, "the file is empty; expected the header \"date,kind,name\"");

  WorkingCalendar calendar;
  if (rows.empty()) return calendar;
  for (const auto& [day, row] : rows)
    calendar.years_.insert(static_cast<int>(std::chrono::year_month_day{day}.year()));

  // One flag byte per day of every year from the first to the last covered one.
  using namespace std::chrono;
  const int first_year = *calendar.years_.begin();
  const int last_year = *calendar.years_.rbegin();
  calendar.first_day_ = sys_days{year{first_year} / January / 1};
  const sys_days end_day = sys_days{year{last_year + 1} / January / 1};
  calendar.days_.resize(static_cast<std::size_t>((end_day - calendar.first_day_).count()));
  for (sys_days d = calendar.first_day_; d < end_day; d += days{1}) {
    const bool covered = calendar.years_.contains(static_cast<int>(year_month_day{d}.year()));
    std::uint8_t flags = covered ? kCovered : 0;
    if (is_weekday(d)) flags |= kWorking;
    calendar.days_[static_cast<std::size_t>((d - calendar.first_day_).count())] = flags;
  }
  for (const auto& [day, row] : rows) {
    auto& flags = calendar.days_[static_cast<std::size_t>((day - calendar.first_day_).count())];
    flags = static_cast<std::uint8_t>(kCovered | (row.working ? kWorking : 0));
  }
  return calendar;
}

std::uint8_t WorkingCalendar::day_flags(sys_days d) const {
  const auto offset = (d - first_day_).count();
  if (offset >= 0 && static_cast<std::size_t>(offset) < days_.size()) {
    return days_[static_cast<std::size_t>(offset)];
  }
  return is_weekday(d) ? kWorking : 0;
}

bool WorkingCalendar::is_working_day(Date d) const {
  return (day_flags(sys_days{d}) & kWorking) != 0;
}

WorkingDeadline WorkingCalendar::add_working_days(Date start, int n) const {
  const std::chrono::days step{n >= 0 ? 1 : -1};
  // Counted in 64 bits so that n == INT_MIN has a magnitude.
  long long remaining = n >= 0 ? static_cast<long long>(n) : -static_cast<long long>(n);
  std::set<int> fallback_years;
  sys_days d{start};
  while (remaining > 0) {
    d += step;
    const std::uint8_t flags = day_flags(d);
    if ((flags & kCovered) == 0) fallback_years.insert(static_cast<int>(Date{d}.year()));
    if ((flags & kWorking) != 0) --remaining;
  }

  WorkingDeadline deadline{Date{d}, !fallback_years.empty(), {}};
  if (deadline.fallback_used) {
    deadline.note = "no holiday notice loaded for " + join_years(fallback_years) +
                    "; counted Monday-Friday as working days there";
  }
  return deadline;
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
  const sys_days a{from};
  const sys_days b{to};
  const bool backwards = b < a;
  const sys_days low = backwards ? b : a;
  const sys_days high = backwards ? a : b;
  int count = 0;
  for (sys_days d = low + std::chrono::days{1}; d <= high; d += std::chrono::days{1}) {
    if ((day_flags(d) & kWorking) != 0) ++count;
  }
  return backwards ? -count : count;
}

}  // namespace pactwatch::domain
