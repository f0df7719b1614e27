#include "adapters/trail/merkle.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace pactwatch::trail {
namespace {

using nlohmann::json;

Hash leaf_data(std::uint64_t i) {
  return sha256(std::to_string(i));
}

MemoryMerkleTree tree_of(std::uint64_t n) {
  MemoryMerkleTree tree;
  for (std::uint64_t i = 0; i < n; ++i)
    tree.append(leaf_data(i));
  return tree;
}

Hash from_hex(const json& text) {
  return hash_from_hex(text.get<std::string>()).value();
}

std::vector<Hash> hashes(const json& list) {
  std::vector<Hash> out;
  for (const auto& h : list)
    out.push_back(from_hex(h));
  return out;
}

/** A source without stored interior nodes: exercises the default subtree() that recomputes. */
class LeafOnlySource final : public MerkleSource {
 public:
  explicit LeafOnlySource(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i)
      leaves_.push_back(merkle_leaf_hash(leaf_data(i)));
  }
  std::uint64_t size() const override { return leaves_.size(); }
  Hash leaf_hash(std::uint64_t i) const override { return leaves_.at(i); }

 private:
  std::vector<Hash> leaves_;
};

json run_reference() {
  const std::string command =
      std::string("python3 ") + PACTWATCH_SOURCE_DIR + "/tests/trail/merkle_reference.py";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return json();
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe.get())) > 0;)
    out.append(buf, n);
  return json::parse(out, nullptr, false);
}

// Verifies roots, every inclusion proof and every consistency proof for trees of 1-70 leaves against the
// independent Python/hashlib implementation of RFC 9162, and that each verifies.
TEST(MerkleReference, MatchesPythonHashlibForSizes1To70) {
  const json reference = run_reference();
  ASSERT_TRUE(reference.is_object()) << "python3 tests/trail/merkle_reference.py did not produce JSON";
  ASSERT_EQ(reference["trees"].size(), 70u);
  for (std::uint64_t i = 0; i < 70; ++i)
    ASSERT_EQ(from_hex(reference["leaves"][i]), leaf_data(i));
  const MemoryMerkleTree tree = tree_of(70);
  for (const json& t : reference["trees"]) {
    const std::uint64_t n = t["size"];
    const Hash root = from_hex(t["root"]);
    ASSERT_EQ(merkle_root(tree, n), root) << "size " << n;
    for (std::uint64_t m = 0; m < n; ++m) {
      const auto proof = inclusion_proof(tree, m, n);
      ASSERT_TRUE(proof.has_value());
      ASSERT_EQ(*proof, hashes(t["inclusion"][m])) << "inclusion m=" << m << " n=" << n;
      EXPECT_TRUE(verify_inclusion(tree.leaf_hash(m), m, n, *proof, root)) << "m=" << m << " n=" << n;
    }
    for (std::uint64_t m = 1; m <= n; ++m) {
      const auto proof = consistency_proof(tree, m, n);
      ASSERT_TRUE(proof.has_value());
      ASSERT_EQ(*proof, hashes(t["consistency"][std::to_string(m)])) << "consistency m=" << m << " n=" << n;
      EXPECT_TRUE(verify_consistency(m, n, *merkle_root(tree, m), root, *proof)) << "m=" << m << " n=" << n;
    }
  }
}

// Verifies that a single flipped bit anywhere in an inclusion proof, the root, or the leaf is rejected, as
// are a wrong index, a truncated proof and an extended proof.
TEST(MerkleInclusion, RejectsEveryFlippedBitAndWrongParameters) {
  const MemoryMerkleTree tree = tree_of(37);
  const Hash root = *merkle_root(tree, 37);
  for (std::uint64_t m : {0u, 5u, 31u, 32u, 36u}) {
    const std::vector<Hash> proof = *inclusion_proof(tree, m, 37);
    const Hash leaf = tree.leaf_hash(m);
    ASSERT_TRUE(verify_inclusion(leaf, m, 37, proof, root));
    for (std::size_t p = 0; p < proof.size(); ++p) {
      for (int bit = 0; bit < 256; bit += 7) {
        auto bad = proof;
        bad[p][bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(verify_inclusion(leaf, m, 37, bad, root)) << "m=" << m << " p=" << p << " bit=" << bit;
      }
    }
    for (int bit = 0; bit < 256; ++bit) {
      Hash bad_root = root;
      bad_root[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(verify_inclusion(leaf, m, 37, proof, bad_root));
      Hash bad_leaf = leaf;
      bad_leaf[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(verify_inclusion(bad_leaf, m, 37, proof, root));
    }
    EXPECT_FALSE(verify_inclusion(leaf, m ^ 1, 37, proof, root));
    // (A different tree_size can give the same hashing order, so a proof alone does not bind the size: the
    // size is bound by the signed checkpoint the root comes from.)
    EXPECT_FALSE(verify_inclusion(leaf, m, 37, std::span(proof).first(proof.size() - 1), root));
    auto longer = proof;
    longer.push_back(root);
    EXPECT_FALSE(verify_inclusion(leaf, m, 37, longer, root));
  }
  EXPECT_FALSE(verify_inclusion(tree.leaf_hash(0), 37, 37, {}, root));
}

// Verifies that a flipped bit in a consistency proof or in either root is rejected, as are swapped sizes
// and an empty proof where one is needed.
TEST(MerkleConsistency, RejectsEveryFlippedBitAndWrongParameters) {
  const MemoryMerkleTree tree = tree_of(50);
  for (auto [m, n] :
       {std::pair<std::uint64_t, std::uint64_t>{1, 50}, {7, 50}, {16, 50}, {32, 33}, {49, 50}}) {
    const Hash first = *merkle_root(tree, m);
    const Hash second = *merkle_root(tree, n);
    const std::vector<Hash> proof = *consistency_proof(tree, m, n);
    ASSERT_TRUE(verify_consistency(m, n, first, second, proof));
    for (std::size_t p = 0; p < proof.size(); ++p) {
      for (int bit = 0; bit < 256; bit += 5) {
        auto bad = proof;
        bad[p][bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        EXPECT_FALSE(verify_consistency(m, n, first, second, bad)) << m << "->" << n << " p=" << p;
      }
    }
    for (int bit = 0; bit < 256; bit += 3) {
      Hash bad = first;
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(verify_consistency(m, n, bad, second, proof));
      bad = second;
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(verify_consistency(m, n, first, bad, proof));
    }
    EXPECT_FALSE(verify_consistency(m, n, first, second, {}));
    EXPECT_FALSE(verify_consistency(m + 1, n, first, second, proof));
  }
  EXPECT_FALSE(verify_consistency(0, 5, sha256(""), *merkle_root(tree, 5), {}));
  EXPECT_TRUE(verify_consistency(5, 5, *merkle_root(tree, 5), *merkle_root(tree, 5), {}));
  EXPECT_FALSE(verify_consistency(5, 5, *merkle_root(tree, 5), *merkle_root(tree, 6), {}));
}

// Verifies the RFC 9162 boundary cases: the empty tree's root, a one-leaf tree, and requests past the tree.
TEST(MerkleTree, BoundaryCases) {
  const MemoryMerkleTree tree = tree_of(1);
  EXPECT_EQ(to_hex(*merkle_root(tree, 0)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(*merkle_root(tree, 1), merkle_leaf_hash(leaf_data(0)));
  EXPECT_TRUE(inclusion_proof(tree, 0, 1)->empty());
  EXPECT_EQ(inclusion_proof(tree, 1, 1).error().code, domain::ErrorCode::invalid);
  EXPECT_EQ(inclusion_proof(tree, 0, 2).error().code, domain::ErrorCode::not_found);
  EXPECT_EQ(consistency_proof(tree, 0, 1).error().code, domain::ErrorCode::invalid);
  EXPECT_EQ(merkle_root(tree, 2).error().code, domain::ErrorCode::not_found);
}

// Verifies that the stored levels hold exactly the complete subtrees, that the frontier's root, the stored
// tree and a leaf-only source agree at every size (the store keeps the same levels), and that the frontier
// names the nodes each append completed (what verification compares with the stored ones).
TEST(MerkleTree, LevelsFrontierAndLeafOnlySourceAgree) {
  MemoryMerkleTree tree;
  MerkleFrontier frontier;
  const LeafOnlySource leaves(100);
  for (std::uint64_t i = 0; i < 100; ++i) {
    tree.append(leaf_data(i));
    frontier.append(leaf_data(i));
    ASSERT_EQ(frontier.root(), *merkle_root(tree, i + 1)) << i;
    ASSERT_EQ(*merkle_root(leaves, i + 1), *merkle_root(tree, i + 1)) << i;
    // The nodes this append completed: (L, ((i + 1) >> L) - 1) for L = 1 … trailing zeros of i + 1.
    const auto completed = frontier.completed();
    ASSERT_EQ(completed.size(), static_cast<std::size_t>(std::countr_zero(i + 1))) << i;
    for (std::size_t l = 1; l <= completed.size(); ++l)
      EXPECT_EQ(completed[l - 1], tree.subtree(static_cast<unsigned>(l), ((i + 1) >> l) - 1))
          << i << " " << l;
  }
  for (unsigned level = 0; level < tree.levels(); ++level)
    EXPECT_EQ(tree.level(level).size(), 100u >> level);
  EXPECT_EQ(tree.levels(), 7u);  // 100 leaves: complete subtrees up to 64 leaves (level 6)
  EXPECT_EQ(*inclusion_proof(leaves, 77, 99), *inclusion_proof(tree, 77, 99));
  EXPECT_EQ(*consistency_proof(leaves, 33, 99), *consistency_proof(tree, 33, 99));
}

/** Counts node lookups to check that proofs stay O(log n) on a source with stored levels. */
class CountingSource final : public MerkleSource {
 public:
  explicit CountingSource(const MemoryMerkleTree& tree) : tree_(tree) {}
  std::uint64_t size() const override { return tree_.size(); }
  Hash leaf_hash(std::uint64_t i) const override {
    ++lookups;
    return tree_.leaf_hash(i);
  }
  Hash subtree(unsigned level, std::uint64_t i) const override {
    ++lookups;
    return tree_.subtree(level, i);
  }
  mutable std::uint64_t lookups = 0;

 private:
  const MemoryMerkleTree& tree_;
};

// Verifies that proofs at any position cost at most about 2 log2(n) lookups, never a walk over leaves.
TEST(MerkleTree, ProofsNeedLogarithmicLookups) {
  const MemoryMerkleTree tree = tree_of(5000);
  CountingSource source(tree);
  for (std::uint64_t m : {0u, 1u, 2047u, 4095u, 4096u, 4998u}) {
    for (std::uint64_t n : {4999u, 5000u}) {
      source.lookups = 0;
      ASSERT_TRUE(inclusion_proof(source, m, n).has_value());
      EXPECT_LE(source.lookups, 2 * 13u) << "inclusion " << m << " of " << n;
      if (m == 0) continue;
      source.lookups = 0;
      ASSERT_TRUE(consistency_proof(source, m, n).has_value());
      EXPECT_LE(source.lookups, 2 * 13u) << "consistency " << m << " to " << n;
    }
  }
}

}  // namespace
}  // namespace pactwatch::trail
