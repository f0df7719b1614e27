#include "adapters/store/trail_rows.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace pactwatch::store::detail {

const TrailSql& trail_text(soci::session& sql) {
  return sql.get_backend_name() == "sqlite3" ? trail_sql_sqlite() : trail_sql_mysql();
}

trail::Hash hash_or_poison(const std::string& hex) {
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

void TrailEntryText::insert(soci::session& sql, const TrailSql& q) {
  sql << std::string(q.insert_entry), soci::use(seq, "seq"), soci::use(time, "time"),
      soci::use(token_id, "actor_token_id"), soci::use(name, "actor_name"), soci::use(role, "role"),
      soci::use(action, "action"), soci::use(entity_type, "entity_type"), soci::use(entity_id, "entity_id"),
      soci::use(request_id, "request_id"), soci::use(reason, "reason"), soci::use(patch, "patch"),
      soci::use(prev_hash, "prev_hash"), soci::use(hash, "hash");
}

EntryBatch::EntryBatch(std::size_t size) : size_(size == 0 ? 1 : size) {}

void EntryBatch::run(soci::details::prepare_temp_type& prep,
                     const std::function<bool(trail::TrailEntry&&)>& row) {
  const auto resize = [this] {
    seq_.resize(size_);
    for (auto* v : {&time_, &token_id_, &name_, &role_, &action_, &entity_type_, &entity_id_, &request_id_,
                    &reason_, &patch_, &prev_hash_, &hash_})
      v->resize(size_);
  };
  resize();
  prep, soci::into(seq_), soci::into(time_), soci::into(token_id_), soci::into(name_), soci::into(role_),
      soci::into(action_), soci::into(entity_type_), soci::into(entity_id_), soci::into(request_id_),
      soci::into(reason_), soci::into(patch_), soci::into(prev_hash_), soci::into(hash_);
  soci::statement st(prep);
  st.execute(false);
  while (st.fetch()) {
    for (std::size_t i = 0; i < seq_.size(); ++i) {
      trail::TrailEntry e;
      e.seq = seq_[i] < 0 ? 0 : static_cast<std::uint64_t>(seq_[i]);
      e.time = std::move(time_[i]);
      e.actor = {std::move(token_id_[i]), std::move(name_[i])};
      e.role = std::move(role_[i]);
      e.action = std::move(action_[i]);
      e.entity = {std::move(entity_type_[i]), std::move(entity_id_[i])};
      e.request_id = std::move(request_id_[i]);
      e.reason = std::move(reason_[i]);
      e.patch = std::move(patch_[i]);
      e.prev_hash = hash_or_poison(prev_hash_[i]);
      e.hash = hash_or_poison(hash_[i]);
      if (!row(std::move(e))) return;
    }
    resize();
  }
}

void stream_entries_sqlite(soci::session& sql, const std::function<bool(const trail::TrailEntry&)>& row) {
  namespace api = ::sqlite_api;
  auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  const std::string text =
      "SELECT " + std::string(trail_text(sql).entry_columns) + " FROM trail_entries ORDER BY seq";
  api::sqlite3_stmt* stmt = nullptr;
  if (api::sqlite3_prepare_v2(backend->conn_, text.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("reading trail_entries: ") + api::sqlite3_errmsg(backend->conn_));
  }
  const std::unique_ptr<api::sqlite3_stmt, int (*)(api::sqlite3_stmt*)> guard(stmt, api::sqlite3_finalize);
  const auto text_of = [stmt](int column) {
    const auto* p = reinterpret_cast<const char*>(api::sqlite3_column_text(stmt, column));
    return std::string_view(p ? p : "", static_cast<std::size_t>(api::sqlite3_column_bytes(stmt, column)));
  };
  const auto hash_of = [&](int column) {
    if (auto h = trail::hash_from_hex(text_of(column))) return *h;
    trail::Hash poison;
    poison.fill(0xff);
    return poison;
  };
  trail::TrailEntry e;
  for (int rc; (rc = api::sqlite3_step(stmt)) != SQLITE_DONE;) {
    if (rc != SQLITE_ROW) {
      throw std::runtime_error(std::string("reading trail_entries: ") + api::sqlite3_errmsg(backend->conn_));
    }
    const auto seq = api::sqlite3_column_int64(stmt, 0);
    e.seq = seq < 0 ? 0 : static_cast<std::uint64_t>(seq);
    e.time.assign(text_of(1));
    e.actor.token_id.assign(text_of(2));
    e.actor.name.assign(text_of(3));
    e.role.assign(text_of(4));
    e.action.assign(text_of(5));
    e.entity.type.assign(text_of(6));
    e.entity.id.assign(text_of(7));
    e.request_id.assign(text_of(8));
    e.reason.assign(text_of(9));
    e.patch.assign(text_of(10));
    e.prev_hash = hash_of(11);
    e.hash = hash_of(12);
    if (!row(e)) return;
  }
}

std::vector<trail::SignedCheckpoint> read_checkpoints(soci::details::prepare_temp_type& prep) {
  long long size = 0;
  std::string root, time, signature, key_id;
  prep, soci::into(size), soci::into(root), soci::into(time), soci::into(signature), soci::into(key_id);
  soci::statement st(prep);
  st.execute(false);
  std::vector<trail::SignedCheckpoint> out;
  while (st.fetch()) {
    trail::SignedCheckpoint c;
    c.checkpoint.tree_size = size < 0 ? 0 : static_cast<std::uint64_t>(size);
    c.checkpoint.root_hash = hash_or_poison(root);
    c.checkpoint.time = time;
    // A signature that is not base64 (a tampered row) is kept as its bytes: it will not verify.
    if (auto sig = trail::base64_decode(signature)) {
      c.signature = std::move(*sig);
    } else {
      c.signature.assign(signature.begin(), signature.end());
    }
    c.key_id = key_id;
    out.push_back(std::move(c));
  }
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

DbMerkleSource::DbMerkleSource(soci::session& sql, std::uint64_t size)
    : size_(size),
      statement_((sql.prepare << std::string(trail_text(sql).select_node), soci::use(level_, "level"),
                  soci::use(idx_, "idx"), soci::into(hash_))) {}

trail::Hash DbMerkleSource::subtree(unsigned level, std::uint64_t index) const {
  level_ = static_cast<int>(level);
  idx_ = static_cast<long long>(index);
  statement_.execute(true);
  if (!statement_.got_data()) {
    throw std::runtime_error("trail_nodes has no node (" + std::to_string(level) + ", " +
                             std::to_string(index) + ")");
  }
  const auto h = trail::hash_from_hex(hash_);
  if (!h) throw std::runtime_error("trail_nodes holds a malformed hash");
  return *h;
}

}  // namespace pactwatch::store::detail
