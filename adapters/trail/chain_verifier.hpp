#pragma once
// Verification of a stored trail (docs/TRAIL.md §6): recompute every entry hash and link, rebuild the Merkle
// roots, check every checkpoint signature, and name the FIRST bad sequence number and what is wrong.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "adapters/trail/checkpoint.hpp"
#include "adapters/trail/entry.hpp"
#include "adapters/trail/hash.hpp"

namespace pactwatch::trail {

/** What is wrong at the first bad sequence number. */
enum class TamperKind {
  edited,         ///< a row's content no longer matches its hash (or a row was rewritten and re-hashed)
  deleted,        ///< a sequence number is missing (a gap, or fewer rows than a checkpoint or the head says)
  inserted,       ///< a row that does not belong to the chain: a duplicate seq or an extra linked row
  reordered,      ///< rows are intact but not in chain order (swapped seq values or contents)
  bad_signature,  ///< a checkpoint's signature does not verify with the trail's public key
  root_mismatch,  ///< a checkpoint's signed root differs from the root of the stored rows
};

std::string_view to_string(TamperKind kind);

/** The first problem found: its kind, the first bad seq and a sentence for people. */
struct TamperFinding {
  TamperKind kind = TamperKind::edited;
  std::uint64_t seq = 0;       ///< first bad sequence number
  std::uint64_t seq_last = 0;  ///< for root_mismatch, the last seq the bad range may extend to; else = seq
  std::string detail;
};

/** The outcome of verify_chain. */
struct VerificationReport {
  std::uint64_t entries_verified = 0;      ///< rows before the first problem whose hash and link were good
  std::uint64_t checkpoints_verified = 0;  ///< checkpoints whose signature and root were good
  Hash root{};                             ///< Merkle root of the verified entries
  std::optional<TamperFinding> finding;    ///< empty when everything verified
  bool ok() const { return !finding.has_value(); }
};

/** The chain head as the store keeps it (the row that serialises appends), to catch a truncated tail. */
struct ChainHead {
  std::uint64_t seq = 0;
  Hash hash{};
};

/** Inputs besides the rows. */
struct VerificationInput {
  /** Checkpoints to check, in any order; each must verify with `public_key`. */
  std::span<const SignedCheckpoint> checkpoints;
  /** Needed when there are checkpoints; a checkpoint without a key to check it against is bad_signature. */
  const PublicKey* public_key = nullptr;
  std::optional<ChainHead> head;
};

/**
 * Verifies a trail as it is read from the store, row by row in storage order, with O(log n) memory for the
 * tree: the store can stream millions of rows through it. After the first problem it keeps up to
 * `lookahead` further rows (to tell a swap from an insertion or a deletion), then add() returns false and
 * the caller may stop reading.
 */
class ChainVerifier {
 public:
  explicit ChainVerifier(const VerificationInput& input = {}, std::size_t lookahead = 10000);
  ~ChainVerifier();
  ChainVerifier(const ChainVerifier&) = delete;
  ChainVerifier& operator=(const ChainVerifier&) = delete;

  /** Checks the next row; false once a problem was found and enough rows after it were seen. */
  bool add(const TrailEntry& row);
  /**
   * The same for a row read as stored text. The good path compares the stored prev_hash text with the
   * previous hash's hex and the stored hash text with the computed hash's hex, so it copies no text and
   * parses no hex; any mismatch is handed to add(to_entry(row)), which decides exactly as before.
   */
  bool add(const StoredEntryView& row);
  /**
   * The interior Merkle nodes entry `seq` completed (MerkleFrontier::completed), when `seq` is the last
   * entry verified so far: what the store compares with the nodes it keeps in that entry's row. nullopt
   * once a problem was found, or for any other seq.
   */
  std::optional<std::span<const Hash>> completed_nodes(std::uint64_t seq) const;
  /** Classifies the problem, if any, checks the remaining checkpoints and the head, and reports. */
  VerificationReport finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/**
 * Verifies `rows` as read from the store (normally ordered by seq): seq runs 1, 2, 3 ... ; each row's hash
 * is SHA-256(prev_hash || canonical JSON) of its own fields; each prev_hash is the previous row's hash (32
 * zero bytes for seq 1); each checkpoint is signed by the key and its root is the Merkle root of the first
 * tree_size hashes; the head, if given, is the last row. Stops at the first problem and classifies it. The
 * same as feeding every row to a ChainVerifier.
 */
VerificationReport verify_chain(std::span<const TrailEntry> rows, const VerificationInput& input = {});

}  // namespace pactwatch::trail
