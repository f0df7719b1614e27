#include "adapters/store/trail_store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/store/soci_errors.hpp"
#include "adapters/store/statement_cache.hpp"
#include "adapters/store/trail_rows.hpp"
#include "adapters/store/trail_sql.hpp"
#include "adapters/trail/change_set.hpp"
#include "adapters/trail/json_patch.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using d::ErrorCode;
using d::Result;
using detail::guarded;
using detail::trail_text;
using detail::TrailSql;

namespace {

/** The op of a change in its change set: the writer's action without the "<type>." it may carry. */
std::string op_of(const ChangeRecord& change) {
  const std::string prefix = change.entity_type + ".";
  if (change.action.starts_with(prefix)) return change.action.substr(prefix.size());
  return change.action;
}

bool same_writer(const WriteContext& a, const WriteContext& b) {
  return a.now == b.now && a.request_id == b.request_id && a.token_id == b.token_id &&
         a.actor_name == b.actor_name && a.role == b.role && a.reason == b.reason;
}

/** Entries buffered before they are written with multi-row INSERTs… */
constexpr std::size_t kPendingEntries = 64;
/** …or once their patches hold this many bytes (a MySQL packet holds 16 MiB by default). */
constexpr std::size_t kPendingBytes = 4 << 20;
/** trail_index rows per INSERT. */
constexpr std::size_t kIndexRowsPerInsert = 200;

}  // namespace

void TrailAppender::read_head() {
  if (head_read_) return;
  const TrailSql& q = trail_text(statements_.session());
  // MySQL: FOR UPDATE locks the head row until the commit, which serializes appends across writers.
  long long seq = 0;
  std::string hash;
  if (!statements_(q.select_head_for_append).into(seq).into(hash).one()) {
    throw std::runtime_error("the trail_head row is missing (migration 0005)");
  }
  head_seq_ = seq < 0 ? 0 : static_cast<std::uint64_t>(seq);
  head_hash_ = detail::hash_or_poison(hash);
  head_written_ = head_seq_;
  head_read_ = true;
  // The head's leaf is the left sibling of the next leaf when that one is a right child: no SELECT.
  if (head_seq_ > 0) {
    edge_.assign(1, {static_cast<long long>(head_seq_ - 1), trail::merkle_leaf_hash(head_hash_)});
  }
}

void TrailAppender::name_change_set(std::string action, std::string reason) {
  name_ = std::move(action);
  reason_ = std::move(reason);
}

Result<void> TrailAppender::record(const WriteContext& context, const ChangeRecord& change) {
#ifdef PACTWATCH_BENCH_WITHOUT_TRAIL
  return {};  // a benchmark build measuring what the trail costs (CMakeLists.txt)
#endif
  if (change.entity_type.empty() || change.entity_id.empty()) {
    return d::fail(ErrorCode::invalid, "a trail entry needs an entity type and id");
  }
  if (open_ && (!same_writer(open_->context, context) || open_->changes >= kMaxChanges ||
                open_->patch.size() >= kMaxPatchBytes)) {
    // Another writer's change starts its own set; a set past the bound goes on in a next entry.
    const bool continued = same_writer(open_->context, context);
    if (auto sealed = seal_open(continued); !sealed) return std::unexpected(sealed.error());
  }
  // Creation is one `add` of the whole document at "" (written without copying it into a patch); any other
  // change is the deterministic diff.
  trail::EntityRef entity{change.entity_type, change.entity_id};
  const std::string op = op_of(change);
  auto text =
      change.before.is_null()
          ? trail::canonical_creation(entity, op, change.after)
          : trail::canonical_change({entity, op, trail::json_patch::diff(change.before, change.after)});
  if (!text) return std::unexpected(text.error());
  if (!open_) {
    open_ = OpenSet{};  // not emplace(): clang deems a nested class with member initialisers incomplete there
    open_->context = context;
    open_->first = entity;
    open_->first_action = change.entity_type + "." + op;
    open_->patch = "[";
  } else {
    open_->patch += ',';
  }
  open_->patch += *text;
  ++open_->changes;
  if (std::find(open_->entities.begin(), open_->entities.end(), entity) == open_->entities.end())
    open_->entities.push_back(std::move(entity));
  return {};
}

Result<std::uint64_t> TrailAppender::seal() {
  auto seq = seal_open(false);
  name_.clear();
  reason_.clear();
  return seq;
}

Result<std::uint64_t> TrailAppender::seal_open(bool keep_name) {
  if (!open_) return std::uint64_t{0};
  OpenSet set = std::move(*open_);
  open_.reset();
  const auto now = d::parse_instant(set.context.now);
  if (!now) {
    return d::fail(ErrorCode::invalid, "the write's time is not an RFC 3339 instant: " + set.context.now);
  }
  auto sealed = guarded("appending the trail entry", [&]() -> Result<std::uint64_t> {
    read_head();
    trail::EntryDraft draft;
    draft.time = *now;
    draft.actor = {set.context.token_id, set.context.actor_name};
    draft.role = set.context.role.empty() ? "system" : set.context.role;
    draft.action = name_.empty() ? set.first_action : name_;
    draft.entity = set.first;
    draft.request_id = set.context.request_id;
    draft.reason = reason_.empty() ? set.context.reason : reason_;
    draft.canonical_patch = std::move(set.patch);
    draft.canonical_patch += ']';
    auto entry = trail::seal_entry(draft, head_seq_ + 1, head_hash_);
    if (!entry) return std::unexpected(entry.error());
    head_seq_ = entry->seq;
    head_hash_ = entry->hash;
    // Leaf seq-1 at level 0, then every interior node it completes (docs/TRAIL.md §4): a right child (odd
    // index) is hashed with its left sibling, appended earlier in this transaction or stored before it.
    // The leaf is not stored (it is the leaf hash of the entry's hash, and its left sibling is always the
    // previous entry, known here from the head); the interior nodes go into the entry's own row.
    PendingEntry pending{std::move(*entry), {}, std::move(set.entities)};
    trail::Hash node = trail::merkle_leaf_hash(pending.entry.hash);
    long long idx = static_cast<long long>(pending.entry.seq - 1);
    for (std::size_t level = 0;; ++level) {
      if (level > 0) pending.nodes += trail::to_hex(node);
      if (edge_.size() <= level) edge_.resize(level + 1, {-1, trail::Hash{}});
      const auto [left_idx, left_hash] = edge_[level];
      edge_[level] = {idx, node};
      if (idx % 2 == 0) break;
      const trail::Hash left =
          left_idx == idx - 1 ? left_hash : stored_node(static_cast<int>(level), idx - 1);
      node = trail::merkle_node_hash(left, node);
      idx /= 2;
    }
    const std::uint64_t seq = pending.entry.seq;
    pending_bytes_ += pending.entry.patch.size();
    pending_entries_.push_back(std::move(pending));
    if (pending_entries_.size() >= kPendingEntries || pending_bytes_ >= kPendingBytes) flush();
    return seq;
  });
  if (!keep_name) {
    name_.clear();
    reason_.clear();
  }
  return sealed;
}

trail::Hash TrailAppender::stored_node(int level, long long idx) {
  // Level 0 never comes here: a leaf's left sibling is the previous entry, always in edge_.
  const TrailSql& q = trail_text(statements_.session());
  return detail::stored_node(
      static_cast<unsigned>(level), idx,
      [&](long long seq, std::string& nodes) {
        return statements_(q.select_entry_nodes).use(seq, "seq").into(nodes).one();
      },
      [&](int l, long long i, std::string& hex) {
        return statements_(q.select_node).use(l, "level").use(i, "idx").into(hex).one();
      });
}

void TrailAppender::flush() {
  const TrailSql& q = trail_text(statements_.session());
  for (std::size_t start = 0; start < pending_entries_.size();) {
    // At most 64 rows and, past the first, kPendingBytes of patches per statement.
    std::size_t rows = 0, bytes = 0;
    while (start + rows < pending_entries_.size() && rows < kPendingEntries &&
           (rows == 0 || bytes + pending_entries_[start + rows].entry.patch.size() <= kPendingBytes))
      bytes += pending_entries_[start + rows++].entry.patch.size();
    auto call = statements_(multi_row_insert(q.insert_entry, rows));
    for (std::size_t i = 0; i < rows; ++i) {
      const PendingEntry& pending = pending_entries_[start + i];
      const detail::TrailEntryText row(pending.entry);
      call.use_row(row.seq, "seq", i)
          .use_row(row.time, "time", i)
          .use_row(row.token_id, "actor_token_id", i)
          .use_row(row.name, "actor_name", i)
          .use_row(row.role, "role", i)
          .use_row(row.action, "action", i)
          .use_row(row.entity_type, "entity_type", i)
          .use_row(row.entity_id, "entity_id", i)
          .use_row(row.request_id, "request_id", i)
          .use_row(row.reason, "reason", i)
          .use_row(row.patch, "patch", i)
          .use_row(row.prev_hash, "prev_hash", i)
          .use_row(row.hash, "hash", i)
          .use_row(pending.nodes, "nodes", i);
    }
    call.exec();
    start += rows;
  }
  // The index rows of every buffered entry, kIndexRowsPerInsert per statement.
  std::vector<std::pair<const trail::EntityRef*, long long>> index;
  for (const PendingEntry& pending : pending_entries_)
    for (const trail::EntityRef& e : pending.index)
      index.emplace_back(&e, static_cast<long long>(pending.entry.seq));
  for (std::size_t start = 0; start < index.size(); start += kIndexRowsPerInsert) {
    const std::size_t rows = std::min(kIndexRowsPerInsert, index.size() - start);
    auto call = statements_(multi_row_insert(q.insert_index, rows));
    for (std::size_t i = 0; i < rows; ++i) {
      const auto& [entity, seq] = index[start + i];
      call.use_row(entity->type, "entity_type", i).use_row(entity->id, "entity_id", i).use_row(seq, "seq", i);
    }
    call.exec();
  }
  if (mark_) {
    flushed_entries_.insert(flushed_entries_.end(), std::make_move_iterator(pending_entries_.begin()),
                            std::make_move_iterator(pending_entries_.end()));
  }
  pending_entries_.clear();
  pending_bytes_ = 0;
}

void TrailAppender::mark() {
  mark_ = Mark{head_read_, head_seq_, head_hash_, head_written_, edge_, pending_entries_.size()};
  flushed_entries_.clear();
}

void TrailAppender::restore() {
  open_.reset();
  name_.clear();
  reason_.clear();
  if (!mark_) return;
  // Everything buffered or flushed since the mark, in order; the first `entries` of it predate the mark.
  flushed_entries_.insert(flushed_entries_.end(), std::make_move_iterator(pending_entries_.begin()),
                          std::make_move_iterator(pending_entries_.end()));
  flushed_entries_.resize(mark_->entries);
  pending_entries_ = std::move(flushed_entries_);
  flushed_entries_.clear();
  pending_bytes_ = 0;
  for (const PendingEntry& p : pending_entries_)
    pending_bytes_ += p.entry.patch.size();
  head_read_ = mark_->head_read;
  head_seq_ = mark_->head_seq;
  head_hash_ = mark_->head_hash;
  head_written_ = mark_->head_written;
  edge_ = std::move(mark_->edge);
  mark_.reset();
}

Result<void> TrailAppender::finish() {
  if (auto sealed = seal(); !sealed) return std::unexpected(sealed.error());
  if (!head_read_ || head_seq_ == head_written_) return {};
  return guarded("moving the trail head", [&]() -> Result<void> {
    flush();
    const long long seq = static_cast<long long>(head_seq_);
    statements_(trail_text(statements_.session()).update_head)
        .use(seq, "seq")
        .use(trail::to_hex(head_hash_), "hash")
        .exec();
    head_written_ = head_seq_;
    return {};
  });
}

Result<std::uint64_t> append_change_set(soci::session& sql, const WriteContext& context,
                                        std::span<const ChangeRecord> changes, const std::string& action) {
  StatementCache statements(sql);
  TrailAppender appender(statements);
  if (!action.empty()) appender.name_change_set(action);
  for (const ChangeRecord& change : changes) {
    if (auto r = appender.record(context, change); !r) return std::unexpected(r.error());
  }
  auto seq = appender.seal();
  if (!seq) return seq;
  if (auto head = appender.finish(); !head) return std::unexpected(head.error());
  return seq;
}

namespace {

/**
 * The entries that changed an entity, in seq order, with time < `to` when given: by trail_index (change
 * sets, and the entries of the layout before migration 0009, which it indexes under their own entity).
 */
std::vector<trail::TrailEntry> entries_of_entity(soci::session& sql, const std::string& type,
                                                 const std::string& id) {
  namespace w = detail::trail_filter_sql;
  std::vector<trail::TrailEntry> out;
  detail::EntryBatch batch(1000);
  const long long after = 0;
  auto prep = (sql.prepare << "SELECT " + std::string(trail_text(sql).entry_columns) + " FROM trail_entries" +
                                  std::string(w::where_after) + std::string(w::entity_type) +
                                  std::string(w::entity_id) + std::string(w::entity_end) + " ORDER BY seq",
               soci::use(after, "after"), soci::use(type, "entity_type"), soci::use(id, "entity_id"));
  batch.run(prep, [&](trail::TrailEntry&& e) {
    out.push_back(std::move(e));
    return true;
  });
  return out;
}

}  // namespace

Result<std::uint64_t> TrailStore::record_state(const WriteContext& context, const std::string& type,
                                               const std::string& id, const std::string& action,
                                               const nlohmann::json& state) {
  return guarded("recording a state in the trail", [&]() -> Result<std::uint64_t> {
    auto lease = database_.acquire();
    soci::session& sql = *lease;
    const bool sqlite = sql.get_backend_name() == "sqlite3";
    // SQLite takes the single writer lock at BEGIN IMMEDIATE; MySQL locks the head row just below.
    sql << (sqlite ? "BEGIN IMMEDIATE" : "START TRANSACTION");
    struct Rollback {
      soci::session& sql;
      bool open = true;
      ~Rollback() {
        try {
          if (open) sql << "ROLLBACK";
        } catch (...) {
          // The connection is gone; the server rolled back.
        }
      }
    } rollback{sql};
    (void)detail::read_head(sql, true);
    const auto history = entries_of_entity(sql, type, id);
    auto recorded = rebuild_state(history, {type, id});
    if (!recorded) return std::unexpected(recorded.error());
    if (*recorded == state) return std::uint64_t{0};
    const ChangeRecord change{action, type, id, *recorded, state};
    auto seq = append_change_set(sql, context, std::span<const ChangeRecord>(&change, 1));
    if (!seq) return std::unexpected(seq.error());
    sql << "COMMIT";
    rollback.open = false;
    return *seq;
  });
}

Result<trail::ChainHead> TrailStore::head() {
  return guarded("reading the trail head", [&]() -> Result<trail::ChainHead> {
    auto lease = database_.acquire();
    const auto h = detail::read_head(*lease, false);
    return trail::ChainHead{h.seq, h.hash};
  });
}

Result<TrailPage> TrailStore::entries(const TrailFilter& f) {
  return guarded("listing trail entries", [&]() -> Result<TrailPage> {
    namespace w = detail::trail_filter_sql;
    auto lease = database_.acquire();
    soci::session& sql = *lease;
    const TrailSql& q = trail_text(sql);
    std::string text =
        "SELECT " + std::string(q.entry_columns) + " FROM trail_entries" + std::string(w::where_after);
    const std::string pattern = "%" + detail::like_escape("\"" + f.official + "\"") + "%";
    const long long after = static_cast<long long>(f.after_seq);
    const int limit = f.limit + 1;  // one more tells whether another page follows
    if (!f.entity_type.empty()) {
      text += w::entity_type;
      if (!f.entity_id.empty()) text += w::entity_id;
      text += w::entity_end;
    }
    if (!f.official.empty()) text += w::official;
    if (!f.actor.empty()) text += w::actor;
    if (!f.action.empty()) text += w::action;
    if (!f.from.empty()) text += w::from;
    if (!f.to.empty()) text += w::to;
    text += w::order_limit;
    detail::EntryBatch batch(static_cast<std::size_t>(limit));
    auto prep = (sql.prepare << text);
    prep, soci::use(after, "after");
    if (!f.entity_type.empty()) prep, soci::use(f.entity_type, "entity_type");
    if (!f.entity_type.empty() && !f.entity_id.empty()) prep, soci::use(f.entity_id, "entity_id");
    if (!f.official.empty())
      prep, soci::use(f.official, "official_id"), soci::use(pattern, "official_pattern");
    if (!f.actor.empty()) prep, soci::use(f.actor, "actor_id"), soci::use(f.actor, "actor_name");
    if (!f.action.empty()) prep, soci::use(f.action, "action");
    if (!f.from.empty()) prep, soci::use(f.from, "from_time");
    if (!f.to.empty()) prep, soci::use(f.to, "to_time");
    prep, soci::use(limit, "limit");
    TrailPage page;
    batch.run(prep, [&](trail::TrailEntry&& e) {
      page.items.push_back(std::move(e));
      return true;
    });
    if (page.items.size() > static_cast<std::size_t>(f.limit)) {
      page.items.resize(static_cast<std::size_t>(f.limit));
      page.more = true;
    }
    return page;
  });
}

Result<trail::TrailEntry> TrailStore::entry(std::uint64_t seq) {
  return guarded("reading a trail entry", [&]() -> Result<trail::TrailEntry> {
    auto lease = database_.acquire();
    const long long s = static_cast<long long>(seq);
    detail::EntryBatch batch(1);
    std::optional<trail::TrailEntry> found;
    auto prep = (lease->prepare << std::string(trail_text(*lease).select_entry), soci::use(s, "seq"));
    batch.run(prep, [&](trail::TrailEntry&& e) {
      found = std::move(e);
      return false;
    });
    if (!found) return d::fail(ErrorCode::not_found, "no trail entry " + std::to_string(seq), "seq");
    return std::move(*found);
  });
}

Result<std::vector<trail::TrailEntry>> TrailStore::entity_history(const std::string& type,
                                                                  const std::string& id,
                                                                  const std::string& as_of) {
  TrailFilter filter;
  filter.entity_type = type;
  filter.entity_id = id;
  filter.limit = 1000;
  // to is exclusive: as_of itself is included by asking for time < as_of + 1 ms.
  if (!as_of.empty()) {
    const auto t = d::parse_instant(as_of);
    if (!t) return std::unexpected(t.error());
    filter.to = d::format_instant(*t + std::chrono::milliseconds{1});
  }
  std::vector<trail::TrailEntry> all;
  for (;;) {
    auto page = entries(filter);
    if (!page) return std::unexpected(page.error());
    for (auto& e : page->items)
      all.push_back(std::move(e));
    if (!page->more) return all;
    filter.after_seq = all.back().seq;
  }
}

Result<nlohmann::json> rebuild_state(const std::vector<trail::TrailEntry>& entries,
                                     const trail::EntityRef& entity) {
  nlohmann::json state = nullptr;
  for (const auto& e : entries) {
    const auto patch = nlohmann::json::parse(e.patch, nullptr, false);
    if (patch.is_discarded()) {
      return d::fail(ErrorCode::invalid, "entry " + std::to_string(e.seq) + " holds a malformed patch");
    }
    for (const auto& own : trail::entity_patches(e, patch, entity)) {
      auto next = trail::json_patch::apply(state, own);
      if (!next) {
        return d::fail(ErrorCode::invalid,
                       "entry " + std::to_string(e.seq) + " does not apply: " + next.error().message);
      }
      state = std::move(*next);
    }
  }
  return state;
}

}  // namespace pactwatch::store
