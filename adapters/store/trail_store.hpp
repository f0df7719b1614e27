#pragma once
// The accountability trail in the database (DESIGN §6, docs/TRAIL.md §2.3, §4, §6): appending the
// hash-chained entry inside a write path's transaction, the Merkle tree's complete subtrees in trail_nodes,
// signed checkpoints, the auditors' queries, proofs, and verification streamed from the table.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/trail/chain_verifier.hpp"
#include "adapters/trail/checkpoint.hpp"
#include "adapters/trail/entry.hpp"
#include "adapters/trail/merkle.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

namespace soci {
class session;
}

namespace pactwatch::store {

class StatementCache;

/**
 * Appends ONE change-set entry holding `changes` (docs/TRAIL.md §2.4; more than one past the size bound,
 * §8.2) in the caller's open transaction on `sql`: locks the chain head (MySQL: SELECT … FOR UPDATE;
 * SQLite: the writer lock the transaction holds), seals the entry, inserts it with the Merkle nodes it
 * completes and its trail_index rows, and moves the head. `action` names the change set ("" : the first
 * change's action). Returns the last entry's seq (0 when `changes` is empty). Must run inside a write
 * transaction: the caller's commit or rollback decides for the changes and their entry together.
 */
domain::Result<std::uint64_t> append_change_set(soci::session& sql, const WriteContext& context,
                                                std::span<const ChangeRecord> changes,
                                                const std::string& action = {});

/**
 * The trail appends of one write transaction (LedgerTransaction holds one; a group commit shares one): the
 * changes recorded are gathered into change sets (docs/TRAIL.md §2.4), and each change set becomes one
 * entry when it is sealed — by seal(), which LedgerStore::write calls after each write's work and the sync
 * store after each record, or by finish(). The chain head is read (and locked) once, the head and the right
 * edge of the Merkle tree stay in memory, the statements are prepared once, and the head row is written
 * back once, by finish(), which must run before the commit. Entries, each with the nodes it completes and
 * its trail_index rows, are buffered and written with multi-row INSERTs (every 64 entries or 4 MiB of
 * patches, and by finish()): nothing reads them back in the transaction.
 */
class TrailAppender {
 public:
  /** A change set is sealed early (and continued in a next entry) past this many changes… */
  static constexpr std::size_t kMaxChanges = 256;
  /** …or once its patch text reached this many bytes. */
  static constexpr std::size_t kMaxPatchBytes = 1 << 20;

  explicit TrailAppender(StatementCache& statements) : statements_(statements) {}
  /**
   * Adds `change`, made by `context`'s writer, to the open change set (opening one). A change by another
   * writer (other actor, request, reason or time) seals the open set first.
   */
  domain::Result<void> record(const WriteContext& context, const ChangeRecord& change);
  /**
   * Names the open (or next) change set's action, e.g. "sync.import" (without a name an entry's action is
   * its first change's, "<type>.<op>"), and its reason when `reason` is not empty (else the writer's). Kept
   * until the set is sealed.
   */
  void name_change_set(std::string action, std::string reason = {});
  /** Seals the open change set into its entry; returns the entry's seq, or 0 when the set is empty. */
  domain::Result<std::uint64_t> seal();
  /** Seals the open change set and writes the chain head when entries were appended. */
  domain::Result<void> finish();

  /**
   * Group commit (write_combiner.hpp): marks where the next write of a group starts, with a SAVEPOINT taken
   * at the same moment, so that restore() can take back that write's appends after a ROLLBACK TO it.
   */
  void mark();
  /**
   * Takes back every append since mark(): the open change set is dropped, the head and the Merkle edge
   * return to their marked state, the entries buffered since are dropped, and the earlier writes' entries
   * that a flush wrote after the mark (the ROLLBACK TO removed those rows too) are buffered again.
   */
  void restore();

 private:
  /** Writes the buffered entries, nodes and index rows with multi-row INSERTs. */
  void flush();
  /** Seals the open set (keeping its name for a continuation when `keep_name`). */
  domain::Result<std::uint64_t> seal_open(bool keep_name);

  /** An entry waiting for the multi-row INSERT, with the Merkle nodes it completed (its `nodes` column). */
  struct PendingEntry {
    trail::TrailEntry entry;
    std::string nodes;                    ///< levels 1, 2, … as 64 hex digits each
    std::vector<trail::EntityRef> index;  ///< its trail_index rows: every entity it changed, once
  };
  /** The change set being gathered. */
  struct OpenSet {
    WriteContext context;
    trail::EntityRef first;
    std::string first_action;  ///< "<type>.<op>" of the first change
    std::vector<trail::EntityRef> entities;
    std::string patch;  ///< "[" and the changes' canonical text so far, comma-separated
    std::size_t changes = 0;
  };
  /** The stored node (level >= 1, idx): in its completing entry's row, or (older entries) in trail_nodes. */
  trail::Hash stored_node(int level, long long idx);
  /** Reads (and on MySQL locks) the chain head, once per transaction. */
  void read_head();

  StatementCache& statements_;
  std::optional<OpenSet> open_;
  std::string name_;    ///< the action of the open or next change set; "" : its first change's
  std::string reason_;  ///< the reason of the open or next change set; "" : its writer's
  std::vector<PendingEntry> pending_entries_;
  std::size_t pending_bytes_ = 0;  ///< patch text buffered in pending_entries_
  bool head_read_ = false;
  std::uint64_t head_seq_ = 0;
  trail::Hash head_hash_{};
  std::uint64_t head_written_ = 0;
  /** Per level, the last node written in this transaction (index, hash): the left siblings to come. */
  std::vector<std::pair<long long, trail::Hash>> edge_;

  /** What mark() saved; restore() returns to it. */
  struct Mark {
    bool head_read = false;
    std::uint64_t head_seq = 0;
    trail::Hash head_hash{};
    std::uint64_t head_written = 0;
    std::vector<std::pair<long long, trail::Hash>> edge;
    std::size_t entries = 0;  ///< buffered at the mark
  };
  std::optional<Mark> mark_;
  /** While marked: the rows flush() wrote since the mark, in order (restore() may need them again). */
  std::vector<PendingEntry> flushed_entries_;
};

/** Filters of GET /api/v1/trail; empty strings mean "no condition". */
struct TrailFilter {
  std::string entity_type, entity_id;
  /**
   * An official's id: entries whose entity is that official, or whose patch holds the id as a complete JSON
   * string (an assignment naming it, a commitment's committing official, a breach's responsible official).
   */
  std::string official;
  std::string actor;  ///< the token id or the token's name
  std::string action;
  std::string from, to;         ///< RFC 3339 UTC with milliseconds: from <= time < to
  std::uint64_t after_seq = 0;  ///< keyset cursor: entries with a greater seq
  int limit = 50;
};

/** A page of entries in seq order; `more` when entries follow the last one. */
struct TrailPage {
  std::vector<trail::TrailEntry> items;
  bool more = false;
};

/** An inclusion proof read from the database (RFC 9162 §2.1.3). */
struct StoredInclusionProof {
  trail::TrailEntry entry;
  std::uint64_t tree_size = 0;
  std::vector<trail::Hash> path;
  trail::Hash root{};
  std::optional<trail::SignedCheckpoint> checkpoint;  ///< the checkpoint of exactly this tree_size, if any
};

/** A consistency proof read from the database (RFC 9162 §2.1.4). */
struct StoredConsistencyProof {
  std::uint64_t from = 0, to = 0;
  trail::Hash from_root{}, to_root{};
  std::vector<trail::Hash> proof;
  std::optional<trail::SignedCheckpoint> from_checkpoint, to_checkpoint;
};

/** What to verify besides the stored rows and checkpoints. */
struct TrailVerifyOptions {
  /** The key every checkpoint must verify with; without one, any checkpoint is bad_signature. */
  const trail::PublicKey* public_key = nullptr;
  /** Checkpoints kept outside the database (an auditor's saved copy): checked like the stored ones. */
  std::vector<trail::SignedCheckpoint> extra_checkpoints;
  std::size_t page_size = 5000;  ///< rows per SELECT while streaming
};

/** The outcome of TrailStore::verify. */
struct TrailVerification {
  trail::VerificationReport report;
  std::uint64_t head_seq = 0;             ///< what the chain-head row says
  std::uint64_t checkpoints_checked = 0;  ///< stored plus extra
  /** Empty when the stored Merkle nodes give the verified root; otherwise what is wrong with them. */
  std::string tree_nodes_problem;
  bool ok() const { return report.ok() && tree_nodes_problem.empty(); }
};

/** The trail tables on a Database. Thread-safe: each call borrows its own session. Every call blocks. */
class TrailStore {
 public:
  explicit TrailStore(Database& database) : database_(database) {}

  /** The chain head: the last seq and its hash (0 and zeros when empty). */
  domain::Result<trail::ChainHead> head();
  domain::Result<TrailPage> entries(const TrailFilter& filter);
  domain::Result<trail::TrailEntry> entry(std::uint64_t seq);
  /**
   * The entries that changed the entity (trail_index: change sets naming it, and entries of the earlier
   * layout about it) in seq order; with `as_of` (RFC 3339 UTC, ms) only those with time <= as_of.
   */
  domain::Result<std::vector<trail::TrailEntry>> entity_history(const std::string& type,
                                                                const std::string& id,
                                                                const std::string& as_of = {});

  /** Checkpoints newest first with tree_size < `before` (0: no bound), at most `limit`, and whether more. */
  domain::Result<std::pair<std::vector<trail::SignedCheckpoint>, bool>> checkpoints(std::uint64_t before,
                                                                                    int limit);
  domain::Result<std::optional<trail::SignedCheckpoint>> checkpoint(std::uint64_t tree_size);
  domain::Result<std::optional<trail::SignedCheckpoint>> latest_checkpoint();
  /**
   * Signs the current head when it is beyond the latest checkpoint and stores the checkpoint (a concurrent
   * instance that stored the same size first wins; its checkpoint is returned). nullopt when nothing new.
   */
  domain::Result<std::optional<trail::SignedCheckpoint>> take_checkpoint(const trail::SigningKey& key,
                                                                         domain::Instant now);

  /** Root of the first `tree_size` entries, from the stored nodes (O(log n) lookups). */
  domain::Result<trail::Hash> root(std::uint64_t tree_size);
  /** Inclusion proof of entry `seq` in the tree of `tree_size` entries (seq <= tree_size <= head). */
  domain::Result<StoredInclusionProof> inclusion_proof(std::uint64_t seq, std::uint64_t tree_size);
  /** Consistency proof between the trees of `from` and `to` entries (0 < from <= to <= head). */
  domain::Result<StoredConsistencyProof> consistency_proof(std::uint64_t from, std::uint64_t to);

  /**
   * Verifies the whole trail as stored: streams every row in seq order through trail::ChainVerifier
   * (hashes, links, Merkle roots of every checkpoint, signatures, the head row), then checks that the stored
   * Merkle nodes give the verified root. Memory is O(page_size + log n).
   */
  domain::Result<TrailVerification> verify(const TrailVerifyOptions& options);

  /**
   * For an entity that lives outside the database (the configuration, docs/TRAIL.md §8.6): folds its
   * entries into its last recorded state and, when `state` differs, appends ONE entry, a change set of one
   * change with `action` (e.g. "config.changed") whose patch turns the recorded state into `state` (the
   * first entry adds the whole state). One write transaction holds the append lock from the read to the
   * append, so two instances starting at once record a change once. Returns the new entry's seq, or 0 when
   * nothing changed.
   */
  domain::Result<std::uint64_t> record_state(const WriteContext& context, const std::string& type,
                                             const std::string& id, const std::string& action,
                                             const nlohmann::json& state);

 private:
  Database& database_;
};

/**
 * The state of `entity` after applying, in order and starting from null, the patches `entries` hold for it
 * (TRAIL.md §3): in a change set the patch of each change naming it, in an entry of the earlier layout about
 * it its whole patch.
 */
domain::Result<nlohmann::json> rebuild_state(const std::vector<trail::TrailEntry>& entries,
                                             const trail::EntityRef& entity);

}  // namespace pactwatch::store
