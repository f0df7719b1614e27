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
#include "adapters/trail/json_patch.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using d::ErrorCode;
using d::Result;
using detail::guarded;
using detail::trail_text;
using detail::TrailSql;

namespace {

/** The action as the trail names it: "<entity type>.<what>", e.g. "official.append_post". */
std::string qualified_action(const ChangeRecord& change) {
  if (change.action.find('.') != std::string::npos) return change.action;
  return change.entity_type + "." + change.action;
}

/** Creation is one `add` of the whole document at ""; any other change is the deterministic diff. */
nlohmann::json patch_of(const ChangeRecord& change) {
  if (change.before.is_null()) {
    return nlohmann::json::array({{{"op", "add"}, {"path", ""}, {"value", change.after}}});
  }
  return trail::json_patch::diff(change.before, change.after);
}

/** Entries buffered before they are written with one multi-row INSERT. */
constexpr std::size_t kPendingEntries = 64;

}  // namespace

Result<std::uint64_t> TrailAppender::append(const WriteContext& context, const ChangeRecord& change) {
#ifdef PACTWATCH_BENCH_WITHOUT_TRAIL
  return std::uint64_t{0};  // a benchmark build measuring what the trail costs (CMakeLists.txt)
#endif
  if (change.entity_type.empty() || change.entity_id.empty()) {
    return d::fail(ErrorCode::invalid, "a trail entry needs an entity type and id");
  }
  const auto now = d::parse_instant(context.now);
  if (!now) return d::fail(ErrorCode::invalid, "the write's time is not an RFC 3339 instant: " + context.now);
  return guarded("appending the trail entry", [&]() -> Result<std::uint64_t> {
    const TrailSql& q = trail_text(statements_.session());
    if (!head_read_) {
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
    trail::EntryDraft draft;
    draft.time = *now;
    draft.actor = {context.token_id, context.actor_name};
    draft.role = context.role.empty() ? "system" : context.role;
    draft.action = qualified_action(change);
    draft.entity = {change.entity_type, change.entity_id};
    draft.request_id = context.request_id;
    draft.reason = context.reason;
    draft.patch = patch_of(change);
    auto entry = trail::seal_entry(draft, head_seq_ + 1, head_hash_);
    if (!entry) return std::unexpected(entry.error());
    head_seq_ = entry->seq;
    head_hash_ = entry->hash;
    // Leaf seq-1 at level 0, then every interior node it completes (docs/TRAIL.md §4): a right child (odd
    // index) is hashed with its left sibling, appended earlier in this transaction or stored before it.
    // The leaf is not stored (it is the leaf hash of the entry's hash, and its left sibling is always the
    // previous entry, known here from the head); the interior nodes go into the entry's own row.
    PendingEntry pending{std::move(*entry), {}};
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
    pending_entries_.push_back(std::move(pending));
    if (pending_entries_.size() >= kPendingEntries) flush();
    return seq;
  });
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
  for (std::size_t start = 0; start < pending_entries_.size(); start += kPendingEntries) {
    const std::size_t rows = std::min(kPendingEntries, pending_entries_.size() - start);
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
  }
  if (mark_) {
    flushed_entries_.insert(flushed_entries_.end(), std::make_move_iterator(pending_entries_.begin()),
                            std::make_move_iterator(pending_entries_.end()));
  }
  pending_entries_.clear();
}

void TrailAppender::mark() {
  mark_ = Mark{head_read_, head_seq_, head_hash_, head_written_, edge_, pending_entries_.size()};
  flushed_entries_.clear();
}

void TrailAppender::restore() {
  if (!mark_) return;
  // Everything buffered or flushed since the mark, in order; the first `entries` of it predate the mark.
  flushed_entries_.insert(flushed_entries_.end(), std::make_move_iterator(pending_entries_.begin()),
                          std::make_move_iterator(pending_entries_.end()));
  flushed_entries_.resize(mark_->entries);
  pending_entries_ = std::move(flushed_entries_);
  flushed_entries_.clear();
  head_read_ = mark_->head_read;
  head_seq_ = mark_->head_seq;
  head_hash_ = mark_->head_hash;
  head_written_ = mark_->head_written;
  edge_ = std::move(mark_->edge);
  mark_.reset();
}

Result<void> TrailAppender::finish() {
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

Result<std::uint64_t> append_trail_entry(soci::session& sql, const WriteContext& context,
                                         const ChangeRecord& change) {
  StatementCache statements(sql);
  TrailAppender appender(statements);
  auto seq = appender.append(context, change);
  if (!seq) return seq;
  if (auto head = appender.finish(); !head) return std::unexpected(head.error());
  return seq;
}

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
    std::vector<trail::TrailEntry> history;
    detail::EntryBatch batch(1000);
    auto prep = (sql.prepare << "SELECT " + std::string(trail_text(sql).entry_columns) +
                                    " FROM trail_entries WHERE entity_type = :type AND entity_id = :id "
                                    "ORDER BY seq",
                 soci::use(type, "type"), soci::use(id, "id"));
    batch.run(prep, [&](trail::TrailEntry&& e) {
      history.push_back(std::move(e));
      return true;
    });
    auto recorded = rebuild_state(history);
    if (!recorded) return std::unexpected(recorded.error());
    if (*recorded == state) return std::uint64_t{0};
    auto seq = append_trail_entry(sql, context, ChangeRecord{action, type, id, *recorded, state});
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
    if (!f.entity_type.empty()) text += w::entity_type;
    if (!f.entity_id.empty()) text += w::entity_id;
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
    if (!f.entity_id.empty()) prep, soci::use(f.entity_id, "entity_id");
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

Result<nlohmann::json> rebuild_state(const std::vector<trail::TrailEntry>& entries) {
  nlohmann::json state = nullptr;
  for (const auto& e : entries) {
    const auto patch = nlohmann::json::parse(e.patch, nullptr, false);
    if (patch.is_discarded()) {
      return d::fail(ErrorCode::invalid, "entry " + std::to_string(e.seq) + " holds a malformed patch");
    }
    auto next = trail::json_patch::apply(state, patch);
    if (!next) {
      return d::fail(ErrorCode::invalid,
                     "entry " + std::to_string(e.seq) + " does not apply: " + next.error().message);
    }
    state = std::move(*next);
  }
  return state;
}

}  // namespace pactwatch::store
