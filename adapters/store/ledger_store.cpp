#include "adapters/store/ledger_store.hpp"

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_json.hpp"
#include "adapters/store/ledger_rows.hpp"
#include "adapters/store/ledger_sql.hpp"
#include "adapters/store/soci_errors.hpp"
#include "adapters/store/statement_cache.hpp"
#include "adapters/store/trail_store.hpp"
#include "domain/identifiers.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using d::ErrorCode;
using d::Result;
using detail::Query;

namespace {

const LedgerSql& text_of(soci::session& sql) {
  return sql.get_backend_name() == "sqlite3" ? ledger_sqlite_sql() : ledger_mysql_sql();
}

/** Reads at most one row of `Row` from a query; nullopt when there is none. */
template <class Row>
std::optional<Row> fetch_one(Query& query) {
  Row row;
  auto st = query.into(row).run();
  if (!st.fetch()) return std::nullopt;
  return row;
}

Result<Stored<d::Body>> read_body(soci::session& sql, const std::string& scope, const std::string& id) {
  Query q(sql, text_of(sql).select_body);
  q.use(id, "id").use(scope, "scope");
  auto row = fetch_one<detail::BodyRow>(q);
  if (!row) return d::fail(ErrorCode::not_found, "no body " + id, "id");
  return row->get();
}

Result<Stored<d::Official>> read_official(soci::session& sql, const std::string& scope,
                                          const std::string& id) {
  Query q(sql, text_of(sql).select_official);
  q.use(id, "id").use(scope, "scope").use(scope, "scope_");
  auto row = fetch_one<detail::OfficialRow>(q);
  if (!row) return d::fail(ErrorCode::not_found, "no official " + id, "id");
  auto official = row->get();
  official.entity.posts = std::move(detail::read_posts(sql, text_of(sql), id, id)[id]);
  return official;
}

Result<Stored<d::Organization>> read_organization(soci::session& sql, const std::string& id) {
  Query q(sql, text_of(sql).select_organization);
  q.use(id, "id");
  auto row = fetch_one<detail::OrganizationRow>(q);
  if (!row) return d::fail(ErrorCode::not_found, "no organization " + id, "id");
  return row->get();
}

Result<RegionRow> read_region(soci::session& sql, const std::string& code) {
  RegionRow row;
  soci::indicator parent_ind = soci::i_ok;
  soci::statement st =
      (sql.prepare << std::string(text_of(sql).select_region), soci::use(code, "code"), soci::into(row.code),
       soci::into(row.name), soci::into(row.parent_code, parent_ind), soci::into(row.level));
  st.execute(false);
  if (!st.fetch()) return d::fail(ErrorCode::not_found, "no region " + code, "code");
  if (parent_ind == soci::i_null) row.parent_code.clear();
  return row;
}

Result<Stored<d::Agreement>> read_agreement(soci::session& sql, const std::string& scope,
                                            const std::string& id) {
  Query q(sql, text_of(sql).select_agreement);
  q.use(id, "id").use(scope, "scope");
  auto row = fetch_one<detail::AgreementRow>(q);
  if (!row) return d::fail(ErrorCode::not_found, "no agreement " + id, "id");
  auto agreement = row->get();
  std::vector<Stored<d::Agreement>*> one{&agreement};
  detail::read_stages(sql, text_of(sql), id, id, one);
  return agreement;
}

Result<Stored<d::Commitment>> read_commitment(soci::session& sql, const std::string& scope,
                                              const std::string& id) {
  Query q(sql, text_of(sql).select_commitment);
  q.use(id, "id").use(scope, "scope");
  auto row = fetch_one<detail::CommitmentRow>(q);
  if (!row) return d::fail(ErrorCode::not_found, "no commitment " + id, "id");
  return row->get();
}

Result<Stored<d::Fact>> read_fact(soci::session& sql, const std::string& scope, const std::string& id) {
  Query q(sql, text_of(sql).select_fact);
  q.use(id, "id").use(scope, "scope");
  auto row = fetch_one<detail::FactRow>(q);
  if (!row) return d::fail(ErrorCode::not_found, "no fact " + id, "id");
  return row->get();
}

/** NULL for an empty text: optional columns hold NULL, never ''. */
struct Nullable {
  std::string value;
  soci::indicator ind;
  explicit Nullable(std::string text)
      : value(std::move(text)), ind(value.empty() ? soci::i_null : soci::i_ok) {}
};

std::string date_text(d::Date date) {
  return d::format_date(date);
}
Nullable optional_date_text(const std::optional<d::Date>& date) {
  return Nullable(date ? d::format_date(*date) : std::string{});
}

}  // namespace

std::string region_like(std::string_view region) {
  if (region.empty()) return "%";
  auto code = d::RegionCode::parse(region);
  if (!code) return std::string(region) + "%";
  switch (code->level()) {
    case d::RegionLevel::province:
      return std::string(region.substr(0, 2)) + "%";
    case d::RegionLevel::prefecture:
      return std::string(region.substr(0, 4)) + "%";
    case d::RegionLevel::county:
      break;
  }
  return std::string(region) + "%";
}

// ---- the transaction -------------------------------------------------------------------------------------

LedgerTransaction::LedgerTransaction(soci::session& sql, const WriteContext& context)
    : sql_(sql),
      context_(context),
      grouped_(false),
      statements_(&StatementCache::of_session(sql)),
      owned_trail_(std::make_unique<TrailAppender>(*statements_)),
      trail_(owned_trail_.get()) {}

LedgerTransaction::LedgerTransaction(soci::session& sql, const WriteContext& context,
                                     StatementCache& statements, TrailAppender& trail)
    : sql_(sql), context_(context), grouped_(true), statements_(&statements), trail_(&trail) {}

LedgerTransaction::~LedgerTransaction() {
  end_statements();
}

void LedgerTransaction::end_statements() noexcept {
  if (grouped_) return;  // the group ends its statements once, before its commit or rollback
  statements_->reset();
}

Result<void> LedgerTransaction::finish() {
  if (grouped_) return {};
  auto head = trail_->finish();
  end_statements();
  return head;
}

Result<void> LedgerTransaction::record_change(ChangeRecord change) {
  if (change.entity_id.empty() || change.after.is_null()) {
    return d::fail(ErrorCode::invalid, "incomplete change record for " + change.entity_type);
  }
  // The change joins the write's change set: one hash-chained trail entry per write (docs/TRAIL.md §2.4).
  return trail_->record(context_, change);
}

void LedgerTransaction::begin_change_set(std::string action, std::string reason) {
  trail_->name_change_set(std::move(action), std::move(reason));
}

Result<std::uint64_t> LedgerTransaction::end_change_set() {
  return trail_->seal();
}

template <class T>
Result<Stored<T>> LedgerTransaction::recorded(Result<Stored<T>> written, ChangeRecord change) {
  if (!written) return written;
  change.after = to_json(*written);
  if (auto r = record_change(std::move(change)); !r) return std::unexpected(r.error());
  return written;
}

Result<void> LedgerTransaction::bump_version(std::string_view statement, const std::string& id,
                                             std::int64_t expected) {
  const long long version = expected;
  const long long changed =
      Query(sql_, statement).use(context_.now, "now").use(id, "id").use(version, "version").exec();
  if (changed != 1) return d::fail(ErrorCode::stale, id + " was changed by another request meanwhile");
  return {};
}

Result<Stored<d::Body>> LedgerTransaction::body(const d::Scope& scope, const std::string& id) {
  return read_body(sql_, region_like(scope.region), id);
}
Result<Stored<d::Official>> LedgerTransaction::official(const d::Scope& scope, const std::string& id) {
  return read_official(sql_, region_like(scope.region), id);
}
Result<Stored<d::Organization>> LedgerTransaction::organization(const std::string& id) {
  return read_organization(sql_, id);
}
Result<Stored<d::Agreement>> LedgerTransaction::agreement(const d::Scope& scope, const std::string& id) {
  return read_agreement(sql_, region_like(scope.region), id);
}
Result<Stored<d::Commitment>> LedgerTransaction::commitment(const d::Scope& scope, const std::string& id) {
  return read_commitment(sql_, region_like(scope.region), id);
}
Result<Stored<d::Fact>> LedgerTransaction::fact(const d::Scope& scope, const std::string& id) {
  return read_fact(sql_, region_like(scope.region), id);
}

Result<RegionRow> LedgerTransaction::region(const std::string& code) {
  return read_region(sql_, code);
}

Result<std::int64_t> LedgerTransaction::agreements_outside(const std::string& organization_id,
                                                           const d::Scope& scope) {
  long long count = 0;
  const std::string outside = region_like(scope.region);
  sql_ << std::string(text_of(sql_).count_agreements_naming_outside), soci::use(organization_id, "id"),
      soci::use(organization_id, "id2"), soci::use(outside, "scope"), soci::into(count);
  return static_cast<std::int64_t>(count);
}

Result<std::optional<std::string>> LedgerTransaction::earliest_due(const std::string& agreement_id) {
  std::string due;
  soci::indicator ind = soci::i_null;
  Query q(sql_, text_of(sql_).earliest_due);
  q.use(agreement_id, "id").into_value(due, ind);
  auto st = q.run();
  if (!st.fetch() || ind == soci::i_null) return std::optional<std::string>{};
  return std::optional<std::string>{due};
}

Result<Stored<d::Body>> LedgerTransaction::insert_body(const d::Body& b) {
  detail::BodyRow row;
  row.id = b.id;
  row.name = b.name;
  row.region = b.region;
  row.kind = to_string(b.kind);
  row.parent_id = b.parent_id;
  row.parent_ind = b.parent_id.empty() ? soci::i_null : soci::i_ok;
  row.credit_code = b.credit_code ? b.credit_code->str() : std::string{};
  row.code_ind = b.credit_code ? soci::i_ok : soci::i_null;
  row.version = 1;
  row.created = row.updated = context_.now;
  (*statements_)(text_of(sql_).insert_body)
      .use(row.id, "id")
      .use(row.name, "name")
      .use(row.region, "region")
      .use(row.kind, "kind")
      .use(row.parent_id, row.parent_ind, "parent_id")
      .use(row.credit_code, row.code_ind, "credit_code")
      .use(context_.now, "now")
      .use(context_.now, "now_")
      .exec();
  // The row as the database now holds it, without reading it back (the values were just bound).
  return recorded(Result<Stored<d::Body>>(row.get()), {"create", "body", b.id, nullptr, nullptr});
}

// An update that changes none of the columns it writes is no change: no version bump, no trail entry.

Result<Stored<d::Body>> LedgerTransaction::update_body(const Stored<d::Body>& before, const d::Body& b) {
  if (b == before.entity) return before;
  const std::string kind(to_string(b.kind));
  Nullable parent(b.parent_id);
  Nullable code(b.credit_code ? b.credit_code->str() : std::string{});
  const long long version = before.version;
  const long long changed = Query(sql_, text_of(sql_).update_body)
                                .use(b.name, "name")
                                .use(b.region, "region")
                                .use(kind, "kind")
                                .use(parent.value, parent.ind, "parent_id")
                                .use(code.value, code.ind, "credit_code")
                                .use(context_.now, "now")
                                .use(b.id, "id")
                                .use(version, "version")
                                .exec();
  if (changed != 1) return d::fail(ErrorCode::stale, b.id + " was changed by another request meanwhile");
  return recorded(read_body(sql_, "%", b.id), {"update", "body", b.id, to_json(before), nullptr});
}

namespace {
void insert_post(soci::session& sql, const std::string& official_id, int seq, const d::Post& p) {
  const std::string from = date_text(p.from);
  Nullable to = optional_date_text(p.to);
  const int head = p.head ? 1 : 0;
  Query(sql, text_of(sql).insert_post)
      .use(official_id, "official_id")
      .use(seq, "seq")
      .use(p.body_id, "body_id")
      .use(p.title, "title")
      .use(from, "from_date")
      .use(to.value, to.ind, "to_date")
      .use(head, "head")
      .exec();
}
}  // namespace

Result<Stored<d::Official>> LedgerTransaction::insert_official(const d::Official& o) {
  Query(sql_, text_of(sql_).insert_official)
      .use(o.id, "id")
      .use(o.name, "name")
      .use(context_.now, "now")
      .use(context_.now, "now_")
      .exec();
  for (std::size_t i = 0; i < o.posts.size(); ++i)
    insert_post(sql_, o.id, static_cast<int>(i + 1), o.posts[i]);
  return recorded(read_official(sql_, "%", o.id), {"create", "official", o.id, nullptr, nullptr});
}

Result<Stored<d::Official>> LedgerTransaction::update_official(const Stored<d::Official>& before,
                                                               const d::Official& o) {
  if (o.name == before.entity.name) return before;
  const long long version = before.version;
  const long long changed = Query(sql_, text_of(sql_).update_official)
                                .use(o.name, "name")
                                .use(context_.now, "now")
                                .use(o.id, "id")
                                .use(version, "version")
                                .exec();
  if (changed != 1) return d::fail(ErrorCode::stale, o.id + " was changed by another request meanwhile");
  return recorded(read_official(sql_, "%", o.id), {"update", "official", o.id, to_json(before), nullptr});
}

Result<Stored<d::Official>> LedgerTransaction::append_post(const Stored<d::Official>& before,
                                                           const d::Post& post) {
  const std::string& id = before.entity.id;
  if (auto r = bump_version(text_of(sql_).bump_official, id, before.version); !r)
    return std::unexpected(r.error());
  insert_post(sql_, id, static_cast<int>(before.entity.posts.size() + 1), post);
  return recorded(read_official(sql_, "%", id), {"append_post", "official", id, to_json(before), nullptr});
}

Result<Stored<d::Official>> LedgerTransaction::close_post(const Stored<d::Official>& before, int seq,
                                                          d::Date to) {
  const std::string& id = before.entity.id;
  if (auto r = bump_version(text_of(sql_).bump_official, id, before.version); !r)
    return std::unexpected(r.error());
  const std::string to_text = date_text(to);
  const long long changed = Query(sql_, text_of(sql_).close_post)
                                .use(to_text, "to_date")
                                .use(id, "official_id")
                                .use(seq, "seq")
                                .exec();
  if (changed != 1) return d::fail(ErrorCode::conflict, "post " + std::to_string(seq) + " is already closed");
  return recorded(read_official(sql_, "%", id), {"close_post", "official", id, to_json(before), nullptr});
}

Result<Stored<d::Organization>> LedgerTransaction::insert_organization(const d::Organization& o) {
  detail::OrganizationRow row;
  row.id = o.id;
  row.name = o.name;
  row.credit_code = o.credit_code ? o.credit_code->str() : std::string{};
  row.code_ind = row.credit_code.empty() ? soci::i_null : soci::i_ok;
  row.sme = o.sme ? 1 : 0;
  row.version = 1;
  row.created = row.updated = context_.now;
  (*statements_)(text_of(sql_).insert_organization)
      .use(row.id, "id")
      .use(row.name, "name")
      .use(row.credit_code, row.code_ind, "credit_code")
      .use(row.sme, "sme")
      .use(context_.now, "now")
      .use(context_.now, "now_")
      .exec();
  return recorded(Result<Stored<d::Organization>>(row.get()),
                  {"create", "organization", o.id, nullptr, nullptr});
}

Result<Stored<d::Organization>> LedgerTransaction::update_organization(const Stored<d::Organization>& before,
                                                                       const d::Organization& o) {
  if (o == before.entity) return before;
  Nullable code(o.credit_code ? o.credit_code->str() : std::string{});
  const int sme = o.sme ? 1 : 0;
  const long long version = before.version;
  const long long changed = Query(sql_, text_of(sql_).update_organization)
                                .use(o.name, "name")
                                .use(code.value, code.ind, "credit_code")
                                .use(sme, "sme")
                                .use(context_.now, "now")
                                .use(o.id, "id")
                                .use(version, "version")
                                .exec();
  if (changed != 1) return d::fail(ErrorCode::stale, o.id + " was changed by another request meanwhile");
  return recorded(read_organization(sql_, o.id), {"update", "organization", o.id, to_json(before), nullptr});
}

Result<Stored<d::Agreement>> LedgerTransaction::insert_agreement(const d::Agreement& a) {
  detail::AgreementRow row;
  row.id = a.id;
  row.kind = to_string(a.kind);
  row.title = a.title;
  row.body_id = a.body_id;
  const auto nullable = [](const std::string& text, std::string& value, soci::indicator& ind) {
    value = text;
    ind = text.empty() ? soci::i_null : soci::i_ok;
  };
  nullable(a.counterparty_id, row.counterparty_id, row.counterparty_ind);
  nullable(a.refs.platform_project_code, row.ppc, row.ppc_ind);
  nullable(a.refs.unified_deal_code, row.udc, row.udc_ind);
  nullable(a.refs.ocid, row.ocid, row.ocid_ind);
  row.value_fen = a.value ? a.value->fen : 0;
  row.currency = a.value ? std::string(a.value->currency.code()) : std::string{};
  row.value_ind = row.currency_ind = a.value ? soci::i_ok : soci::i_null;
  row.signed_on = date_text(a.signed_on);
  row.version = 1;
  row.created = row.updated = context_.now;
  (*statements_)(text_of(sql_).insert_agreement)
      .use(row.id, "id")
      .use(row.kind, "kind")
      .use(row.title, "title")
      .use(row.body_id, "body_id")
      .use(row.counterparty_id, row.counterparty_ind, "counterparty_id")
      .use(row.value_fen, row.value_ind, "value_fen")
      .use(row.currency, row.currency_ind, "currency")
      .use(row.signed_on, "signed_on")
      .use(row.ppc, row.ppc_ind, "ppc")
      .use(row.udc, row.udc_ind, "udc")
      .use(row.ocid, row.ocid_ind, "ocid")
      .use(context_.now, "now")
      .use(context_.now, "now_")
      .exec();
  bool stages_without_assignments = true;
  for (const auto& stage : a.stages) {
    const std::string stage_kind(to_string(stage.kind));
    (*statements_)(text_of(sql_).insert_stage).use(a.id, "agreement_id").use(stage_kind, "kind").exec();
    stages_without_assignments = stages_without_assignments && stage.assignments.empty();
  }
  // Stages are stored without their assignments: read back an agreement given some (no sync path does).
  if (!stages_without_assignments) {
    return recorded(read_agreement(sql_, "%", a.id), {"create", "agreement", a.id, nullptr, nullptr});
  }
  Stored<d::Agreement> stored = row.get();
  for (const auto& stage : a.stages)
    stored.entity.stages.push_back(d::Stage{stage.kind, {}});
  // In the order of the PPP process, as read_stages() answers them.
  std::stable_sort(stored.entity.stages.begin(), stored.entity.stages.end(),
                   [](const d::Stage& x, const d::Stage& y) { return x.kind < y.kind; });
  return recorded(Result<Stored<d::Agreement>>(std::move(stored)),
                  {"create", "agreement", a.id, nullptr, nullptr});
}

Result<Stored<d::Agreement>> LedgerTransaction::update_agreement(const Stored<d::Agreement>& before,
                                                                 const d::Agreement& a) {
  const d::Agreement& s = before.entity;
  if (a.title == s.title && a.counterparty_id == s.counterparty_id && a.value == s.value &&
      a.signed_on == s.signed_on && a.refs == s.refs) {
    return before;
  }
  std::string currency = a.value ? std::string(a.value->currency.code()) : std::string{};
  long long fen = a.value ? a.value->fen : 0;
  soci::indicator value_ind = a.value ? soci::i_ok : soci::i_null;
  const std::string signed_on = date_text(a.signed_on);
  const long long version = before.version;
  Nullable counterparty(a.counterparty_id), ppc(a.refs.platform_project_code), udc(a.refs.unified_deal_code),
      ocid(a.refs.ocid);
  const long long changed = Query(sql_, text_of(sql_).update_agreement)
                                .use(a.title, "title")
                                .use(counterparty.value, counterparty.ind, "counterparty_id")
                                .use(fen, value_ind, "value_fen")
                                .use(currency, value_ind, "currency")
                                .use(signed_on, "signed_on")
                                .use(ppc.value, ppc.ind, "ppc")
                                .use(udc.value, udc.ind, "udc")
                                .use(ocid.value, ocid.ind, "ocid")
                                .use(context_.now, "now")
                                .use(a.id, "id")
                                .use(version, "version")
                                .exec();
  if (changed != 1) return d::fail(ErrorCode::stale, a.id + " was changed by another request meanwhile");
  return recorded(read_agreement(sql_, "%", a.id), {"update", "agreement", a.id, to_json(before), nullptr});
}

Result<Stored<d::Agreement>> LedgerTransaction::append_assignment(const Stored<d::Agreement>& before,
                                                                  d::StageKind stage,
                                                                  const d::Assignment& assignment) {
  const std::string& id = before.entity.id;
  if (auto r = bump_version(text_of(sql_).bump_agreement, id, before.version); !r) {
    return std::unexpected(r.error());
  }
  const std::string stage_kind(to_string(stage));
  int seq = 1;
  bool stage_exists = false;
  for (const auto& s : before.entity.stages) {
    if (s.kind != stage) continue;
    stage_exists = true;
    seq = static_cast<int>(s.assignments.size()) + 1;
  }
  if (!stage_exists) {
    Query(sql_, text_of(sql_).insert_stage).use(id, "agreement_id").use(stage_kind, "kind").exec();
  }
  const std::string from = date_text(assignment.from);
  Nullable to = optional_date_text(assignment.to);
  Query(sql_, text_of(sql_).insert_assignment)
      .use(id, "agreement_id")
      .use(stage_kind, "stage_kind")
      .use(seq, "seq")
      .use(assignment.official_id, "official_id")
      .use(assignment.role, "role")
      .use(from, "from_date")
      .use(to.value, to.ind, "to_date")
      .exec();
  return recorded(read_agreement(sql_, "%", id),
                  {"append_assignment", "agreement", id, to_json(before), nullptr});
}

namespace {
/** The bound values of a commitment's columns. */
struct CommitmentValues {
  std::string side, kind, due, currency_text;
  long long amount_fen = 0;
  soci::indicator amount_ind = soci::i_null, currency_ind = soci::i_null;
  Nullable stage{""}, committing{""};
  int term = 0;
  soci::indicator term_ind = soci::i_null;

  explicit CommitmentValues(const d::Commitment& c)
      : side(to_string(c.obligor_side)),
        kind(to_string(c.kind)),
        due(date_text(c.due)),
        stage(c.stage ? std::string(to_string(*c.stage)) : std::string{}),
        committing(c.committing_official_id) {
    if (c.amount) {
      amount_fen = c.amount->fen;
      currency_text = std::string(c.amount->currency.code());
      amount_ind = currency_ind = soci::i_ok;
    }
    if (c.payment_term_days) {
      term = *c.payment_term_days;
      term_ind = soci::i_ok;
    }
  }
  void bind(Query& q, const d::Commitment& c) {
    q.use(side, "obligor_side")
        .use(c.obligor_id, "obligor_id")
        .use(kind, "kind")
        .use(c.title, "title")
        .use(due, "due")
        .use(amount_fen, amount_ind, "amount_fen")
        .use(currency_text, currency_ind, "currency")
        .use(c.grace_days, "grace_days")
        .use(stage.value, stage.ind, "stage")
        .use(committing.value, committing.ind, "committing")
        .use(term, term_ind, "payment_term_days");
  }
};
}  // namespace

Result<Stored<d::Commitment>> LedgerTransaction::insert_commitment(const d::Commitment& c) {
  CommitmentValues values(c);
  (*statements_)(text_of(sql_).insert_commitment)
      .use(c.id, "id")
      .use(c.agreement_id, "agreement_id")
      .use(context_.now, "now")
      .use(context_.now, "now_")
      .use(values.side, "obligor_side")
      .use(c.obligor_id, "obligor_id")
      .use(values.kind, "kind")
      .use(c.title, "title")
      .use(values.due, "due")
      .use(values.amount_fen, values.amount_ind, "amount_fen")
      .use(values.currency_text, values.currency_ind, "currency")
      .use(c.grace_days, "grace_days")
      .use(values.stage.value, values.stage.ind, "stage")
      .use(values.committing.value, values.committing.ind, "committing")
      .use(values.term, values.term_ind, "payment_term_days")
      .exec();
  // The row as the database now holds it, without reading it back (the values were just bound).
  detail::CommitmentRow row;
  row.id = c.id;
  row.agreement_id = c.agreement_id;
  row.obligor_side = values.side;
  row.obligor_id = c.obligor_id;
  row.kind = values.kind;
  row.title = c.title;
  row.due = values.due;
  row.amount_fen = values.amount_fen;
  row.amount_ind = values.amount_ind;
  row.currency = values.currency_text;
  row.currency_ind = values.currency_ind;
  row.grace_days = c.grace_days;
  row.stage = values.stage.value;
  row.stage_ind = values.stage.ind;
  row.committing = values.committing.value;
  row.committing_ind = values.committing.ind;
  row.payment_term_days = values.term;
  row.term_ind = values.term_ind;
  row.version = 1;
  row.created = row.updated = context_.now;
  return recorded(Result<Stored<d::Commitment>>(row.get()), {"create", "commitment", c.id, nullptr, nullptr});
}

Result<Stored<d::Commitment>> LedgerTransaction::update_commitment(const Stored<d::Commitment>& before,
                                                                   const d::Commitment& c) {
  d::Commitment unchanged = c;
  unchanged.agreement_id = before.entity.agreement_id;  // not written by the update
  if (unchanged == before.entity) return before;
  CommitmentValues values(c);
  const long long version = before.version;
  Query q(sql_, text_of(sql_).update_commitment);
  q.use(c.id, "id").use(version, "version").use(context_.now, "now");
  values.bind(q, c);
  if (q.exec() != 1) return d::fail(ErrorCode::stale, c.id + " was changed by another request meanwhile");
  return recorded(read_commitment(sql_, "%", c.id), {"update", "commitment", c.id, to_json(before), nullptr});
}

Result<Stored<d::Fact>> LedgerTransaction::insert_fact(const d::Fact& f) {
  // The row as the database will hold it: bound from these values, and handed on without reading it back.
  detail::FactRow row;
  row.id = f.id;
  row.commitment_id = f.commitment_id;
  row.kind = to_string(f.kind);
  row.on = date_text(f.on);
  row.reason = to_string(f.reason);
  row.terminated_by = f.terminated_by ? std::string(to_string(*f.terminated_by)) : std::string{};
  row.terminated_ind = f.terminated_by ? soci::i_ok : soci::i_null;
  row.counterparty_loss = f.counterparty_loss ? 1 : 0;
  row.source = to_string(f.source);
  row.score = f.score.value_or(0);
  row.score_ind = f.score ? soci::i_ok : soci::i_null;
  row.new_due = f.new_due ? date_text(*f.new_due) : std::string{};
  row.new_due_ind = f.new_due ? soci::i_ok : soci::i_null;
  row.amount_fen = f.amount ? f.amount->fen : 0;
  row.amount_ind = f.amount ? soci::i_ok : soci::i_null;
  row.amount_currency = f.amount ? std::string(f.amount->currency.code()) : std::string{};
  row.amount_currency_ind = row.amount_ind;
  row.new_amount_fen = f.new_amount ? f.new_amount->fen : 0;
  row.new_amount_ind = f.new_amount ? soci::i_ok : soci::i_null;
  row.new_amount_currency = f.new_amount ? std::string(f.new_amount->currency.code()) : std::string{};
  row.new_amount_currency_ind = row.new_amount_ind;
  row.corrects = f.corrects;
  row.corrects_ind = f.corrects.empty() ? soci::i_null : soci::i_ok;
  row.legal_basis = f.legal_basis;
  row.competent_authority = f.competent_authority;
  row.procedure_reference = f.procedure_reference;
  row.compensation_decision = f.compensation_decision;
  row.lawful_grounds = f.lawful_grounds;
  row.note = f.note;
  row.version = 1;
  row.created = context_.now;
  (*statements_)(text_of(sql_).insert_fact)
      .use(row.id, "id")
      .use(row.commitment_id, "commitment_id")
      .use(row.kind, "kind")
      .use(row.on, "on_date")
      .use(row.reason, "reason")
      .use(row.terminated_by, row.terminated_ind, "terminated_by")
      .use(row.counterparty_loss, "counterparty_loss")
      .use(row.source, "source")
      .use(row.score, row.score_ind, "score")
      .use(row.new_due, row.new_due_ind, "new_due")
      .use(row.amount_fen, row.amount_ind, "amount_fen")
      .use(row.amount_currency, row.amount_currency_ind, "amount_currency")
      .use(row.new_amount_fen, row.new_amount_ind, "new_amount_fen")
      .use(row.new_amount_currency, row.new_amount_currency_ind, "new_amount_currency")
      .use(row.corrects, row.corrects_ind, "corrects")
      .use(row.legal_basis, "legal_basis")
      .use(row.competent_authority, "competent_authority")
      .use(row.procedure_reference, "procedure_reference")
      .use(row.compensation_decision, "compensation_decision")
      .use(row.lawful_grounds, "lawful_grounds")
      .use(row.note, "note")
      .use(context_.now, "now")
      .exec();
  return recorded(Result<Stored<d::Fact>>(row.get()), {"append", "fact", f.id, nullptr, nullptr});
}

// ---- the store -------------------------------------------------------------------------------------------

/** A write waiting in the Database's WriteCombiner, with its outcome once a group ran it. */
struct LedgerStore::WriteJob : WriteCombiner::Job {
  WriteJob(LedgerStore& store, const WriteContext& context, const std::optional<IdempotencyKey>& idempotency,
           const std::function<Result<StoredResponse>(LedgerTransaction&)>& work)
      : store(store), context(context), idempotency(idempotency), work(work) {}
  LedgerStore& store;
  const WriteContext& context;
  const std::optional<IdempotencyKey>& idempotency;
  const std::function<Result<StoredResponse>(LedgerTransaction&)>& work;
  std::optional<Result<StoredResponse>> outcome;
};

Result<StoredResponse> LedgerStore::write(
    const WriteContext& context, const std::optional<IdempotencyKey>& idempotency,
    const std::function<Result<StoredResponse>(LedgerTransaction&)>& work) {
  WriteJob job(*this, context, idempotency, work);
  if (!database_.writes().submit(job, &LedgerStore::run_group)) {
    return d::fail(ErrorCode::invalid, "a write cannot start another write inside its own transaction");
  }
  if (!job.outcome) return d::fail(ErrorCode::unavailable, "the write was not run (its group failed)");
  return std::move(*job.outcome);
}

void LedgerStore::store_idempotency(soci::session& sql, const WriteJob& job, const StoredResponse& response) {
  const LedgerSql& text = ledger_sql(database_.backend());
  const std::string cutoff = idempotency_cutoff();
  if (idempotency_purge_due()) {
    // Indexed by created_at; done by the first write after each interval, inside its transaction.
    Query(sql, text.purge_idempotency).use(cutoff, "cutoff").exec();
  }
  if (!job.idempotency) return;
  const IdempotencyKey& key = *job.idempotency;
  // An expired record of the same key would collide with the new one: the key starts afresh.
  if (!cutoff.empty()) {
    Query(sql, text.delete_expired_idempotency_key)
        .use(key.token_id, "token_id")
        .use(key.key, "idem_key")
        .use(cutoff, "cutoff")
        .exec();
  }
  Query(sql, text.insert_idempotency)
      .use(key.token_id, "token_id")
      .use(key.key, "idem_key")
      .use(key.method, "method")
      .use(key.route, "route")
      .use(key.request_sha256, "request_sha256")
      .use(response.status, "status")
      .use(response.body, "response_body")
      .use(response.etag, "etag")
      .use(response.location, "location")
      .use(job.context.now, "now")
      .exec();
}

Result<StoredResponse> LedgerStore::write_alone(const WriteJob& job) {
  auto lease = database_.acquire();
  soci::session& sql = *lease;
  const LedgerSql& text = ledger_sql(database_.backend());
  try {
    sql << std::string(text.begin_write);
  } catch (...) {
    return std::unexpected(map_current_exception("starting a ledger write"));
  }
  const auto rollback = [&] {
    try {
      sql << std::string(text.rollback);
    } catch (...) {
      // The connection is gone; the server rolled the transaction back itself.
    }
  };
  try {
    LedgerTransaction transaction(sql, job.context);
    auto response = job.work(transaction);
    if (response) {
      if (auto finished = transaction.finish(); !finished) response = std::unexpected(finished.error());
    }
    if (!response) {
      transaction.end_statements();
      rollback();
      return response;
    }
    store_idempotency(sql, job, *response);
    sql << std::string(text.commit);
    return response;
  } catch (...) {
    auto error = map_current_exception("writing the ledger");
    rollback();
    return std::unexpected(std::move(error));
  }
}

void LedgerStore::run_group(std::span<WriteCombiner::Job* const> group) {
  const auto job_at = [&](std::size_t i) -> WriteJob& { return static_cast<WriteJob&>(*group[i]); };
  LedgerStore& first = job_at(0).store;
  if (group.size() == 1) {
    job_at(0).outcome = first.write_alone(job_at(0));
    return;
  }
  // Every job's store is on the same Database (the combiner is the Database's).
  Database& database = first.database_;
  const LedgerSql& text = ledger_sql(database.backend());
  bool committed = false;
  {
    auto lease = database.acquire();
    soci::session& sql = *lease;
    const bool sqlite = database.backend() == Backend::sqlite;
    StatementCache& statements = StatementCache::of_session(sql);
    const auto end_statements = [&]() noexcept { statements.reset(); };
    try {
      sql << std::string(text.begin_write);
      TrailAppender trail(statements);
      for (std::size_t i = 0; i < group.size(); ++i) {
        WriteJob& job = job_at(i);
        // Each write behind its own savepoint: a write that fails takes back only its own changes.
        statements("SAVEPOINT pactwatch_write").exec();
        trail.mark();
        std::optional<Result<StoredResponse>> outcome;
        try {
          LedgerTransaction transaction(sql, job.context, statements, trail);
          auto response = job.work(transaction);
          if (response) {
            // The write's change set becomes its entry before the next write's changes come.
            if (auto sealed = transaction.end_change_set(); !sealed)
              response = std::unexpected(sealed.error());
          }
          if (response) job.store.store_idempotency(sql, job, *response);
          outcome = std::move(response);
        } catch (...) {
          outcome = std::unexpected(map_current_exception("writing the ledger"));
        }
        if (!*outcome) {
          // A failure the savepoint cannot contain (MySQL rolls a whole transaction back on a deadlock)
          // throws here and fails the group: its writes then run again, each alone.
          statements.reset();
          statements("ROLLBACK TO SAVEPOINT pactwatch_write").exec();
          trail.restore();
        }
        // MySQL replaces a savepoint of the same name at the next SAVEPOINT: no round trip to release it.
        if (sqlite) statements("RELEASE SAVEPOINT pactwatch_write").exec();
        job.outcome = std::move(outcome);
      }
      if (auto finished = trail.finish(); !finished) throw std::runtime_error(finished.error().message);
      end_statements();
      sql << std::string(text.commit);
      committed = true;
    } catch (...) {
      end_statements();
      try {
        sql << std::string(text.rollback);
      } catch (...) {
        // The connection is gone; the server rolled the transaction back itself.
      }
    }
  }
  if (committed) return;
  // Nothing of the group was committed. A write that failed on its own (its savepoint taken back) keeps that
  // answer: it saw the writes before it, which now commit before it too. Every other one runs again in a
  // transaction of its own, in the same order.
  for (std::size_t i = 0; i < group.size(); ++i) {
    WriteJob& job = job_at(i);
    if (!job.outcome || job.outcome->has_value()) job.outcome = job.store.write_alone(job);
  }
}

Result<std::optional<IdempotencyRecord>> LedgerStore::idempotent_response(const std::string& token_id,
                                                                          const std::string& key) {
  return guarded(database_, "reading an idempotency key",
                 [&](soci::session& sql) -> Result<std::optional<IdempotencyRecord>> {
                   const std::string cutoff = idempotency_cutoff();
                   IdempotencyRecord record;
                   record.key.token_id = token_id;
                   record.key.key = key;
                   auto& k = record.key;
                   auto& r = record.response;
                   soci::statement st =
                       (sql.prepare << std::string(text_of(sql).select_idempotency),
                        soci::use(token_id, "token_id"), soci::use(key, "idem_key"),
                        soci::use(cutoff, "cutoff"), soci::into(k.method), soci::into(k.route),
                        soci::into(k.request_sha256), soci::into(r.status), soci::into(r.body),
                        soci::into(r.etag), soci::into(r.location));
                   st.execute(false);
                   if (!st.fetch()) return std::optional<IdempotencyRecord>{};
                   return std::optional<IdempotencyRecord>{std::move(record)};
                 });
}

Result<Stored<d::Body>> LedgerStore::body(const d::Scope& scope, const std::string& id) {
  return guarded(database_, "reading a body",
                 [&](soci::session& sql) { return read_body(sql, region_like(scope.region), id); });
}
Result<Stored<d::Official>> LedgerStore::official(const d::Scope& scope, const std::string& id) {
  return guarded(database_, "reading an official",
                 [&](soci::session& sql) { return read_official(sql, region_like(scope.region), id); });
}
Result<Stored<d::Organization>> LedgerStore::organization(const std::string& id) {
  return guarded(database_, "reading an organization",
                 [&](soci::session& sql) { return read_organization(sql, id); });
}
namespace {

/**
 * read_agreement() with its three statements prepared once per session and executed again with new values:
 * on SQLite, compiling them took half of the CPU time of GET /agreements/{id}. Each use drains every
 * statement so that none keeps a read transaction (a WAL snapshot) open on the pooled session.
 */
class CachedAgreementRead {
 public:
  CachedAgreementRead(soci::session& sql, const LedgerSql& text)
      : agreement_(prepare(sql, text.select_agreement,
                           [this](auto& p) {
                             row_.bind(p);
                             p, soci::use(id_, "id"), soci::use(scope_, "scope");
                           })),
        stages_(prepare(sql, text.select_stages_range,
                        [this](auto& p) {
                          p, soci::into(stage_agreement_), soci::into(stage_kind_), soci::use(id_, "first"),
                              soci::use(id_, "last");
                        })),
        assignments_(prepare(sql, text.select_assignments_range, [this](auto& p) {
          assignment_.bind(p);
          p, soci::use(id_, "first"), soci::use(id_, "last");
        })) {}

  Result<Stored<d::Agreement>> read(const std::string& scope, const std::string& id) {
    id_ = id;
    scope_ = scope;
    agreement_.execute(false);
    std::optional<Stored<d::Agreement>> found;
    while (agreement_.fetch())
      found = row_.get();
    if (!found) return d::fail(ErrorCode::not_found, "no agreement " + id, "id");
    auto& a = found->entity;
    const auto stage_of = [&a](d::StageKind kind) -> d::Stage& {
      for (auto& s : a.stages) {
        if (s.kind == kind) return s;
      }
      a.stages.push_back(d::Stage{kind, {}});
      return a.stages.back();
    };
    stages_.execute(false);
    while (stages_.fetch()) {
      if (auto kind = parse_stage_kind(stage_kind_)) stage_of(*kind);
    }
    assignments_.execute(false);
    while (assignments_.fetch()) {
      if (auto kind = parse_stage_kind(assignment_.stage_kind))
        stage_of(*kind).assignments.push_back(assignment_.get());
    }
    // Stages in the order of the PPP process, as read_stages() answers them.
    std::stable_sort(a.stages.begin(), a.stages.end(),
                     [](const d::Stage& x, const d::Stage& y) { return x.kind < y.kind; });
    return std::move(*found);
  }

 private:
  template <class Bind>
  static soci::statement prepare(soci::session& sql, std::string_view text, Bind bind) {
    auto p = (sql.prepare << std::string(text));
    bind(p);
    return soci::statement(p);
  }

  // Bound by reference: declared before the statements, which are built from them.
  std::string id_, scope_, stage_agreement_, stage_kind_;
  detail::AgreementRow row_;
  detail::AssignmentRow assignment_;
  soci::statement agreement_, stages_, assignments_;
};

}  // namespace

struct LedgerStore::ReadCache {
  std::mutex mutex;
  std::unordered_map<soci::session*, std::unique_ptr<CachedAgreementRead>> agreements;
  /// When a write last deleted the expired idempotency records (Unix ms), shared by copies of the store.
  std::atomic<std::int64_t> last_idempotency_purge_ms{0};
};

LedgerStore::LedgerStore(Database& database, std::optional<IdempotencyRetention> idempotency)
    : database_(database), idempotency_(idempotency), cache_(std::make_shared<ReadCache>()) {}

bool LedgerStore::idempotency_purge_due() {
  if (!idempotency_) return false;
  const std::int64_t now_ms = clock::system_clock().now().time_since_epoch().count();
  const std::int64_t every_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(idempotency_->purge_every).count();
  std::int64_t last = cache_->last_idempotency_purge_ms.load();
  // One write per interval wins the exchange; the others go on without purging.
  return now_ms - last >= every_ms && cache_->last_idempotency_purge_ms.compare_exchange_strong(last, now_ms);
}

std::string LedgerStore::idempotency_cutoff() const {
  if (!idempotency_) return {};
  return d::format_instant(clock::system_clock().now() - idempotency_->keep);
}

Result<Stored<d::Agreement>> LedgerStore::agreement(const d::Scope& scope, const std::string& id) {
  // Only on SQLite: a MySQL session may reconnect (Database::ping), which would orphan cached statements,
  // and the MySQL backend sends the query text every time anyway.
  if (database_.backend() != Backend::sqlite) {
    return guarded(database_, "reading an agreement",
                   [&](soci::session& sql) { return read_agreement(sql, region_like(scope.region), id); });
  }
  auto lease = database_.acquire();
  soci::session& sql = *lease;
  CachedAgreementRead* cached = nullptr;
  try {
    {
      std::lock_guard lock(cache_->mutex);
      if (auto it = cache_->agreements.find(&sql); it != cache_->agreements.end()) cached = it->second.get();
    }
    if (!cached) {
      auto made = std::make_unique<CachedAgreementRead>(sql, text_of(sql));
      cached = made.get();
      std::lock_guard lock(cache_->mutex);
      cache_->agreements[&sql] = std::move(made);
    }
    return cached->read(region_like(scope.region), id);
  } catch (...) {
    // A statement that failed half-way is dropped (finalized) rather than reused.
    if (cached) {
      std::lock_guard lock(cache_->mutex);
      cache_->agreements.erase(&sql);
    }
    return std::unexpected(map_current_exception("reading an agreement"));
  }
}

Result<Stored<d::Commitment>> LedgerStore::commitment(const d::Scope& scope, const std::string& id) {
  return guarded(database_, "reading a commitment",
                 [&](soci::session& sql) { return read_commitment(sql, region_like(scope.region), id); });
}
Result<Stored<d::Fact>> LedgerStore::fact(const d::Scope& scope, const std::string& id) {
  return guarded(database_, "reading a fact",
                 [&](soci::session& sql) { return read_fact(sql, region_like(scope.region), id); });
}
Result<RegionRow> LedgerStore::region(const std::string& code) {
  return guarded(database_, "reading a region", [&](soci::session& sql) { return read_region(sql, code); });
}

}  // namespace pactwatch::store
