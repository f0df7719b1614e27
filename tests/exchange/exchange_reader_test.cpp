#include "adapters/platform/exchange/reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/platform/exchange/mapping.hpp"
#include "tests/exchange/exchange_database.hpp"
#include "tests/exchange/exchange_rows.hpp"

namespace pactwatch::platform::exchange {
namespace {

using ::testing::ElementsAre;
using testing::ExchangeDatabase;

/** Everything one pass gave: the rows handed over, the pages and the re-read duplicates. */
struct Pass {
  std::vector<std::string> keys;
  std::vector<ExchangeRow> rows;
  int pages = 0;
  std::size_t duplicates = 0;
};

/** Reads `table` page by page until caught up, persisting the cursor as text between pages. */
Pass read_pass(ExchangeReader& reader, ExchangeTable table, std::string& cursor_text) {
  Pass pass;
  for (int guard = 0; guard < 1000; ++guard) {
    auto cursor = ExchangeCursor::parse(cursor_text);
    EXPECT_TRUE(cursor.has_value());
    auto batch = reader.read_batch(table, cursor->tables[table]);
    EXPECT_TRUE(batch.has_value()) << (batch ? "" : batch.error().message);
    if (!batch) return pass;
    ++pass.pages;
    pass.duplicates += batch->duplicates;
    for (ExchangeRow& r : batch->rows) {
      pass.keys.push_back(r.key);
      pass.rows.push_back(std::move(r));
    }
    cursor->tables[table] = batch->cursor;
    cursor_text = cursor->to_text();
    if (batch->caught_up) return pass;
  }
  ADD_FAILURE() << "the pass never caught up";
  return pass;
}

ExchangeReaderPtr connect(const ExchangeDatabase& db, std::size_t page_size, int window = 300) {
  auto reader = ExchangeReader::connect(db.source(), ReaderOptions{page_size, window, 10, 60});
  if (!reader) throw std::runtime_error(reader.error().message);
  return std::move(*reader);
}

// Verifies that 万元 amounts arrive as exact decimal text and become exact fen, including the largest amount
// accepted (10^15 fen less one), whose decimal digits a double does not carry exactly.
TEST(ExchangeReader, ReadsAmountsAsExactDecimalText) {
  ExchangeDatabase db;
  auto small = testing::contract_values("HT-001", "CX-DEAL-001", "2024-01-10 09:00:00.000000");
  auto big = testing::contract_values("HT-002", "CX-DEAL-002", "2024-01-10 09:00:01.000000");
  big["CONTRACT_AMOUNT"] = "999999999.999999";
  db.insert("CONTRACT_INFO", small);
  db.insert("CONTRACT_INFO", big);
  auto reader = connect(db, 100);
  auto batch = reader->read_batch(ExchangeTable::contract, TableCursor{});
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  ASSERT_EQ(batch->rows.size(), 2u);
  EXPECT_EQ(batch->rows[0].value("CONTRACT_AMOUNT"), "12.345678");
  EXPECT_EQ(batch->rows[0].value("CONTRACT_NAME"), "楚雄市中小学智慧教室设备采购");
  EXPECT_EQ(batch->rows[0].value("SIGN_DATE"), "2024-01-10");
  EXPECT_EQ(batch->rows[0].data_timestamp, "2024-01-10 09:00:00.000000");
  const RowMapping a = map_row(batch->rows[0]);
  const RowMapping b = map_row(batch->rows[1]);
  ASSERT_FALSE(a.quarantined);
  ASSERT_FALSE(b.quarantined);
  EXPECT_EQ(a.agreements.at(0).value.value->fen, 12'345'678);  // 123,456.78 yuan
  EXPECT_EQ(b.agreements.at(0).value.value->fen, 999'999'999'999'999LL);
}

// Verifies incremental reading across pages: every row once, in (DATA_TIMESTAMP, key) order, rows sharing
// a timestamp split across a page boundary included, and a later pass returning only the new rows.
TEST(ExchangeReader, ReadsIncrementallyAcrossPages) {
  ExchangeDatabase db;
  const std::vector<std::pair<std::string, std::string>> rows{
      {"PAY-01", "2024-04-01 10:00:00.000000"}, {"PAY-02", "2024-04-01 10:00:01.000000"},
      {"PAY-05", "2024-04-01 10:00:02.000000"}, {"PAY-03", "2024-04-01 10:00:02.000000"},
      {"PAY-04", "2024-04-01 10:00:02.000000"}, {"PAY-06", "2024-04-01 10:00:03.500000"},
      {"PAY-07", "2024-04-01 10:00:04.000000"}};
  for (const auto& [code, ts] : rows)
    db.insert("CONTRACT_PAYMENT",
              testing::payment_values(code, "CX-DEAL-001", "HT-001", "1.000000", "2024-04-01", ts));
  auto reader = connect(db, 3, 0);
  std::string cursor;
  const Pass first = read_pass(*reader, ExchangeTable::payment, cursor);
  EXPECT_THAT(first.keys, ElementsAre("PAY-01", "PAY-02", "PAY-03", "PAY-04", "PAY-05", "PAY-06", "PAY-07"));
  EXPECT_EQ(first.pages, 3);  // 3 + 3 + 1
  EXPECT_EQ(first.duplicates, 0u);

  db.insert("CONTRACT_PAYMENT", testing::payment_values("PAY-08", "CX-DEAL-001", "HT-001", "2.500000",
                                                        "2024-04-02", "2024-04-02 08:00:00.000000"));
  const Pass second = read_pass(*reader, ExchangeTable::payment, cursor);
  EXPECT_THAT(second.keys, ElementsAre("PAY-08"));
  const Pass third = read_pass(*reader, ExchangeTable::payment, cursor);
  EXPECT_TRUE(third.keys.empty());
}

// Verifies the safety window: a row committed late with a DATA_TIMESTAMP below the cursor is still read,
// the rows the window reads again are dropped as duplicates, and nothing is handed over twice.
TEST(ExchangeReader, SafetyWindowReadsLateRowsWithoutDuplicates) {
  ExchangeDatabase db;
  for (int i = 1; i <= 4; ++i) {
    db.insert("CONTRACT_PAYMENT",
              testing::payment_values("PAY-0" + std::to_string(i), "CX-DEAL-001", "HT-001", "1.000000",
                                      "2024-04-01", "2024-04-01 10:0" + std::to_string(i) + ":00.000000"));
  }
  auto reader = connect(db, 2, 150);
  std::string cursor;
  EXPECT_EQ(read_pass(*reader, ExchangeTable::payment, cursor).keys.size(), 4u);

  // Stamped 2 minutes before the newest row but committed only now; and one far older than the window.
  db.insert("CONTRACT_PAYMENT", testing::payment_values("PAY-LATE", "CX-DEAL-001", "HT-001", "0.500000",
                                                        "2024-04-01", "2024-04-01 10:02:30.000000"));
  db.insert("CONTRACT_PAYMENT", testing::payment_values("PAY-ANCIENT", "CX-DEAL-001", "HT-001", "0.500000",
                                                        "2024-04-01", "2024-04-01 08:00:00.000000"));
  const Pass late = read_pass(*reader, ExchangeTable::payment, cursor);
  EXPECT_THAT(late.keys, ElementsAre("PAY-LATE"));
  EXPECT_EQ(late.duplicates, 3u);  // PAY-02..04 lie within 150 s of 10:04 and were read again
  EXPECT_EQ(late.rows.at(0).value("PAY_AMOUNT"), "0.500000");

  const Pass again = read_pass(*reader, ExchangeTable::payment, cursor);
  EXPECT_TRUE(again.keys.empty());
  EXPECT_GT(again.duplicates, 0u);
}

// Verifies that a changed row (new content, new DATA_TIMESTAMP) comes back as a new version with a new
// content hash, while a row re-stamped without any change is recognized as the same version.
TEST(ExchangeReader, ChangedRowIsANewVersionRestampedRowIsNot) {
  ExchangeDatabase db;
  db.insert("CONTRACT_PAYMENT", testing::payment_values("PAY-01", "CX-DEAL-001", "HT-001", "1.000000",
                                                        "2024-04-01", "2024-04-01 10:00:00.000000"));
  db.insert("CONTRACT_PAYMENT", testing::payment_values("PAY-02", "CX-DEAL-001", "HT-001", "2.000000",
                                                        "2024-04-01", "2024-04-01 10:00:10.000000"));
  auto reader = connect(db, 10, 300);
  std::string cursor;
  const Pass first = read_pass(*reader, ExchangeTable::payment, cursor);
  ASSERT_EQ(first.rows.size(), 2u);

  db.execute(
      "UPDATE CONTRACT_PAYMENT SET PAY_AMOUNT = 1.250000, DATA_TIMESTAMP = '2024-04-01 10:01:00' "
      "WHERE PAYMENT_CODE = 'PAY-01'");
  db.execute(
      "UPDATE CONTRACT_PAYMENT SET DATA_TIMESTAMP = '2024-04-01 10:01:05' WHERE PAYMENT_CODE = 'PAY-02'");
  const Pass second = read_pass(*reader, ExchangeTable::payment, cursor);
  ASSERT_THAT(second.keys, ElementsAre("PAY-01"));
  EXPECT_NE(second.rows[0].content_hash, first.rows[0].content_hash);
  EXPECT_EQ(second.rows[0].value("PAY_AMOUNT"), "1.250000");
  EXPECT_EQ(second.duplicates, 1u);
}

// Verifies that an unreachable exchange database is reported as `unavailable`, naming the source without
// its password, rather than thrown.
TEST(ExchangeReader, UnreachableServerIsUnavailable) {
  auto source = ExchangeSource::parse("mysql://pw:secret@localhost/exchange?socket=/nonexistent/mysqld.sock");
  ASSERT_TRUE(source.has_value());
  auto reader = ExchangeReader::connect(*source);
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, domain::ErrorCode::unavailable);
  EXPECT_THAT(reader.error().message, ::testing::HasSubstr("/nonexistent/mysqld.sock"));
  EXPECT_THAT(reader.error().message, ::testing::Not(::testing::HasSubstr("secret")));
}

// Verifies that a missing table is an error of the read (not a crash and not an empty page).
TEST(ExchangeReader, MissingTableIsAnError) {
  ExchangeDatabase db;
  db.execute("DROP TABLE CONTRACT_CHANGE");
  auto reader = connect(db, 10);
  auto batch = reader->read_batch(ExchangeTable::change, TableCursor{});
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code, domain::ErrorCode::invalid);
  EXPECT_THAT(batch.error().message, ::testing::HasSubstr("CONTRACT_CHANGE"));
}

}  // namespace
}  // namespace pactwatch::platform::exchange
