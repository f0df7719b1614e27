#include "server/csv.hpp"

#include <algorithm>

namespace pactwatch::server {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/** -?digits(.digits)?: a number a spreadsheet reads as a number, never as a formula. */
bool plain_number(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  const auto point = text.find('.');
  const auto whole = text.substr(0, point);
  const auto fraction = point == std::string_view::npos ? std::string_view("0") : text.substr(point + 1);
  return !whole.empty() && !fraction.empty() && std::all_of(whole.begin(), whole.end(), is_digit) &&
         std::all_of(fraction.begin(), fraction.end(), is_digit);
}

}  // namespace

std::string csv_cell(std::string_view text) {
  std::string value;
  constexpr std::string_view kFormulaStart("=+-@\t\r");
  if (!text.empty() && kFormulaStart.find(text.front()) != std::string_view::npos && !plain_number(text))
    value += '\'';
  value += text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

CsvWriter::CsvWriter() : out_("\xEF\xBB\xBF") {}

template <class Cells>
void CsvWriter::append(const Cells& cells) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out_ += ',';
    first = false;
    out_ += csv_cell(cell);
  }
  out_ += "\r\n";
}

void CsvWriter::row(std::initializer_list<std::string_view> cells) {
  append(cells);
}

void CsvWriter::row(const std::vector<std::string>& cells) {
  append(cells);
}

}  // namespace pactwatch::server
