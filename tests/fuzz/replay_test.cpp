// Replays every fuzz target's hand-written seeds (seeds/<target>/) and every input a fuzzer once broke it
// with (regressions/<target>/) through the target's entry function, in the normal build: CI keeps checking
// the fixed cases without clang. A broken property aborts the test (fuzz_entries.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_entries.hpp"

namespace pactwatch::fuzz {
namespace {

namespace fs = std::filesystem;
using Entry = int (*)(const std::uint8_t*, std::size_t);

/** The JSON files of tests/data under 64 KiB: scripts/fuzz.sh seeds the JSON targets with them too. */
std::vector<fs::path> data_json_files() {
  std::vector<fs::path> files;
  for (const auto& file : fs::recursive_directory_iterator(fs::path(PACTWATCH_SOURCE_DIR) / "tests/data")) {
    if (file.is_regular_file() && file.path().extension() == ".json" && file.file_size() < 64 * 1024)
      files.push_back(file.path());
  }
  return files;
}

/**
 * Feeds every file under tests/fuzz/{seeds,regressions}/<target>/ (and, with `with_data`, the JSON files
 * of tests/data) to `entry`; returns how many it fed.
 */
std::size_t replay(const std::string& target, Entry entry, bool with_data = false) {
  std::vector<fs::path> files = with_data ? data_json_files() : std::vector<fs::path>{};
  for (const char* kind : {"seeds", "regressions"}) {
    const fs::path dir = fs::path(PACTWATCH_FUZZ_DIR) / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& file : fs::directory_iterator(dir)) {
      if (file.is_regular_file() && file.path().filename() != "README.md") files.push_back(file.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
  }
  return files.size();
}

TEST(FuzzReplay, HttpRequest) {
  EXPECT_GT(replay("http_request", http_request), 0u);
}
TEST(FuzzReplay, OcdsRelease) {
  EXPECT_GT(replay("ocds_release", ocds_release, true), 0u);
}
TEST(FuzzReplay, ExchangeRow) {
  EXPECT_GT(replay("exchange_row", exchange_row), 0u);
}
TEST(FuzzReplay, JsonPatch) {
  EXPECT_GT(replay("json_patch", json_patch, true), 0u);
}
TEST(FuzzReplay, CanonicalJson) {
  EXPECT_GT(replay("canonical_json", canonical_json, true), 0u);
}

}  // namespace
}  // namespace pactwatch::fuzz
