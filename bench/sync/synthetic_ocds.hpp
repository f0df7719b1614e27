#pragma once
// A deterministic generator of synthetic OCDS releases with a realistic shape, for the sync benchmark
// (bench/sync_bench.sh, gen_ocds), the OCDS benchmark and the streaming and crash-restart tests. Parties come
// from fixed pools, so most releases reuse parties already stored: 270 buyers of 楚雄州 (27 departments in
// each of its 10 county-level regions) and 3,000 suppliers with valid credit codes, two thirds of them SMEs.
// Each release holds one contract of 3-8 implementation milestones, transactions paying the met payment
// milestones, 0-2 amendments, and one in 20 contracts is terminated. It also counts what a correct mapping
// yields.

#include <cstddef>
#include <cstdint>
#include <ostream>

namespace pactwatch::platform::ocds::testing {

/** Sizes of the party pools the releases draw from. */
inline constexpr std::size_t kSyntheticBuyers = 270;
inline constexpr std::size_t kSyntheticSuppliers = 3000;

/** What the generated releases should map to. */
struct SyntheticCounts {
  std::size_t releases = 0;
  std::size_t agreements = 0;
  std::size_t commitments = 0;
  std::size_t facts = 0;         ///< mapped facts (an agreement-wide one counts once)
  std::size_t terminations = 0;  ///< contracts with status "terminated" (one agreement-wide fact each)
  std::size_t bytes = 0;
};

enum class SyntheticLayout { json_lines, package };

/** Writes `count` releases as JSON Lines or as one pretty-enough release package. */
SyntheticCounts write_synthetic_ocds(std::ostream& out, std::size_t count, SyntheticLayout layout,
                                     std::uint64_t seed = 42);

}  // namespace pactwatch::platform::ocds::testing
