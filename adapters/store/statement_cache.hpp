#pragma once
// Statements of the write transactions of one pooled session, prepared once and executed again with new
// values. On SQLite, compiling a statement costs more than running it (half of the CPU time of a bulk import
// went into sqlite3_prepare_v2); the MySQL backend at least parses the text and its placeholders only once.
// A session keeps its cache across transactions (of_session: a single small write compiled its statements
// anew every time), reset at the end of each transaction, and dropped before the session closes
// (Database's destructor) or reconnects (Database::ping).

#include <soci/soci.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace pactwatch::store {

/**
 * Usage mirrors detail::Query: `cache(text).use(x, "x").use(y, ind, "y").exec()`, or with results
 * `.into(a).into(b).one()` (true when a row came) and `.each(fn)` (fn after each row). The uses and intos of
 * one text must come in the same order, with the same types, every time (each call site does so).
 */
class StatementCache {
 public:
  explicit StatementCache(soci::session& sql) : sql_(sql) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  class Call;
  /** Starts a call of the statement with this text (prepared on its first call). */
  Call operator()(std::string_view text);
  /** Finalizes every statement (before a commit or rollback, so that none is left running). */
  void clear() { entries_.clear(); }
  /**
   * Ends a transaction's use of a kept cache, or quiesces it before a ROLLBACK TO: resets every statement (a
   * SQLite SELECT read by one() may still be stepping) so that none holds the transaction's snapshot, keeping
   * each compiled; drops half-bound ones.
   */
  void reset() noexcept;

  /** The cache kept with a session across transactions; the caller holds the session's lease. */
  static StatementCache& of_session(soci::session& sql);
  /** Drops the kept cache of a session about to close or reconnect (its statements are finalized). */
  static void forget(const soci::session* sql) noexcept;
  soci::session& session() { return sql_; }

 private:
  /** A bound value: its storage never moves, since the statement holds references to it. */
  struct Slot {
    std::variant<std::string, long long, int> value;
    soci::indicator ind = soci::i_ok;
  };
  /** Where a result column is copied to after a fetch. */
  using Out = std::variant<std::string*, long long*, int*>;
  struct Entry {
    std::deque<Slot> uses, intos;
    std::unique_ptr<soci::details::prepare_temp_type> building;  ///< during the first call only
    std::unique_ptr<soci::statement> statement;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  soci::session& sql_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;

 public:
  /** One execution being set up; see StatementCache. */
  class Call {
   public:
    Call& use(const std::string& value, const char* name) { return bind(value, nullptr, name); }
    Call& use(const std::string& value, soci::indicator ind, const char* name) {
      return bind(value, &ind, name);
    }
    Call& use(long long value, const char* name) { return bind(value, nullptr, name); }
    Call& use(long long value, soci::indicator ind, const char* name) { return bind(value, &ind, name); }
    Call& use(int value, const char* name) { return bind(value, nullptr, name); }
    Call& use(int value, soci::indicator ind, const char* name) { return bind(value, &ind, name); }
    /** Binds `value` to placeholder `name`_`row` of a multi_row_insert() text. */
    template <class T>
    Call& use_row(const T& value, std::string_view name, std::size_t row) {
      if (!entry_.building) return bind(value, nullptr, nullptr);
      const std::string numbered = std::string(name) + "_" + std::to_string(row);
      return bind(value, nullptr, numbered.c_str());
    }

    /** Copies the next result column into `target` after each fetched row (NULL: the type's default). */
    Call& into(std::string& target) { return out(std::string{}, &target); }
    Call& into(long long& target) { return out(0LL, &target); }
    Call& into(int& target) { return out(0, &target); }

    /** Executes a statement without results; returns the number of rows it changed. */
    long long exec();
    /** Executes and fetches at most one row into the targets; false when there was none. */
    bool one();
    /** Executes and calls `row` after copying each row into the targets. */
    void each(const std::function<void()>& row);

   private:
    friend class StatementCache;
    explicit Call(Entry& entry) : entry_(entry) {}

    template <class T>
    Call& bind(const T& value, const soci::indicator* ind, const char* name);
    template <class T, class Target>
    Call& out(T empty, Target* target);
    soci::statement& statement();
    void copy_out();

    Entry& entry_;
    std::size_t next_use_ = 0;
    std::vector<Out> outs_;
  };
};

/**
 * The INSERT of `rows` rows from a one-row `INSERT … VALUES (:a, :b, …)`: the VALUES tuple repeated, its
 * placeholders renamed :a_0, :b_0, …, :a_1, … (bind them with Call::use_row, row by row in column order).
 */
std::string multi_row_insert(std::string_view single_row_insert, std::size_t rows);

}  // namespace pactwatch::store
