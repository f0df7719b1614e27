#include "adapters/store/trail_store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/store/soci_errors.hpp"
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

/**
 * Inserts leaf `index`'s hash at level 0 and every interior node it completes (docs/TRAIL.md §4), in at most
 * two statements whatever the level: a right child (odd index) completes its parent, hashed with its left
 * sibling, and so on up while the index stays odd. The level-0 sibling is the previous entry's leaf hash
 * (`previous` is that entry's hash: the head before this append); the higher ones are read in one SELECT
 * (needed for one append in four), and all new nodes are written in one multi-row INSERT. Round trips are
 * what an append costs on MySQL (docs/PERFORMANCE.md, "Trail").
 */
void insert_nodes(soci::session& sql, const TrailSql& q, std::uint64_t index, const trail::Hash& leaf,
                  const trail::Hash& previous) {
  const unsigned completes = static_cast<unsigned>(std::countr_one(index));  // parents this leaf completes
  std::vector<trail::Hash> left(completes);
  if (completes >= 1) left[0] = trail::merkle_leaf_hash(previous);
  if (completes >= 2) {
    // Only integers we computed go into the text.
    std::string where;
    for (unsigned level = 1; level < completes; ++level) {
      where += (level == 1 ? "" : " OR ");
      where +=
          "(level = " + std::to_string(level) + " AND idx = " + std::to_string((index >> level) - 1) + ")";
    }
    std::vector<int> levels(completes - 1);
    std::vector<std::string> hashes(completes - 1);
    sql << "SELECT level, hash FROM trail_nodes WHERE " + where, soci::into(levels), soci::into(hashes);
    if (levels.size() != completes - 1) throw std::runtime_error("trail_nodes is missing a left sibling");
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const auto h = trail::hash_from_hex(hashes[i]);
      if (!h || levels[i] < 1 || static_cast<unsigned>(levels[i]) >= completes) {
        throw std::runtime_error("trail_nodes holds a malformed node");
      }
      left[static_cast<std::size_t>(levels[i])] = *h;
    }
  }
  trail::Hash node = trail::merkle_leaf_hash(leaf);
  std::string values = "(0, " + std::to_string(index) + ", '" + trail::to_hex(node) + "')";
  for (unsigned level = 0; level < completes; ++level) {
    node = trail::merkle_node_hash(left[level], node);
    values += ", (" + std::to_string(level + 1) + ", " + std::to_string(index >> (level + 1)) + ", '" +
              trail::to_hex(node) + "')";
  }
  sql << std::string(q.insert_nodes_prefix) + values;
}

}  // namespace

Result<std::uint64_t> append_trail_entry(soci::session& sql, const WriteContext& context,
                                         const ChangeRecord& change) {
  if (change.entity_type.empty() || change.entity_id.empty()) {
    return d::fail(ErrorCode::invalid, "a trail entry needs an entity type and id");
  }
  const auto now = d::parse_instant(context.now);
  if (!now) return d::fail(ErrorCode::invalid, "the write's time is not an RFC 3339 instant: " + context.now);
  return guarded("appending the trail entry", [&]() -> Result<std::uint64_t> {
    const TrailSql& q = trail_text(sql);
    const detail::HeadRow head = detail::read_head(sql, true);
    trail::EntryDraft draft;
    draft.time = *now;
    draft.actor = {context.token_id, context.actor_name};
    draft.role = context.role.empty() ? "system" : context.role;
    draft.action = qualified_action(change);
    draft.entity = {change.entity_type, change.entity_id};
    draft.request_id = context.request_id;
    draft.reason = context.reason;
    draft.patch = patch_of(change);
    auto entry = trail::seal_entry(draft, head.seq + 1, head.hash);
    if (!entry) return std::unexpected(entry.error());
    detail::TrailEntryText row(*entry);
    row.insert(sql, q);
    long long seq = static_cast<long long>(entry->seq);
    std::string hash = trail::to_hex(entry->hash);
    sql << std::string(q.update_head), soci::use(seq, "seq"), soci::use(hash, "hash");
    insert_nodes(sql, q, entry->seq - 1, entry->hash, head.hash);
    return entry->seq;
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
