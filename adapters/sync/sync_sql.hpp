#pragma once
// Every SQL statement of the sync layer as a named constant. The text is the same on SQLite and MySQL
// (portable SQL only; upserts are a SELECT then an INSERT or UPDATE inside the caller's transaction).
// Values are bound with soci::use (":name"), never concatenated.

#include <string_view>

namespace pactwatch::sync::sql {

// ---- leases --------------------------------------------------------------------------------------------
/** Takes a free, expired or own lease; every taking raises the epoch. */
inline constexpr std::string_view take_lease =
    "UPDATE sync_leases SET owner = :owner, epoch = epoch + 1, expires_at = :expires_at, acquired_at = :now, "
    "checks = checks + 1 WHERE source = :source AND (expires_at <= :now2 OR owner = :owner2)";
inline constexpr std::string_view insert_lease =
    "INSERT INTO sync_leases (source, owner, epoch, expires_at, acquired_at, checks) "
    "VALUES (:source, :owner, 1, :expires_at, :now, 0)";
inline constexpr std::string_view select_lease =
    "SELECT owner, epoch, expires_at FROM sync_leases WHERE source = :source";
/** The fencing check: extends the lease only for its holder at its epoch, before it expired. */
inline constexpr std::string_view check_lease =
    "UPDATE sync_leases SET expires_at = :expires_at, checks = checks + 1 "
    "WHERE source = :source AND owner = :owner AND epoch = :epoch AND expires_at > :now";
inline constexpr std::string_view release_lease =
    "UPDATE sync_leases SET expires_at = :now, checks = checks + 1 "
    "WHERE source = :source AND owner = :owner AND epoch = :epoch";

// ---- cursors -------------------------------------------------------------------------------------------
inline constexpr std::string_view select_cursor =
    "SELECT cursor_text FROM sync_cursors WHERE source = :source";
inline constexpr std::string_view update_cursor =
    "UPDATE sync_cursors SET cursor_text = :cursor, epoch = :epoch, updated_at = :now WHERE source = :source";
inline constexpr std::string_view insert_cursor =
    "INSERT INTO sync_cursors (source, cursor_text, epoch, updated_at) VALUES (:source, :cursor, :epoch, "
    ":now)";

// ---- external keys -------------------------------------------------------------------------------------
inline constexpr std::string_view select_key =
    "SELECT entity_id, content_hash FROM external_keys WHERE source = :source AND lookup_key = :lookup_key";
inline constexpr std::string_view insert_key =
    "INSERT INTO external_keys (source, lookup_key, external_key, entity_type, entity_id, content_hash, "
    "updated_at) VALUES (:source, :lookup_key, :external_key, :entity_type, :entity_id, :content_hash, :now)";
/** The start of a lookup of many keys at once; the caller appends ":k_0, :k_1, …)" (at most 100). */
inline constexpr std::string_view select_keys_in =
    "SELECT lookup_key, entity_id, content_hash FROM external_keys WHERE source = :source AND lookup_key IN "
    "(";
inline constexpr std::string_view update_key =
    "UPDATE external_keys SET entity_id = :entity_id, content_hash = :content_hash, updated_at = :now "
    "WHERE source = :source AND lookup_key = :lookup_key";

// ---- ledger lookups the ledger store has no function for -----------------------------------------------
inline constexpr std::string_view organization_by_credit_code =
    "SELECT id FROM organizations WHERE credit_code = :credit_code";
inline constexpr std::string_view body_exists = "SELECT COUNT(*) FROM bodies WHERE id = :id";
inline constexpr std::string_view agreement_by_ocid = "SELECT id FROM agreements WHERE ocid = :value";
inline constexpr std::string_view agreement_by_deal_code =
    "SELECT id FROM agreements WHERE unified_deal_code = :value";
inline constexpr std::string_view agreement_by_project_code =
    "SELECT id FROM agreements WHERE platform_project_code = :value";
inline constexpr std::string_view commitments_of_agreement =
    "SELECT id, obligor_side, due FROM commitments WHERE agreement_id = :agreement_id ORDER BY id";
inline constexpr std::string_view fulfilled_facts_of =
    "SELECT COUNT(*) FROM facts WHERE commitment_id = :commitment_id AND kind = 'fulfilled'";

// ---- detection pending (0010) ---------------------------------------------------------------------------
inline constexpr std::string_view insert_detection_pending =
    "INSERT INTO detection_pending (commitment_id, as_of, created_at) VALUES (:commitment_id, :as_of, :now)";
inline constexpr std::string_view select_detection_pending =
    "SELECT id, commitment_id, as_of FROM detection_pending ORDER BY as_of, id LIMIT :limit";

// ---- quarantine ----------------------------------------------------------------------------------------
inline constexpr std::string_view quarantine_exists =
    "SELECT COUNT(*) FROM sync_quarantine WHERE source = :source AND entry_sha256 = :entry_sha256";
inline constexpr std::string_view insert_quarantine =
    "INSERT INTO sync_quarantine (source, entry_sha256, external_key, reason, message, location, raw_text, "
    "status, created_at, updated_at) VALUES (:source, :entry_sha256, :external_key, :reason, :message, "
    ":location, :raw_text, 'open', :now, :now2)";
/** Files entry :id under :region (0011_security.sql); entries without a row are unscoped-only. */
inline constexpr std::string_view insert_quarantine_region =
    "INSERT INTO sync_quarantine_regions (quarantine_id, region) VALUES (:id, :region)";
/** Entries after :after_id filed under a region LIKE :scope ('%': every entry, filed or not). */
inline constexpr std::string_view select_quarantine =
    "SELECT q.id, q.source, q.external_key, q.reason, q.message, q.location, q.raw_text, q.status, "
    "q.created_at, q.updated_at, COALESCE(g.region, '') FROM sync_quarantine q LEFT JOIN "
    "sync_quarantine_regions g ON g.quarantine_id = q.id WHERE q.id > :after_id "
    "AND (:source = '' OR q.source = :source2) AND (:status = '' OR q.status = :status2) "
    "AND (:reason = '' OR q.reason = :reason2) AND (:scope = '%' OR g.region LIKE :scope2) ORDER BY q.id "
    "LIMIT :limit";
inline constexpr std::string_view select_quarantine_entry =
    "SELECT q.id, q.source, q.external_key, q.reason, q.message, q.location, q.raw_text, q.status, "
    "q.created_at, q.updated_at, COALESCE(g.region, '') FROM sync_quarantine q LEFT JOIN "
    "sync_quarantine_regions g ON g.quarantine_id = q.id WHERE q.id = :id";
inline constexpr std::string_view update_quarantine_status =
    "UPDATE sync_quarantine SET status = :status, updated_at = :now WHERE id = :id";

// ---- runs ----------------------------------------------------------------------------------------------
inline constexpr std::string_view insert_run =
    "INSERT INTO sync_runs (source, owner, epoch, started_at, status, cursor_before, cursor_after, reasons, "
    "message) VALUES (:source, :owner, :epoch, :now, 'running', :cursor_before, :cursor_after, '{}', '')";
inline constexpr std::string_view finish_run =
    "UPDATE sync_runs SET ended_at = :ended_at, status = :status, fetched = :fetched, created = :created, "
    "updated = :updated, unchanged = :unchanged, quarantined = :quarantined, errors = :errors, "
    "cursor_after = :cursor_after, lag_seconds = :lag_seconds, reasons = :reasons, message = :message "
    "WHERE id = :id";
/** Files run :run_id under :region (its previous filing, if any, is deleted first). */
inline constexpr std::string_view delete_run_region = "DELETE FROM sync_run_regions WHERE run_id = :run_id";
inline constexpr std::string_view insert_run_region =
    "INSERT INTO sync_run_regions (run_id, region) VALUES (:run_id, :region)";
/** Runs before :before_id (0: from the newest) filed under a region LIKE :scope ('%': every run). */
inline constexpr std::string_view select_runs =
    "SELECT r.id, r.source, r.owner, r.epoch, r.started_at, r.ended_at, r.status, r.fetched, r.created, "
    "r.updated, r.unchanged, r.quarantined, r.errors, r.cursor_before, r.cursor_after, r.lag_seconds, "
    "r.reasons, r.message, COALESCE(g.region, '') FROM sync_runs r LEFT JOIN sync_run_regions g ON g.run_id "
    "= r.id WHERE (:source = '' OR r.source = :source2) AND (:before_id = 0 OR r.id < :before_id2) "
    "AND (:scope = '%' OR g.region LIKE :scope2) ORDER BY r.id DESC LIMIT :limit";

// ---- regions a batch touched (the start of a lookup of many ids; the caller appends ":k_0, :k_1, …)") ----
inline constexpr std::string_view regions_of_commitments_in =
    "SELECT DISTINCT b.region FROM commitments c JOIN agreements a ON a.id = c.agreement_id JOIN bodies b "
    "ON b.id = a.body_id WHERE c.id IN (";
inline constexpr std::string_view regions_of_agreements_in =
    "SELECT DISTINCT b.region FROM agreements a JOIN bodies b ON b.id = a.body_id WHERE a.id IN (";

}  // namespace pactwatch::sync::sql
