// OCDS parse+map throughput (releases/s) and peak RSS on 100,000 synthetic releases of realistic shape
// (3-8 milestones, transactions paying the met payments, 0-2 amendments), as JSON Lines and as one
// release package. Run: build-ocds/bench/platform/ocds_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/platform/ocds/import_summary.hpp"
#include "bench/sync/synthetic_ocds.hpp"

namespace {

using namespace pactwatch::platform::ocds;

constexpr std::size_t kReleases = 100000;

/** The two input files, written once per process into the temp directory and removed at exit. */
struct Inputs {
  std::filesystem::path lines, package;
  testing::SyntheticCounts counts;
  Inputs() {
    const auto dir = std::filesystem::temp_directory_path();
    lines = dir / ("pactwatch-bench-" + std::to_string(getpid()) + ".jsonl");
    package = dir / ("pactwatch-bench-" + std::to_string(getpid()) + ".json");
    std::ofstream a(lines, std::ios::binary);
    counts = testing::write_synthetic_ocds(a, kReleases, testing::SyntheticLayout::json_lines);
    std::ofstream b(package, std::ios::binary);
    testing::write_synthetic_ocds(b, kReleases, testing::SyntheticLayout::package);
  }
  ~Inputs() {
    std::filesystem::remove(lines);
    std::filesystem::remove(package);
  }
};

const Inputs& inputs() {
  static const Inputs in;
  return in;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void run_import(benchmark::State& state, const std::filesystem::path& path) {
  std::size_t releases = 0;
  std::size_t facts = 0;
  for (auto _ : state) {
    // Each mapped release is dropped after counting: memory must not grow with the file.
    ImportSummary s =
        import_file(path.string(), {}, {[](MappingResult&& r) { benchmark::DoNotOptimize(r); }, {}});
    releases += s.releases_imported;
    facts += s.facts;
    if (s.quarantined != 0) state.SkipWithError(s.describe().c_str());
  }
  state.counters["releases/s"] =
      benchmark::Counter(static_cast<double>(releases), benchmark::Counter::kIsRate);
  state.counters["facts/s"] = benchmark::Counter(static_cast<double>(facts), benchmark::Counter::kIsRate);
  state.counters["file_MiB"] = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void BM_ImportJsonLines(benchmark::State& state) {
  run_import(state, inputs().lines);
}
void BM_ImportPackage(benchmark::State& state) {
  run_import(state, inputs().package);
}

/** Reading alone (SAX split, no mapping), to show where the time goes. */
void BM_ReadPackageOnly(benchmark::State& state) {
  std::size_t releases = 0;
  for (auto _ : state) {
    ReadStats s =
        read_file(inputs().package.string(), {[](RawRelease&& r) { benchmark::DoNotOptimize(r); }, {}});
    releases += s.releases;
  }
  state.counters["releases/s"] =
      benchmark::Counter(static_cast<double>(releases), benchmark::Counter::kIsRate);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

BENCHMARK(BM_ImportJsonLines)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ImportPackage)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_ReadPackageOnly)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // Generate the inputs before the first measurement, and report their size.
  const Inputs& in = inputs();
  benchmark::AddCustomContext("releases", std::to_string(in.counts.releases));
  benchmark::AddCustomContext("commitments", std::to_string(in.counts.commitments));
  benchmark::AddCustomContext("facts", std::to_string(in.counts.facts));
  benchmark::AddCustomContext("rss_after_generation_MiB", std::to_string(peak_rss_mib()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
