#include "adapters/trail/chain_verifier.hpp"

#include <algorithm>
#include <vector>

#include "adapters/trail/merkle.hpp"

namespace pactwatch::trail {
namespace {

TamperFinding found(TamperKind kind, std::uint64_t seq, std::string detail) {
  return TamperFinding{kind, seq, seq, std::move(detail)};
}

std::string seq_text(std::uint64_t seq) {
  return "seq " + std::to_string(seq);
}

/** Looks around the first failing row to tell the kinds of tampering apart (docs/TRAIL.md §6.2). */
class Classifier {
 public:
  // `rows` holds the failing row, the one before it if any, and the rows read after it; `complete` says
  // whether the last of them is the last row of the trail.
  Classifier(std::span<const TrailEntry> rows, bool complete, EntryHasher& hasher,
             const std::optional<ChainHead>& head)
      : rows_(rows), complete_(complete), hasher_(hasher), head_(head) {}

  // Row i is the first that failed; the verified prefix ends with sequence number es - 1 and hash ep.
  TamperFinding classify(std::size_t i, std::uint64_t es, const Hash& ep) {
    const TrailEntry& r = rows_[i];
    if (r.seq < es) return found(TamperKind::inserted, r.seq, "a second row has " + seq_text(r.seq));
    if (r.seq > es) {
      if (auto j = later(i, [&](const TrailEntry& x) { return x.seq == es; })) {
        return found(TamperKind::reordered, es, seq_text(es) + " is stored after " + seq_text(r.seq));
      }
      const std::string missing =
          r.seq == es + 1 ? seq_text(es) : "seq " + std::to_string(es) + " to " + std::to_string(r.seq - 1);
      return found(TamperKind::deleted, es,
                   missing + " missing: the row after " + seq_text(es - 1) + " has " + seq_text(r.seq));
    }
    if (i + 1 < rows_.size() && rows_[i + 1].seq == es) {
      return found(TamperKind::inserted, es, "two rows have " + seq_text(es));
    }
    // The true successor of the verified prefix is stored further on: rows were swapped or one was added.
    if (auto j = later(i, [&](const TrailEntry& x) { return x.prev_hash == ep; })) {
      if (later(i, [&](const TrailEntry& x) { return x.hash == r.prev_hash; })) {
        return found(
            TamperKind::reordered, es,
            "the entry that follows " + seq_text(es - 1) + " is stored as " + seq_text(rows_[*j].seq));
      }
      return found(TamperKind::inserted, es,
                   "the row at " + seq_text(es) + " does not belong to the chain; " + seq_text(es - 1) +
                       " is followed by the row stored as " + seq_text(rows_[*j].seq));
    }
    const bool content_ok = matches(r);
    if (r.prev_hash == ep) {
      return found(TamperKind::edited, es, "the row's content does not match its hash");
    }
    if (i >= 1 && r.prev_hash == rows_[i - 1].prev_hash) {
      return found(
          TamperKind::inserted, es - 1,
          "the row at " + seq_text(es - 1) + " was added: " + seq_text(es) + " links to the entry before it");
    }
    if (content_ok) {
      if (i == 0) return found(TamperKind::edited, es, "the first row's prev_hash is not the genesis hash");
      return found(TamperKind::edited, es - 1,
                   "the row at " + seq_text(es - 1) + " was changed and re-hashed: " + seq_text(es) +
                       " names a different previous hash");
    }
    if (later(i, [&](const TrailEntry& x) { return x.hash == r.prev_hash; })) {
      return found(TamperKind::reordered, es, "the row at " + seq_text(es) + " belongs after a later row");
    }
    // A last row with neither hash nor link right: an extra row if the chain head ends before it.
    if (i + 1 == rows_.size() && complete_ && head_ && head_->seq < es) {
      return found(TamperKind::inserted, es, "the last row is beyond the chain head and matches nothing");
    }
    return found(TamperKind::edited, es, "the row's content and prev_hash do not match the chain");
  }

 private:
  template <class Pred>
  std::optional<std::size_t> later(std::size_t i, Pred pred) const {
    for (std::size_t j = i + 1; j < rows_.size(); ++j) {
      if (pred(rows_[j])) return j;
    }
    return std::nullopt;
  }
  bool matches(const TrailEntry& r) {
    const auto h = hasher_.hash(r);
    return h && *h == r.hash;
  }

  std::span<const TrailEntry> rows_;
  bool complete_;
  EntryHasher& hasher_;
  const std::optional<ChainHead>& head_;
};

/** Checks checkpoints as the walk reaches their tree sizes. */
class CheckpointChecker {
 public:
  explicit CheckpointChecker(const VerificationInput& input) : key_(input.public_key) {
    for (const SignedCheckpoint& c : input.checkpoints)
      sorted_.push_back(&c);
    std::stable_sort(sorted_.begin(), sorted_.end(),
                     [](const SignedCheckpoint* a, const SignedCheckpoint* b) {
                       return a->checkpoint.tree_size < b->checkpoint.tree_size;
                     });
  }

  // Checks every checkpoint of exactly the frontier's size.
  std::optional<TamperFinding> at(const MerkleFrontier& tree, std::uint64_t& verified) {
    while (next_ < sorted_.size() && sorted_[next_]->checkpoint.tree_size == tree.size()) {
      const SignedCheckpoint& c = *sorted_[next_++];
      if (auto bad = signature(c)) return bad;
      if (tree.root() != c.checkpoint.root_hash) {
        TamperFinding f{TamperKind::root_mismatch, good_size_ + 1, tree.size(),
                        "the checkpoint of " + c.checkpoint.time + " signed a different root for tree size " +
                            std::to_string(tree.size()) + ": an entry after " + seq_text(good_size_) +
                            " and up to " + seq_text(tree.size()) + " was rewritten"};
        return f;
      }
      good_size_ = tree.size();
      ++verified;
    }
    return std::nullopt;
  }

  // Checkpoints beyond the last row: signed, yet their entries are gone.
  std::optional<TamperFinding> beyond(std::uint64_t rows) {
    if (next_ >= sorted_.size()) return std::nullopt;
    const SignedCheckpoint& c = *sorted_[next_];
    if (auto bad = signature(c)) return bad;
    return found(TamperKind::deleted, rows + 1,
                 "a checkpoint covers " + std::to_string(c.checkpoint.tree_size) +
                     " entries, but the trail ends at " + seq_text(rows));
  }

 private:
  std::optional<TamperFinding> signature(const SignedCheckpoint& c) const {
    if (key_ != nullptr && key_->verify(c)) return std::nullopt;
    return found(TamperKind::bad_signature, c.checkpoint.tree_size,
                 "the checkpoint for tree size " + std::to_string(c.checkpoint.tree_size) + " of " +
                     c.checkpoint.time +
                     (key_ ? " has a bad signature" : " cannot be checked without a public key"));
  }

  const PublicKey* key_;
  std::vector<const SignedCheckpoint*> sorted_;
  std::size_t next_ = 0;
  std::uint64_t good_size_ = 0;
};

std::optional<TamperFinding> check_head(const ChainHead& head, std::uint64_t rows, const Hash& last) {
  if (head.seq > rows) {
    return found(TamperKind::deleted, rows + 1,
                 "the chain head is at " + seq_text(head.seq) + " but the trail ends at " + seq_text(rows));
  }
  if (head.seq < rows) {
    return found(TamperKind::inserted, head.seq + 1,
                 "the chain head is at " + seq_text(head.seq) + " but rows go on to " + seq_text(rows));
  }
  if (head.hash != last) {
    return found(TamperKind::edited, rows, "the last row's hash differs from the chain head's");
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TamperKind kind) {
  switch (kind) {
    case TamperKind::edited:
      return "edited";
    case TamperKind::deleted:
      return "deleted";
    case TamperKind::inserted:
      return "inserted";
    case TamperKind::reordered:
      return "reordered";
    case TamperKind::bad_signature:
      return "bad_signature";
    case TamperKind::root_mismatch:
      return "root_mismatch";
  }
  return "unknown";
}

struct ChainVerifier::State {
  explicit State(const VerificationInput& in, std::size_t lookahead_rows)
      : input(in), checkpoints(in), lookahead(lookahead_rows) {}

  VerificationInput input;
  // No UTF-8 check here: sealing checked it, and any byte changed since then changes the hash.
  EntryHasher hasher{Utf8Check::skip};
  MerkleFrontier tree;
  CheckpointChecker checkpoints;
  std::size_t lookahead;
  VerificationReport report;
  Hash expected_prev = kZeroHash;
  std::string expected_prev_hex = std::string(64, '0');  // its lower-case hex, for the stored-text path
  std::string buffer;                                    // canonical bytes of the stored-text path
  Sha256 sha;
  Hash previous_prev = kZeroHash;  // prev_hash of the last verified row
  std::uint64_t expected_seq = 1;
  std::uint64_t rows_seen = 0;
  bool started = false;
  // After the first failure: the last good row (as a stub with its prev_hash), the failing row, and more.
  std::vector<TrailEntry> after_failure;
  std::size_t failing_index = 0;
};

ChainVerifier::ChainVerifier(const VerificationInput& input, std::size_t lookahead)
    : state_(std::make_unique<State>(input, lookahead)) {}

ChainVerifier::~ChainVerifier() = default;

bool ChainVerifier::add(const TrailEntry& row) {
  State& s = *state_;
  if (!s.started) {
    s.started = true;
    s.report.finding = s.checkpoints.at(s.tree, s.report.checkpoints_verified);
  }
  ++s.rows_seen;
  if (!s.after_failure.empty()) {
    s.after_failure.push_back(row);
    return s.after_failure.size() <= s.failing_index + s.lookahead;
  }
  if (s.report.finding) return false;  // a checkpoint failed: nothing after it can be trusted
  // The hot path: one SHA-256 over the stored bytes, two comparisons, one Merkle append.
  const auto hash = s.hasher.hash(row);
  if (row.seq != s.expected_seq || row.prev_hash != s.expected_prev || !hash || *hash != row.hash) {
    if (s.expected_seq > 1) {
      TrailEntry previous;
      previous.seq = s.expected_seq - 1;
      previous.prev_hash = s.previous_prev;
      previous.hash = s.expected_prev;
      s.after_failure.push_back(std::move(previous));
    }
    s.failing_index = s.after_failure.size();
    s.after_failure.push_back(row);
    return s.lookahead > 0;
  }
  s.tree.append(row.hash);
  ++s.report.entries_verified;
  s.previous_prev = row.prev_hash;
  s.expected_prev = row.hash;
  s.expected_prev_hex.clear();
  append_hex(row.hash, s.expected_prev_hex);
  ++s.expected_seq;
  s.report.finding = s.checkpoints.at(s.tree, s.report.checkpoints_verified);
  return !s.report.finding;
}

bool ChainVerifier::add(const StoredEntryView& row) {
  State& s = *state_;
  if (s.started && s.after_failure.empty() && !s.report.finding && row.seq == s.expected_seq &&
      row.prev_hash_hex == s.expected_prev_hex) {
    // The stored prev_hash text is the previous hash's hex, so the canonical bytes can take it verbatim.
    s.buffer.clear();
    append_stored_entry_canonical(row, s.buffer);
    const Hash hash = s.sha.digest(s.expected_prev, bytes_of(s.buffer));
    if (is_hex_of(hash, row.hash_hex)) {
      ++s.rows_seen;
      s.tree.append(hash);
      ++s.report.entries_verified;
      s.previous_prev = s.expected_prev;
      s.expected_prev = hash;
      s.expected_prev_hex.assign(row.hash_hex);
      ++s.expected_seq;
      s.report.finding = s.checkpoints.at(s.tree, s.report.checkpoints_verified);
      return !s.report.finding;
    }
  }
  return add(to_entry(row));
}

std::optional<std::span<const Hash>> ChainVerifier::completed_nodes(std::uint64_t seq) const {
  const State& s = *state_;
  if (!s.after_failure.empty() || s.report.finding || seq == 0 || seq + 1 != s.expected_seq)
    return std::nullopt;
  return s.tree.completed();
}

VerificationReport ChainVerifier::finish() {
  State& s = *state_;
  if (!s.started) s.report.finding = s.checkpoints.at(s.tree, s.report.checkpoints_verified);
  if (!s.after_failure.empty() && !s.report.finding) {
    // Complete when every row read so far is buffered (the reader did not stop early after lookahead).
    const bool complete = s.after_failure.size() <= s.failing_index + s.lookahead;
    s.report.finding = Classifier(s.after_failure, complete, s.hasher, s.input.head)
                           .classify(s.failing_index, s.expected_seq, s.expected_prev);
  }
  if (!s.report.finding) s.report.finding = s.checkpoints.beyond(s.rows_seen);
  if (!s.report.finding && s.input.head) {
    s.report.finding = check_head(*s.input.head, s.rows_seen, s.expected_prev);
  }
  s.report.root = s.tree.root();
  return s.report;
}

VerificationReport verify_chain(std::span<const TrailEntry> rows, const VerificationInput& input) {
  ChainVerifier verifier(input, rows.size());
  for (const TrailEntry& row : rows) {
    if (!verifier.add(row)) break;
  }
  return verifier.finish();
}

}  // namespace pactwatch::trail
