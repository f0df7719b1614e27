#pragma once
// Breach records in the database (DESIGN §3-§4): the domain::BreachWriter port on SOCI and the reads the
// workflow API needs. Every write goes through LedgerStore::write(), so it runs in ONE transaction that
// also records a ChangeRecord for the accountability trail, exactly like the ledger's own writes.
// Detection is idempotent by the finding's key (UNIQUE breach_key); a transition is saved only when the
// breach is still in the state and version it was read in (optimistic concurrency: one of two wins). The
// transitions the credit platform hears of write their outbox row in that same transaction.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/ledger_store.hpp"
#include "domain/breach.hpp"
#include "domain/breach_lifecycle.hpp"
#include "domain/ledger.hpp"
#include "domain/ports.hpp"
#include "domain/responsibility.hpp"

namespace pactwatch::store {

/** An official a breach is traced to (项目责任回溯). */
struct TracedOfficial {
  std::string official_id;
  std::string role;   ///< "performing" or "committing"
  std::string basis;  ///< "stage_assignment", "body_head", "committed"
  std::string title;  ///< the assignment role or post title
};

/** One transition of a breach, as kept in its history. */
struct HistoryEntry {
  int seq = 0;
  std::string action;  ///< a BreachAction name, or "detect" / "complaint" for the opening
  std::string actor;
  std::string reason;
  std::string from_state;  ///< empty for the opening
  std::string to_state;
  std::string as_of;  ///< the day of the action
  std::string at;     ///< RFC 3339 instant it was stored
  std::string note;
};

/** A breach as stored: the record plus where it belongs, its version (ETag) and what hangs off it. */
struct StoredBreach {
  domain::Breach breach;
  std::string body_id;  ///< the government body concerned (obligor, or the agreement's body)
  std::string region;   ///< that body's region: scope checks and the region filter
  std::string complaint_id;
  std::int64_t version = 1;
  std::string created_at, updated_at;
  std::vector<TracedOfficial> officials;  ///< filled by the single reads
  std::vector<HistoryEntry> history;      ///< filled by the single reads
};

/** List filters; an empty string means "no condition". Dates are inclusive bounds on detected_on. */
struct BreachFilter {
  std::string state, severity, rule, region, obligor_id, official_id, body_id;
  std::string detected_from, detected_to;
};

/** A finding about to be opened, with what the store cannot compute itself. */
struct FindingToOpen {
  domain::Finding finding;
  std::string body_id;
  std::string region;
  std::vector<TracedOfficial> officials;
};

/** What open_findings did. */
struct OpenOutcome {
  std::vector<domain::Breach> opened;
  int already_open = 0;
};

/** A public complaint (投诉举报). Contact details are private. */
struct Complaint {
  std::string id, subject, description, agreement_ref, contact_name, contact_phone, contact_email;
  std::string client_address, created_at;
  std::string receipt_code;  ///< given to the complainant to follow the complaint (random, unique)
};

/** What a complainant sees of a complaint by its receipt code: nothing private, nothing internal. */
struct ComplaintReceipt {
  std::string filed_at;    ///< RFC 3339
  std::string state;       ///< the state of the breach candidate it opened (detected, verified, dismissed…)
  std::string updated_at;  ///< when that state was last changed (RFC 3339)
};

/** The reads and writes of breaches. Thread-safe: each call borrows its own session. */
class BreachStore {
 public:
  explicit BreachStore(Database& database) : database_(database) {}

  // ---- inside a LedgerStore::write() transaction ----------------------------------------------------
  /**
   * Opens the findings whose key is new (state detected, with evidence and officials); idempotent. The
   * breaches of each region are one change set (one trail entry) of their own, so that a county's auditor
   * sees the entry that opened each of the county's breaches (docs/TRAIL.md §2.4).
   */
  static domain::Result<OpenOutcome> open_findings(LedgerTransaction& tx,
                                                   std::span<const FindingToOpen> findings,
                                                   const std::function<std::string()>& new_id,
                                                   domain::Date detected_on);
  /** Opens one breach from a complaint (no key), linked to the stored complaint. */
  static domain::Result<StoredBreach> open_complaint(LedgerTransaction& tx, const Complaint& complaint,
                                                     const FindingToOpen& candidate,
                                                     const std::string& breach_id);
  /** One breach in scope, with officials and history; `not_found` outside the scope. */
  static domain::Result<StoredBreach> read(LedgerTransaction& tx, const domain::Scope& scope,
                                           const std::string& id);
  /**
   * Saves a transition: `conflict` when the breach is no longer in `expected_state` at `expected_version`.
   * Appends the history entry, records the change for the trail and, when the transition is a credit event
   * (recorded, repaired, voided after recording), queues its record in the credit outbox
   * (credit_outbox.hpp; 公示截止日期 from `policy`). Returns the stored breach.
   */
  static domain::Result<StoredBreach> save_transition(LedgerTransaction& tx, const domain::Transition& t,
                                                      domain::BreachState expected_state,
                                                      std::int64_t expected_version,
                                                      const domain::LifecyclePolicy& policy);

  // ---- reads on their own session ------------------------------------------------------------------
  domain::Result<StoredBreach> breach(const domain::Scope& scope, const std::string& id);
  domain::Result<Page<domain::Breach>> list(const domain::Scope& scope, const BreachFilter& filter,
                                            const Window& window, std::vector<StoredBreach>* rows = nullptr);
  /** Every breach in scope (for detection, eligibility and the evaluations), in id order. */
  domain::Result<std::vector<StoredBreach>> all(const domain::Scope& scope);
  /** The breaches in scope about any of `commitment_ids` (what detection for those commitments compares). */
  domain::Result<std::vector<StoredBreach>> of_commitments(const domain::Scope& scope,
                                                           const std::vector<std::string>& commitment_ids);
  /** The officials traced to each of `breach_ids` (any scope), in one read per 500 ids; by breach id. */
  domain::Result<std::map<std::string, std::vector<TracedOfficial>, std::less<>>> officials_of(
      const std::vector<std::string>& breach_ids);
  /** Every breach traced to an official, with its traced officials in `officials` (one query for all; no
   * history). */
  domain::Result<std::vector<StoredBreach>> traced_to(const domain::Scope& scope,
                                                      const std::string& official_id);
  /** The complaint with `receipt_code`; `not_found` when none has it. */
  domain::Result<ComplaintReceipt> complaint_by_receipt(const std::string& receipt_code);
  /** The number of complaints filed from `client_address` since `since` (RFC 3339). */
  domain::Result<int> complaints_since(const std::string& client_address, const std::string& since);

 private:
  Database& database_;
};

/** The trace-back of a breach as TracedOfficial rows (performing first, then committing). */
std::vector<TracedOfficial> traced_officials(const domain::Responsibility& responsible);
/** The same, traced from a commitment of an agreement as of its due date. */
std::vector<TracedOfficial> traced_officials(const domain::Commitment& commitment,
                                             const domain::Agreement& agreement,
                                             std::span<const domain::Official> officials, domain::Date due);

/** The API form of a stored breach: the record plus version, body, region, officials and history. */
nlohmann::json to_json(const StoredBreach& breach);

}  // namespace pactwatch::store
