#pragma once
// Row plumbing of the trail store (trail_store.cpp, trail_proofs.cpp): the backend's SQL text, entries read
// in bulk batches, entries written as their stored text, checkpoints, and a MerkleSource over trail_nodes.

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/store/soci_errors.hpp"
#include "adapters/store/trail_sql.hpp"
#include "adapters/trail/checkpoint.hpp"
#include "adapters/trail/entry.hpp"
#include "adapters/trail/merkle.hpp"

namespace pactwatch::store::detail {

/** Runs `f`, turning any exception (SOCI's, or a missing row) into the store's error for `what`. */
template <class F>
auto guarded(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    return std::unexpected(map_current_exception(what));
  }
}

/** The trail SQL of the session's backend. */
const TrailSql& trail_text(soci::session& sql);

/**
 * The hash a stored hex column holds; text that is not 64 hex digits (a tampered row) becomes a hash no
 * entry can have (all 0xff), so the verifier reports the row instead of the store failing.
 */
trail::Hash hash_or_poison(std::string_view hex);

/** `text` with LIKE's wildcards escaped for `ESCAPE '!'`. */
std::string like_escape(const std::string& text);

/** An entry as its stored column values, for INSERT. */
struct TrailEntryText {
  explicit TrailEntryText(const trail::TrailEntry& e);

  long long seq;
  std::string time, token_id, name, role, action, entity_type, entity_id, request_id, reason, patch,
      prev_hash, hash;
};

/** Reads entries in bulk (vectors of `size` rows per fetch) from a statement selecting entry_columns. */
class EntryBatch {
 public:
  explicit EntryBatch(std::size_t size);
  /** Binds the columns into `prep`, runs it and calls `row` for each entry until it returns false. */
  void run(soci::details::prepare_temp_type& prep, const std::function<bool(trail::TrailEntry&&)>& row);
  /** The same, handing views of the fetched text (valid during the call; hashes as stored hex). */
  void run_stored(soci::details::prepare_temp_type& prep,
                  const std::function<bool(const trail::StoredEntryView&)>& row);
  /** As run_stored, for a statement that selects the `nodes` column after the entry columns. */
  void run_with_nodes(soci::details::prepare_temp_type& prep,
                      const std::function<bool(const trail::StoredEntryView&, std::string_view nodes)>& row);

 private:
  void run_rows(soci::details::prepare_temp_type& prep, bool with_nodes,
                const std::function<bool(const trail::StoredEntryView&, std::string_view nodes)>& row);

  std::size_t size_;
  std::vector<long long> seq_;
  std::vector<std::string> time_, token_id_, name_, role_, action_, entity_type_, entity_id_, request_id_,
      reason_, patch_, prev_hash_, hash_, nodes_;
};

/** The checkpoints a statement selects (tree_size, root_hash, time, signature, key_id). */
std::vector<trail::SignedCheckpoint> read_checkpoints(soci::details::prepare_temp_type& prep);

/** A checkpoint from its stored columns (tampered text becomes values that do not verify). */
trail::SignedCheckpoint checkpoint_from_columns(long long tree_size, std::string_view root, std::string time,
                                                std::string_view signature, std::string key_id);

/** The chain head as stored; `for_append` locks the row on MySQL (serializing appends). */
struct HeadRow {
  std::uint64_t seq = 0;
  trail::Hash hash{};
};
HeadRow read_head(soci::session& sql, bool for_append);

/**
 * SQLite only: verification's own read-only connection to the session's database file, in one read
 * transaction (one snapshot) for its life. It is opened without SQLite's per-call mutex (one thread uses
 * it): a scan makes a column call per column and row, and on the pooled sessions (serialized mode) every
 * call locks and unlocks the connection's mutex (docs/PERFORMANCE.md, "Trail").
 */
class SqliteScan {
 public:
  /** nullptr when the database has no file (in memory): the caller reads through the session instead. */
  static std::unique_ptr<SqliteScan> open(soci::session& sql);
  ~SqliteScan();
  SqliteScan(const SqliteScan&) = delete;
  SqliteScan& operator=(const SqliteScan&) = delete;

  HeadRow head();
  std::vector<trail::SignedCheckpoint> checkpoints();
  /**
   * Streams every entry in seq order, handing `row` views of the row's column text and of its `nodes`
   * column (no copy; valid during the call) until it returns false: reading the table must not dominate
   * hashing (PERFORMANCE.md, Trail).
   */
  void stream(const std::function<bool(const trail::StoredEntryView&, std::string_view nodes)>& row);
  /** Every trail_nodes row (level, idx, hash hex) in (level, idx) order (nodes stored before migration 0008).
   */
  void older_nodes(const std::function<void(int level, long long idx, std::string_view hash)>& row);

 private:
  explicit SqliteScan(sqlite_api::sqlite3* db) : db_(db) {}
  void execute(const char* text);
  sqlite_api::sqlite3* db_;
  bool in_transaction_ = false;
};

/**
 * A stored Merkle node (level >= 1, idx) (docs/TRAIL.md §4, §8.1): the entry with seq (idx + 1) << level
 * completed it and keeps it in its `nodes` column (levels 1, 2, … as 64 hex digits each); an entry appended
 * before migration 0008 left it in trail_nodes instead. `entry_nodes(seq, nodes)` reads that column and
 * `older_node(level, idx, hex)` the trail_nodes row, each false when there is no row. Throws
 * std::runtime_error when neither holds the node or its hex is malformed.
 */
trail::Hash stored_node(unsigned level, long long idx,
                        const std::function<bool(long long seq, std::string& nodes)>& entry_nodes,
                        const std::function<bool(int level, long long idx, std::string& hex)>& older_node);

/**
 * A MerkleSource over the stored nodes: one prepared lookup per node (a second one, in trail_nodes, for the
 * entries appended before migration 0008), so a proof is O(log n) queries.
 */
class DbMerkleSource final : public trail::MerkleSource {
 public:
  DbMerkleSource(soci::session& sql, std::uint64_t size);
  std::uint64_t size() const override { return size_; }
  trail::Hash leaf_hash(std::uint64_t index) const override { return subtree(0, index); }
  /**
   * Level 0 (a leaf) is the leaf hash of the entry's own hash column; higher levels come from trail_nodes.
   * Throws std::runtime_error when the row is missing or malformed (the store maps it).
   */
  trail::Hash subtree(unsigned level, std::uint64_t index) const override;

 private:
  std::uint64_t size_;
  mutable int level_ = 0;
  mutable long long idx_ = 0, seq_ = 0;
  mutable std::string hash_, nodes_;
  mutable soci::statement node_, entry_hash_, entry_nodes_;
};

}  // namespace pactwatch::store::detail
