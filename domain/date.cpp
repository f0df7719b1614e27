#include "domain/date.hpp"

#include <cstdint>
#include <string>

namespace pactwatch::domain {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/** Reads `count` digits at `pos`; -1 if any of them is not a digit. */
int read_digits(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::unexpected<Error> reject(std::string_view what, std::string_view text, std::string_view reason) {
  std::string message;
  message.append(what);
  message += " \"";
  message.append(text);
  message += "\" is invalid: ";
  message.append(reason);
  return fail(ErrorCode::invalid, std::move(message));
}

/** Parses the "YYYY-MM-DD" prefix shared by dates and instants; `text` has at least 10 characters. */
Result<Date> parse_date_part(std::string_view text, std::string_view what, std::string_view whole) {
  const int year = read_digits(text, 0, 4);
  const int month = read_digits(text, 5, 2);
  const int day = read_digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-') {
    return reject(what, whole, "expected YYYY-MM-DD with zero-padded month and day");
  }
  if (year < kMinYear || year > kMaxYear)
    return reject(what, whole, "the year must be between 1900 and 9999");
  if (month < 1 || month > 12) return reject(what, whole, "the month must be 01-12");
  const Date date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return reject(what, whole, "that day does not exist in that month");
  return date;
}

/** Appends `value` zero-padded to `width` digits. */
void append_padded(std::string& out, long long value, int width) {
  std::string digits = std::to_string(value);
  if (digits.size() < static_cast<std::size_t>(width)) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

void append_date(std::string& out, Date d) {
  append_padded(out, static_cast<int>(d.year()), 4);
  out += '-';
  append_padded(out, static_cast<unsigned>(d.month()), 2);
  out += '-';
  append_padded(out, static_cast<unsigned>(d.day()), 2);
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
  if (text.size() != 10) return reject("date", text, "expected exactly YYYY-MM-DD (10 characters)");
  return parse_date_part(text, "date", text);
}

std::string format_date(Date d) {
  std::string out;
  out.reserve(10);
  append_date(out, d);
  return out;
}

Result<Instant> parse_instant(std::string_view text) {
  constexpr std::string_view kWhat = "instant";
  // The fixed part "YYYY-MM-DDTHH:MM:SS" is 19 characters; the zone after it is checked below.
  if (text.size() < 19) {
    return reject(kWhat, text, "expected RFC 3339, e.g. 2026-11-26T05:29:13Z or 2026-11-26T13:29:13+08:00");
  }
  auto date = parse_date_part(text, kWhat, text);
  if (!date) return std::unexpected(date.error());
  if (text[10] != 'T' && text[10] != 't') return reject(kWhat, text, "expected 'T' between date and time");

  const int hour = read_digits(text, 11, 2);
  const int minute = read_digits(text, 14, 2);
  const int second = read_digits(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || text[13] != ':' || text[16] != ':') {
    return reject(kWhat, text, "expected the time as HH:MM:SS");
  }
  if (hour > 23 || minute > 59) return reject(kWhat, text, "the time of day is out of range");
  // RFC 3339 allows a leap second 60; UTC time points here cannot hold one, so it is refused by name.
  if (second == 60) return reject(kWhat, text, "leap seconds (:60) are not supported");
  if (second > 59) return reject(kWhat, text, "the seconds are out of range");

  // Optional fraction: 1 to 9 digits (down to nanoseconds), truncated to milliseconds.
  std::size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      if (pos - start < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - start;
    if (digits == 0) return reject(kWhat, text, "a '.' must be followed by fractional-second digits");
    if (digits > 9) return reject(kWhat, text, "more than 9 fractional-second digits");
    for (std::size_t i = digits; i < 3; ++i)
      millis *= 10;
  }

  // The zone is mandatory: 'Z' or a numeric offset ±HH:MM.
  if (pos >= text.size())
    return reject(kWhat, text, "the time zone is missing (add Z or an offset like +08:00)");
  int offset_minutes = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int offset_hours = read_digits(zone, 1, 2);
    const int offset_mins = read_digits(zone, 4, 2);
    if (offset_hours < 0 || offset_mins < 0 || offset_hours > 23 || offset_mins > 59) {
      return reject(kWhat, text, "the zone offset must be ±HH:MM within ±23:59");
    }
    offset_minutes = (offset_hours * 60 + offset_mins) * (zone[0] == '-' ? -1 : 1);
  } else {
    return reject(kWhat, text, "expected Z or an offset like +08:00 after the time, and nothing else");
  }

  using namespace std::chrono;
  const auto local = sys_days{*date} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{millis};
  // A local time at offset +08:00 is 8 hours ahead of UTC, so UTC = local - offset.
  return Instant{local - minutes{offset_minutes}};
}

std::string format_instant(Instant t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const hh_mm_ss<milliseconds> time{t - day};
  std::string out;
  out.reserve(24);
  append_date(out, Date{day});
  out += 'T';
  append_padded(out, time.hours().count(), 2);
  out += ':';
  append_padded(out, time.minutes().count(), 2);
  out += ':';
  append_padded(out, time.seconds().count(), 2);
  out += '.';
  append_padded(out, time.subseconds().count(), 3);
  out += 'Z';
  return out;
}

}  // namespace pactwatch::domain
