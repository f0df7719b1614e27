// Group commit (adapters/store/write_combiner.hpp) on SQLite and MariaDB: writes that queue while another
// commits run together in one transaction, in arrival order, each behind its own savepoint; a write that
// fails takes back only its own changes and trail entries, even after the group's buffer was flushed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>

#include "adapters/store/write_combiner.hpp"
#include "tests/trail_db/trail_db_support.hpp"

namespace pactwatch::testing {
namespace {

using Work = std::function<domain::Result<store::StoredResponse>(store::LedgerTransaction&)>;

/**
 * Records creations of bodies `prefix`_0 … `prefix`_(n-1) in one write: one change set (one entry), or with
 * `entry_each` one change set per body (n entries), as the sync store cuts a batch per record.
 */
Work create_bodies(const std::string& prefix, int n, bool entry_each = false) {
  return [prefix, n, entry_each](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
    for (int i = 0; i < n; ++i) {
      const std::string id = prefix + "_" + std::to_string(i);
      if (auto ok = tx.record_external_change({"create", "body", id, nullptr, {{"id", id}}}); !ok)
        return std::unexpected(ok.error());
      if (entry_each) {
        if (auto sealed = tx.end_change_set(); !sealed) return std::unexpected(sealed.error());
      }
    }
    return store::StoredResponse{};
  };
}

/** The ids `prefix`_0 … `prefix`_(n-1). */
std::vector<std::string> ids_of(const std::string& prefix, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back(prefix + "_" + std::to_string(i));
  return ids;
}

class WriteGroupTest : public ::testing::Test {
 protected:
  void open(std::size_t max_group) {
    store::DatabaseOptions options;
    options.pool_size = 4;
    options.sql_dir = source_sql_dir();
    options.write_group_max = max_group;
    auto opened = store::Database::open(database_.url(), options);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = db_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  /** Waits (at most 20 s) until `n` writes are queued behind the running one. */
  bool wait_queued(std::size_t n) {
    for (int i = 0; i < 20000; ++i) {
      if (db_->writes().stats().queued >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

  /**
   * Runs `works` as concurrent writes that queue, in this order, behind a first write that holds the
   * combiner until all of them are queued: they then run as one group. Returns each one's outcome.
   */
  std::vector<std::optional<domain::Result<store::StoredResponse>>> run_queued(
      const std::vector<Work>& works) {
    std::vector<std::optional<domain::Result<store::StoredResponse>>> outcomes(works.size());
    std::atomic<bool> all_queued{false}, holding{false};
    std::thread holder([&] {
      store::LedgerStore ledger(*db_);
      auto r = ledger.write(context_at(0), std::nullopt,
                            [&](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
                              holding = true;
                              all_queued = wait_queued(works.size());
                              return create_bodies("bod_first", 1)(tx);
                            });
      EXPECT_TRUE(r) << r.error().message;
    });
    while (!holding)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::vector<std::thread> writers;
    for (std::size_t i = 0; i < works.size(); ++i) {
      // One after the other, so that the queue holds them in this order.
      EXPECT_TRUE(wait_queued(i));
      writers.emplace_back([&, i] {
        store::LedgerStore ledger(*db_);
        outcomes[i] = ledger.write(context_at(static_cast<int>(i) + 1), std::nullopt, works[i]);
      });
    }
    for (auto& w : writers)
      w.join();
    holder.join();
    EXPECT_TRUE(all_queued) << "the writes never queued behind the first one";
    return outcomes;
  }

  std::vector<trail::TrailEntry> all_entries() { return all_trail_entries(*db_); }

  /**
   * The trail is gap-free, its stored tree and head agree, and its entries are exactly `sets`, in that order:
   * each the change set of the ids listed.
   */
  void expect_trail(const std::vector<std::vector<std::string>>& sets) {
    const auto entries = all_entries();
    ASSERT_EQ(entries.size(), sets.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(entries[i].seq, i + 1);
      std::vector<std::string> ids;
      for (const auto& change : nlohmann::json::parse(entries[i].patch))
        ids.push_back(change.at("id"));
      EXPECT_EQ(ids, sets[i]) << "entry " << i + 1;
      EXPECT_EQ(entries[i].entity.id, sets[i].front()) << "entry " << i + 1;
    }
    auto verified = store::TrailStore(*db_).verify({});
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_TRUE(verified->ok()) << (verified->report.finding ? verified->report.finding->detail : "")
                                << verified->tree_nodes_problem;
    EXPECT_EQ(verified->head_seq, sets.size());
  }

  TestDatabase database_;
  std::unique_ptr<store::Database> db_;
};

// Verifies writes that queue while one commits are committed together, in arrival order, as one group:
// one transaction for all of them, the trail gap-free and verifiable.
TEST_F(WriteGroupTest, QueuedWritesCommitAsOneGroupInArrivalOrder) {
  open(64);
  const auto outcomes =
      run_queued({create_bodies("bod_a", 2), create_bodies("bod_b", 1), create_bodies("bod_c", 3)});
  for (const auto& o : outcomes) {
    ASSERT_TRUE(o.has_value());
    EXPECT_TRUE(*o) << (*o).error().message;
  }
  const auto stats = db_->writes().stats();
  EXPECT_EQ(stats.writes, 4u);
  EXPECT_EQ(stats.groups, 2u) << "the three queued writes should share one transaction";
  expect_trail({{"bod_first_0"}, ids_of("bod_a", 2), {"bod_b_0"}, ids_of("bod_c", 3)});
}

// Verifies a write of a group that fails — by returning an error, by throwing, or after its entries were
// flushed with those of the writes before it (more than 64) — leaves none of its entries, while the others
// of its group commit with a gap-free, verifiable trail.
TEST_F(WriteGroupTest, AFailingWriteTakesBackOnlyItsOwnChanges) {
  open(64);
  const auto fail_after = [](Work work, bool throws) -> Work {
    return [work, throws](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
      if (auto r = work(tx); !r) return r;
      if (throws) throw std::runtime_error("the write breaks after recording its changes");
      return domain::fail(domain::ErrorCode::conflict, "the write fails after recording its changes");
    };
  };
  const auto outcomes = run_queued({
      create_bodies("bod_a", 40, true),                     // 40 entries, buffered, not yet flushed
      fail_after(create_bodies("bod_x", 2), false),         // fails: returns an error
      create_bodies("bod_b", 1),                            //
      fail_after(create_bodies("bod_y", 70, true), false),  // fails after a flush wrote bod_a's entries too
      fail_after(create_bodies("bod_z", 1), true),          // fails: throws
      create_bodies("bod_c", 2),                            //
  });
  ASSERT_EQ(outcomes.size(), 6u);
  const std::vector<bool> ok{true, false, true, false, false, true};
  for (std::size_t i = 0; i < ok.size(); ++i) {
    ASSERT_TRUE(outcomes[i].has_value());
    EXPECT_EQ(bool(*outcomes[i]), ok[i]) << "write " << i;
  }
  EXPECT_EQ(db_->writes().stats().groups, 2u);
  std::vector<std::vector<std::string>> sets{{"bod_first_0"}};
  for (const auto& id : ids_of("bod_a", 40))
    sets.push_back({id});
  sets.push_back({"bod_b_0"});
  sets.push_back(ids_of("bod_c", 2));
  expect_trail(sets);
  // The next write continues the same chain.
  append_change(*db_, context_at(100), {"create", "body", "bod_next", nullptr, {{"id", "bod_next"}}});
  sets.push_back({"bod_next"});
  expect_trail(sets);
}

// Verifies db_write_group_max = 1 commits every write alone, and many concurrent writers still get a
// gap-free trail with every write in it once.
TEST_F(WriteGroupTest, GroupOfOneCommitsEachWriteAlone) {
  open(1);
  constexpr int kThreads = 6, kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      store::LedgerStore ledger(*db_);
      for (int i = 0; i < kEach; ++i) {
        auto r = ledger.write(context_at(t * 100 + i), std::nullopt,
                              create_bodies("bod_t" + std::to_string(t) + "_" + std::to_string(i), 1));
        if (!r) ++failed;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failed, 0);
  const auto stats = db_->writes().stats();
  EXPECT_EQ(stats.writes, static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_EQ(stats.groups, stats.writes);
  const auto entries = all_entries();
  ASSERT_EQ(entries.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < entries.size(); ++i)
    EXPECT_EQ(entries[i].seq, i + 1);
  EXPECT_TRUE(store::TrailStore(*db_).verify({})->ok());
}

// Verifies a write that starts another write inside its own transaction gets an error at once for the
// inner one (it would otherwise wait for its own group forever), and the outer write still commits.
TEST_F(WriteGroupTest, AWriteInsideAWriteIsRefusedNotHung) {
  open(64);
  store::LedgerStore ledger(*db_);
  std::optional<domain::Result<store::StoredResponse>> inner;
  auto outer = ledger.write(context_at(1), std::nullopt,
                            [&](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
                              inner =
                                  ledger.write(context_at(2), std::nullopt, create_bodies("bod_inner", 1));
                              return create_bodies("bod_outer", 1)(tx);
                            });
  ASSERT_TRUE(outer) << outer.error().message;
  ASSERT_TRUE(inner.has_value());
  ASSERT_FALSE(*inner);
  EXPECT_EQ(inner->error().code, domain::ErrorCode::invalid);
  expect_trail({{"bod_outer_0"}});
}

}  // namespace
}  // namespace pactwatch::testing
