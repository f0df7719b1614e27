// The OCDS reader and mapping (adapters/platform/ocds) on any bytes, read both as a package and as JSON
// Lines. Checked for every release read: its source text parses to the JSON the reader materialised, the
// mapping is deterministic, and every mapped entity passes mapped_checks.hpp.
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/platform/ocds/mapping.hpp"
#include "adapters/platform/ocds/reader.hpp"
#include "tests/fuzz/fuzz_entries.hpp"
#include "tests/fuzz/mapped_checks.hpp"

namespace pactwatch::fuzz {

namespace {

namespace ocds = platform::ocds;

void check_release(ocds::RawRelease&& release) {
  const auto parsed = nlohmann::json::parse(release.text, nullptr, false);
  check(!parsed.is_discarded() && parsed == release.json, "a release's text is the JSON read",
        release.location);
  const auto first = ocds::map_release(release);
  check_mapping(first);
  const auto second = ocds::map_release(release);
  check(first.content_hash == second.content_hash && first.quarantined == second.quarantined &&
            first.commitments.size() == second.commitments.size() &&
            first.facts.size() == second.facts.size(),
        "mapping a release is deterministic", release.location);
}

}  // namespace

int ocds_release(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const ocds::ReaderSink sink{check_release, [](ocds::QuarantineEntry&&) {}};
  {
    std::istringstream in(bytes);
    ocds::read_package(in, sink);
  }
  {
    std::istringstream in(bytes);
    ocds::read_json_lines(in, sink);
  }
  return 0;
}

}  // namespace pactwatch::fuzz
