#include "adapters/platform/exchange/cursor.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pactwatch::platform::exchange {
namespace {

ExchangeRow payment(const std::string& key, const std::string& ts, const std::string& amount = "1.000000") {
  std::map<std::string, std::optional<std::string>, std::less<>> columns;
  for (const Column& c : table_info(ExchangeTable::payment).columns)
    columns.emplace(std::string(c.name), std::nullopt);
  columns["PAYMENT_CODE"] = key;
  columns["PAY_AMOUNT"] = amount;
  return make_row(ExchangeTable::payment, std::move(columns), ts);
}

// Verifies that the cursor survives its text form exactly, and that bad text is rejected, not guessed.
TEST(ExchangeCursor, RoundTripsThroughText) {
  ExchangeCursor c;
  c.tables[ExchangeTable::payment] = TableCursor{Position{"2024-04-01 10:00:00.000000", "PAY-1"},
                                                 Position{"2024-04-01 09:00:00.000000", "PAY-0"},
                                                 {SeenRow{"PAY-1", "abc", "2024-04-01 10:00:00.000000"}}};
  c.tables[ExchangeTable::contract] = TableCursor{};
  auto back = ExchangeCursor::parse(c.to_text());
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, c);
  EXPECT_TRUE(ExchangeCursor::parse("").has_value());
  EXPECT_FALSE(ExchangeCursor::parse("{").has_value());
  EXPECT_FALSE(ExchangeCursor::parse(R"({"version":1,"tables":{"NOPE":{}}})").has_value());
  EXPECT_FALSE(
      ExchangeCursor::parse(
          R"({"version":1,"tables":{"CONTRACT_INFO":{"high":["yesterday","k"],"scan":null,"recent":[]}}})")
          .has_value());
}

// Verifies the window arithmetic across midnight and the floor at MariaDB's earliest DATETIME.
TEST(ExchangeCursor, TimestampMinusSeconds) {
  EXPECT_EQ(timestamp_minus("2024-03-01 00:01:00.250000", 300).value(), "2024-02-29 23:56:00.250000");
  EXPECT_EQ(timestamp_minus("1000-01-01 00:00:10.000000", 300).value(), std::string(kBeginningOfTime));
  EXPECT_FALSE(timestamp_minus("2024-02-30 00:00:00.000000", 1).has_value());
}

// Verifies that a pass starts a window below the high position, a page continues from the scan position,
// and a short page ends the pass.
TEST(ExchangeCursor, BatchStartAndPassEnd) {
  EXPECT_EQ(batch_start(TableCursor{}, 300).value().timestamp, kBeginningOfTime);
  TableCursor c;
  c.high = Position{"2024-04-01 10:00:00.000000", "K"};
  EXPECT_EQ(batch_start(c, 300).value(), (Position{"2024-04-01 09:55:00.000000", ""}));
  c.scan = Position{"2024-04-01 09:58:00.000000", "J"};
  EXPECT_EQ(batch_start(c, 300).value(), *c.scan);

  auto full = fold_page(
      ExchangeTable::payment, TableCursor{},
      {payment("A", "2024-04-01 10:00:00.000000"), payment("B", "2024-04-01 10:00:01.000000")}, 2, 300);
  ASSERT_TRUE(full.has_value());
  EXPECT_FALSE(full->caught_up);
  EXPECT_EQ(full->cursor.scan, (Position{"2024-04-01 10:00:01.000000", "B"}));
  auto rest = fold_page(ExchangeTable::payment, full->cursor, {}, 2, 300);
  EXPECT_TRUE(rest->caught_up);
  EXPECT_FALSE(rest->cursor.scan.has_value());
  EXPECT_EQ(rest->cursor.high, (Position{"2024-04-01 10:00:01.000000", "B"}));
}

// Verifies deduplication by (key, content hash): the same row again is dropped, a new version is kept,
// and rows that fall out of the window are forgotten so the cursor stays small.
TEST(ExchangeCursor, DeduplicatesByKeyAndHashWithinTheWindow) {
  auto first = fold_page(
      ExchangeTable::payment, TableCursor{},
      {payment("A", "2024-04-01 10:00:00.000000"), payment("B", "2024-04-01 10:04:00.000000")}, 10, 300);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->rows.size(), 2u);
  auto second = fold_page(
      ExchangeTable::payment, first->cursor,
      {payment("A", "2024-04-01 10:00:00.000000"), payment("B", "2024-04-01 10:04:00.000000", "2.000000"),
       payment("C", "2024-04-01 10:20:00.000000")},
      10, 300);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->duplicates, 1u);
  ASSERT_EQ(second->rows.size(), 2u);
  EXPECT_EQ(second->rows[0].key, "B");
  EXPECT_EQ(second->rows[1].key, "C");
  // Only C is within 300 s of the new high (10:20); A and B are forgotten.
  ASSERT_EQ(second->cursor.recent.size(), 1u);
  EXPECT_EQ(second->cursor.recent[0].key, "C");
}

}  // namespace
}  // namespace pactwatch::platform::exchange
