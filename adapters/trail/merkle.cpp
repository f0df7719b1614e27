#include "adapters/trail/merkle.hpp"

#include <algorithm>
#include <bit>

namespace pactwatch::trail {
namespace {

constexpr std::uint8_t kLeafPrefix[] = {0x00};
constexpr std::uint8_t kNodePrefix[] = {0x01};

// MTH(D[begin:begin+n]) for n >= 1. Every range the RFC recursion visits starts at a multiple of its
// largest power-of-two part, so its perfect pieces are stored nodes: O(log n) lookups per range.
Hash range_root(const MerkleSource& source, std::uint64_t begin, std::uint64_t n) {
  if (std::has_single_bit(n) && begin % n == 0) {
    const auto level = static_cast<unsigned>(std::countr_zero(n));
    return source.subtree(level, begin >> level);
  }
  const std::uint64_t k = split_point(n);
  return merkle_node_hash(range_root(source, begin, k), range_root(source, begin + k, n - k));
}

// PATH(m, D[begin:begin+n]) appended to `out`, siblings from the leaf up.
void path(const MerkleSource& source, std::uint64_t m, std::uint64_t begin, std::uint64_t n,
          std::vector<Hash>& out) {
  if (n == 1) return;
  const std::uint64_t k = split_point(n);
  if (m < k) {
    path(source, m, begin, k, out);
    out.push_back(range_root(source, begin + k, n - k));
  } else {
    path(source, m - k, begin + k, n - k, out);
    out.push_back(range_root(source, begin, k));
  }
}

// SUBPROOF(m, D[begin:begin+n], b) appended to `out`.
void subproof(const MerkleSource& source, std::uint64_t m, std::uint64_t begin, std::uint64_t n, bool b,
              std::vector<Hash>& out) {
  if (m == n) {
    if (!b) out.push_back(range_root(source, begin, n));
    return;
  }
  const std::uint64_t k = split_point(n);
  if (m <= k) {
    subproof(source, m, begin, k, b, out);
    out.push_back(range_root(source, begin + k, n - k));
  } else {
    subproof(source, m - k, begin + k, n - k, false, out);
    out.push_back(range_root(source, begin, k));
  }
}

}  // namespace

Hash merkle_leaf_hash(std::span<const std::uint8_t> leaf) {
  if (leaf.size() == 32) {  // every trail leaf: an entry's hash
    Hash h;
    std::copy(leaf.begin(), leaf.end(), h.begin());
    return sha256_prefixed(kLeafPrefix[0], h);
  }
  return thread_hasher().digest(kLeafPrefix, leaf);
}

Hash merkle_node_hash(const Hash& left, const Hash& right) {
  return sha256_prefixed(kNodePrefix[0], left, right);
}

std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

Hash MerkleSource::subtree(unsigned level, std::uint64_t index) const {
  if (level == 0) return leaf_hash(index);
  return merkle_node_hash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1));
}

std::uint64_t MemoryMerkleTree::append(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(merkle_leaf_hash(leaf));
  // A level with an even count just completed a pair: its parent is now complete too.
  for (std::size_t l = 0; levels_[l].size() % 2 == 0; ++l) {
    const auto& lv = levels_[l];
    const Hash parent = merkle_node_hash(lv[lv.size() - 2], lv[lv.size() - 1]);
    if (levels_.size() == l + 1) levels_.emplace_back();
    levels_[l + 1].push_back(parent);
  }
  return levels_[0].size() - 1;
}

void MemoryMerkleTree::reserve(std::uint64_t leaves) {
  for (unsigned l = 0; (leaves >> l) > 0; ++l) {
    if (levels_.size() <= l) levels_.emplace_back();
    levels_[l].reserve(leaves >> l);
  }
}

void MerkleFrontier::append_leaf_hash(const Hash& leaf_hash) {
  Hash current = leaf_hash;
  completed_count_ = 0;
  // Each trailing one bit of the old size is a complete subtree of the same height as `current`.
  for (std::uint64_t s = size_; s & 1; s >>= 1) {
    current = merkle_node_hash(nodes_.back(), current);
    nodes_.pop_back();
    completed_[completed_count_++] = current;
  }
  nodes_.push_back(current);
  ++size_;
}

Hash MerkleFrontier::root() const {
  if (nodes_.empty()) return sha256("");
  Hash current = nodes_.back();
  for (std::size_t i = nodes_.size() - 1; i-- > 0;)
    current = merkle_node_hash(nodes_[i], current);
  return current;
}

domain::Result<Hash> merkle_root(const MerkleSource& source, std::uint64_t tree_size) {
  if (tree_size > source.size()) {
    return domain::fail(domain::ErrorCode::not_found, "the tree has only " + std::to_string(source.size()) +
                                                          " leaves, not " + std::to_string(tree_size));
  }
  if (tree_size == 0) return sha256("");
  return range_root(source, 0, tree_size);
}

domain::Result<std::vector<Hash>> inclusion_proof(const MerkleSource& source, std::uint64_t leaf_index,
                                                  std::uint64_t tree_size) {
  if (tree_size > source.size()) {
    return domain::fail(domain::ErrorCode::not_found,
                        "tree size " + std::to_string(tree_size) + " is larger than the tree", "tree_size");
  }
  if (leaf_index >= tree_size) {
    return domain::fail(domain::ErrorCode::invalid, "the leaf is not in a tree of that size", "tree_size");
  }
  std::vector<Hash> out;
  path(source, leaf_index, 0, tree_size, out);
  return out;
}

domain::Result<std::vector<Hash>> consistency_proof(const MerkleSource& source, std::uint64_t first,
                                                    std::uint64_t second) {
  if (second > source.size()) {
    return domain::fail(domain::ErrorCode::not_found,
                        "tree size " + std::to_string(second) + " is larger than the tree", "to");
  }
  if (first == 0 || first > second) {
    return domain::fail(domain::ErrorCode::invalid, "a consistency proof needs 0 < from <= to", "from");
  }
  std::vector<Hash> out;
  if (first < second) subproof(source, first, 0, second, true, out);
  return out;
}

bool verify_inclusion(const Hash& leaf_hash, std::uint64_t leaf_index, std::uint64_t tree_size,
                      std::span<const Hash> proof, const Hash& root) {
  if (leaf_index >= tree_size) return false;
  std::uint64_t fn = leaf_index;
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = merkle_node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = merkle_node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, std::span<const Hash> proof) {
  if (first == 0 || first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  if (proof.empty()) return false;
  // When `first` is a power of two its root is a node of the larger tree and is not sent: put it first.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());

  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = merkle_node_hash(c, fr);
      sr = merkle_node_hash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = merkle_node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

}  // namespace pactwatch::trail
