#pragma once
// The credit-platform outbox (DESIGN §7, docs/CREDIT_PUSH.md): one row per credit event of a breach, written
// by BreachStore::save_transition in the transition's own transaction (so a transition is never stored
// without its row, and a failed one leaves none), then claimed, sent and settled by the dispatcher
// (adapters/credit/dispatcher.hpp). A claim raises the row's epoch by compare-and-set and lasts until a lease
// expires, so several instances never send one row at the same moment; the settling of an attempt only
// counts while the claim is still the sender's. Delivery is at least once: the receiver deduplicates by id.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/database.hpp"
#include "adapters/store/ledger_store.hpp"
#include "domain/breach.hpp"
#include "domain/breach_lifecycle.hpp"
#include "domain/policy.hpp"
#include "domain/ports.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/** One outbox row as stored. */
struct OutboxRow {
  std::int64_t seq = 0;  ///< global order of the rows
  std::string id;        ///< the record id (记录编号), also the Idempotency-Key
  std::string breach_id;
  std::string event;  ///< record, repair, revoke
  std::string region;
  std::string payload;  ///< the JSON body sent, byte for byte, on every attempt
  std::string state;    ///< pending, sent, failed
  int attempts = 0;     ///< claims so far (an attempt started)
  std::string next_attempt_at;
  std::optional<int> last_status;  ///< HTTP status of the last answer, if there was one
  std::string last_error;
  std::string claimed_by;  ///< the instance sending it now; empty when unclaimed
  std::int64_t claim_epoch = 0;
  std::string claim_expires_at;
  std::string created_at, updated_at, sent_at;
};

/** List filters; an empty string means "no condition". Rows come in seq order after `after`. */
struct OutboxFilter {
  std::string state, breach_id;
  std::int64_t after = 0;
  int limit = 50;
};

/** How an attempt ended, as the dispatcher decided. */
struct OutboxOutcome {
  std::string state;  ///< sent, pending (retry at next_attempt_at) or failed
  std::optional<int> status;
  std::string error;
  std::string next_attempt_at;  ///< pending: when to try again
};

/** Totals for the metrics. */
struct OutboxStats {
  std::int64_t pending = 0, sent = 0, failed = 0;
  std::int64_t attempts = 0;           ///< over every row
  std::string last_sent_at;            ///< newest sent_at; empty when nothing was sent
  std::string oldest_pending_created;  ///< created_at of the oldest pending row; empty when none
};

/** The API (and trail) form of a row: state, attempts, errors, times and the payload as JSON. */
nlohmann::json to_json(const OutboxRow& row);

/** The outbox's reads and writes. Thread-safe: each call borrows its own session. */
class OutboxStore {
 public:
  explicit OutboxStore(Database& database) : database_(database) {}

  // ---- inside a LedgerStore::write() transaction ----------------------------------------------------
  /**
   * The credit event of a transition, if it makes one (adapters/credit/credit_record.hpp): builds its record
   * (subject's name and credit code read in this transaction; 公示截止日期 from `policy`) and inserts the
   * row. `before` is the breach as read before the transition, `after` as stored after it.
   */
  static domain::Result<void> enqueue_transition(LedgerTransaction& tx, const domain::Breach& before,
                                                 const domain::Transition& transition,
                                                 const std::string& region,
                                                 const domain::LifecyclePolicy& policy);
  /**
   * An operator's retry: a `failed` row becomes `pending`, due now, with its attempts reset; the change is
   * recorded in the trail (action credit_outbox.retry). `conflict` when the row is not failed;
   * `not_found` outside the scope.
   */
  static domain::Result<OutboxRow> retry(LedgerTransaction& tx, const domain::Scope& scope,
                                         const std::string& id);

  // ---- on their own session ------------------------------------------------------------------------
  /** Up to filter.limit rows in scope, in seq order. */
  domain::Result<std::vector<OutboxRow>> list(const domain::Scope& scope, const OutboxFilter& filter);
  domain::Result<OutboxRow> row(const domain::Scope& scope, const std::string& id);
  /**
   * Claims the oldest row that is due at `now`, unclaimed (or whose claim expired) and whose breach has no
   * earlier row still unsent, for `owner` until `until`; counts the attempt. nullopt when none is.
   */
  domain::Result<std::optional<OutboxRow>> claim(const std::string& owner, const std::string& now,
                                                 const std::string& until);
  /** Settles a claimed row; false when the claim was lost meanwhile (nothing written). */
  domain::Result<bool> settle(const OutboxRow& claimed, const OutboxOutcome& outcome, const std::string& now);
  domain::Result<OutboxStats> stats();

 private:
  Database& database_;
};

}  // namespace pactwatch::store
