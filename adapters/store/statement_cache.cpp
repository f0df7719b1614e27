#include "adapters/store/statement_cache.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <cctype>
#include <mutex>
#include <stdexcept>

namespace pactwatch::store {

namespace {

std::mutex kept_mutex;

/** The caches kept with pooled sessions, by session (a session is leased to one thread at a time). */
std::unordered_map<const soci::session*, std::unique_ptr<StatementCache>>& kept() {
  static std::unordered_map<const soci::session*, std::unique_ptr<StatementCache>> caches;
  return caches;
}

}  // namespace

StatementCache& StatementCache::of_session(soci::session& sql) {
  std::lock_guard lock(kept_mutex);
  auto& cache = kept()[&sql];
  if (!cache) cache = std::make_unique<StatementCache>(sql);
  return *cache;
}

void StatementCache::forget(const soci::session* sql) noexcept {
  std::unique_ptr<StatementCache> gone;  // finalized outside the lock
  std::lock_guard lock(kept_mutex);
  if (auto it = kept().find(sql); it != kept().end()) {
    gone = std::move(it->second);
    kept().erase(it);
  }
}

void StatementCache::reset() noexcept {
  std::erase_if(entries_, [](const auto& entry) { return entry.second.building != nullptr; });
  // MySQL statements hold no cursor between calls (the client buffers each result): nothing to reset.
  if (sql_.get_backend_name() != "sqlite3") return;
  // libsoci_sqlite3 does not export its backend's methods: reset the statement through SQLite itself (SOCI
  // resets it again, harmlessly, before its next execution).
  for (auto& [text, entry] : entries_) {
    auto* sqlite = static_cast<soci::sqlite3_statement_backend*>(entry.statement->get_backend());
    if (sqlite != nullptr && sqlite->stmt_ != nullptr) sqlite_api::sqlite3_reset(sqlite->stmt_);
  }
}

StatementCache::Call StatementCache::operator()(std::string_view text) {
  auto it = entries_.find(text);
  // A first call that threw before it ran left a half-bound statement: start that one again.
  if (it != entries_.end() && it->second.building) {
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    it = entries_.emplace(std::string(text), Entry{}).first;
    it->second.building = std::make_unique<soci::details::prepare_temp_type>(sql_.prepare << it->first);
  }
  return Call(it->second);
}

template <class T>
StatementCache::Call& StatementCache::Call::bind(const T& value, const soci::indicator* ind,
                                                 const char* name) {
  if (entry_.building) {
    Slot& slot = entry_.uses.emplace_back(Slot{T(value), ind ? *ind : soci::i_ok});
    *entry_.building, soci::use(std::get<T>(slot.value), slot.ind, name);
  } else {
    if (next_use_ >= entry_.uses.size())
      throw std::logic_error("a cached statement got more uses than before");
    Slot& slot = entry_.uses[next_use_];
    std::get<T>(slot.value) = value;
    slot.ind = ind ? *ind : soci::i_ok;
  }
  ++next_use_;
  return *this;
}

template <class T, class Target>
StatementCache::Call& StatementCache::Call::out(T empty, Target* target) {
  if (entry_.building) {
    Slot& slot = entry_.intos.emplace_back(Slot{std::move(empty), soci::i_ok});
    *entry_.building, soci::into(std::get<T>(slot.value), slot.ind);
  }
  outs_.emplace_back(target);
  return *this;
}

template StatementCache::Call& StatementCache::Call::bind(const std::string&, const soci::indicator*,
                                                          const char*);
template StatementCache::Call& StatementCache::Call::bind(const long long&, const soci::indicator*,
                                                          const char*);
template StatementCache::Call& StatementCache::Call::bind(const int&, const soci::indicator*, const char*);
template StatementCache::Call& StatementCache::Call::out(std::string, std::string*);
template StatementCache::Call& StatementCache::Call::out(long long, long long*);
template StatementCache::Call& StatementCache::Call::out(int, int*);

soci::statement& StatementCache::Call::statement() {
  if (entry_.building) {
    entry_.statement = std::make_unique<soci::statement>(*entry_.building);
    entry_.building.reset();
  }
  if (next_use_ != entry_.uses.size() || outs_.size() != entry_.intos.size()) {
    throw std::logic_error("a cached statement got other uses or results than before");
  }
  return *entry_.statement;
}

void StatementCache::Call::copy_out() {
  for (std::size_t i = 0; i < outs_.size(); ++i) {
    Slot& slot = entry_.intos[i];
    std::visit(
        [&](auto* target) {
          using V = std::remove_pointer_t<decltype(target)>;
          *target = slot.ind == soci::i_null ? V{} : std::get<V>(slot.value);
        },
        outs_[i]);
  }
}

long long StatementCache::Call::exec() {
  soci::statement& st = statement();
  st.execute(true);
  return st.get_affected_rows();
}

bool StatementCache::Call::one() {
  soci::statement& st = statement();
  if (!st.execute(true)) return false;
  copy_out();
  return true;
}

void StatementCache::Call::each(const std::function<void()>& row) {
  soci::statement& st = statement();
  st.execute(false);
  while (st.fetch()) {
    copy_out();
    row();
  }
}

std::string multi_row_insert(std::string_view single, std::size_t rows) {
  const std::size_t values = single.rfind(" VALUES (");
  const std::size_t close = single.rfind(')');
  if (values == std::string_view::npos || close == std::string_view::npos || close < values) {
    throw std::logic_error("not a one-row INSERT … VALUES (…): " + std::string(single));
  }
  const std::string_view tuple = single.substr(values + 8, close + 1 - (values + 8));
  std::string out(single.substr(0, values + 8));
  for (std::size_t row = 0; row < rows; ++row) {
    if (row) out += ", ";
    const std::string suffix = "_" + std::to_string(row);
    for (std::size_t i = 0; i < tuple.size(); ++i) {
      out += tuple[i];
      if (tuple[i] != ':') continue;
      while (i + 1 < tuple.size() &&
             (std::isalnum(static_cast<unsigned char>(tuple[i + 1])) || tuple[i + 1] == '_'))
        out += tuple[++i];
      out += suffix;
    }
  }
  out += single.substr(close + 1);
  return out;
}

}  // namespace pactwatch::store
