// The one CSV writer (server/csv.hpp): formula-cell defusing and RFC 4180 quoting.
#include "server/csv.hpp"

#include <gtest/gtest.h>

namespace pactwatch::server {
namespace {

// Verifies that a cell a spreadsheet would run as a formula (= + - @ TAB CR first) gets a leading
// apostrophe, while plain numbers, negative ones included, stay numbers.
TEST(CsvTest, FormulaCellsAreDefused) {
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
  EXPECT_EQ(csv_cell("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(csv_cell("\t=1"), "'\t=1");
  EXPECT_EQ(csv_cell("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(csv_cell("-12.50"), "-12.50");
  EXPECT_EQ(csv_cell("-7"), "-7");
  EXPECT_EQ(csv_cell("-"), "'-");
  EXPECT_EQ(csv_cell("楚雄州"), "楚雄州");
  EXPECT_EQ(csv_cell(""), "");
}

// Verifies RFC 4180 quoting (only when needed, quotes doubled) and the document's BOM and CRLF rows.
TEST(CsvTest, QuotesOnlyWhenNeededAndWritesBomAndCrlf) {
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  CsvWriter csv;
  csv.row({"id", "name"});
  csv.row(std::vector<std::string>{"1", "=HYPERLINK(\"x\")"});
  EXPECT_EQ(csv.take(), "\xEF\xBB\xBFid,name\r\n1,\"'=HYPERLINK(\"\"x\"\")\"\r\n");
}

}  // namespace
}  // namespace pactwatch::server
