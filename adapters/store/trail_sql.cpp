#include "adapters/store/trail_sql.hpp"

namespace pactwatch::store::detail {
namespace {

#define PW_TRAIL_COLUMNS                                                                                     \
  "seq, time, actor_token_id, actor_name, role, action, entity_type, entity_id, request_id, reason, patch, " \
  "prev_hash, hash"

constexpr TrailSql make_trail_sql(std::string_view select_head_for_append, std::string_view snapshot_1,
                                  std::string_view snapshot_2) {
  TrailSql s{};
  s.select_head_for_append = select_head_for_append;
  s.begin_snapshot_1 = snapshot_1;
  s.begin_snapshot_2 = snapshot_2;
  s.end_snapshot = "COMMIT";
  s.select_head = "SELECT seq, hash FROM trail_head WHERE id = 1";
  s.update_head = "UPDATE trail_head SET seq = :seq, hash = :hash WHERE id = 1";
  s.insert_entry =
      "INSERT INTO trail_entries (" PW_TRAIL_COLUMNS
      ", nodes) VALUES (:seq, :time, :actor_token_id, :actor_name, :role, :action, :entity_type, "
      ":entity_id, :request_id, :reason, :patch, :prev_hash, :hash, :nodes)";
  s.insert_index =
      "INSERT INTO trail_index (entity_type, entity_id, seq) VALUES (:entity_type, :entity_id, :seq)";
  s.select_node = "SELECT hash FROM trail_nodes WHERE level = :level AND idx = :idx";
  s.select_entry_hash = "SELECT hash FROM trail_entries WHERE seq = :seq";
  s.select_entry_nodes = "SELECT nodes FROM trail_entries WHERE seq = :seq";
  s.entry_columns = PW_TRAIL_COLUMNS;
  s.select_entries_after =
      "SELECT " PW_TRAIL_COLUMNS ", nodes FROM trail_entries WHERE seq > :after ORDER BY seq LIMIT :limit";
  s.select_entry = "SELECT " PW_TRAIL_COLUMNS " FROM trail_entries WHERE seq = :seq";
  s.insert_checkpoint =
      "INSERT INTO trail_checkpoints (tree_size, root_hash, time, signature, key_id) "
      "VALUES (:tree_size, :root_hash, :time, :signature, :key_id)";
  s.select_checkpoint =
      "SELECT tree_size, root_hash, time, signature, key_id FROM trail_checkpoints WHERE tree_size = "
      ":tree_size";
  s.select_latest_checkpoint =
      "SELECT tree_size, root_hash, time, signature, key_id FROM trail_checkpoints "
      "ORDER BY tree_size DESC LIMIT 1";
  s.select_checkpoints_before =
      "SELECT tree_size, root_hash, time, signature, key_id FROM trail_checkpoints "
      "WHERE tree_size < :before ORDER BY tree_size DESC LIMIT :limit";
  s.select_all_checkpoints =
      "SELECT tree_size, root_hash, time, signature, key_id FROM trail_checkpoints ORDER BY tree_size";
  return s;
}

#undef PW_TRAIL_COLUMNS

// SQLite: the write transaction (BEGIN IMMEDIATE) already holds the only write lock; a deferred BEGIN
// reads one WAL snapshot until COMMIT.
constexpr TrailSql kSqlite = make_trail_sql("SELECT seq, hash FROM trail_head WHERE id = 1", "BEGIN", "");
// MySQL/MariaDB: the row lock on the chain head serializes appends across connections and instances. The
// sessions run READ COMMITTED; verification asks for one consistent snapshot (REPEATABLE READ) instead.
constexpr TrailSql kMysql = make_trail_sql("SELECT seq, hash FROM trail_head WHERE id = 1 FOR UPDATE",
                                           "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                                           "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");

}  // namespace

const TrailSql& trail_sql_sqlite() {
  return kSqlite;
}
const TrailSql& trail_sql_mysql() {
  return kMysql;
}

}  // namespace pactwatch::store::detail
