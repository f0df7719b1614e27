#pragma once
// Every SQL statement of the credit-platform outbox (sql/*/0012_credit_outbox.sql), one named constant each.
// Standard SQL that SQLite and MySQL/MariaDB both accept, so one text serves both backends. Values are always
// bound (":name"), never concatenated; instants are RFC 3339 UTC text with milliseconds, which sort as text.

#include <string_view>

namespace pactwatch::store::credit_outbox_sql {

/** The columns OutboxRow reads, in order. */
#define PW_OUTBOX_COLS                                                                                     \
  "seq, id, breach_id, event, region, payload, state, attempts, next_attempt_at, last_status, last_error," \
  " claimed_by, claim_epoch, claim_expires_at, created_at, updated_at, sent_at"

inline constexpr std::string_view insert_row =
    "INSERT INTO credit_outbox (id, breach_id, event, region, payload, state, attempts, next_attempt_at,"
    " claim_epoch, created_at, updated_at) VALUES (:id, :breach_id, :event, :region, :payload, 'pending', 0,"
    " :now, 0, :now_, :now__)";

/// The payload of an earlier event of the breach (a repair names the authority that recorded it).
inline constexpr std::string_view payload_of_event =
    "SELECT payload FROM credit_outbox WHERE breach_id = :breach_id AND event = :event";

inline constexpr std::string_view select_row =
    "SELECT " PW_OUTBOX_COLS " FROM credit_outbox WHERE id = :id AND region LIKE :scope";
inline constexpr std::string_view select_seq =
    "SELECT " PW_OUTBOX_COLS " FROM credit_outbox WHERE seq = :seq";
inline constexpr std::string_view list_rows =
    "SELECT " PW_OUTBOX_COLS
    " FROM credit_outbox WHERE region LIKE :scope AND (:state = '' OR state = :state_)"
    " AND (:breach = '' OR breach_id = :breach_) AND seq > :after ORDER BY seq LIMIT :limit";

/// Rows due now whose breach has no earlier row still unsent (per-breach order), oldest first. A row whose
/// claim has not expired is being sent by someone.
inline constexpr std::string_view due_rows =
    "SELECT o.seq, o.claim_epoch FROM credit_outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= :now"
    " AND (o.claim_expires_at IS NULL OR o.claim_expires_at <= :now_)"
    " AND NOT EXISTS (SELECT 1 FROM credit_outbox e WHERE e.breach_id = o.breach_id AND e.seq < o.seq"
    " AND e.state <> 'sent') ORDER BY o.seq LIMIT :limit";
/// Compare-and-set on the epoch read with the row: exactly one of several claimers changes it.
inline constexpr std::string_view claim_row =
    "UPDATE credit_outbox SET claimed_by = :owner, claim_epoch = claim_epoch + 1, claim_expires_at = :until,"
    " attempts = attempts + 1, updated_at = :now WHERE seq = :seq AND claim_epoch = :epoch AND state = "
    "'pending'";
/// The outcome of an attempt, only while the claim is still ours (a takeover raised the epoch).
inline constexpr std::string_view finish_row =
    "UPDATE credit_outbox SET state = :state, last_status = :status, last_error = :error,"
    " next_attempt_at = :next, sent_at = :sent_at, claimed_by = NULL, claim_expires_at = NULL,"
    " updated_at = :now WHERE seq = :seq AND claim_epoch = :epoch AND state = 'pending'";
/// An operator's retry of a failed row: pending again, due now, with a fresh budget of attempts.
inline constexpr std::string_view retry_row =
    "UPDATE credit_outbox SET state = 'pending', attempts = 0, next_attempt_at = :now, claimed_by = NULL,"
    " claim_expires_at = NULL, updated_at = :now_ WHERE id = :id AND state = 'failed'";

/// Per state: rows, attempts, newest sent_at and oldest created_at (the metrics).
inline constexpr std::string_view stats =
    "SELECT state, COUNT(*), CAST(COALESCE(SUM(attempts), 0) AS SIGNED), MAX(sent_at), MIN(created_at)"
    " FROM credit_outbox GROUP BY state";

#undef PW_OUTBOX_COLS

}  // namespace pactwatch::store::credit_outbox_sql
