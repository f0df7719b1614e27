#include "adapters/store/ledger_rows.hpp"

#include <algorithm>

namespace pactwatch::store::detail {

namespace d = pactwatch::domain;
using soci::into;
using soci::details::prepare_temp_type;

// Stored dates and currencies were validated on the way in; a row that no longer parses (edited by hand)
// reads as the epoch / CNY rather than failing the whole list.
d::Date stored_date(const std::string& text) {
  auto date = d::parse_date(text);
  return date ? *date : d::Date{};
}
std::optional<d::Date> stored_date(const std::string& text, soci::indicator ind) {
  if (ind == soci::i_null) return std::nullopt;
  return stored_date(text);
}
d::Money stored_money(long long fen, const std::string& currency) {
  d::Money money;
  money.fen = fen;
  if (auto c = d::Currency::parse(currency)) money.currency = *c;
  return money;
}
std::string text_or_empty(const std::string& text, soci::indicator ind) {
  return ind == soci::i_null ? std::string{} : text;
}

void BodyRow::bind(prepare_temp_type& p) {
  p, into(id), into(name), into(region), into(kind), into(parent_id, parent_ind), into(credit_code, code_ind),
      into(version), into(created), into(updated);
}
Stored<d::Body> BodyRow::get() const {
  Stored<d::Body> s;
  s.entity.id = id;
  s.entity.name = name;
  s.entity.region = region;
  s.entity.kind = parse_body_kind(kind).value_or(d::BodyKind::other);
  s.entity.parent_id = text_or_empty(parent_id, parent_ind);
  if (code_ind != soci::i_null) {
    if (auto code = d::CreditCode::parse(credit_code)) s.entity.credit_code = *code;
  }
  s.version = version;
  s.created_at = created;
  s.updated_at = updated;
  return s;
}

void OfficialRow::bind(prepare_temp_type& p) {
  p, into(id), into(name), into(version), into(created), into(updated);
}
Stored<d::Official> OfficialRow::get() const {
  Stored<d::Official> s;
  s.entity.id = id;
  s.entity.name = name;
  s.version = version;
  s.created_at = created;
  s.updated_at = updated;
  return s;
}

void PostRow::bind(prepare_temp_type& p) {
  p, into(official_id), into(body_id), into(title), into(from), into(to, to_ind), into(head);
}
d::Post PostRow::get() const {
  return d::Post{body_id, title, stored_date(from), stored_date(to, to_ind), head != 0};
}

void OrganizationRow::bind(prepare_temp_type& p) {
  p, into(id), into(name), into(credit_code, code_ind), into(sme), into(version), into(created),
      into(updated);
}
Stored<d::Organization> OrganizationRow::get() const {
  Stored<d::Organization> s;
  s.entity.id = id;
  s.entity.name = name;
  if (code_ind != soci::i_null) {
    if (auto code = d::CreditCode::parse(credit_code)) s.entity.credit_code = *code;
  }
  s.entity.sme = sme != 0;
  s.version = version;
  s.created_at = created;
  s.updated_at = updated;
  return s;
}

void AgreementRow::bind(prepare_temp_type& p) {
  p, into(id), into(kind), into(title), into(body_id), into(counterparty_id, counterparty_ind),
      into(value_fen, value_ind), into(currency, currency_ind), into(signed_on), into(ppc, ppc_ind),
      into(udc, udc_ind), into(ocid, ocid_ind), into(version), into(created), into(updated);
}
Stored<d::Agreement> AgreementRow::get() const {
  Stored<d::Agreement> s;
  auto& a = s.entity;
  a.id = id;
  a.kind = parse_agreement_kind(kind).value_or(d::AgreementKind::procurement);
  a.title = title;
  a.body_id = body_id;
  a.counterparty_id = text_or_empty(counterparty_id, counterparty_ind);
  if (value_ind != soci::i_null) a.value = stored_money(value_fen, text_or_empty(currency, currency_ind));
  a.signed_on = stored_date(signed_on);
  a.refs.platform_project_code = text_or_empty(ppc, ppc_ind);
  a.refs.unified_deal_code = text_or_empty(udc, udc_ind);
  a.refs.ocid = text_or_empty(ocid, ocid_ind);
  s.version = version;
  s.created_at = created;
  s.updated_at = updated;
  return s;
}

void AssignmentRow::bind(prepare_temp_type& p) {
  p, into(agreement_id), into(stage_kind), into(official_id), into(role), into(from), into(to, to_ind);
}
d::Assignment AssignmentRow::get() const {
  return d::Assignment{official_id, role, stored_date(from), stored_date(to, to_ind)};
}

void CommitmentRow::bind(prepare_temp_type& p) {
  p, into(id), into(agreement_id), into(obligor_side), into(obligor_id), into(kind), into(title), into(due),
      into(amount_fen, amount_ind), into(currency, currency_ind), into(grace_days), into(stage, stage_ind),
      into(committing, committing_ind), into(payment_term_days, term_ind), into(version), into(created),
      into(updated);
}
Stored<d::Commitment> CommitmentRow::get() const {
  Stored<d::Commitment> s;
  auto& c = s.entity;
  c.id = id;
  c.agreement_id = agreement_id;
  c.obligor_side = parse_obligor_side(obligor_side).value_or(d::ObligorSide::government);
  c.obligor_id = obligor_id;
  c.kind = parse_commitment_kind(kind).value_or(d::CommitmentKind::milestone);
  c.title = title;
  c.due = stored_date(due);
  if (amount_ind != soci::i_null) c.amount = stored_money(amount_fen, text_or_empty(currency, currency_ind));
  c.grace_days = grace_days;
  if (stage_ind != soci::i_null) c.stage = parse_stage_kind(stage);
  c.committing_official_id = text_or_empty(committing, committing_ind);
  if (term_ind != soci::i_null) c.payment_term_days = payment_term_days;
  s.version = version;
  s.created_at = created;
  s.updated_at = created == updated ? created : updated;
  return s;
}

void FactRow::bind(prepare_temp_type& p) {
  p, into(id), into(commitment_id), into(kind), into(on), into(reason), into(terminated_by, terminated_ind),
      into(counterparty_loss), into(source), into(score, score_ind), into(new_due, new_due_ind),
      into(amount_fen, amount_ind), into(amount_currency, amount_currency_ind),
      into(new_amount_fen, new_amount_ind), into(new_amount_currency, new_amount_currency_ind),
      into(corrects, corrects_ind), into(legal_basis), into(competent_authority), into(procedure_reference),
      into(compensation_decision), into(lawful_grounds), into(note), into(version), into(created);
}
Stored<d::Fact> FactRow::get() const {
  Stored<d::Fact> s;
  auto& f = s.entity;
  f.id = id;
  f.commitment_id = commitment_id;
  f.kind = parse_fact_kind(kind).value_or(d::FactKind::fulfilled);
  f.on = stored_date(on);
  f.reason = parse_reason_code(reason).value_or(d::ReasonCode::other);
  if (terminated_ind != soci::i_null) f.terminated_by = parse_obligor_side(terminated_by);
  f.counterparty_loss = counterparty_loss != 0;
  f.source = parse_fact_source(source).value_or(d::FactSource::manual);
  if (score_ind != soci::i_null) f.score = score;
  f.new_due = stored_date(new_due, new_due_ind);
  if (amount_ind != soci::i_null)
    f.amount = stored_money(amount_fen, text_or_empty(amount_currency, amount_currency_ind));
  if (new_amount_ind != soci::i_null) {
    f.new_amount = stored_money(new_amount_fen, text_or_empty(new_amount_currency, new_amount_currency_ind));
  }
  f.corrects = text_or_empty(corrects, corrects_ind);
  f.legal_basis = legal_basis;
  f.competent_authority = competent_authority;
  f.procedure_reference = procedure_reference;
  f.compensation_decision = compensation_decision;
  f.lawful_grounds = lawful_grounds;
  f.note = note;
  s.version = version;
  s.created_at = created;
  s.updated_at = created;
  return s;
}

namespace {
/** agreement_id, kind of a stages row. */
struct StageRow {
  std::string agreement_id, kind;
  void bind(prepare_temp_type& p) { p, into(agreement_id), into(kind); }
};
}  // namespace

std::map<std::string, std::vector<d::Post>> read_posts(soci::session& sql, const LedgerSql& text,
                                                       const std::string& first, const std::string& last) {
  std::map<std::string, std::vector<d::Post>> posts;
  PostRow row;
  auto st = Query(sql, text.select_posts_range).use(first, "first").use(last, "last").into(row).run();
  while (st.fetch())
    posts[row.official_id].push_back(row.get());
  return posts;
}

std::string expand_ids(std::string_view text, std::size_t n) {
  const auto at = text.find("(:ids)");
  std::string out(text.substr(0, at));
  for (std::size_t i = 0; i < n; ++i)
    out += (i == 0 ? "(:id" : ", :id") + std::to_string(i);
  out += ")";
  out += text.substr(at + 6);
  return out;
}

void use_ids(Query& query, const std::vector<const std::string*>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    query.use(*ids[i], ("id" + std::to_string(i)).c_str());
}

namespace {

/** Fills the stages of `agreements` from the rows of two queries that `bind` completes. */
template <class Bind>
void fill_stages(soci::session& sql, std::string_view stages_text, std::string_view assignments_text,
                 const Bind& bind, std::vector<Stored<d::Agreement>*>& agreements) {
  std::map<std::string, d::Agreement*> by_id;
  for (auto* a : agreements)
    by_id[a->entity.id] = &a->entity;
  const auto stage_of = [](d::Agreement& a, d::StageKind kind) -> d::Stage& {
    for (auto& s : a.stages) {
      if (s.kind == kind) return s;
    }
    a.stages.push_back(d::Stage{kind, {}});
    return a.stages.back();
  };
  {
    StageRow row;
    Query q(sql, stages_text);
    bind(q);
    auto st = q.into(row).run();
    while (st.fetch()) {
      auto it = by_id.find(row.agreement_id);
      auto kind = parse_stage_kind(row.kind);
      if (it != by_id.end() && kind) stage_of(*it->second, *kind);
    }
  }
  AssignmentRow row;
  Query q(sql, assignments_text);
  bind(q);
  auto st = q.into(row).run();
  while (st.fetch()) {
    auto it = by_id.find(row.agreement_id);
    auto kind = parse_stage_kind(row.stage_kind);
    if (it != by_id.end() && kind) stage_of(*it->second, *kind).assignments.push_back(row.get());
  }
  // Stages in the order of the PPP process, whatever order the rows came in.
  for (auto& [id, a] : by_id) {
    std::stable_sort(a->stages.begin(), a->stages.end(),
                     [](const d::Stage& x, const d::Stage& y) { return x.kind < y.kind; });
  }
}

}  // namespace

void read_stages(soci::session& sql, const LedgerSql& text, const std::string& first, const std::string& last,
                 std::vector<Stored<d::Agreement>*>& agreements) {
  fill_stages(
      sql, text.select_stages_range, text.select_assignments_range,
      [&](Query& q) { q.use(first, "first").use(last, "last"); }, agreements);
}

void read_stages_of(soci::session& sql, const LedgerSql& text,
                    std::vector<Stored<d::Agreement>*>& agreements) {
  if (agreements.empty()) return;
  std::vector<const std::string*> ids;
  for (const auto* a : agreements)
    ids.push_back(&a->entity.id);
  fill_stages(
      sql, expand_ids(text.select_stages_of, ids.size()), expand_ids(text.select_assignments_of, ids.size()),
      [&](Query& q) { use_ids(q, ids); }, agreements);
}

}  // namespace pactwatch::store::detail
