#pragma once
// The ledger's DML, shared by both backends (standard SQL both accept). Internal to the ledger_sql files:
// include only from ledger_sql_sqlite.cpp and ledger_sql_mysql.cpp.

#include "adapters/store/ledger_sql.hpp"

namespace pactwatch::store::detail {

// Column lists, in the order ledger_store.cpp reads them.
#define PW_BODY_COLS \
  "b.id, b.name, b.region, b.kind, b.parent_id, b.credit_code, b.version, b.created_at, b.updated_at"
#define PW_OFFICIAL_COLS "o.id, o.name, o.version, o.created_at, o.updated_at"
#define PW_POST_COLS "official_id, body_id, title, from_date, to_date, head"
#define PW_ORG_COLS "g.id, g.name, g.credit_code, g.sme, g.version, g.created_at, g.updated_at"
#define PW_AGREEMENT_COLS                                                                      \
  "a.id, a.kind, a.title, a.body_id, a.counterparty_id, a.value_fen, a.currency, a.signed_on," \
  " a.platform_project_code, a.unified_deal_code, a.ocid, a.version, a.created_at, a.updated_at"
#define PW_ASSIGNMENT_COLS "agreement_id, stage_kind, official_id, role, from_date, to_date"
#define PW_COMMITMENT_COLS                                                                                \
  "c.id, c.agreement_id, c.obligor_side, c.obligor_id, c.kind, c.title, c.due, c.amount_fen, c.currency," \
  " c.grace_days, c.stage, c.committing_official_id, c.payment_term_days, c.version, c.created_at,"       \
  " c.updated_at"
#define PW_FACT_COLS                                                                                    \
  "f.id, f.commitment_id, f.kind, f.on_date, f.reason, f.terminated_by, f.counterparty_loss, f.source," \
  " f.score, f.new_due, f.amount_fen, f.amount_currency, f.new_amount_fen, f.new_amount_currency,"      \
  " f.corrects, f.legal_basis, f.competent_authority, f.procedure_reference, f.compensation_decision,"  \
  " f.lawful_grounds, f.note, f.version, f.created_at"
// An official is in scope when any of their posts is at a body in scope.
#define PW_OFFICIAL_IN(scope)                                                                     \
  " EXISTS (SELECT 1 FROM posts p JOIN bodies pb ON pb.id = p.body_id WHERE p.official_id = o.id" \
  " AND pb.region LIKE :" scope ")"
#define PW_PAGE(col) " AND " col " > :after ORDER BY " col " LIMIT :limit"

// The list of agreements after SELECT (and a join hint).
#define PW_AGREEMENT_FROM                                                                       \
  PW_AGREEMENT_COLS                                                                             \
  " FROM agreements a JOIN bodies b ON b.id = a.body_id"                                        \
  " WHERE b.region LIKE :scope AND b.region LIKE :region AND (:kind = '' OR a.kind = :kind_)"   \
  " AND (:body = '' OR a.body_id = :body_) AND (:counterparty = '' OR a.counterparty_id = "     \
  ":counterparty_) AND (:ppc = '' OR a.platform_project_code = :ppc_)"                          \
  " AND (:udc = '' OR a.unified_deal_code = :udc_) AND (:ocid = '' OR a.ocid = :ocid_)"         \
  " AND (:signed_after = '' OR a.signed_on >= :signed_after_)"                                  \
  " AND (:signed_before = '' OR a.signed_on <= :signed_before_)"                                \
  " AND (:since = '' OR a.updated_at >= :since_ OR EXISTS (SELECT 1 FROM commitments sc"        \
  " WHERE sc.agreement_id = a.id AND sc.updated_at >= :since__) OR EXISTS (SELECT 1 FROM facts" \
  " sf JOIN commitments sfc ON sfc.id = sf.commitment_id WHERE sfc.agreement_id = a.id"         \
  " AND sf.created_at >= :since___))" PW_PAGE("a.id")

// The list of commitments after SELECT, without its page clause.
#define PW_COMMITMENT_FROM                                                                       \
  PW_COMMITMENT_COLS                                                                             \
  " FROM commitments c JOIN agreements a ON a.id = c.agreement_id"                               \
  " JOIN bodies b ON b.id = a.body_id WHERE b.region LIKE :scope AND b.region LIKE :region"      \
  " AND (:kind = '' OR c.kind = :kind_) AND (:agreement = '' OR c.agreement_id = :agreement_)"   \
  " AND (:side = '' OR c.obligor_side = :side_) AND (:obligor = '' OR c.obligor_id = :obligor_)" \
  " AND (:stage = '' OR c.stage = :stage_) AND (:due_after = '' OR c.due >= :due_after_)"        \
  " AND (:due_before = '' OR c.due <= :due_before_)"
// A fact known by the status date that may move the due date (an amendment, a judgment's deadline).
#define PW_DUE_MAY_MOVE(as_of)                                                               \
  " EXISTS (SELECT 1 FROM facts fm WHERE fm.commitment_id = c.id AND fm.new_due IS NOT NULL" \
  " AND fm.on_date <= :" as_of ")"
// The commitments that may have one of the wanted statuses as of the date (domain/status.hpp): a superset
// that the store narrows with domain::commitment_status. Each status is wanted when its flag is 1.
#define PW_STATUS_CANDIDATES \
  " AND ((:open = 1 AND (c.due >= :open_as_of OR" PW_DUE_MAY_MOVE("open_moved") "))"                    \
  " OR (:overdue = 1 AND (c.due < :overdue_as_of OR" PW_DUE_MAY_MOVE("overdue_moved") "))"              \
  " OR (:fulfilled = 1 AND EXISTS (SELECT 1 FROM facts ff WHERE ff.commitment_id = c.id"                \
  " AND ff.on_date <= :fulfilled_as_of"                                                                 \
  " AND ff.kind IN ('fulfilled', 'acceptance_passed', 'acceptance_failed', 'judgment_fulfilled')))"     \
  " OR (:excused = 1 AND EXISTS (SELECT 1 FROM facts fx WHERE fx.commitment_id = c.id"                  \
  " AND fx.on_date <= :excused_as_of AND fx.kind IN ('revoked', 'terminated'))))"

/**
 * The shared statements with the backend's transaction control filled in. With `straight_join` the lists of
 * agreements and of commitments say SELECT STRAIGHT_JOIN (MySQL only), which makes them walk their table in
 * id order and stop at the page size (as SQLite does); otherwise MariaDB starts from the bodies of the region
 * and sorts all of their rows (a temporary table and a filesort, about a second per page at 100,000
 * agreements or 300,000 commitments).
 */
constexpr LedgerSql make_ledger_sql(std::string_view begin_write, bool straight_join = false) {
  LedgerSql s{};
  s.begin_write = begin_write;
  s.commit = "COMMIT";
  s.rollback = "ROLLBACK";

  s.select_body = "SELECT " PW_BODY_COLS " FROM bodies b WHERE b.id = :id AND b.region LIKE :scope";
  s.list_bodies =
      "SELECT " PW_BODY_COLS
      " FROM bodies b WHERE b.region LIKE :scope AND b.region LIKE :region"
      " AND (:kind = '' OR b.kind = :kind_) AND (:parent = '' OR b.parent_id = :parent_)" PW_PAGE("b.id");
  s.insert_body =
      "INSERT INTO bodies (id, name, region, kind, parent_id, credit_code, version, created_at, updated_at)"
      " VALUES (:id, :name, :region, :kind, :parent_id, :credit_code, 1, :now, :now_)";
  s.update_body =
      "UPDATE bodies SET name = :name, region = :region, kind = :kind, parent_id = :parent_id,"
      " credit_code = :credit_code, version = version + 1, updated_at = :now WHERE id = :id AND version = "
      ":version";

  s.select_official = "SELECT " PW_OFFICIAL_COLS
                      " FROM officials o WHERE o.id = :id AND (:scope = '%' OR" PW_OFFICIAL_IN("scope_") ")";
  s.list_officials = "SELECT " PW_OFFICIAL_COLS " FROM officials o WHERE (:scope = '%' OR" PW_OFFICIAL_IN(
      "scope_") ") AND (:region = '%' OR" PW_OFFICIAL_IN("region_") ")"
                    " AND (:body = '' OR EXISTS (SELECT 1 FROM posts q WHERE q.official_id = o.id"
                    " AND q.body_id = :body_))" PW_PAGE("o.id");
  s.select_posts_range = "SELECT " PW_POST_COLS
                         " FROM posts WHERE official_id >= :first AND official_id <= :last"
                         " ORDER BY official_id, seq";
  s.insert_official =
      "INSERT INTO officials (id, name, version, created_at, updated_at) VALUES (:id, :name, 1, :now, :now_)";
  s.update_official =
      "UPDATE officials SET name = :name, version = version + 1, updated_at = :now"
      " WHERE id = :id AND version = :version";
  s.bump_official =
      "UPDATE officials SET version = version + 1, updated_at = :now WHERE id = :id AND version = :version";
  s.insert_post =
      "INSERT INTO posts (official_id, seq, body_id, title, from_date, to_date, head)"
      " VALUES (:official_id, :seq, :body_id, :title, :from_date, :to_date, :head)";
  s.close_post =
      "UPDATE posts SET to_date = :to_date WHERE official_id = :official_id AND seq = :seq AND to_date IS "
      "NULL";

  s.select_organization = "SELECT " PW_ORG_COLS " FROM organizations g WHERE g.id = :id";
  s.list_organizations = "SELECT " PW_ORG_COLS
                         " FROM organizations g WHERE (:code = '' OR g.credit_code = :code_)"
                         " AND (:sme < 0 OR g.sme = :sme_)" PW_PAGE("g.id");
  s.insert_organization =
      "INSERT INTO organizations (id, name, credit_code, sme, version, created_at, updated_at)"
      " VALUES (:id, :name, :credit_code, :sme, 1, :now, :now_)";
  s.update_organization =
      "UPDATE organizations SET name = :name, credit_code = :credit_code, sme = :sme, version = version + 1,"
      " updated_at = :now WHERE id = :id AND version = :version";

  s.select_agreement = "SELECT " PW_AGREEMENT_COLS
                       " FROM agreements a JOIN bodies b ON b.id = a.body_id"
                       " WHERE a.id = :id AND b.region LIKE :scope";
  s.list_agreements = straight_join ? "SELECT STRAIGHT_JOIN " PW_AGREEMENT_FROM : "SELECT " PW_AGREEMENT_FROM;
  s.select_stages_range =
      "SELECT agreement_id, kind FROM stages WHERE agreement_id >= :first AND agreement_id <= :last";
  s.select_assignments_range = "SELECT " PW_ASSIGNMENT_COLS
                               " FROM assignments WHERE agreement_id >= :first AND agreement_id <= :last"
                               " ORDER BY agreement_id, seq";
  s.select_stages_of = "SELECT agreement_id, kind FROM stages WHERE agreement_id IN (:ids)";
  s.select_assignments_of = "SELECT " PW_ASSIGNMENT_COLS
                            " FROM assignments WHERE agreement_id IN (:ids) ORDER BY agreement_id, seq";
  s.insert_agreement =
      "INSERT INTO agreements (id, kind, title, body_id, counterparty_id, value_fen, currency, signed_on,"
      " platform_project_code, unified_deal_code, ocid, version, created_at, updated_at)"
      " VALUES (:id, :kind, :title, :body_id, :counterparty_id, :value_fen, :currency, :signed_on, :ppc, "
      ":udc,"
      " :ocid, 1, :now, :now_)";
  s.update_agreement =
      "UPDATE agreements SET title = :title, counterparty_id = :counterparty_id, value_fen = :value_fen,"
      " currency = :currency, signed_on = :signed_on, platform_project_code = :ppc, unified_deal_code = :udc,"
      " ocid = :ocid, version = version + 1, updated_at = :now WHERE id = :id AND version = :version";
  s.bump_agreement =
      "UPDATE agreements SET version = version + 1, updated_at = :now WHERE id = :id AND version = :version";
  s.insert_stage = "INSERT INTO stages (agreement_id, kind) VALUES (:agreement_id, :kind)";
  s.insert_assignment =
      "INSERT INTO assignments (agreement_id, stage_kind, seq, official_id, role, from_date, to_date)"
      " VALUES (:agreement_id, :stage_kind, :seq, :official_id, :role, :from_date, :to_date)";
  s.earliest_due = "SELECT MIN(due) FROM commitments WHERE agreement_id = :id";

  s.select_commitment = "SELECT " PW_COMMITMENT_COLS
                        " FROM commitments c JOIN agreements a ON a.id = c.agreement_id"
                        " JOIN bodies b ON b.id = a.body_id WHERE c.id = :id AND b.region LIKE :scope";
  // STRAIGHT_JOIN on MySQL as for agreements: 1.2 s → 20 ms per page at 300,000 commitments on MariaDB.
  s.list_commitments = straight_join ? "SELECT STRAIGHT_JOIN " PW_COMMITMENT_FROM PW_PAGE("c.id")
                                     : "SELECT " PW_COMMITMENT_FROM PW_PAGE("c.id");
  s.list_commitments_by_status =
      straight_join ? "SELECT STRAIGHT_JOIN " PW_COMMITMENT_FROM PW_STATUS_CANDIDATES PW_PAGE("c.id")
                    : "SELECT " PW_COMMITMENT_FROM PW_STATUS_CANDIDATES PW_PAGE("c.id");
  s.select_facts_of = "SELECT " PW_FACT_COLS " FROM facts f WHERE f.commitment_id IN (:ids)";
  s.insert_commitment =
      "INSERT INTO commitments (id, agreement_id, obligor_side, obligor_id, kind, title, due, amount_fen,"
      " currency, grace_days, stage, committing_official_id, payment_term_days, version, created_at, "
      "updated_at)"
      " VALUES (:id, :agreement_id, :obligor_side, :obligor_id, :kind, :title, :due, :amount_fen, :currency,"
      " :grace_days, :stage, :committing, :payment_term_days, 1, :now, :now_)";
  s.update_commitment =
      "UPDATE commitments SET obligor_side = :obligor_side, obligor_id = :obligor_id, kind = :kind,"
      " title = :title, due = :due, amount_fen = :amount_fen, currency = :currency, grace_days = :grace_days,"
      " stage = :stage, committing_official_id = :committing, payment_term_days = :payment_term_days,"
      " version = version + 1, updated_at = :now WHERE id = :id AND version = :version";

  s.select_fact = "SELECT " PW_FACT_COLS
                  " FROM facts f JOIN commitments c ON c.id = f.commitment_id"
                  " JOIN agreements a ON a.id = c.agreement_id JOIN bodies b ON b.id = a.body_id"
                  " WHERE f.id = :id AND b.region LIKE :scope";
  s.list_facts = "SELECT " PW_FACT_COLS
                 " FROM facts f JOIN commitments c ON c.id = f.commitment_id"
                 " JOIN agreements a ON a.id = c.agreement_id JOIN bodies b ON b.id = a.body_id"
                 " WHERE b.region LIKE :scope AND b.region LIKE :region AND (:kind = '' OR f.kind = :kind_)"
                 " AND (:commitment = '' OR f.commitment_id = :commitment_)"
                 " AND (:agreement = '' OR c.agreement_id = :agreement_)" PW_PAGE("f.id");
  s.insert_fact =
      "INSERT INTO facts (id, commitment_id, kind, on_date, reason, terminated_by, counterparty_loss, source,"
      " score, new_due, amount_fen, amount_currency, new_amount_fen, new_amount_currency, corrects, "
      "legal_basis,"
      " competent_authority, procedure_reference, compensation_decision, lawful_grounds, note, version,"
      " created_at)"
      " VALUES (:id, :commitment_id, :kind, :on_date, :reason, :terminated_by, :counterparty_loss, :source,"
      " :score, :new_due, :amount_fen, :amount_currency, :new_amount_fen, :new_amount_currency, :corrects,"
      " :legal_basis, :competent_authority, :procedure_reference, :compensation_decision, :lawful_grounds,"
      " :note, 1, :now)";

  s.select_region = "SELECT code, name, parent_code, level FROM regions WHERE code = :code";
  s.count_agreements_naming_outside =
      "SELECT COUNT(*) FROM agreements a JOIN bodies b ON b.id = a.body_id WHERE (a.counterparty_id = :id"
      " OR EXISTS (SELECT 1 FROM commitments c WHERE c.agreement_id = a.id AND c.obligor_id = :id2))"
      " AND b.region NOT LIKE :scope";
  s.list_regions =
      "SELECT code, name, parent_code, level FROM regions WHERE code LIKE :within" PW_PAGE("code");

  s.agreement_ids_of_commitments =
      "SELECT DISTINCT c.agreement_id FROM commitments c JOIN agreements a ON a.id = c.agreement_id"
      " JOIN bodies b ON b.id = a.body_id WHERE c.id IN (:ids) AND b.region LIKE :scope";
  s.select_agreements_of = "SELECT " PW_AGREEMENT_COLS " FROM agreements a WHERE a.id IN (:ids)";
  s.select_commitments_of_agreements =
      "SELECT " PW_COMMITMENT_COLS " FROM commitments c WHERE c.agreement_id IN (:ids)";
  s.select_facts_of_agreements = "SELECT " PW_FACT_COLS
                                 " FROM facts f JOIN commitments c ON c.id = f.commitment_id"
                                 " WHERE c.agreement_id IN (:ids)";
  s.select_organizations_of = "SELECT " PW_ORG_COLS " FROM organizations g WHERE g.id IN (:ids)";
  s.select_bodies_of = "SELECT " PW_BODY_COLS " FROM bodies b WHERE b.id IN (:ids)";
  s.official_ids_posted_at = "SELECT DISTINCT official_id FROM posts WHERE body_id IN (:ids)";
  s.select_officials_of = "SELECT " PW_OFFICIAL_COLS " FROM officials o WHERE o.id IN (:ids)";
  s.select_posts_of =
      "SELECT " PW_POST_COLS " FROM posts WHERE official_id IN (:ids) ORDER BY official_id, seq";

  s.scan_bodies = "SELECT " PW_BODY_COLS " FROM bodies b WHERE 1 = 1" PW_PAGE("b.id");
  s.scan_officials = "SELECT " PW_OFFICIAL_COLS " FROM officials o WHERE 1 = 1" PW_PAGE("o.id");
  s.scan_organizations = "SELECT " PW_ORG_COLS " FROM organizations g WHERE 1 = 1" PW_PAGE("g.id");
  s.scan_agreements = "SELECT " PW_AGREEMENT_COLS " FROM agreements a WHERE 1 = 1" PW_PAGE("a.id");
  s.scan_commitments = "SELECT " PW_COMMITMENT_COLS " FROM commitments c WHERE 1 = 1" PW_PAGE("c.id");
  s.scan_facts = "SELECT " PW_FACT_COLS " FROM facts f WHERE 1 = 1" PW_PAGE("f.id");

  s.select_idempotency =
      "SELECT method, route, request_sha256, status, response_body, etag, location FROM idempotency_keys"
      " WHERE token_id = :token_id AND idem_key = :idem_key AND created_at >= :cutoff";
  s.delete_expired_idempotency_key =
      "DELETE FROM idempotency_keys WHERE token_id = :token_id AND idem_key = :idem_key"
      " AND created_at < :cutoff";
  s.purge_idempotency = "DELETE FROM idempotency_keys WHERE created_at < :cutoff";
  s.insert_idempotency =
      "INSERT INTO idempotency_keys (token_id, idem_key, method, route, request_sha256, status, "
      "response_body,"
      " etag, location, created_at) VALUES (:token_id, :idem_key, :method, :route, :request_sha256, :status,"
      " :response_body, :etag, :location, :now)";
  return s;
}

#undef PW_BODY_COLS
#undef PW_OFFICIAL_COLS
#undef PW_POST_COLS
#undef PW_ORG_COLS
#undef PW_AGREEMENT_COLS
#undef PW_ASSIGNMENT_COLS
#undef PW_COMMITMENT_COLS
#undef PW_FACT_COLS
#undef PW_OFFICIAL_IN
#undef PW_PAGE
#undef PW_AGREEMENT_FROM
#undef PW_COMMITMENT_FROM
#undef PW_DUE_MAY_MOVE
#undef PW_STATUS_CANDIDATES

}  // namespace pactwatch::store::detail
