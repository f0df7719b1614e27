#pragma once
// Helpers for the OCDS tests: read and map a JSON text or a file, collecting every result and problem.

#include <sstream>
#include <string>
#include <vector>

#include "adapters/platform/ocds/import_summary.hpp"

namespace pactwatch::platform::ocds::testing {

/** Everything one input produced. */
struct Collected {
  ImportSummary summary;
  std::vector<MappingResult> results;
  std::vector<QuarantineEntry> problems;

  /** Every quarantine entry: input problems first, then those of each release. */
  std::vector<QuarantineEntry> all_quarantine() const {
    std::vector<QuarantineEntry> all = problems;
    for (const MappingResult& r : results)
      all.insert(all.end(), r.quarantine.begin(), r.quarantine.end());
    return all;
  }
};

inline ImportSink collecting_sink(Collected& c) {
  return ImportSink{[&c](MappingResult&& r) { c.results.push_back(std::move(r)); },
                    [&c](QuarantineEntry&& q) { c.problems.push_back(std::move(q)); }};
}

inline Collected import_text(const std::string& text, InputFormat format = InputFormat::package,
                             const MappingOptions& options = {}) {
  Collected c;
  std::istringstream in(text);
  c.summary = import_stream(in, format, options, collecting_sink(c));
  return c;
}

inline Collected import_path(const std::string& path) {
  Collected c;
  c.summary = import_file(path, {}, collecting_sink(c));
  return c;
}

inline std::string data_file(const std::string& name) {
  return std::string(PACTWATCH_SOURCE_DIR) + "/tests/data/ocds/" + name;
}

}  // namespace pactwatch::platform::ocds::testing
