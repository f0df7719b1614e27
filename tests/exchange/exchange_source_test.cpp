// The exchange database as a sync source (adapters/sync/exchange_source.hpp) through the real store: rows
// read incrementally by (DATA_TIMESTAMP, key), a late commit caught by the safety window, rows read twice
// stored once, a changed row stored as an update, a run stopped between batches continued by the next, and
// the lease and an unreachable database ending a run cleanly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "adapters/sync/exchange_source.hpp"
#include "tests/exchange/exchange_database.hpp"
#include "tests/exchange/exchange_rows.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;
using pactwatch::testing::ExchangeDatabase;

std::string exchange_url(const platform::exchange::ExchangeSource& s) {
  std::string url = "mysql://" + s.user + (s.password.empty() ? "" : ":" + s.password) + "@" + s.host + ":" +
                    std::to_string(s.port) + "/" + s.database;
  if (!s.socket.empty()) url += "?socket=" + s.socket;
  return url;
}

/** One run of source "x" over `url`, `page` rows per batch, the default 300 s safety window. */
domain::Result<RunReport> run(SyncDb& db, const std::string& url, std::size_t page = 500,
                              std::function<bool()> should_stop = {}, const std::string& owner = "test") {
  SyncStore store(*db.db);
  ExchangeSyncOptions options;
  options.reader.page_size = page;
  RunOptions run_options;
  run_options.source = "x";
  run_options.owner = owner;
  run_options.should_stop = std::move(should_stop);
  return run_source(store, run_options, exchange_source_sync(store, url, options));
}

void insert_contract(ExchangeDatabase& x, const std::string& code, const std::string& ts) {
  x.insert("CONTRACT_INFO", pactwatch::testing::contract_values("HT-" + code, "CX-" + code, ts));
}

// Verifies incremental reading through the store: a row committed late with a DATA_TIMESTAMP inside the
// safety window is stored by the next run, rows the window reads again are not stored twice, a row the
// platform changes (new stamp) updates its agreement, and a run with nothing new stores nothing.
TEST(ExchangeSource, IncrementalWithSafetyWindowAndDeduplication) {
  ExchangeDatabase x;
  SyncDb db;
  const std::string url = exchange_url(x.source());
  insert_contract(x, "A", "2024-05-01 10:00:00.000000");
  insert_contract(x, "B", "2024-05-01 10:10:00.000000");
  auto first = run(db, url, 1);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->status, "succeeded") << first->message;
  EXPECT_EQ(first->fetched, 2);
  EXPECT_EQ(db.count("agreements"), 2);
  EXPECT_EQ(db.count("commitments"), 4);
  ASSERT_TRUE(first->lag_seconds.has_value());
  EXPECT_GT(*first->lag_seconds, 0);

  // Stamped 10:08 but committed after the 10:10 row was read: inside the 300 s window.
  insert_contract(x, "C", "2024-05-01 10:08:00.000000");
  auto late = run(db, url, 1);
  ASSERT_TRUE(late.has_value()) << late.error().message;
  EXPECT_EQ(late->status, "succeeded") << late->message;
  EXPECT_EQ(late->fetched, 1) << "B, read again by the window, is dropped; only C is handed over";
  EXPECT_EQ(db.count("agreements"), 3);

  x.execute(
      "UPDATE CONTRACT_INFO SET CONTRACT_AMOUNT = 20.000000, DATA_TIMESTAMP = '2024-05-01 11:00:00' "
      "WHERE CONTRACT_CODE = 'HT-A'");
  auto changed = run(db, url, 1);
  ASSERT_TRUE(changed.has_value()) << changed.error().message;
  EXPECT_EQ(changed->fetched, 1);
  EXPECT_EQ(changed->created, 0);
  EXPECT_GE(changed->updated, 1);
  EXPECT_EQ(db.count("agreements"), 3);
  EXPECT_EQ(db.count("agreements", "value_fen = 20000000"), 1);

  auto idle = run(db, url, 1);
  ASSERT_TRUE(idle.has_value()) << idle.error().message;
  EXPECT_EQ(idle->status, "succeeded");
  EXPECT_EQ(idle->fetched, 0);
  EXPECT_EQ(idle->created + idle->updated, 0);
  EXPECT_EQ(db.count("sync_runs", "source = 'x' AND status = 'succeeded'"), 4);
}

// Verifies a run stopped between batches (serve shutting down) is recorded failed "stopped" with what its
// committed batches stored, and the next run continues from the cursor: in the end every contract is
// stored once, as by an uninterrupted run.
TEST(ExchangeSource, StoppedRunIsContinuedByTheNext) {
  ExchangeDatabase x;
  SyncDb db;
  const std::string url = exchange_url(x.source());
  for (int i = 0; i < 5; ++i)
    insert_contract(x, std::to_string(i), "2024-05-01 10:0" + std::to_string(i) + ":00.000000");
  std::atomic<int> batches{0};
  auto stopped = run(db, url, 1, [&] { return ++batches == 2; });
  ASSERT_TRUE(stopped.has_value()) << stopped.error().message;
  EXPECT_EQ(stopped->status, "failed");
  EXPECT_THAT(stopped->message, ::testing::HasSubstr("stopped after 2 committed batches"));
  EXPECT_EQ(stopped->fetched, 2);
  EXPECT_EQ(db.count("agreements"), 2);
  EXPECT_FALSE(stopped->cursor_after.empty());

  auto rest = run(db, url, 1);
  ASSERT_TRUE(rest.has_value()) << rest.error().message;
  EXPECT_EQ(rest->status, "succeeded") << rest->message;
  EXPECT_EQ(rest->fetched, 3);
  EXPECT_EQ(db.count("agreements"), 5);
  EXPECT_EQ(db.count("commitments"), 10);
}

// Verifies a payment pushed before its contract is quarantined (its contract is not stored) and stored, with
// its entry resolved, by the run that brings the contract; a third run stores nothing more.
TEST(ExchangeSource, PaymentBeforeItsContractIsStoredOnceTheContractArrives) {
  ExchangeDatabase x;
  SyncDb db;
  const std::string url = exchange_url(x.source());
  x.insert("CONTRACT_PAYMENT",
           pactwatch::testing::payment_values("ZF-EARLY", "CX-E", "HT-E", "3.210000", "2024-05-01",
                                              "2024-05-01 09:00:00.000000"));
  auto early = run(db, url);
  ASSERT_TRUE(early.has_value()) << early.error().message;
  EXPECT_EQ(early->status, "succeeded");
  EXPECT_EQ(db.count("facts"), 0);
  EXPECT_EQ(db.count("sync_quarantine", "status = 'open' AND reason = 'unresolved_commitment'"), 1);

  insert_contract(x, "E", "2024-05-02 09:00:00.000000");
  auto arrived = run(db, url);
  ASSERT_TRUE(arrived.has_value()) << arrived.error().message;
  EXPECT_EQ(arrived->status, "succeeded") << arrived->message;
  EXPECT_EQ(db.count("facts", "amount_fen = 3210000"), 1);
  EXPECT_EQ(db.count("sync_quarantine", "status = 'open'"), 0);
  EXPECT_EQ(db.count("sync_quarantine", "status = 'resolved'"), 1);

  auto again = run(db, url);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->created + again->updated, 0);
  EXPECT_EQ(db.count("facts"), 1);
}

// Verifies the lease decides between instances (held elsewhere: no run at all), and an unreachable exchange
// database ends the run failed, naming the source without its password, with the cursor untouched.
TEST(ExchangeSource, LeaseAndUnreachableDatabase) {
  ExchangeDatabase x;
  SyncDb db;
  SyncStore store(*db.db);
  auto held = store.acquire_lease("x", "instance-2", 60s);
  ASSERT_TRUE(held.has_value());
  auto refused = run(db, exchange_url(x.source()));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::conflict);
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("instance-2"));
  EXPECT_EQ(db.count("sync_runs"), 0);
  ASSERT_TRUE(store.release_lease(*held).has_value());

  auto failed = run(db, "mysql://reader:pw123@localhost/qzk?socket=/nonexistent/mysqld.sock");
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_EQ(failed->status, "failed");
  EXPECT_THAT(failed->message, ::testing::Not(::testing::HasSubstr("pw123")));
  EXPECT_EQ(failed->cursor_after, "");
  EXPECT_EQ(db.count("sync_runs", "status = 'failed'"), 1);
}

}  // namespace
}  // namespace pactwatch::sync::testing
