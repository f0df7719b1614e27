#pragma once
// Internal to the ledger store: how each entity's columns (in the order of ledger_sql_common.hpp) are bound
// with soci::into and turned into domain values, and a small builder for statements with named uses.

#include <soci/soci.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/store/ledger_json.hpp"
#include "adapters/store/ledger_sql.hpp"
#include "adapters/store/ledger_store.hpp"
#include "domain/model.hpp"

namespace pactwatch::store::detail {

/** A prepared statement being built: `Query(sql, text).use(x, "x").into(row).run()`. */
class Query {
 public:
  Query(soci::session& sql, std::string_view text) : prep_(sql.prepare << std::string(text)) {}
  /** Binds `value` (which must outlive run()'s statement) under `name`. */
  template <class T>
  Query& use(const T& value, const char* name) {
    prep_, soci::use(value, name);
    return *this;
  }
  /** Binds `value`, or NULL when `ind` is i_null. */
  template <class T>
  Query& use(const T& value, soci::indicator& ind, const char* name) {
    prep_, soci::use(value, ind, name);
    return *this;
  }
  template <class Row>
  Query& into(Row& row) {
    row.bind(prep_);
    return *this;
  }
  template <class T>
  Query& into_value(T& value, soci::indicator& ind) {
    prep_, soci::into(value, ind);
    return *this;
  }
  /** Executes without fetching; call fetch() on the result for each row. */
  soci::statement run() {
    soci::statement st(prep_);
    st.execute(false);
    return st;
  }
  /** Executes a statement without results; returns the number of rows it changed. */
  long long exec() {
    soci::statement st(prep_);
    st.execute(true);
    return st.get_affected_rows();
  }

 private:
  soci::details::prepare_temp_type prep_;
};

domain::Date stored_date(const std::string& text);
std::optional<domain::Date> stored_date(const std::string& text, soci::indicator ind);
domain::Money stored_money(long long fen, const std::string& currency);
std::string text_or_empty(const std::string& text, soci::indicator ind);

struct BodyRow {
  std::string id, name, region, kind, parent_id, credit_code, created, updated;
  soci::indicator parent_ind = soci::i_ok, code_ind = soci::i_null;
  long long version = 0;
  void bind(soci::details::prepare_temp_type& p);
  Stored<domain::Body> get() const;
};

struct OfficialRow {
  std::string id, name, created, updated;
  long long version = 0;
  void bind(soci::details::prepare_temp_type& p);
  Stored<domain::Official> get() const;
};

struct PostRow {
  std::string official_id, body_id, title, from, to;
  soci::indicator to_ind = soci::i_ok;
  int head = 0;
  void bind(soci::details::prepare_temp_type& p);
  domain::Post get() const;
};

struct OrganizationRow {
  std::string id, name, credit_code, created, updated;
  soci::indicator code_ind = soci::i_ok;
  int sme = 0;
  long long version = 0;
  void bind(soci::details::prepare_temp_type& p);
  Stored<domain::Organization> get() const;
};

struct AgreementRow {
  std::string id, kind, title, body_id, counterparty_id, currency, signed_on, ppc, udc, ocid, created,
      updated;
  soci::indicator counterparty_ind = soci::i_ok, ppc_ind = soci::i_ok, udc_ind = soci::i_ok,
                  ocid_ind = soci::i_ok, value_ind = soci::i_ok, currency_ind = soci::i_ok;
  long long value_fen = 0, version = 0;
  void bind(soci::details::prepare_temp_type& p);
  Stored<domain::Agreement> get() const;
};

struct AssignmentRow {
  std::string agreement_id, stage_kind, official_id, role, from, to;
  soci::indicator to_ind = soci::i_ok;
  void bind(soci::details::prepare_temp_type& p);
  domain::Assignment get() const;
};

struct CommitmentRow {
  std::string id, agreement_id, obligor_side, obligor_id, kind, title, due, currency, stage, committing,
      created, updated;
  soci::indicator amount_ind = soci::i_ok, currency_ind = soci::i_ok, stage_ind = soci::i_ok,
                  committing_ind = soci::i_ok, term_ind = soci::i_ok;
  long long amount_fen = 0, version = 0;
  int grace_days = 0, payment_term_days = 0;
  void bind(soci::details::prepare_temp_type& p);
  Stored<domain::Commitment> get() const;
};

struct FactRow {
  std::string id, commitment_id, kind, on, reason, terminated_by, source, new_due, amount_currency,
      new_amount_currency, corrects, legal_basis, competent_authority, procedure_reference,
      compensation_decision, lawful_grounds, note, created;
  soci::indicator terminated_ind = soci::i_ok, score_ind = soci::i_ok, new_due_ind = soci::i_ok,
                  amount_ind = soci::i_ok, amount_currency_ind = soci::i_ok, new_amount_ind = soci::i_ok,
                  new_amount_currency_ind = soci::i_ok, corrects_ind = soci::i_ok;
  int counterparty_loss = 0, score = 0;
  long long amount_fen = 0, new_amount_fen = 0, version = 0;
  void bind(soci::details::prepare_temp_type& p);
  Stored<domain::Fact> get() const;
};

/** `text` with its `(:ids)` written out as `n` placeholders `(:id0, :id1, …)` (n > 0); values stay bound. */
std::string expand_ids(std::string_view text, std::size_t n);
/** Binds `ids` to the placeholders of expand_ids() (the strings must outlive the statement). */
void use_ids(Query& query, const std::vector<const std::string*>& ids);

/** Reads the posts of officials with ids in [first, last], grouped by official id. */
std::map<std::string, std::vector<domain::Post>> read_posts(soci::session& sql, const LedgerSql& text,
                                                            const std::string& first,
                                                            const std::string& last);
/** Fills the stages (with assignments) of the agreements with ids in [first, last]. */
void read_stages(soci::session& sql, const LedgerSql& text, const std::string& first, const std::string& last,
                 std::vector<Stored<domain::Agreement>*>& agreements);
/** Fills the stages (with assignments) of exactly `agreements` (a list's page), reading no others'. */
void read_stages_of(soci::session& sql, const LedgerSql& text,
                    std::vector<Stored<domain::Agreement>*>& agreements);

}  // namespace pactwatch::store::detail
