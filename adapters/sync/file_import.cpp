#include "adapters/sync/file_import.hpp"

#include <unistd.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/platform/ocds/reader.hpp"

namespace pactwatch::sync {

namespace d = pactwatch::domain;
namespace ocds = platform::ocds;

namespace {

/** Stops the reading thread when the writer has stopped. */
struct StopReading {};

/** One batch as read and mapped: what SyncStore::write_batch takes. */
struct MappedBatch {
  std::vector<SyncRecord> records;
  std::vector<SyncQuarantine> problems;
  std::string cursor;
};

/**
 * Reads and maps a file on its own thread while the caller's thread writes the batches, so that parsing and
 * mapping (roughly a tenth of an import's CPU time) overlap SQLite's writing. The reader runs at most
 * kAhead batches ahead: memory stays bounded by kAhead + 2 batches, whatever the file size.
 */
class Pipeline {
 public:
  static constexpr std::size_t kAhead = 1;

  Pipeline(const ImportOptions& options, std::string path) : options_(options), path_(std::move(path)) {}
  ~Pipeline() { stop(); }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void start() {
    reader_ = std::thread([this] { read(); });
  }

  /** The next batch, in file order; nullopt once the file is read to its end. */
  std::optional<MappedBatch> next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || done_; });
    if (ready_.empty()) {
      if (failure_) std::rethrow_exception(failure_);
      return std::nullopt;
    }
    MappedBatch batch = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return batch;
  }

  /** Stops the reader (after a failed write) and waits for it. */
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
    if (reader_.joinable()) reader_.join();
  }

  std::size_t input_problems() const { return input_problems_; }

 private:
  void read() {
    try {
      ocds::read_file(path_, ocds::ReaderSink{
                                 [&](ocds::RawRelease&& r) { release(std::move(r)); },
                                 [&](ocds::QuarantineEntry&& q) { problem(std::move(q)); },
                             });
      // The last, partial batch; an empty file still writes one (empty) batch, which sets the cursor.
      if (!batch_.records.empty() || !batch_.problems.empty() || !pushed_once_) push();
    } catch (const StopReading&) {
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  void release(ocds::RawRelease&& raw) {
    ordinal_ = raw.ordinal;
    auto mapped = ocds::map_release(raw, options_.mapping);
    batch_.records.push_back(from_ocds(std::move(mapped), std::move(raw.text)));
    if (full()) push();
  }

  void problem(ocds::QuarantineEntry&& q) {
    ++input_problems_;
    batch_.problems.push_back(from_ocds(q));
    if (full()) push();
  }

  bool full() const {
    return batch_.records.size() + batch_.problems.size() >= std::max<std::size_t>(options_.batch_size, 1);
  }

  /** Hands the batch to the writer, waiting while it is kAhead batches behind. */
  void push() {
    batch_.cursor = "file:" + path_ + "#" + std::to_string(ordinal_);
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return ready_.size() < kAhead || stopped_; });
    if (stopped_) throw StopReading{};
    ready_.push_back(std::move(batch_));
    batch_ = MappedBatch{};
    pushed_once_ = true;
    changed_.notify_all();
  }

  const ImportOptions& options_;
  std::string path_;
  std::thread reader_;
  // The reader's own state.
  MappedBatch batch_;
  std::size_t ordinal_ = 0;
  bool pushed_once_ = false;
  std::size_t input_problems_ = 0;  ///< read by the writer only after the reader has finished
  // Shared with the writer.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<MappedBatch> ready_;
  bool done_ = false, stopped_ = false;
  std::exception_ptr failure_;
};

/** True when the file can be read and holds nothing but white space. */
bool blank_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return false;
  char c = 0;
  while (in.get(c)) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

}  // namespace

std::string default_owner() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

d::Result<FileReport> import_ocds_file(SyncStore& store, const Lease& lease, const std::string& path,
                                       const ImportOptions& options) {
  FileReport report;
  report.path = path;
  if (blank_file(path)) {
    report.empty = true;
    return report;
  }
  Pipeline pipeline(options, path);
  pipeline.start();
  while (auto batch = pipeline.next()) {
    auto counts = store.write_batch(lease, batch->records, batch->problems, batch->cursor, options.store);
    if (!counts) {
      pipeline.stop();
      return std::unexpected(counts.error());
    }
    if (options.after_batch) options.after_batch(*counts);
    report.counts.add(*counts);
  }
  pipeline.stop();
  report.input_problems = pipeline.input_problems();
  return report;
}

d::Result<ImportReport> import_ocds_files(SyncStore& store, std::span<const std::string> paths,
                                          const ImportOptions& options) {
  const std::string owner = options.owner.empty() ? default_owner() : options.owner;
  auto lease = store.acquire_lease(options.source, owner, options.store.lease_ttl);
  if (!lease) return std::unexpected(lease.error());
  auto before = store.cursor(options.source);
  if (!before) return std::unexpected(before.error());
  auto run_id = store.start_run(*lease, *before);
  if (!run_id) return std::unexpected(run_id.error());

  // A first import (the source has no cursor yet) writes larger transactions, if configured.
  ImportOptions effective = options;
  if (before->empty() && options.first_import_batch_size > options.batch_size)
    effective.batch_size = options.first_import_batch_size;

  ImportReport report;
  report.run_id = *run_id;
  RunReport run;
  run.id = *run_id;
  run.status = "succeeded";
  std::optional<d::Error> failure;
  for (const auto& path : paths) {
    auto file = import_ocds_file(store, *lease, path, effective);
    if (!file) {
      failure = file.error();
      break;
    }
    report.total.add(file->counts);
    report.files.push_back(std::move(*file));
  }
  run.set_counts(report.total);
  if (auto after = store.cursor(options.source)) run.cursor_after = *after;
  if (failure) {
    run.status = "failed";
    run.errors = 1;
    run.message = failure->message;
  }
  (void)store.finish_run(run);  // the report is secondary: the data and cursor are committed already
  (void)store.release_lease(*lease);
  if (failure) return std::unexpected(*failure);
  return report;
}

}  // namespace pactwatch::sync
