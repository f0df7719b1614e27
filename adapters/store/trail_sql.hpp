#pragma once
// Every SQL statement of the accountability trail (sql/*/0005_trail.sql), one named constant per statement,
// per backend. Values are always bound (":name"); list filters are composed from the constant fragments
// below, never from values.

#include <string_view>

namespace pactwatch::store::detail {

/** The trail's SQL text of one backend. */
struct TrailSql {
  /** seq, hash of the chain head; MySQL locks the row (FOR UPDATE), which serializes appends. */
  std::string_view select_head_for_append;
  std::string_view select_head;
  std::string_view update_head;   ///< binds :seq, :hash
  std::string_view insert_entry;  ///< the entry columns and `nodes` (multi_row_insert repeats the tuple)
  /** A trail_index row (migration 0009): entity :entity_type/:entity_id changed in entry :seq. */
  std::string_view insert_index;
  /** binds :level, :idx: a node of an entry appended before migration 0008 (older nodes live here). */
  std::string_view select_node;
  /** The hash of entry :seq; leaf index seq - 1 of the tree is the leaf hash of it (docs/TRAIL.md §4). */
  std::string_view select_entry_hash;
  /** The nodes entry :seq completed (levels 1, 2, … as 64 hex digits each; "" before migration 0008). */
  std::string_view select_entry_nodes;
  /** The entry columns, in TrailEntry order, for SELECT lists. */
  std::string_view entry_columns;
  /** Entries with seq > :after, ordered by seq, at most :limit, with `nodes` last (verification pages). */
  std::string_view select_entries_after;
  std::string_view select_entry;  ///< binds :seq
  std::string_view insert_checkpoint;
  std::string_view select_checkpoint;          ///< binds :tree_size
  std::string_view select_latest_checkpoint;   ///< the largest tree_size
  std::string_view select_checkpoints_before;  ///< tree_size < :before, newest first, :limit
  std::string_view select_all_checkpoints;     ///< every checkpoint, by tree_size
  /** Opens a read-only transaction whose reads share one snapshot (verification); empty ones are skipped. */
  std::string_view begin_snapshot_1, begin_snapshot_2;
  std::string_view end_snapshot;
};

const TrailSql& trail_sql_sqlite();
const TrailSql& trail_sql_mysql();

/** Fragments of the filtered list query (GET /api/v1/trail), the same on both backends. */
namespace trail_filter_sql {
inline constexpr std::string_view where_after = " WHERE seq > :after";
/** The entries that changed an entity (of a type, or one entity: then `entity_id` follows), by trail_index.
 */
inline constexpr std::string_view entity_type =
    " AND seq IN (SELECT seq FROM trail_index WHERE entity_type = :entity_type";
inline constexpr std::string_view entity_id = " AND entity_id = :entity_id";
inline constexpr std::string_view entity_end = ")";
/**
 * The official's own entries of the layout before migration 0009, or any entry whose patch holds the
 * official's id as a JSON string (a change set that changed the official names it as the change's "id").
 */
inline constexpr std::string_view official =
    " AND ((entity_type = 'official' AND entity_id = :official_id) OR patch LIKE :official_pattern "
    "ESCAPE '!')";
inline constexpr std::string_view actor = " AND (actor_token_id = :actor_id OR actor_name = :actor_name)";
inline constexpr std::string_view action = " AND action = :action";
inline constexpr std::string_view from = " AND time >= :from_time";
inline constexpr std::string_view to = " AND time < :to_time";
inline constexpr std::string_view order_limit = " ORDER BY seq LIMIT :limit";
}  // namespace trail_filter_sql

}  // namespace pactwatch::store::detail
