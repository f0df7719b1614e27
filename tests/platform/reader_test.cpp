#include "adapters/platform/ocds/reader.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "bench/sync/synthetic_ocds.hpp"
#include "tests/platform/ocds_test_support.hpp"

namespace pactwatch::platform::ocds::testing {
namespace {

// Verifies a malformed JSON Lines line is quarantined with its line number and text; the others import.
TEST(OcdsReader, MalformedJsonLineIsQuarantinedAndTheRestImported) {
  const std::string bad = R"({"ocid":"ocds-x-2","id":"r2",)";
  const std::string text = R"({"ocid":"ocds-x-1","id":"r1"})"
                           "\n" +
                           bad + "\n\n" + R"({"ocid":"ocds-x-3","id":"r3"})" + "\n" + "[1,2]\n";
  const Collected c = import_text(text, InputFormat::json_lines);
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_EQ(c.results[0].release_id, "r1");
  EXPECT_EQ(c.results[1].release_id, "r3");
  ASSERT_EQ(c.problems.size(), 3u);
  EXPECT_EQ(c.problems[0].reason, QuarantineReason::malformed_json);
  EXPECT_EQ(c.problems[0].location, "line 2");
  EXPECT_EQ(c.problems[0].raw_text, bad);
  // "[1,2]" is read as an array of releases whose two elements are not objects.
  EXPECT_EQ(c.problems[1].reason, QuarantineReason::release_not_object);
  EXPECT_EQ(c.problems[1].location, "line 5 releases[0]");
  EXPECT_EQ(c.problems[2].location, "line 5 releases[1]");
  EXPECT_EQ(c.summary.quarantined, 3u);  // line 2, and the two non-objects of line 5
}

// Verifies each release's raw text is exactly its source bytes, and float text is kept by JSON pointer.
TEST(OcdsReader, ReleasesCarryTheirExactTextAndNumberText) {
  const std::string r1 = "{ \"ocid\" : \"a\",\n  \"id\": \"1\", \"x\": [1.10, {\"y\": 2.50}] }";
  const std::string text =
      "{\"version\":\"1.1\",\"extensions\":[\"https://x/ppp/e.json\"],\n\"releases\": [ " + r1 +
      " ,{\"ocid\":\"b\",\"id\":\"2\"}]}";
  std::vector<RawRelease> got;
  std::istringstream in(text);
  const ReadStats stats = read_package(in, {[&](RawRelease&& r) { got.push_back(std::move(r)); }, {}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(stats.releases, 2u);
  EXPECT_EQ(got[0].text, r1);
  EXPECT_EQ(got[0].numbers.at("/x/0"), "1.10");
  EXPECT_EQ(got[0].numbers.at("/x/1/y"), "2.50");
  EXPECT_EQ(got[0].location, "releases[0]");
  EXPECT_EQ(got[1].location, "releases[1]");
  EXPECT_EQ(got[1].ordinal, 2u);
  EXPECT_EQ(got[1].package.extensions, std::vector<std::string>{"https://x/ppp/e.json"});
}

// Verifies record packages give their compiled releases, and a record without one is reported.
TEST(OcdsReader, RecordPackageYieldsCompiledReleases) {
  const Collected c = import_text(R"({"records":[
      {"ocid":"o1","releases":[{"url":"x"}],"compiledRelease":{"ocid":"o1","id":"o1-compiled","tag":["compiled"]}},
      {"ocid":"o2","releases":[{"url":"y"}]}]})");
  ASSERT_EQ(c.results.size(), 1u);
  EXPECT_EQ(c.results[0].release_id, "o1-compiled");
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_EQ(c.problems[0].reason, QuarantineReason::record_without_compiled_release);
  EXPECT_EQ(c.problems[0].ocid, "o2");
}

// Verifies a bare release document is read as one release, and a package cut short keeps what came before.
TEST(OcdsReader, BareReleaseAndTruncatedPackage) {
  const Collected bare = import_text(R"({"ocid":"o","id":"1","date":"2024-01-01T00:00:00Z"})");
  ASSERT_EQ(bare.results.size(), 1u);
  EXPECT_EQ(bare.results[0].ocid, "o");

  const Collected cut = import_text(R"({"releases":[{"ocid":"o","id":"1"},{"ocid":"o","id")");
  ASSERT_EQ(cut.results.size(), 1u);
  ASSERT_EQ(cut.problems.size(), 1u);
  EXPECT_EQ(cut.problems[0].reason, QuarantineReason::malformed_json);
  EXPECT_NE(cut.problems[0].message.find("inside release 1"), std::string::npos);
}

/** A file stream that counts how many bytes the reader has pulled so far. */
class CountingBuf : public std::streambuf {
 public:
  explicit CountingBuf(std::streambuf* source) : source_(source), buffer_(1 << 16) {}
  std::size_t pulled = 0;

 protected:
  int_type underflow() override {
    const std::streamsize n = source_->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (n <= 0) return traits_type::eof();
    pulled += static_cast<std::size_t>(n);
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  std::streambuf* source_;
  std::vector<char> buffer_;
};

}  // namespace
}  // namespace pactwatch::platform::ocds::testing

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer keeps freed memory in a 256 MiB quarantine by default, which the peak-RSS bound of the
// streaming test below would count as the reader's (95 MiB of growth instead of a few): this executable's
// quarantine is 8 MiB in sanitizer builds. A use-after-free within it is still caught.
extern "C" const char* __asan_default_options() {
  return "quarantine_size_mb=8";
}
#endif

namespace pactwatch::platform::ocds::testing {
namespace {

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Verifies a 50,000-release package is streamed: the first release is handed over after reading a
// small prefix, every release maps, and peak memory grows by far less than the file's size.
TEST(OcdsReader, LargePackageIsStreamedWithBoundedMemory) {
  const auto path =
      std::filesystem::temp_directory_path() / ("pactwatch-ocds-" + std::to_string(getpid()) + ".json");
  SyntheticCounts expected;
  {
    std::ofstream out(path, std::ios::binary);
    expected = write_synthetic_ocds(out, 50000, SyntheticLayout::package);
  }
  ASSERT_GT(expected.bytes, 50u << 20);  // at least 50 MiB
  const long rss_before = peak_rss_kib();
  std::ifstream file(path, std::ios::binary);
  CountingBuf counting(file.rdbuf());
  std::istream in(&counting);
  std::size_t pulled_at_first = 0;
  ImportSummary summary = import_stream(in, InputFormat::package, {},
                                        {[&](MappingResult&&) {
                                           if (pulled_at_first == 0) pulled_at_first = counting.pulled;
                                         },
                                         {}});
  const long growth_kib = peak_rss_kib() - rss_before;
  std::filesystem::remove(path);
  EXPECT_EQ(summary.releases_read, expected.releases);
  EXPECT_EQ(summary.releases_imported, expected.releases);
  EXPECT_EQ(summary.agreements, expected.agreements);
  EXPECT_EQ(summary.commitments, expected.commitments);
  EXPECT_EQ(summary.facts, expected.facts);
  EXPECT_EQ(summary.quarantined, 0u) << summary.describe();
  EXPECT_LE(pulled_at_first, 2u << 16);  // two read buffers, not the file
  EXPECT_LT(growth_kib * 1024, static_cast<long>(expected.bytes / 4)) << growth_kib << " KiB";
  EXPECT_LT(summary.largest_release_bytes, 8u << 10);
}

// Verifies JSON Lines of the same synthetic releases map to the same counts.
TEST(OcdsReader, JsonLinesOfSyntheticReleases) {
  std::stringstream s;
  const SyntheticCounts expected = write_synthetic_ocds(s, 500, SyntheticLayout::json_lines);
  const Collected c = import_text(s.str(), InputFormat::json_lines);
  EXPECT_EQ(c.summary.releases_imported, expected.releases);
  EXPECT_EQ(c.summary.commitments, expected.commitments);
  EXPECT_EQ(c.summary.facts, expected.facts);
  EXPECT_EQ(c.summary.organizations, expected.releases);
  EXPECT_EQ(c.summary.quarantined, 0u) << c.summary.describe();
}

}  // namespace
}  // namespace pactwatch::platform::ocds::testing
