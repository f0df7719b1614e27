#pragma once
// A deterministic generator of synthetic OCDS releases with a realistic shape (parties with credit codes,
// one contract of 3-8 implementation milestones, transactions paying the met payment milestones, 0-2
// amendments), for the streaming test and the benchmark. It also counts what a correct mapping yields.

#include <cstddef>
#include <cstdint>
#include <ostream>

namespace pactwatch::platform::ocds::testing {

/** What the generated releases should map to. */
struct SyntheticCounts {
  std::size_t releases = 0;
  std::size_t agreements = 0;
  std::size_t commitments = 0;
  std::size_t facts = 0;
  std::size_t bytes = 0;
};

enum class SyntheticLayout { json_lines, package };

/** Writes `count` releases as JSON Lines or as one pretty-enough release package. */
SyntheticCounts write_synthetic_ocds(std::ostream& out, std::size_t count, SyntheticLayout layout,
                                     std::uint64_t seed = 42);

}  // namespace pactwatch::platform::ocds::testing
