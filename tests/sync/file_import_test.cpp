// `import_ocds_file` (adapters/sync/file_import.hpp): the file is read and mapped on a second thread while
// the caller writes the batches; what is stored, the batch boundaries and the cursor are those of one thread.

#include "adapters/sync/file_import.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bench/sync/synthetic_ocds.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using namespace std::chrono_literals;

class FileImportTest : public ::testing::Test {
 protected:
  SyncDb db;
  ManualClock clock;
  SyncStore store{*db.db, clock};
  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-file-import");

  ~FileImportTest() override { std::filesystem::remove_all(dir); }

  /** `count` synthetic releases as JSON Lines, then `tail` appended verbatim. */
  std::string synthetic_file(std::size_t count, const std::string& tail = "") {
    const std::string path = (dir / "releases.jsonl").string();
    std::ofstream out(path, std::ios::binary);
    platform::ocds::testing::write_synthetic_ocds(out, count,
                                                  platform::ocds::testing::SyntheticLayout::json_lines, 11);
    out << tail;
    return path;
  }
  Lease take() {
    auto l = store.acquire_lease("bulk", "importer", 60s);
    if (!l) throw std::runtime_error(l.error().message);
    return *l;
  }
  std::string cursor() {
    auto c = store.cursor("bulk");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }
};

// Verifies every batch reaches the writer in file order with the cursor of its last release: 95 releases in
// batches of 10 are written as ten batches of 10, 10, …, 5 records, and the cursor names release 95.
TEST_F(FileImportTest, BatchesArriveInFileOrderWithTheirCursors) {
  const std::string path = synthetic_file(95);
  const Lease lease = take();
  ImportOptions options;
  options.source = "bulk";
  options.batch_size = 10;
  std::vector<std::size_t> sizes;
  std::vector<std::string> cursors;
  options.after_batch = [&](const BatchCounts& counts) {
    sizes.push_back(counts.records);
    cursors.push_back(cursor());
  };
  auto report = import_ocds_file(store, lease, path, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 10, 10, 10, 10, 10, 10, 10, 5}));
  ASSERT_EQ(cursors.size(), 10u);
  EXPECT_EQ(cursors.front(), "file:" + path + "#10");
  EXPECT_EQ(cursors.back(), "file:" + path + "#95");
  EXPECT_EQ(report->counts.records, 95u);
  EXPECT_EQ(db.count("agreements"), 95);
}

// Verifies a batch that cannot be written stops the import with that error while the reader is ahead of the
// writer: the lease is released after the second of nine batches, so the third is refused (conflict), the
// import returns instead of waiting on its reader, and only the two committed batches are stored.
TEST_F(FileImportTest, AFailedBatchStopsTheReaderAndKeepsTheCommittedBatches) {
  const std::string path = synthetic_file(90);
  const Lease lease = take();
  ImportOptions options;
  options.source = "bulk";
  options.batch_size = 10;
  int written = 0;
  options.after_batch = [&](const BatchCounts&) {
    if (++written == 2) {
      ASSERT_TRUE(store.release_lease(lease));
    }
  };
  auto report = import_ocds_file(store, lease, path, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, domain::ErrorCode::conflict) << report.error().message;
  EXPECT_EQ(written, 2);
  EXPECT_EQ(db.count("agreements"), 20);
  EXPECT_EQ(cursor(), "file:" + path + "#20");
}

// Verifies a first import (the source has no cursor yet) writes transactions of first_import_batch_size and
// a later import of the same source those of batch_size: 45 releases in batches of 20, 20, 5 the first time,
// and then, all unchanged, in batches of 10.
TEST_F(FileImportTest, AFirstImportWritesLargerTransactions) {
  const std::string path = synthetic_file(45);
  ImportOptions options;
  options.source = "bulk";
  options.owner = "importer";
  options.batch_size = 10;
  options.first_import_batch_size = 20;
  std::vector<std::size_t> sizes;
  options.after_batch = [&](const BatchCounts& counts) { sizes.push_back(counts.records); };
  const std::vector<std::string> paths{path};
  auto first = import_ocds_files(store, paths, options);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(sizes, (std::vector<std::size_t>{20, 20, 5}));
  EXPECT_EQ(first->total.created, 45u);
  EXPECT_EQ(cursor(), "file:" + path + "#45");
  sizes.clear();
  auto again = import_ocds_files(store, paths, options);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 10, 10, 5}));
  EXPECT_EQ(again->total.unchanged, 45u);
  EXPECT_EQ(db.count("agreements"), 45);
}

// Verifies input that is not a release is counted and quarantined through the pipeline like a release: a
// broken last line is one input problem, in the last batch, after all 25 releases.
TEST_F(FileImportTest, InputProblemsAreCountedAndQuarantined) {
  const std::string path = synthetic_file(25, "{\"ocid\": \n");
  const Lease lease = take();
  ImportOptions options;
  options.source = "bulk";
  options.batch_size = 10;
  auto report = import_ocds_file(store, lease, path, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->input_problems, 1u);
  EXPECT_EQ(report->counts.records, 25u);
  EXPECT_EQ(db.count("agreements"), 25);
  EXPECT_EQ(db.count("sync_quarantine", "source = 'bulk'"), 1);
}

}  // namespace
}  // namespace pactwatch::sync::testing
