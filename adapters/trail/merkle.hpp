#pragma once
// The RFC 9162 Merkle tree over trail entries (docs/TRAIL.md §4): leaf i is the 32-byte hash of the entry
// with seq i + 1. Proof generation works on any MerkleSource; verification needs only hashes.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "adapters/trail/hash.hpp"
#include "domain/result.hpp"

namespace pactwatch::trail {

/** SHA-256(0x00 || leaf): the hash of a leaf (RFC 9162 §2.1.1). */
Hash merkle_leaf_hash(std::span<const std::uint8_t> leaf);
/** SHA-256(0x01 || left || right): an interior node. */
Hash merkle_node_hash(const Hash& left, const Hash& right);
/** The largest power of two strictly less than n (n >= 2). */
std::uint64_t split_point(std::uint64_t n);

/**
 * Where the tree's node hashes come from. Level 0 holds leaf hashes; node (level, index) is the root of the
 * perfect subtree over leaves [index * 2^level, (index + 1) * 2^level). Implementations that keep every
 * complete node (MemoryMerkleTree, and later the database table trail_nodes(level, idx, hash)) let proofs at
 * any size cost O(log n) lookups; the default subtree() recomputes from leaf hashes.
 */
class MerkleSource {
 public:
  virtual ~MerkleSource() = default;
  /** Number of leaves. */
  virtual std::uint64_t size() const = 0;
  /** SHA-256(0x00 || leaf i), i < size(). */
  virtual Hash leaf_hash(std::uint64_t index) const = 0;
  /** Root of the complete subtree (level, index); requires (index + 1) << level <= size(). */
  virtual Hash subtree(unsigned level, std::uint64_t index) const;
};

/**
 * An append-only in-memory tree that stores every complete node, level by level: appending is amortised
 * O(1) hashes (each leaf adds one leaf hash and, on average, one interior node) and any proof needs
 * O(log n) lookups. Memory is about 2 x 32 bytes per leaf.
 */
class MemoryMerkleTree final : public MerkleSource {
 public:
  /** Appends a leaf (an entry's 32-byte hash) and returns its index. */
  std::uint64_t append(const Hash& leaf);
  /** Reserves room for `leaves` leaves at every level. */
  void reserve(std::uint64_t leaves);
  std::uint64_t size() const override { return levels_.empty() ? 0 : levels_[0].size(); }
  Hash leaf_hash(std::uint64_t index) const override { return levels_.at(0).at(index); }
  Hash subtree(unsigned level, std::uint64_t index) const override { return levels_.at(level).at(index); }
  /** Complete nodes stored at `level` (what a database table of levels would hold). */
  std::span<const Hash> level(unsigned level) const { return levels_.at(level); }
  unsigned levels() const { return static_cast<unsigned>(levels_.size()); }

 private:
  std::vector<std::vector<Hash>> levels_;
};

/**
 * The root of a growing tree without storing it: keeps one hash per level (the "frontier" of complete
 * subtrees), so memory is O(log n) and each append costs amortised O(1) hashes. Used to recompute roots
 * while verifying a chain.
 */
class MerkleFrontier {
 public:
  void append_leaf_hash(const Hash& leaf_hash);
  void append(const Hash& leaf) { append_leaf_hash(merkle_leaf_hash(leaf)); }
  std::uint64_t size() const { return size_; }
  /** MTH of the leaves appended so far; the empty tree's root is SHA-256 of the empty string. */
  Hash root() const;
  /**
   * The interior nodes the last append completed, level 1 first: for leaf index i (size i + 1), node
   * (L, ((i + 1) >> L) - 1) for L = 1 … the trailing zero bits of i + 1 — what the store keeps in the row of
   * that entry (docs/TRAIL.md §8.1). Empty before any append and after an append of an even index.
   */
  std::span<const Hash> completed() const { return {completed_.data(), completed_count_}; }

 private:
  std::vector<Hash> nodes_;  // complete subtrees, largest first; sizes are the set bits of size_
  std::uint64_t size_ = 0;
  std::array<Hash, 64> completed_{};
  std::size_t completed_count_ = 0;
};

/** MTH(D[begin:end]) from a source (RFC 9162 §2.1.1); MTH of no leaves is SHA-256(""). */
domain::Result<Hash> merkle_root(const MerkleSource& source, std::uint64_t tree_size);

/** PATH(m, D[0:n]) (RFC 9162 §2.1.3.1): siblings from the leaf up. Requires m < n <= source.size(). */
domain::Result<std::vector<Hash>> inclusion_proof(const MerkleSource& source, std::uint64_t leaf_index,
                                                  std::uint64_t tree_size);

/** PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1). Requires 0 < m <= n <= source.size(); m == n gives []. */
domain::Result<std::vector<Hash>> consistency_proof(const MerkleSource& source, std::uint64_t first,
                                                    std::uint64_t second);

/** RFC 9162 §2.1.3.2: does `proof` show leaf hash `leaf_hash` at `leaf_index` in the tree `root`? */
bool verify_inclusion(const Hash& leaf_hash, std::uint64_t leaf_index, std::uint64_t tree_size,
                      std::span<const Hash> proof, const Hash& root);

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of size `first` with root `first_root` is a prefix
 * of the tree of size `second` with root `second_root`? first == second needs an empty proof and equal
 * roots; first == 0 is rejected (there is nothing to prove).
 */
bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, std::span<const Hash> proof);

}  // namespace pactwatch::trail
