#include "adapters/sync/file_import.hpp"

#include <unistd.h>

#include <array>

#include "adapters/platform/ocds/reader.hpp"

namespace pactwatch::sync {

namespace d = pactwatch::domain;
namespace ocds = platform::ocds;

namespace {

/** Stops the reader when a batch cannot be written. */
struct StopImport {
  d::Error error;
};

/** Collects mapped releases and input problems and writes them a batch at a time. */
class Batcher {
 public:
  Batcher(SyncStore& store, const Lease& lease, const ImportOptions& options, std::string path)
      : store_(store), lease_(lease), options_(options), path_(std::move(path)) {}

  void release(ocds::RawRelease&& raw) {
    ordinal_ = raw.ordinal;
    auto mapped = ocds::map_release(raw, options_.mapping);
    records_.push_back(from_ocds(std::move(mapped), std::move(raw.text)));
    if (records_.size() + problems_.size() >= std::max<std::size_t>(options_.batch_size, 1)) flush();
  }

  void problem(ocds::QuarantineEntry&& q) {
    ++report_.input_problems;
    problems_.push_back(from_ocds(q));
    if (records_.size() + problems_.size() >= std::max<std::size_t>(options_.batch_size, 1)) flush();
  }

  void flush() {
    if (records_.empty() && problems_.empty() && wrote_once_) return;
    const std::string cursor = "file:" + path_ + "#" + std::to_string(ordinal_);
    auto counts = store_.write_batch(lease_, records_, problems_, cursor, options_.store);
    if (!counts) throw StopImport{counts.error()};
    wrote_once_ = true;
    if (options_.after_batch) options_.after_batch(*counts);
    report_.counts.add(*counts);
    records_.clear();
    problems_.clear();
  }

  FileReport take() {
    report_.path = path_;
    return std::move(report_);
  }

 private:
  SyncStore& store_;
  const Lease& lease_;
  const ImportOptions& options_;
  std::string path_;
  std::vector<SyncRecord> records_;
  std::vector<SyncQuarantine> problems_;
  std::size_t ordinal_ = 0;
  bool wrote_once_ = false;
  FileReport report_;
};

}  // namespace

std::string default_owner() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

d::Result<FileReport> import_ocds_file(SyncStore& store, const Lease& lease, const std::string& path,
                                       const ImportOptions& options) {
  Batcher batcher(store, lease, options, path);
  try {
    ocds::read_file(path, ocds::ReaderSink{
                              [&](ocds::RawRelease&& r) { batcher.release(std::move(r)); },
                              [&](ocds::QuarantineEntry&& q) { batcher.problem(std::move(q)); },
                          });
    batcher.flush();
  } catch (const StopImport& stop) {
    return std::unexpected(stop.error);
  }
  return batcher.take();
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

  ImportReport report;
  report.run_id = *run_id;
  RunReport run;
  run.id = *run_id;
  run.status = "succeeded";
  std::optional<d::Error> failure;
  for (const auto& path : paths) {
    auto file = import_ocds_file(store, *lease, path, options);
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
