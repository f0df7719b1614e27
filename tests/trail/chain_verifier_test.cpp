#include "adapters/trail/chain_verifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/trail/merkle.hpp"

namespace pactwatch::trail {
namespace {

using nlohmann::json;
constexpr std::uint64_t kRows = 20;

EntryDraft draft_for(std::uint64_t seq) {
  EntryDraft d;
  d.time = *domain::parse_instant("2026-11-26T05:29:13Z") + std::chrono::milliseconds(seq * 1000 + 7);
  d.actor = {"tok_" + std::to_string(seq % 3), "南华县财政局"};
  d.role = "supervisor";
  d.action = seq % 2 ? "fact.create" : "breach.transition";
  d.entity = {"breach", "br_" + std::to_string(seq % 5)};
  d.request_id = "req-" + std::to_string(seq);
  d.reason = "第 " + std::to_string(seq) + " 次变更";
  d.patch = json::array({{{"op", "replace"}, {"path", "/state"}, {"value", "s" + std::to_string(seq)}}});
  return d;
}

std::vector<TrailEntry> build_chain(std::uint64_t n) {
  std::vector<TrailEntry> rows;
  Hash prev = kZeroHash;
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    rows.push_back(*seal_entry(draft_for(seq), seq, prev));
    prev = rows.back().hash;
  }
  return rows;
}

/** A forged entry at `seq` that links to `prev`, correctly hashed: what an attacker with SQL access can
 * write. */
TrailEntry forged(std::uint64_t seq, const Hash& prev) {
  EntryDraft d = draft_for(seq);
  d.reason = "伪造的记录";
  return *seal_entry(d, seq, prev);
}

Hash rehash(const TrailEntry& e) {
  return *EntryHasher().hash(e);
}

/** Checkpoints signed over the untampered chain at the given sizes. */
std::vector<SignedCheckpoint> checkpoints_at(const std::vector<TrailEntry>& rows, const SigningKey& key,
                                             std::initializer_list<std::uint64_t> sizes) {
  MemoryMerkleTree tree;
  for (const auto& r : rows)
    tree.append(r.hash);
  std::vector<SignedCheckpoint> out;
  for (std::uint64_t size : sizes)
    out.push_back(key.sign(Checkpoint{size, *merkle_root(tree, size), "2026-11-27T00:00:00.000Z"}));
  return out;
}

void expect_finding(const VerificationReport& report, TamperKind kind, std::uint64_t seq,
                    const std::string& what) {
  ASSERT_FALSE(report.ok()) << what << ": tampering was not found";
  EXPECT_EQ(to_string(report.finding->kind), to_string(kind)) << what << ": " << report.finding->detail;
  EXPECT_EQ(report.finding->seq, seq) << what << ": " << report.finding->detail;
}

/** The rows as the store holds them: text columns, hashes as lower-case hex (kept alive by `hex`). */
std::vector<StoredEntryView> stored_views(std::span<const TrailEntry> rows, std::vector<std::string>& hex) {
  hex.clear();
  hex.reserve(rows.size() * 2);
  std::vector<StoredEntryView> out;
  for (const TrailEntry& r : rows) {
    hex.push_back(to_hex(r.prev_hash));
    hex.push_back(to_hex(r.hash));
    out.push_back({r.seq, r.time, r.actor.token_id, r.actor.name, r.role, r.action, r.entity.type,
                   r.entity.id, r.request_id, r.reason, r.patch, hex[hex.size() - 2], hex.back()});
  }
  return out;
}

/**
 * verify_chain over the entries AND a ChainVerifier fed the same rows as stored text (the store's fast
 * path, which takes no hex parse on good rows): both must report the same. Every test below uses it.
 */
VerificationReport verify_both(std::span<const TrailEntry> rows, const VerificationInput& input = {}) {
  const VerificationReport entries = verify_chain(rows, input);
  std::vector<std::string> hex;
  const auto views = stored_views(rows, hex);
  ChainVerifier verifier(input, rows.size());
  for (const StoredEntryView& v : views) {
    if (!verifier.add(v)) break;
  }
  const VerificationReport stored = verifier.finish();
  EXPECT_EQ(stored.entries_verified, entries.entries_verified);
  EXPECT_EQ(stored.checkpoints_verified, entries.checkpoints_verified);
  EXPECT_EQ(stored.root, entries.root);
  EXPECT_EQ(stored.ok(), entries.ok());
  if (!stored.ok() && !entries.ok()) {
    EXPECT_EQ(stored.finding->kind, entries.finding->kind) << entries.finding->detail;
    EXPECT_EQ(stored.finding->seq, entries.finding->seq) << entries.finding->detail;
    EXPECT_EQ(stored.finding->detail, entries.finding->detail);
  }
  return entries;
}

// Verifies that an untouched chain with checkpoints and head verifies, and that the reported root is the
// Merkle root of all entry hashes.
TEST(ChainVerifier, IntactChainVerifies) {
  const auto rows = build_chain(kRows);
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  const auto cps = checkpoints_at(rows, key, {1, 7, 16, 20});
  const auto report = verify_both(rows, {cps, &pub, ChainHead{kRows, rows.back().hash}});
  EXPECT_TRUE(report.ok()) << report.finding->detail;
  EXPECT_EQ(report.entries_verified, kRows);
  EXPECT_EQ(report.checkpoints_verified, 4u);
  MemoryMerkleTree tree;
  for (const auto& r : rows)
    tree.append(r.hash);
  EXPECT_EQ(report.root, *merkle_root(tree, kRows));
  EXPECT_TRUE(verify_chain({}).ok());
  EXPECT_EQ(verify_chain({}).root, sha256(""));
}

// Verifies that editing any column of any row without re-hashing is found as "edited" at that row's seq.
TEST(ChainVerifier, FindsEditedRowsAtTheirSeq) {
  for (std::uint64_t k = 1; k <= kRows; ++k) {
    auto rows = build_chain(kRows);
    rows[k - 1].reason = "改过的理由";
    expect_finding(verify_both(rows), TamperKind::edited, k, "reason edited at " + std::to_string(k));
    rows = build_chain(kRows);
    rows[k - 1].patch = R"([{"op":"replace","path":"/state","value":"x"}])";
    expect_finding(verify_both(rows), TamperKind::edited, k, "patch edited at " + std::to_string(k));
    rows = build_chain(kRows);
    rows[k - 1].hash[0] ^= 0x80;
    expect_finding(verify_both(rows), TamperKind::edited, k, "hash column edited at " + std::to_string(k));
  }
  auto rows = build_chain(kRows);
  rows[4].prev_hash[5] ^= 1;
  expect_finding(verify_both(rows), TamperKind::edited, 5, "prev_hash column edited");
  rows = build_chain(kRows);
  rows[4].reason = "\xff";  // not even UTF-8 any more
  expect_finding(verify_both(rows), TamperKind::edited, 5, "invalid UTF-8");
}

// Verifies that a row edited and re-hashed by someone with write access is still found at its own seq:
// by the next row's link, or for the last row by the chain head.
TEST(ChainVerifier, FindsEditedAndRehashedRows) {
  for (std::uint64_t k = 1; k < kRows; ++k) {
    auto rows = build_chain(kRows);
    rows[k - 1].reason = "改过并重算哈希";
    rows[k - 1].hash = rehash(rows[k - 1]);
    expect_finding(verify_both(rows), TamperKind::edited, k, "rehashed at " + std::to_string(k));
  }
  auto rows = build_chain(kRows);
  const ChainHead head{kRows, rows.back().hash};
  rows.back().reason = "改过并重算哈希";
  rows.back().hash = rehash(rows.back());
  expect_finding(verify_both(rows, {{}, nullptr, head}), TamperKind::edited, kRows, "last row rehashed");
}

// Verifies that deleting any row is found as "deleted" at the missing seq (the last row through the chain
// head or a checkpoint).
TEST(ChainVerifier, FindsDeletedRowsAtTheirSeq) {
  for (std::uint64_t k = 1; k < kRows; ++k) {
    auto rows = build_chain(kRows);
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(k - 1));
    expect_finding(verify_both(rows), TamperKind::deleted, k, "deleted " + std::to_string(k));
  }
  auto rows = build_chain(kRows);
  rows.erase(rows.begin() + 3, rows.begin() + 6);
  expect_finding(verify_both(rows), TamperKind::deleted, 4, "deleted 4..6");

  rows = build_chain(kRows);
  const ChainHead head{kRows, rows.back().hash};
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  const auto cps = checkpoints_at(rows, key, {10, 20});
  rows.pop_back();
  EXPECT_TRUE(verify_both(rows).ok());  // a shorter chain alone looks fine: head and checkpoints are needed
  expect_finding(verify_both(rows, {{}, nullptr, head}), TamperKind::deleted, kRows, "tail, by head");
  expect_finding(verify_both(rows, {cps, &pub, std::nullopt}), TamperKind::deleted, kRows,
                 "tail, by checkpoint");
}

// Verifies that inserted rows are found as "inserted" at their seq: a second row with an existing seq
// (before or after the original), a well-forged row with the following rows renumbered, a garbage row
// with renumbering, and a row appended beyond the chain head.
TEST(ChainVerifier, FindsInsertedRowsAtTheirSeq) {
  for (std::uint64_t k = 1; k <= kRows; ++k) {
    const auto original = build_chain(kRows);
    auto rows = original;
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(k),
                forged(k, k > 1 ? original[k - 2].hash : kZeroHash));
    expect_finding(verify_both(rows), TamperKind::inserted, k, "duplicate seq after " + std::to_string(k));
    rows = original;
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(k - 1), forged(k, sha256("x")));
    expect_finding(verify_both(rows), TamperKind::inserted, k, "duplicate seq before " + std::to_string(k));

    // Renumbering: UPDATE trail SET seq = seq + 1 WHERE seq >= k; INSERT the forgery at k.
    rows = original;
    for (std::size_t i = k - 1; i < rows.size(); ++i)
      rows[i].seq += 1;
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(k - 1),
                forged(k, k > 1 ? original[k - 2].hash : kZeroHash));
    expect_finding(verify_both(rows), TamperKind::inserted, k, "well-forged at " + std::to_string(k));
    rows[k - 1].hash = sha256("garbage");
    expect_finding(verify_both(rows), TamperKind::inserted, k, "garbage at " + std::to_string(k));
  }
  auto rows = build_chain(kRows);
  const ChainHead head{kRows, rows.back().hash};
  TrailEntry extra = forged(kRows + 1, sha256("nothing"));
  extra.hash = sha256("nothing either");
  rows.push_back(extra);
  expect_finding(verify_both(rows, {{}, nullptr, head}), TamperKind::inserted, kRows + 1, "beyond head");
  rows.back() = forged(kRows + 1, rows[kRows - 1].hash);
  expect_finding(verify_both(rows, {{}, nullptr, head}), TamperKind::inserted, kRows + 1,
                 "linked beyond head");
}

// Verifies that swapped rows are found as "reordered" at the first displaced seq: swapped seq values
// (rows read in seq order), swapped contents far apart, and rows read out of seq order.
TEST(ChainVerifier, FindsReorderedRowsAtTheirSeq) {
  for (std::uint64_t k = 1; k < kRows; ++k) {
    auto rows = build_chain(kRows);
    std::swap(rows[k - 1], rows[k]);  // UPDATE ... swap seq of k and k+1, then SELECT ... ORDER BY seq
    std::swap(rows[k - 1].seq, rows[k].seq);
    expect_finding(verify_both(rows), TamperKind::reordered, k, "seq swap at " + std::to_string(k));

    rows = build_chain(kRows);
    std::swap(rows[k - 1], rows[k]);  // seq values intact, physical order changed
    expect_finding(verify_both(rows), TamperKind::reordered, k, "order swap at " + std::to_string(k));
  }
  auto rows = build_chain(kRows);
  std::swap(rows[3], rows[12]);
  std::swap(rows[3].seq, rows[12].seq);
  expect_finding(verify_both(rows), TamperKind::reordered, 4, "contents of 4 and 13 swapped");
}

// Verifies that a consistently rewritten tail (every hash recomputed) is caught by the first checkpoint
// whose root no longer matches, naming the range between the last good checkpoint and that one.
TEST(ChainVerifier, FindsRewrittenHistoryThroughCheckpointRoots) {
  const auto original = build_chain(kRows);
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  const auto cps = checkpoints_at(original, key, {5, 15});
  auto rows = original;
  rows[9].reason = "整体改写";
  for (std::size_t i = 9; i < rows.size(); ++i) {
    if (i > 9) rows[i].prev_hash = rows[i - 1].hash;
    rows[i].hash = rehash(rows[i]);
  }
  EXPECT_TRUE(verify_both(rows).ok());  // the chain alone cannot tell
  const auto report = verify_both(rows, {cps, &pub, std::nullopt});
  expect_finding(report, TamperKind::root_mismatch, 6, "rewritten from 10");
  EXPECT_EQ(report.finding->seq_last, 15u);
  EXPECT_EQ(report.checkpoints_verified, 1u);
}

// Verifies that a checkpoint with a flipped signature bit, one signed by another key, or one that cannot be
// checked because no key was given, is "bad_signature" at its tree size.
TEST(ChainVerifier, FindsBadCheckpointSignatures) {
  const auto rows = build_chain(kRows);
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  auto cps = checkpoints_at(rows, key, {4, 12});
  cps[1].signature[17] ^= 0x04;
  expect_finding(verify_both(rows, {cps, &pub, std::nullopt}), TamperKind::bad_signature, 12, "flipped bit");
  cps = checkpoints_at(rows, *SigningKey::generate(), {8});
  expect_finding(verify_both(rows, {cps, &pub, std::nullopt}), TamperKind::bad_signature, 8, "other key");
  cps = checkpoints_at(rows, key, {8});
  expect_finding(verify_both(rows, {cps, nullptr, std::nullopt}), TamperKind::bad_signature, 8, "no key");
  cps = checkpoints_at(rows, key, {8});
  cps[0].checkpoint.root_hash[0] ^= 1;  // the signature no longer covers the root it comes with
  expect_finding(verify_both(rows, {cps, &pub, std::nullopt}), TamperKind::bad_signature, 8, "altered root");
}

// Verifies that the first problem wins: an edit at 3 is reported even though a checkpoint at 10 is bad.
TEST(ChainVerifier, ReportsTheFirstProblem) {
  auto rows = build_chain(kRows);
  const SigningKey key = *SigningKey::generate();
  const PublicKey pub = key.public_key();
  auto cps = checkpoints_at(rows, key, {2, 10});
  cps[1].signature[0] ^= 1;
  rows[2].action = "fact.delete";
  const auto report = verify_both(rows, {cps, &pub, std::nullopt});
  expect_finding(report, TamperKind::edited, 3, "edit before a bad checkpoint");
  EXPECT_EQ(report.entries_verified, 2u);
  EXPECT_EQ(report.checkpoints_verified, 1u);
}

// Verifies the streaming verifier: it finds what verify_chain finds, asks for no more than `lookahead` rows
// after the first problem, and an intact stream verifies with the same root.
TEST(ChainVerifier, StreamingStopsAfterLookahead) {
  auto rows = build_chain(kRows);
  std::swap(rows[6], rows[7]);
  std::swap(rows[6].seq, rows[7].seq);
  ChainVerifier verifier({}, 3);
  std::size_t fed = 0;
  while (fed < rows.size() && verifier.add(rows[fed]))
    ++fed;
  EXPECT_EQ(fed, 6u + 3u);  // rows 1-6 good, row 7 fails, then 3 more rows and it has enough
  const auto report = verifier.finish();
  expect_finding(report, TamperKind::reordered, 7, "streamed swap");
  EXPECT_EQ(report.entries_verified, 6u);

  const auto intact = build_chain(kRows);
  ChainVerifier whole;
  for (const auto& r : intact)
    ASSERT_TRUE(whole.add(r));
  const auto ok = whole.finish();
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.root, verify_chain(intact).root);
}

}  // namespace
}  // namespace pactwatch::trail

namespace pactwatch::trail {
namespace {

// Verifies the stored-text path takes upper-case hex (which the store never writes) exactly as the entry
// path does - through the fallback - so the fast path changes no verdict.
TEST(ChainVerifier, StoredTextWithUpperCaseHexVerifiesAsBefore) {
  const auto rows = build_chain(5);
  std::vector<std::string> hex;
  auto views = stored_views(rows, hex);
  for (auto& h : hex)
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::toupper(c); });
  ChainVerifier verifier;
  for (const auto& v : views)
    ASSERT_TRUE(verifier.add(v));
  const auto report = verifier.finish();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.entries_verified, 5u);
}

}  // namespace
}  // namespace pactwatch::trail
