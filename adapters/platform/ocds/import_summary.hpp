#pragma once
// Reading and mapping a whole input, with per-file counts and quarantine reasons. The store decides
// "unchanged" later by content hash; here every release ends imported (mapped, perhaps with some of its
// sub-objects quarantined) or quarantined as a whole, and every input problem is counted.

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "adapters/platform/ocds/mapping.hpp"
#include "adapters/platform/ocds/reader.hpp"

namespace pactwatch::platform::ocds {

/** Counts of one input (a file or a stream). */
struct ImportSummary {
  std::size_t releases_read = 0;
  std::size_t releases_imported = 0;
  std::size_t releases_quarantined = 0;
  std::size_t input_problems = 0;  ///< lines or documents that were not releases at all
  std::size_t bodies = 0;
  std::size_t organizations = 0;
  std::size_t officials = 0;
  std::size_t agreements = 0;
  std::size_t commitments = 0;
  std::size_t facts = 0;
  std::size_t quarantined = 0;  ///< every quarantine entry: input problems, releases, sub-objects
  std::size_t notes = 0;
  std::map<std::string, std::size_t> by_reason;  ///< quarantine reason name -> entries
  std::size_t largest_release_bytes = 0;

  void add(const MappingResult& r);
  void add_problem(const QuarantineEntry& q);
  /** "8 releases: 8 imported, 0 quarantined; 11 records quarantined (unmatched_transaction: 11)". */
  std::string describe() const;
};

/** Receives each mapped release and each input problem, in input order. */
struct ImportSink {
  std::function<void(MappingResult&&)> mapped;
  std::function<void(QuarantineEntry&&)> problem;
};

/** Reads `path` release by release, maps each, hands it to `sink` and counts. */
ImportSummary import_file(const std::string& path, const MappingOptions& options = {},
                          const ImportSink& sink = {}, InputFormat format = InputFormat::automatic);
/** The same over a stream already open. */
ImportSummary import_stream(std::istream& in, InputFormat format, const MappingOptions& options = {},
                            const ImportSink& sink = {});

}  // namespace pactwatch::platform::ocds
