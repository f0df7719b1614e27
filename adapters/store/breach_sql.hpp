#pragma once
// Every SQL statement of the breach store, one named constant each. The statements are standard SQL that
// SQLite and MySQL/MariaDB both accept, so one text serves both backends (transactions are opened by
// LedgerStore::write with the backend's own BEGIN). Values are always bound (":name"), never concatenated;
// optional filters are `(:x = '' OR col = :x_)` with the same value bound under both names.

#include <string_view>

namespace pactwatch::store::breach_sql {

/** id, record, version, created_at, updated_at, body_id, region, complaint_id. */
#define PW_BREACH_COLS "id, record, version, created_at, updated_at, body_id, region, complaint_id"

inline constexpr std::string_view select_breach =
    "SELECT " PW_BREACH_COLS " FROM breaches WHERE id = :id AND region LIKE :scope";
inline constexpr std::string_view select_by_key = "SELECT id FROM breaches WHERE breach_key = :key";
inline constexpr std::string_view list_breaches =
    "SELECT " PW_BREACH_COLS
    " FROM breaches WHERE region LIKE :scope AND region LIKE :region"
    " AND (:state = '' OR state = :state_) AND (:severity = '' OR severity = :severity_)"
    " AND (:rule = '' OR rule = :rule_) AND (:obligor = '' OR obligor_id = :obligor_)"
    " AND (:body = '' OR body_id = :body_)"
    " AND (:official = '' OR id IN (SELECT breach_id FROM breach_officials WHERE official_id = :official_))"
    " AND (:dfrom = '' OR detected_on >= :dfrom_) AND (:dto = '' OR detected_on <= :dto_)"
    " AND id > :after ORDER BY id LIMIT :limit";
inline constexpr std::string_view all_breaches =
    "SELECT " PW_BREACH_COLS " FROM breaches WHERE region LIKE :scope ORDER BY id";
/// Every breach in id order, a keyset page at a time, with the columns that repeat its record's fields
/// (`trail verify --state` compares both with the trail).
inline constexpr std::string_view scan_breaches =
    "SELECT " PW_BREACH_COLS
    ", rule, severity, state, obligor_side, obligor_id, due, detected_on"
    " FROM breaches WHERE id > :after ORDER BY id LIMIT :limit";
/// Breaches about given commitments: `(:ids)` is expanded by detail::expand_ids(), one placeholder per id.
inline constexpr std::string_view breaches_of_commitments =
    "SELECT " PW_BREACH_COLS
    " FROM breaches WHERE region LIKE :scope AND commitment_id IN (:ids) ORDER BY id";
inline constexpr std::string_view traced_to =
    "SELECT " PW_BREACH_COLS
    " FROM breaches WHERE region LIKE :scope"
    " AND id IN (SELECT breach_id FROM breach_officials WHERE official_id = :official) ORDER BY id";
inline constexpr std::string_view officials_of =
    "SELECT official_id, role, basis, title FROM breach_officials WHERE breach_id = :id"
    " ORDER BY role DESC, official_id";
inline constexpr std::string_view history_of =
    "SELECT seq, action, actor, reason, from_state, to_state, as_of, at, detail FROM breach_history"
    " WHERE breach_id = :id ORDER BY seq";
/// The history of given breaches: `(:ids)` is expanded by detail::expand_ids(), one placeholder per id.
inline constexpr std::string_view history_of_breaches =
    "SELECT breach_id, seq, action, actor, reason, from_state, to_state, as_of, at, detail FROM "
    "breach_history"
    " WHERE breach_id IN (:ids) ORDER BY breach_id, seq";
inline constexpr std::string_view next_history_seq =
    "SELECT COALESCE(MAX(seq), 0) + 1 FROM breach_history WHERE breach_id = :id";

inline constexpr std::string_view insert_breach =
    "INSERT INTO breaches (id, breach_key, rule, severity, state, obligor_side, obligor_id, body_id, region,"
    " commitment_id, agreement_id, committed_fen, shortfall_fen, currency, due, days_late, detected_on,"
    " rectification_deadline, recorded_on, repaired_on, objection_from, complaint_id, record, version,"
    " created_at, updated_at) VALUES (:id, :breach_key, :rule, :severity, :state, :obligor_side, :obligor_id,"
    " :body_id, :region, :commitment_id, :agreement_id, :committed_fen, :shortfall_fen, :currency, :due,"
    " :days_late, :detected_on, NULL, NULL, NULL, NULL, :complaint_id, :record, 1, :now, :now_)";
inline constexpr std::string_view update_breach =
    "UPDATE breaches SET severity = :severity, state = :state, rectification_deadline = :deadline,"
    " recorded_on = :recorded_on, repaired_on = :repaired_on, objection_from = :objection_from,"
    " record = :record, version = version + 1, updated_at = :now"
    " WHERE id = :id AND state = :expected_state AND version = :version";
inline constexpr std::string_view insert_evidence =
    "INSERT INTO breach_evidence (breach_id, fact_id) VALUES (:breach_id, :fact_id)";
inline constexpr std::string_view insert_official =
    "INSERT INTO breach_officials (breach_id, official_id, role, basis, title)"
    " VALUES (:breach_id, :official_id, :role, :basis, :title)";
inline constexpr std::string_view insert_history =
    "INSERT INTO breach_history (breach_id, seq, action, actor, reason, from_state, to_state, as_of, at,"
    " detail) VALUES (:breach_id, :seq, :action, :actor, :reason, :from_state, :to_state, :as_of, :at,"
    " :detail)";

inline constexpr std::string_view insert_complaint =
    "INSERT INTO complaints (id, breach_id, subject, description, agreement_ref, contact_name, contact_phone,"
    " contact_email, client_address, created_at, receipt_code) VALUES (:id, :breach_id, :subject,"
    " :description, :agreement_ref, :contact_name, :contact_phone, :contact_email, :client_address,"
    " :created_at, :receipt_code)";
/** What a complainant may see of a complaint by its receipt code: when filed, its breach's state and since.
 */
inline constexpr std::string_view complaint_by_receipt =
    "SELECT c.created_at, COALESCE(b.state, ''), COALESCE(b.updated_at, c.created_at) FROM complaints c"
    " LEFT JOIN breaches b ON b.id = c.breach_id WHERE c.receipt_code = :code";
inline constexpr std::string_view count_complaints =
    "SELECT COUNT(*) FROM complaints WHERE client_address = :address AND created_at >= :since";

#undef PW_BREACH_COLS

}  // namespace pactwatch::store::breach_sql
