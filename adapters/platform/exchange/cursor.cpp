#include "adapters/platform/exchange/cursor.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace pactwatch::platform::exchange {
namespace {

using json = nlohmann::json;
using Micros = std::chrono::sys_time<std::chrono::microseconds>;

bool read_int(std::string_view text, std::size_t at, std::size_t len, int& out) {
  const char* first = text.data() + at;
  const auto [end, ec] = std::from_chars(first, first + len, out);
  return ec == std::errc{} && end == first + len;
}

domain::Result<Micros> parse_timestamp(std::string_view t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, us = 0;
  const bool shape = t.size() == 26 && t[4] == '-' && t[7] == '-' && t[10] == ' ' && t[13] == ':' &&
                     t[16] == ':' && t[19] == '.';
  if (!shape || !read_int(t, 0, 4, y) || !read_int(t, 5, 2, mo) || !read_int(t, 8, 2, d) ||
      !read_int(t, 11, 2, h) || !read_int(t, 14, 2, mi) || !read_int(t, 17, 2, s) ||
      !read_int(t, 20, 6, us)) {
    return domain::fail(domain::ErrorCode::invalid,
                        "timestamp \"" + std::string(t) + "\" is not YYYY-MM-DD HH:MM:SS.ffffff",
                        "timestamp");
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return domain::fail(domain::ErrorCode::invalid, "timestamp \"" + std::string(t) + "\" does not exist",
                        "timestamp");
  }
  return Micros{std::chrono::sys_days{ymd}} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s} + std::chrono::microseconds{us};
}

std::string format_timestamp(Micros t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%06lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
  return buf;
}

json position_json(const std::optional<Position>& p) {
  return p ? json::array({p->timestamp, p->key}) : json(nullptr);
}

std::optional<Position> position_from(const json& j) {
  if (j.is_array() && j.size() == 2 && j[0].is_string() && j[1].is_string())
    return Position{j[0].get<std::string>(), j[1].get<std::string>()};
  if (!j.is_null()) throw std::invalid_argument("a position is [timestamp, key] or null");
  return std::nullopt;
}

}  // namespace

domain::Result<std::string> timestamp_minus(std::string_view timestamp, int seconds) {
  auto t = parse_timestamp(timestamp);
  if (!t) return std::unexpected(t.error());
  const Micros earliest = *parse_timestamp(kBeginningOfTime);
  const Micros start = *t - std::chrono::seconds{seconds};
  return format_timestamp(std::max(start, earliest));
}

std::string ExchangeCursor::to_text() const {
  json tables = json::object();
  for (const auto& [table, c] : this->tables) {
    json recent = json::array();
    for (const SeenRow& r : c.recent)
      recent.push_back(json::array({r.key, r.content_hash, r.timestamp}));
    tables[std::string(to_string(table))] = {
        {"high", position_json(c.high)}, {"scan", position_json(c.scan)}, {"recent", recent}};
  }
  return json{{"version", 1}, {"tables", tables}}.dump();
}

domain::Result<ExchangeCursor> ExchangeCursor::parse(std::string_view text) {
  ExchangeCursor out;
  if (text.empty()) return out;
  const auto bad = [&](const std::string& why) {
    return domain::fail(domain::ErrorCode::invalid, "exchange cursor: " + why, "cursor");
  };
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 1 || !j.contains("tables") ||
      !j["tables"].is_object()) {
    return bad("not a version 1 cursor");
  }
  try {
    for (const auto& [name, c] : j["tables"].items()) {
      const auto table = table_from_string(name);
      if (!table) return bad("unknown table " + name);
      TableCursor tc;
      tc.high = position_from(c.at("high"));
      tc.scan = position_from(c.at("scan"));
      for (const json& r : c.at("recent"))
        tc.recent.push_back(
            {r.at(0).get<std::string>(), r.at(1).get<std::string>(), r.at(2).get<std::string>()});
      for (const auto* p : {&tc.high, &tc.scan}) {
        if (*p && !parse_timestamp((*p)->timestamp)) return bad("bad timestamp in " + name);
      }
      out.tables[*table] = std::move(tc);
    }
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  return out;
}

domain::Result<Position> batch_start(const TableCursor& cursor, int safety_window_seconds) {
  if (cursor.scan) return *cursor.scan;
  if (!cursor.high) return Position{std::string(kBeginningOfTime), ""};
  // A new pass re-reads the window below the high position: rows committed late land there.
  auto start = timestamp_minus(cursor.high->timestamp, safety_window_seconds);
  if (!start) return std::unexpected(start.error());
  return Position{*start, ""};
}

domain::Result<Batch> fold_page(ExchangeTable table, const TableCursor& before,
                                std::vector<ExchangeRow> fetched, std::size_t page_size,
                                int safety_window_seconds) {
  Batch batch;
  batch.table = table;
  batch.fetched = fetched.size();
  batch.caught_up = fetched.size() < page_size;
  TableCursor c = before;
  std::map<std::string, SeenRow> recent;
  for (SeenRow& r : c.recent)
    recent.emplace(r.key, std::move(r));
  for (ExchangeRow& row : fetched) {
    const Position p{row.data_timestamp, row.key};
    c.scan = p;
    if (!c.high || *c.high < p) c.high = p;
    auto it = recent.find(row.key);
    if (it != recent.end() && it->second.content_hash == row.content_hash) {
      ++batch.duplicates;
      it->second.timestamp = std::max(it->second.timestamp, row.data_timestamp);
      continue;
    }
    recent[row.key] = SeenRow{row.key, row.content_hash, row.data_timestamp};
    batch.rows.push_back(std::move(row));
  }
  if (batch.caught_up) c.scan.reset();
  // Remember only what the next pass's window can read again.
  c.recent.clear();
  if (c.high) {
    auto floor = timestamp_minus(c.high->timestamp, safety_window_seconds);
    if (!floor) return std::unexpected(floor.error());
    for (auto& [key, r] : recent) {
      if (r.timestamp >= *floor) c.recent.push_back(std::move(r));
    }
  }
  batch.cursor = std::move(c);
  return batch;
}

}  // namespace pactwatch::platform::exchange
