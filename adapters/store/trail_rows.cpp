#include "adapters/store/trail_rows.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace pactwatch::store::detail {

const TrailSql& trail_text(soci::session& sql) {
  return sql.get_backend_name() == "sqlite3" ? trail_sql_sqlite() : trail_sql_mysql();
}

trail::Hash hash_or_poison(std::string_view hex) {
  if (auto h = trail::hash_from_hex(hex)) return *h;
  trail::Hash poison;
  poison.fill(0xff);
  return poison;
}

std::string like_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}

TrailEntryText::TrailEntryText(const trail::TrailEntry& e)
    : seq(static_cast<long long>(e.seq)),
      time(e.time),
      token_id(e.actor.token_id),
      name(e.actor.name),
      role(e.role),
      action(e.action),
      entity_type(e.entity.type),
      entity_id(e.entity.id),
      request_id(e.request_id),
      reason(e.reason),
      patch(e.patch),
      prev_hash(trail::to_hex(e.prev_hash)),
      hash(trail::to_hex(e.hash)) {}

EntryBatch::EntryBatch(std::size_t size) : size_(size == 0 ? 1 : size) {}

void EntryBatch::run(soci::details::prepare_temp_type& prep,
                     const std::function<bool(trail::TrailEntry&&)>& row) {
  run_stored(prep, [&](const trail::StoredEntryView& v) { return row(trail::to_entry(v)); });
}

void EntryBatch::run_stored(soci::details::prepare_temp_type& prep,
                            const std::function<bool(const trail::StoredEntryView&)>& row) {
  run_rows(prep, false, [&](const trail::StoredEntryView& v, std::string_view) { return row(v); });
}

void EntryBatch::run_with_nodes(
    soci::details::prepare_temp_type& prep,
    const std::function<bool(const trail::StoredEntryView&, std::string_view nodes)>& row) {
  run_rows(prep, true, row);
}

void EntryBatch::run_rows(
    soci::details::prepare_temp_type& prep, bool with_nodes,
    const std::function<bool(const trail::StoredEntryView&, std::string_view nodes)>& row) {
  const auto resize = [this, with_nodes] {
    seq_.resize(size_);
    for (auto* v : {&time_, &token_id_, &name_, &role_, &action_, &entity_type_, &entity_id_, &request_id_,
                    &reason_, &patch_, &prev_hash_, &hash_})
      v->resize(size_);
    if (with_nodes) nodes_.resize(size_);
  };
  resize();
  prep, soci::into(seq_), soci::into(time_), soci::into(token_id_), soci::into(name_), soci::into(role_),
      soci::into(action_), soci::into(entity_type_), soci::into(entity_id_), soci::into(request_id_),
      soci::into(reason_), soci::into(patch_), soci::into(prev_hash_), soci::into(hash_);
  if (with_nodes) prep, soci::into(nodes_);
  soci::statement st(prep);
  st.execute(false);
  while (st.fetch()) {
    for (std::size_t i = 0; i < seq_.size(); ++i) {
      const trail::StoredEntryView v{seq_[i] < 0 ? 0 : static_cast<std::uint64_t>(seq_[i]),
                                     time_[i],
                                     token_id_[i],
                                     name_[i],
                                     role_[i],
                                     action_[i],
                                     entity_type_[i],
                                     entity_id_[i],
                                     request_id_[i],
                                     reason_[i],
                                     patch_[i],
                                     prev_hash_[i],
                                     hash_[i]};
      if (!row(v, with_nodes ? std::string_view(nodes_[i]) : std::string_view{})) return;
    }
    resize();
  }
}

namespace {

namespace api = ::sqlite_api;

[[noreturn]] void sqlite_failure(api::sqlite3* db, const std::string& what) {
  throw std::runtime_error(what + ": " + (db ? api::sqlite3_errmsg(db) : "out of memory"));
}

/** A prepared native statement, finalized on scope exit. */
class NativeStatement {
 public:
  NativeStatement(api::sqlite3* db, const std::string& text) : db_(db) {
    if (api::sqlite3_prepare_v2(db, text.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      sqlite_failure(db, "reading the trail");
    }
  }
  ~NativeStatement() { api::sqlite3_finalize(stmt_); }
  NativeStatement(const NativeStatement&) = delete;
  NativeStatement& operator=(const NativeStatement&) = delete;

  /** Steps to the next row; false when done. */
  bool step() {
    const int rc = api::sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) sqlite_failure(db_, "reading the trail");
    return false;
  }
  long long integer(int column) const { return api::sqlite3_column_int64(stmt_, column); }
  /**
   * Text first, then its length (SQLite's documented order); valid until the next step. Through the
   * column's value: one sqlite3_column_* call per column instead of two (each costs an API entry and exit;
   * the connection has no mutex, so the "unprotected" value is as safe as the column calls).
   */
  std::string_view text(int column) const {
    api::sqlite3_value* v = api::sqlite3_column_value(stmt_, column);
    const auto* p = reinterpret_cast<const char*>(api::sqlite3_value_text(v));
    return {p ? p : "", static_cast<std::size_t>(api::sqlite3_value_bytes(v))};
  }

 private:
  api::sqlite3* db_;
  api::sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

trail::SignedCheckpoint checkpoint_from_columns(long long tree_size, std::string_view root, std::string time,
                                                std::string_view signature, std::string key_id) {
  trail::SignedCheckpoint c;
  c.checkpoint.tree_size = tree_size < 0 ? 0 : static_cast<std::uint64_t>(tree_size);
  c.checkpoint.root_hash = hash_or_poison(std::string(root));
  c.checkpoint.time = std::move(time);
  // A signature that is not base64 (a tampered row) is kept as its bytes: it will not verify.
  if (auto sig = trail::base64_decode(signature)) {
    c.signature = std::move(*sig);
  } else {
    c.signature.assign(signature.begin(), signature.end());
  }
  c.key_id = std::move(key_id);
  return c;
}

std::unique_ptr<SqliteScan> SqliteScan::open(soci::session& sql) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  const char* file = api::sqlite3_db_filename(backend->conn_, "main");
  if (file == nullptr || *file == '\0') return nullptr;  // in memory or temporary: no second connection
  api::sqlite3* db = nullptr;
  const int rc = api::sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteScan> scan(new SqliteScan(db));
  if (rc != SQLITE_OK) sqlite_failure(db, "opening the trail for verification");
  api::sqlite3_busy_timeout(db, 5000);
  scan->execute("BEGIN");
  scan->in_transaction_ = true;
  return scan;
}

SqliteScan::~SqliteScan() {
  if (in_transaction_) api::sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  api::sqlite3_close_v2(db_);
}

void SqliteScan::execute(const char* text) {
  if (api::sqlite3_exec(db_, text, nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite_failure(db_, "reading the trail");
  }
}

HeadRow SqliteScan::head() {
  NativeStatement st(db_, std::string(trail_sql_sqlite().select_head));
  if (!st.step()) throw std::runtime_error("the trail_head row is missing (migration 0005)");
  const long long seq = st.integer(0);
  return {seq < 0 ? 0 : static_cast<std::uint64_t>(seq), hash_or_poison(std::string(st.text(1)))};
}

std::vector<trail::SignedCheckpoint> SqliteScan::checkpoints() {
  NativeStatement st(db_, std::string(trail_sql_sqlite().select_all_checkpoints));
  std::vector<trail::SignedCheckpoint> out;
  while (st.step()) {
    out.push_back(checkpoint_from_columns(st.integer(0), st.text(1), std::string(st.text(2)), st.text(3),
                                          std::string(st.text(4))));
  }
  return out;
}

void SqliteScan::stream(const std::function<bool(const trail::StoredEntryView&, std::string_view)>& row) {
  NativeStatement st(db_, "SELECT " + std::string(trail_sql_sqlite().entry_columns) +
                              ", nodes FROM trail_entries ORDER BY seq");
  trail::StoredEntryView e;
  while (st.step()) {
    const auto seq = st.integer(0);
    e.seq = seq < 0 ? 0 : static_cast<std::uint64_t>(seq);
    e.time = st.text(1);
    e.token_id = st.text(2);
    e.name = st.text(3);
    e.role = st.text(4);
    e.action = st.text(5);
    e.entity_type = st.text(6);
    e.entity_id = st.text(7);
    e.request_id = st.text(8);
    e.reason = st.text(9);
    e.patch = st.text(10);
    e.prev_hash_hex = st.text(11);
    e.hash_hex = st.text(12);
    if (!row(e, st.text(13))) return;
  }
}

void SqliteScan::older_nodes(const std::function<void(int, long long, std::string_view)>& row) {
  NativeStatement st(db_, "SELECT level, idx, hash FROM trail_nodes ORDER BY level, idx");
  while (st.step())
    row(static_cast<int>(st.integer(0)), st.integer(1), st.text(2));
}

std::vector<trail::SignedCheckpoint> read_checkpoints(soci::details::prepare_temp_type& prep) {
  long long size = 0;
  std::string root, time, signature, key_id;
  prep, soci::into(size), soci::into(root), soci::into(time), soci::into(signature), soci::into(key_id);
  soci::statement st(prep);
  st.execute(false);
  std::vector<trail::SignedCheckpoint> out;
  while (st.fetch())
    out.push_back(checkpoint_from_columns(size, root, time, signature, key_id));
  return out;
}

HeadRow read_head(soci::session& sql, bool for_append) {
  const TrailSql& q = trail_text(sql);
  long long seq = 0;
  std::string hash;
  sql << std::string(for_append ? q.select_head_for_append : q.select_head), soci::into(seq),
      soci::into(hash);
  if (!sql.got_data()) throw std::runtime_error("the trail_head row is missing (migration 0005)");
  return {seq < 0 ? 0 : static_cast<std::uint64_t>(seq), hash_or_poison(hash)};
}

trail::Hash stored_node(unsigned level, long long idx,
                        const std::function<bool(long long seq, std::string& nodes)>& entry_nodes,
                        const std::function<bool(int level, long long idx, std::string& hex)>& older_node) {
  if (level < 1) throw std::runtime_error("a leaf is not a stored node: it is its entry's leaf hash");
  const long long seq = (idx + 1) << level;
  const std::size_t at = (level - 1) * 64;
  std::string text;
  std::string_view hex;
  if (entry_nodes(seq, text) && text.size() >= at + 64) {
    hex = std::string_view(text).substr(at, 64);
  } else if (older_node(static_cast<int>(level), idx, text)) {
    hex = text;
  } else {
    throw std::runtime_error("the trail has no node (" + std::to_string(level) + ", " + std::to_string(idx) +
                             ")");
  }
  const auto h = trail::hash_from_hex(hex);
  if (!h) {
    throw std::runtime_error("the trail holds a malformed node (" + std::to_string(level) + ", " +
                             std::to_string(idx) + ")");
  }
  return *h;
}

DbMerkleSource::DbMerkleSource(soci::session& sql, std::uint64_t size)
    : size_(size),
      node_((sql.prepare << std::string(trail_text(sql).select_node), soci::use(level_, "level"),
             soci::use(idx_, "idx"), soci::into(hash_))),
      entry_hash_((sql.prepare << std::string(trail_text(sql).select_entry_hash), soci::use(seq_, "seq"),
                   soci::into(hash_))),
      entry_nodes_((sql.prepare << std::string(trail_text(sql).select_entry_nodes), soci::use(seq_, "seq"),
                    soci::into(nodes_))) {}

trail::Hash DbMerkleSource::subtree(unsigned level, std::uint64_t index) const {
  if (level == 0) {
    seq_ = static_cast<long long>(index) + 1;
    entry_hash_.execute(true);
    if (!entry_hash_.got_data())
      throw std::runtime_error("trail_entries has no entry " + std::to_string(seq_));
    const auto h = trail::hash_from_hex(hash_);
    if (!h) throw std::runtime_error("trail_entries holds a malformed hash at " + std::to_string(seq_));
    return trail::merkle_leaf_hash(*h);
  }
  return stored_node(
      level, static_cast<long long>(index),
      [this](long long seq, std::string& nodes) {
        seq_ = seq;
        entry_nodes_.execute(true);
        nodes = nodes_;
        return entry_nodes_.got_data();
      },
      [this](int level, long long idx, std::string& hex) {
        level_ = level;
        idx_ = idx;
        node_.execute(true);
        hex = hash_;
        return node_.got_data();
      });
}

}  // namespace pactwatch::store::detail
