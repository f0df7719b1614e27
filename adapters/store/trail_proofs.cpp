// TrailStore's checkpoints, proofs and verification (docs/TRAIL.md §4-§6), over trail_nodes,
// trail_checkpoints and a streamed read of trail_entries.

#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <span>
#include <tuple>
#include <utility>

#include "adapters/store/trail_rows.hpp"
#include "adapters/store/trail_store.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using d::ErrorCode;
using d::Result;
using detail::guarded;
using detail::trail_text;

namespace {

std::optional<trail::SignedCheckpoint> checkpoint_of_size(soci::session& sql, std::uint64_t tree_size) {
  const long long size = static_cast<long long>(tree_size);
  auto prep = (sql.prepare << std::string(trail_text(sql).select_checkpoint), soci::use(size, "tree_size"));
  auto found = detail::read_checkpoints(prep);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

/** Ends the snapshot transaction however verification leaves. */
class Snapshot {
 public:
  explicit Snapshot(soci::session& sql) : sql_(sql) {
    const auto& q = trail_text(sql);
    for (auto s : {q.begin_snapshot_1, q.begin_snapshot_2})
      if (!s.empty()) sql_ << std::string(s);
  }
  ~Snapshot() {
    try {
      sql_ << std::string(trail_text(sql_).end_snapshot);
    } catch (...) {
      // The connection is gone: the server ended the read-only transaction itself.
    }
  }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  soci::session& sql_;
};

/**
 * Checks every stored Merkle node while the rows stream (docs/TRAIL.md §8.5): an entry's `nodes` column
 * must hold exactly the nodes the verifier computed when it appended that entry. Entries appended before
 * migration 0008 keep theirs in trail_nodes (their column is empty): those are compared with trail_nodes
 * after the stream. Keeps the first bad node in seq order.
 */
class NodeCheck {
 public:
  void row(std::uint64_t seq, std::span<const trail::Hash> computed, std::string_view stored) {
    if (bad_seq_ != 0) return;
    if (stored.empty() && !computed.empty()) {
      for (std::size_t i = 0; i < computed.size(); ++i)
        older_.push_back({static_cast<int>(i + 1), node_index(seq, i + 1), seq, computed[i]});
      return;
    }
    if (stored.size() != computed.size() * 64) {
      fail(seq, "the row of seq " + std::to_string(seq) + " holds " + std::to_string(stored.size() / 64) +
                    " Merkle nodes, but its entry completes " + std::to_string(computed.size()));
      return;
    }
    for (std::size_t i = 0; i < computed.size(); ++i) {
      if (!trail::is_hex_of(computed[i], stored.substr(i * 64, 64))) {
        fail(seq, "the Merkle node (level " + std::to_string(i + 1) + ", index " +
                      std::to_string(node_index(seq, i + 1)) + ") stored in the row of seq " +
                      std::to_string(seq) + " differs from the node its entries give");
        return;
      }
    }
  }

  /** Whether nodes of entries before migration 0008 wait for compare_older(). */
  bool older_pending() const { return !older_.empty(); }

  /** Compares the waiting nodes with trail_nodes, read by `read` in (level, idx) order. */
  void compare_older(
      const std::function<void(const std::function<void(int, long long, std::string_view)>&)>& read) {
    std::sort(older_.begin(), older_.end(), [](const Older& a, const Older& b) {
      return std::tie(a.level, a.idx) < std::tie(b.level, b.idx);
    });
    std::size_t next = 0;
    std::uint64_t first_bad = 0;
    std::string why;
    const auto bad = [&](const Older& o, const std::string& what) {
      if (first_bad == 0 || o.seq < first_bad) {
        first_bad = o.seq;
        why = "the Merkle node (level " + std::to_string(o.level) + ", index " + std::to_string(o.idx) +
              ") of the row of seq " + std::to_string(o.seq) + " " + what;
      }
    };
    read([&](int level, long long idx, std::string_view hash) {
      for (; next < older_.size() && std::tie(older_[next].level, older_[next].idx) < std::tie(level, idx);
           ++next)
        bad(older_[next], "is neither in that row nor in trail_nodes");
      if (next < older_.size() && older_[next].level == level && older_[next].idx == idx) {
        if (!trail::is_hex_of(older_[next].hash, hash)) bad(older_[next], "differs in trail_nodes");
        ++next;
      }
    });
    for (; next < older_.size(); ++next)
      bad(older_[next], "is neither in that row nor in trail_nodes");
    older_.clear();
    if (first_bad != 0 && (bad_seq_ == 0 || first_bad < bad_seq_)) {
      bad_seq_ = first_bad;
      problem_ = why;
    }
  }

  const std::string& problem() const { return problem_; }

 private:
  struct Older {
    int level;
    long long idx;
    std::uint64_t seq;
    trail::Hash hash;
  };
  /** Node (level, idx) is kept in the row of seq (idx + 1) << level (docs/TRAIL.md §8.1). */
  static long long node_index(std::uint64_t seq, std::size_t level) {
    return static_cast<long long>(seq >> level) - 1;
  }
  void fail(std::uint64_t seq, std::string why) {
    bad_seq_ = seq;
    problem_ = std::move(why);
  }

  std::uint64_t bad_seq_ = 0;
  std::string problem_;
  std::vector<Older> older_;
};

}  // namespace

Result<std::pair<std::vector<trail::SignedCheckpoint>, bool>> TrailStore::checkpoints(std::uint64_t before,
                                                                                      int limit) {
  using Answer = std::pair<std::vector<trail::SignedCheckpoint>, bool>;
  return guarded("listing trail checkpoints", [&]() -> Result<Answer> {
    auto lease = database_.acquire();
    const long long bound =
        before == 0 ? std::numeric_limits<long long>::max() : static_cast<long long>(before);
    const int fetch = limit + 1;
    auto prep = (lease->prepare << std::string(trail_text(*lease).select_checkpoints_before),
                 soci::use(bound, "before"), soci::use(fetch, "limit"));
    auto items = detail::read_checkpoints(prep);
    const bool more = items.size() > static_cast<std::size_t>(limit);
    if (more) items.resize(static_cast<std::size_t>(limit));
    return Answer{std::move(items), more};
  });
}

Result<std::optional<trail::SignedCheckpoint>> TrailStore::checkpoint(std::uint64_t tree_size) {
  return guarded("reading a trail checkpoint", [&]() -> Result<std::optional<trail::SignedCheckpoint>> {
    auto lease = database_.acquire();
    return checkpoint_of_size(*lease, tree_size);
  });
}

Result<std::optional<trail::SignedCheckpoint>> TrailStore::latest_checkpoint() {
  return guarded("reading the latest trail checkpoint",
                 [&]() -> Result<std::optional<trail::SignedCheckpoint>> {
                   auto lease = database_.acquire();
                   auto prep = (lease->prepare << std::string(trail_text(*lease).select_latest_checkpoint));
                   auto found = detail::read_checkpoints(prep);
                   if (found.empty()) return std::nullopt;
                   return std::move(found.front());
                 });
}

Result<std::optional<trail::SignedCheckpoint>> TrailStore::take_checkpoint(const trail::SigningKey& key,
                                                                           d::Instant now) {
  return guarded("taking a trail checkpoint", [&]() -> Result<std::optional<trail::SignedCheckpoint>> {
    auto lease = database_.acquire();
    soci::session& sql = *lease;
    const auto& q = trail_text(sql);
    const detail::HeadRow head = detail::read_head(sql, false);
    if (head.seq == 0) return std::nullopt;
    auto prep = (sql.prepare << std::string(q.select_latest_checkpoint));
    const auto latest = detail::read_checkpoints(prep);
    if (!latest.empty() && latest.front().checkpoint.tree_size >= head.seq) return std::nullopt;
    // The nodes of every entry up to the head were written with it, in its transaction.
    const detail::DbMerkleSource source(sql, head.seq);
    auto root = trail::merkle_root(source, head.seq);
    if (!root) return std::unexpected(root.error());
    const auto signed_checkpoint = key.sign(trail::Checkpoint{head.seq, *root, d::format_instant(now)});
    long long size = static_cast<long long>(head.seq);
    std::string root_hex = trail::to_hex(*root);
    std::string signature = trail::base64_encode(signed_checkpoint.signature);
    try {
      sql << std::string(q.insert_checkpoint), soci::use(size, "tree_size"), soci::use(root_hex, "root_hash"),
          soci::use(signed_checkpoint.checkpoint.time, "time"), soci::use(signature, "signature"),
          soci::use(signed_checkpoint.key_id, "key_id");
    } catch (...) {
      const auto error = map_current_exception("storing a trail checkpoint");
      if (error.code != ErrorCode::conflict) return std::unexpected(error);
      return checkpoint_of_size(sql, head.seq);  // another instance signed this size first
    }
    return signed_checkpoint;
  });
}

Result<trail::Hash> TrailStore::root(std::uint64_t tree_size) {
  return guarded("computing a trail root", [&]() -> Result<trail::Hash> {
    auto lease = database_.acquire();
    const auto head = detail::read_head(*lease, false);
    if (tree_size > head.seq) {
      return d::fail(ErrorCode::invalid,
                     "tree_size " + std::to_string(tree_size) + " is beyond the trail's " +
                         std::to_string(head.seq) + " entries",
                     "tree_size");
    }
    const detail::DbMerkleSource source(*lease, tree_size);
    return trail::merkle_root(source, tree_size);
  });
}

Result<StoredInclusionProof> TrailStore::inclusion_proof(std::uint64_t seq, std::uint64_t tree_size) {
  auto found = entry(seq);
  if (!found) return std::unexpected(found.error());
  return guarded("computing an inclusion proof", [&]() -> Result<StoredInclusionProof> {
    auto lease = database_.acquire();
    const auto head = detail::read_head(*lease, false);
    if (tree_size < seq || tree_size > head.seq) {
      return d::fail(ErrorCode::invalid,
                     "tree_size must be between the entry's seq " + std::to_string(seq) +
                         " and the trail's size " + std::to_string(head.seq),
                     "tree_size");
    }
    const detail::DbMerkleSource source(*lease, tree_size);
    StoredInclusionProof out;
    out.entry = std::move(*found);
    out.tree_size = tree_size;
    auto path = trail::inclusion_proof(source, seq - 1, tree_size);
    if (!path) return std::unexpected(path.error());
    out.path = std::move(*path);
    auto root = trail::merkle_root(source, tree_size);
    if (!root) return std::unexpected(root.error());
    out.root = *root;
    out.checkpoint = checkpoint_of_size(*lease, tree_size);
    return out;
  });
}

Result<StoredConsistencyProof> TrailStore::consistency_proof(std::uint64_t from, std::uint64_t to) {
  return guarded("computing a consistency proof", [&]() -> Result<StoredConsistencyProof> {
    auto lease = database_.acquire();
    const auto head = detail::read_head(*lease, false);
    if (from == 0 || from > to) return d::fail(ErrorCode::invalid, "from must be between 1 and to", "from");
    if (to > head.seq) {
      return d::fail(ErrorCode::invalid, "to is beyond the trail's " + std::to_string(head.seq) + " entries",
                     "to");
    }
    const detail::DbMerkleSource source(*lease, to);
    StoredConsistencyProof out;
    out.from = from;
    out.to = to;
    auto proof = trail::consistency_proof(source, from, to);
    if (!proof) return std::unexpected(proof.error());
    out.proof = std::move(*proof);
    auto from_root = trail::merkle_root(source, from);
    auto to_root = trail::merkle_root(source, to);
    if (!from_root) return std::unexpected(from_root.error());
    if (!to_root) return std::unexpected(to_root.error());
    out.from_root = *from_root;
    out.to_root = *to_root;
    out.from_checkpoint = checkpoint_of_size(*lease, from);
    out.to_checkpoint = checkpoint_of_size(*lease, to);
    return out;
  });
}

Result<TrailVerification> TrailStore::verify(const TrailVerifyOptions& options) {
  return guarded("verifying the trail", [&]() -> Result<TrailVerification> {
    auto lease = database_.acquire();
    soci::session& sql = *lease;
    const auto& q = trail_text(sql);
    // SQLite reads head, checkpoints and rows through a connection of its own (one snapshot, no per-call
    // mutex); MySQL (and an in-memory SQLite) through the session.
    const auto scan = sql.get_backend_name() == "sqlite3" ? detail::SqliteScan::open(sql) : nullptr;
    const Snapshot snapshot(sql);  // head, checkpoints and rows as of one instant
    const auto head = scan ? scan->head() : detail::read_head(sql, false);
    std::vector<trail::SignedCheckpoint> checkpoints;
    if (scan) {
      checkpoints = scan->checkpoints();
    } else {
      auto prep = (sql.prepare << std::string(q.select_all_checkpoints));
      checkpoints = detail::read_checkpoints(prep);
    }
    checkpoints.insert(checkpoints.end(), options.extra_checkpoints.begin(), options.extra_checkpoints.end());

    trail::VerificationInput input;
    input.checkpoints = checkpoints;
    input.public_key = options.public_key;
    input.head = trail::ChainHead{head.seq, head.hash};
    trail::ChainVerifier verifier(input);
    NodeCheck nodes;
    const auto on_row = [&](const trail::StoredEntryView& e, std::string_view stored_nodes) {
      const bool go_on = verifier.add(e);
      if (const auto computed = verifier.completed_nodes(e.seq)) nodes.row(e.seq, *computed, stored_nodes);
      return go_on;
    };
    if (scan) scan->stream(on_row);
    // Otherwise keyset pages in seq order (MySQL's client buffers a whole result).
    long long after = 0;
    bool more = !scan;
    detail::EntryBatch batch(options.page_size);
    const int page = static_cast<int>(options.page_size);
    while (more) {
      std::size_t rows = 0;
      auto select = (sql.prepare << std::string(q.select_entries_after), soci::use(after, "after"),
                     soci::use(page, "limit"));
      batch.run_with_nodes(select, [&](const trail::StoredEntryView& e, std::string_view stored_nodes) {
        ++rows;
        after = static_cast<long long>(e.seq);
        if (!on_row(e, stored_nodes)) {
          more = false;
          return false;
        }
        return true;
      });
      if (rows < options.page_size) more = false;
    }
    TrailVerification out;
    out.report = verifier.finish();
    out.head_seq = head.seq;
    out.checkpoints_checked = checkpoints.size();
    if (!out.report.ok()) return out;
    if (nodes.older_pending()) {
      nodes.compare_older([&](const std::function<void(int, long long, std::string_view)>& row) {
        if (scan) return scan->older_nodes(row);
        std::vector<int> levels(1000);
        std::vector<long long> idxs(1000);
        std::vector<std::string> hashes(1000);
        soci::statement st = (sql.prepare << "SELECT level, idx, hash FROM trail_nodes ORDER BY level, idx",
                              soci::into(levels), soci::into(idxs), soci::into(hashes));
        st.execute(false);
        while (st.fetch()) {
          for (std::size_t i = 0; i < levels.size(); ++i)
            row(levels[i], idxs[i], hashes[i]);
          levels.resize(1000);
          idxs.resize(1000);
          hashes.resize(1000);
        }
      });
    }
    out.tree_nodes_problem = nodes.problem();
    if (out.tree_nodes_problem.empty() && head.seq > 0) {
      // The proofs read the nodes by key: they must give the root the rows give.
      const detail::DbMerkleSource source(sql, head.seq);
      try {
        auto nodes_root = trail::merkle_root(source, head.seq);
        if (!nodes_root || *nodes_root != out.report.root) {
          out.tree_nodes_problem = "the stored Merkle nodes do not give the root of the entries";
        }
      } catch (const std::exception& e) {
        out.tree_nodes_problem = std::string("the stored Merkle nodes: ") + e.what();
      }
    }
    return out;
  });
}

}  // namespace pactwatch::store
