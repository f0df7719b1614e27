#pragma once
// The one CSV writer of every CSV the service produces (lists with ?format=csv, integrity rankings,
// trail.csv): RFC 4180 quoting, CRLF line ends, a UTF-8 BOM (spreadsheet programs then read Chinese text
// correctly), and formula-cell defusing.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pactwatch::server {

/**
 * One CSV cell. Text starting with = + - @ TAB or CR would run as a formula in a spreadsheet (CSV injection,
 * OWASP): it gets a leading apostrophe, except a plain decimal number such as -12.50. The cell is then
 * quoted, quotes doubled, when it holds a comma, quote, CR or LF.
 */
std::string csv_cell(std::string_view text);

/** A CSV document built row by row: the BOM first, each row's cells through csv_cell, CRLF after each row. */
class CsvWriter {
 public:
  CsvWriter();
  void row(std::initializer_list<std::string_view> cells);
  void row(const std::vector<std::string>& cells);
  /** The document so far (moved out). */
  std::string take() { return std::move(out_); }

 private:
  template <class Cells>
  void append(const Cells& cells);
  std::string out_;
};

}  // namespace pactwatch::server
