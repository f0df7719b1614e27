#pragma once
// The ledger in the database (DESIGN §2): bodies, officials with their posts, organizations, agreements
// with stages and assignments, commitments and facts. Reads are confined to a region scope; every write
// runs in ONE transaction opened by LedgerStore::write(), which also stores the Idempotency-Key answer
// and is the single place where the accountability trail (issue #6) appends its entry: see
// LedgerTransaction::record_change().

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/database.hpp"
#include "adapters/store/name_store.hpp"
#include "adapters/store/write_combiner.hpp"
#include "domain/ledger.hpp"
#include "domain/model.hpp"
#include "domain/ports.hpp"
#include "domain/result.hpp"
#include "domain/status.hpp"

namespace soci {
class session;
}

namespace pactwatch::store {

class StatementCache;
class TrailAppender;

/** Who writes, why, and when: passed to every write so that the trail can name the actor. */
struct WriteContext {
  std::string token_id;    ///< the API token's id (never its secret)
  std::string actor_name;  ///< the token's name
  std::string role;        ///< supervisor, platform, auditor, admin
  std::string request_id;  ///< X-Request-Id of the HTTP request
  std::string reason;      ///< free text from the client (X-Reason), may be empty
  std::string now;         ///< RFC 3339 UTC instant the rows are stamped with (created_at, updated_at)
};

/** An entity as stored: the domain value plus its version (the ETag) and timestamps. */
template <class T>
struct Stored {
  T entity;
  std::int64_t version = 1;
  std::string created_at;
  std::string updated_at;
};

/** One page of a list in id order; `more` says whether rows follow the last item. */
template <class T>
struct Page {
  std::vector<Stored<T>> items;
  bool more = false;
};

/** A page of commitments, with each item's status when CommitmentFilter::as_of was given. */
struct CommitmentPage : Page<domain::Commitment> {
  std::vector<domain::CommitmentStatus> statuses;  ///< parallel to items; empty without as_of
  /// When not empty, the next page starts after this id (the last row judged) rather than after the last
  /// item: a status filter read past rows it dropped and stopped at CommitmentFilter::max_scan.
  std::string resume_after;
};

/** Keyset pagination: rows with an id greater than `after`, at most `limit` of them. */
struct Window {
  std::string after;
  int limit = 50;
};

/** List filters; an empty string means "no condition". Region filters use containment (532300 ⊇ 532301). */
struct BodyFilter {
  std::string region, kind, parent_id;
};
struct OfficialFilter {
  std::string region, body_id;
};
struct OrganizationFilter {
  std::string credit_code;
  std::optional<bool> sme;
};
struct AgreementFilter {
  std::string region, kind, body_id, counterparty_id, platform_project_code, unified_deal_code, ocid;
  std::string signed_after, signed_before;  ///< inclusive bounds on signed_on
  /// RFC 3339 UTC instant as stored (format_instant): only agreements written at or after it, or with a
  /// commitment written or a fact appended at or after it (the OCDS export's `since`).
  std::string changed_since;
};
struct CommitmentFilter {
  std::string region, kind, agreement_id, obligor_side, obligor_id, stage;
  std::string due_after, due_before;  ///< inclusive bounds on due
  /// Only commitments with one of these statuses as of `as_of` (domain/status.hpp); empty: any. Needs as_of.
  std::vector<domain::CommitmentStatus> statuses;
  /// When set, the page carries each item's status as of this date (CommitmentPage::statuses).
  std::optional<domain::Date> as_of;
  /// With `statuses`: at most this many rows that pass the other filters are judged for one page (at least
  /// limit + 1). A page may then hold fewer items than the limit, even none, and still have more.
  int max_scan = 5000;
};
struct FactFilter {
  std::string region, kind, commitment_id, agreement_id;
};

/**
 * What detection reads for a few commitments (LedgerStore::load_ledger_for): the linked sub-ledger of their
 * agreements, and the bodies and officials that placing and tracing back a breach of them looks up.
 */
struct DetectionSlice {
  domain::Ledger ledger;
  std::vector<domain::Body> bodies;         ///< the agreements' bodies and the government obligors
  std::vector<domain::Official> officials;  ///< everyone with a post (any, with all posts) at those bodies
};

/**
 * An agreement with what an export of it names (GET /api/v1/export/ocds): its body and counterparty, all its
 * commitments and facts (in id order), and the officials its commitments name as committing officials.
 */
struct AgreementRecord {
  Stored<domain::Agreement> agreement;
  std::optional<domain::Body> body;
  std::optional<domain::Organization> counterparty;
  std::vector<Stored<domain::Commitment>> commitments;
  std::vector<Stored<domain::Fact>> facts;
  std::vector<domain::Official> officials;
};

/** A page of agreement records in agreement id order. */
struct AgreementRecordPage {
  std::vector<AgreementRecord> items;
  bool more = false;
};

/** A GB/T 2260 region row (read-only reference data). */
struct RegionRow {
  std::string code, name, parent_code, level;
};

/** The answer to a POST, kept for Idempotency-Key replays. */
struct StoredResponse {
  int status = 201;
  std::string body;
  std::string etag;
  std::string location;
};

/**
 * How long Idempotency-Key answers are kept (configuration key idempotency_retention_hours): an older key is
 * treated as never used, and the expired records are deleted by a write at most once per `purge_every`.
 * Only the ledger API's store is given one; the others (sync, workflow, seed) never expire or purge keys.
 */
struct IdempotencyRetention {
  std::chrono::hours keep{24};
  std::chrono::seconds purge_every{60};
};

/** An Idempotency-Key as stored: keys are per token. */
struct IdempotencyKey {
  std::string token_id, key, method, route, request_sha256;
};
/** A stored idempotent answer and the request it answered. */
struct IdempotencyRecord {
  IdempotencyKey key;
  StoredResponse response;
};

/** One ledger change, as the trail will record it: the entity's state before (null on create) and after. */
struct ChangeRecord {
  std::string action;       ///< "create", "update", "append_post", "close_post", "append_assignment", ...
  std::string entity_type;  ///< "body", "official", "organization", "agreement", "commitment", "fact"
  std::string entity_id;
  nlohmann::json before;  ///< the API representation before the change; null when created
  nlohmann::json after;   ///< the API representation after the change
};

/**
 * The writes and the reads of one open transaction. Only LedgerStore::write() creates one. Reads take a
 * scope: an entity outside it is `not_found`, as if it did not exist.
 */
class LedgerTransaction {
 public:
  /** A write alone: a statement cache (MySQL: its own; SQLite: the session's) and a trail appender of its
   * own. */
  LedgerTransaction(soci::session& sql, const WriteContext& context);
  /**
   * One write of a group committed together (write_combiner.hpp): the group's statements and trail appender,
   * which the group finishes once for all its writes (finish() and end_statements() do nothing here).
   */
  LedgerTransaction(soci::session& sql, const WriteContext& context, StatementCache& statements,
                    TrailAppender& trail);
  ~LedgerTransaction();
  LedgerTransaction(const LedgerTransaction&) = delete;
  LedgerTransaction& operator=(const LedgerTransaction&) = delete;

  domain::Result<Stored<domain::Body>> body(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Official>> official(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Organization>> organization(const std::string& id);
  domain::Result<Stored<domain::Agreement>> agreement(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Commitment>> commitment(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Fact>> fact(const domain::Scope& scope, const std::string& id);
  /** The earliest due date of the agreement's commitments, if it has any. */
  domain::Result<std::optional<std::string>> earliest_due(const std::string& agreement_id);
  /** A row of the regions table (GB/T 2260 reference data); `not_found` for a code it does not hold. */
  domain::Result<RegionRow> region(const std::string& code);
  /**
   * How many agreements name organization `organization_id` (as counterparty, or as the obligor of one of
   * their commitments) and lie outside `scope` (their body's region is not within it): who may change a
   * shared organization (docs/API.md, "Region scope").
   */
  domain::Result<std::int64_t> agreements_outside(const std::string& organization_id,
                                                  const domain::Scope& scope);

  domain::Result<Stored<domain::Body>> insert_body(const domain::Body& body);
  domain::Result<Stored<domain::Body>> update_body(const Stored<domain::Body>& before,
                                                   const domain::Body& after);
  /** Inserts the official and its posts (seq 1, 2, … in order). */
  domain::Result<Stored<domain::Official>> insert_official(const domain::Official& official);
  domain::Result<Stored<domain::Official>> update_official(const Stored<domain::Official>& before,
                                                           const domain::Official& after);
  /** Appends a post; posts are history and never rewritten. */
  domain::Result<Stored<domain::Official>> append_post(const Stored<domain::Official>& before,
                                                       const domain::Post& post);
  /** Sets `to` of post number `seq` (1-based), which must still be open. */
  domain::Result<Stored<domain::Official>> close_post(const Stored<domain::Official>& before, int seq,
                                                      domain::Date to);
  domain::Result<Stored<domain::Organization>> insert_organization(const domain::Organization& organization);
  domain::Result<Stored<domain::Organization>> update_organization(const Stored<domain::Organization>& before,
                                                                   const domain::Organization& after);
  /** Inserts the agreement and its (empty) stages. */
  domain::Result<Stored<domain::Agreement>> insert_agreement(const domain::Agreement& agreement);
  domain::Result<Stored<domain::Agreement>> update_agreement(const Stored<domain::Agreement>& before,
                                                             const domain::Agreement& after);
  /** Appends an assignment to a stage (creating the stage); the caller checked overlaps. */
  domain::Result<Stored<domain::Agreement>> append_assignment(const Stored<domain::Agreement>& before,
                                                              domain::StageKind stage,
                                                              const domain::Assignment& assignment);
  domain::Result<Stored<domain::Commitment>> insert_commitment(const domain::Commitment& commitment);
  domain::Result<Stored<domain::Commitment>> update_commitment(const Stored<domain::Commitment>& before,
                                                               const domain::Commitment& after);
  domain::Result<Stored<domain::Fact>> insert_fact(const domain::Fact& fact);

  /** Hook for stores that write in this same transaction (breach store, issue #5): the open session. */
  soci::session& session() { return sql_; }
  /**
   * Statements prepared once for the whole transaction (inserts, the trail append; the sync store's lookups):
   * a bulk import runs the same few statements thousands of times in one transaction.
   */
  StatementCache& statements() { return *statements_; }
  /**
   * Ends the transaction's work before its commit: writes the trail head the appends kept in memory and
   * finalizes the cached statements (SQLite: resets them). LedgerStore::write() calls it; no change may be
   * recorded afterwards.
   */
  domain::Result<void> finish();
  /** Resets the cached statements (they stay compiled): before a rollback, and by finish(). */
  void end_statements() noexcept;
  /** Hook (issue #5): who writes; the breach store stamps its rows and history with it. */
  const WriteContext& context() const { return context_; }
  /** Hook (issue #5): records a change written through session() exactly like the ledger's own writes. */
  domain::Result<void> record_external_change(ChangeRecord change) {
    return record_change(std::move(change));
  }
  /**
   * Change sets (docs/TRAIL.md §2.4): the changes a write records become ONE trail entry, sealed after its
   * work (LedgerStore::write) — unless the work cuts them into several sets itself, as the sync store does
   * per imported record. begin_change_set names the next set's action (e.g. "sync.import"; by default its
   * first change's, "<type>.<op>") and, when not empty, its reason (instead of the write's); end_change_set
   * seals the open set into its entry and returns its seq (0 when it changed nothing).
   */
  void begin_change_set(std::string action, std::string reason = {});
  domain::Result<std::uint64_t> end_change_set();

 private:
  /**
   * Every write above ends here, inside the transaction: the change joins the open change set of the
   * trail appender (LedgerTransaction has the session and the WriteContext it needs).
   */
  domain::Result<void> record_change(ChangeRecord change);
  /**
   * The last step of every write above: fills `change.after` from `written` (the row read back after the
   * write), records the change, and hands the row on.
   */
  template <class T>
  domain::Result<Stored<T>> recorded(domain::Result<Stored<T>> written, ChangeRecord change);
  /** Raises the version of a row from `expected`; a row changed meanwhile is a `conflict`. */
  domain::Result<void> bump_version(std::string_view statement, const std::string& id, std::int64_t expected);

  soci::session& sql_;
  const WriteContext& context_;
  const bool grouped_;  ///< the statements and the appender belong to a group (the second constructor)
  StatementCache* statements_;  ///< the session's, kept across its transactions (StatementCache::of_session)
  std::unique_ptr<TrailAppender> owned_trail_;  ///< alone only
  TrailAppender* trail_;
};

/** The ledger store on a Database. Thread-safe: each call borrows its own session. */
class LedgerStore {
 public:
  /** Without `idempotency`, keys never expire and this store never purges them. */
  explicit LedgerStore(Database& database, std::optional<IdempotencyRetention> idempotency = std::nullopt);

  /**
   * Runs `work` in one transaction; when `idempotency` is set, stores `work`'s answer under that key in the
   * same transaction (replacing an expired record of the same key). Commits when `work` succeeds, rolls back
   * otherwise. A duplicate idempotency key (a concurrent request with the same key) is a `conflict`. At most
   * once per IdempotencyRetention::purge_every, a write also deletes every expired idempotency record.
   *
   * Group commit (write_combiner.hpp): writes that arrive while another commits may share its successor's
   * transaction, each behind its own savepoint, so "rolls back" means back to that savepoint; `work` may run
   * on another thread than the caller's, and runs a second time (alone) only when the group's transaction
   * failed after it had succeeded — it must not leave effects outside the transaction that a second run
   * would double. `work` must not call write() itself (refused with `invalid`).
   */
  domain::Result<StoredResponse> write(
      const WriteContext& context, const std::optional<IdempotencyKey>& idempotency,
      const std::function<domain::Result<StoredResponse>(LedgerTransaction&)>& work);
  /** The stored answer for a token's key, if any that has not expired. */
  domain::Result<std::optional<IdempotencyRecord>> idempotent_response(const std::string& token_id,
                                                                       const std::string& key);

  domain::Result<Stored<domain::Body>> body(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Official>> official(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Organization>> organization(const std::string& id);
  domain::Result<Stored<domain::Agreement>> agreement(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Commitment>> commitment(const domain::Scope& scope, const std::string& id);
  domain::Result<Stored<domain::Fact>> fact(const domain::Scope& scope, const std::string& id);
  domain::Result<RegionRow> region(const std::string& code);

  domain::Result<Page<domain::Body>> bodies(const domain::Scope& scope, const BodyFilter& filter,
                                            const Window& w);
  domain::Result<Page<domain::Official>> officials(const domain::Scope& scope, const OfficialFilter& filter,
                                                   const Window& w);
  domain::Result<Page<domain::Organization>> organizations(const OrganizationFilter& filter, const Window& w);
  domain::Result<Page<domain::Agreement>> agreements(const domain::Scope& scope,
                                                     const AgreementFilter& filter, const Window& w);
  /** Commitments in id order; with a status filter, see CommitmentFilter::max_scan. */
  domain::Result<CommitmentPage> commitments(const domain::Scope& scope, const CommitmentFilter& filter,
                                             const Window& w);
  domain::Result<Page<domain::Fact>> facts(const domain::Scope& scope, const FactFilter& filter,
                                           const Window& w);
  /**
   * A page of agreements as agreements() lists them, each with its body, counterparty, commitments, facts and
   * committing officials, read with a few IN queries per page (memory: one page).
   */
  domain::Result<AgreementRecordPage> agreement_records(const domain::Scope& scope,
                                                        const AgreementFilter& filter, const Window& w);
  /** Regions within `within` (containment; empty: all), by code after `w.after`. */
  domain::Result<std::vector<RegionRow>> regions(const std::string& within, const Window& w);
  /** The names of the ids a page refers to, in one batched read (NameStore). */
  domain::Result<Names> names(const NameRequest& request) { return NameStore(database_).names(request); }

  /** LedgerReader-shaped reads for detection: everything in scope, linked. */
  domain::Result<domain::Ledger> load_ledger(const domain::Scope& scope);
  domain::Result<std::vector<domain::Body>> all_bodies(const domain::Scope& scope);
  domain::Result<std::vector<domain::Official>> all_officials(const domain::Scope& scope);
  /**
   * Detection for given commitments (a fact POST, a sync batch) without reading the whole scope. Every rule
   * but BC09 judges one commitment from its own facts, its agreement, the agreement's counterparty and the
   * agreement's other commitments (BC03 waits for their delivery and acceptance; W03 sums their
   * amendments); BC09 counts breach records, not the ledger. So the slice holds: the agreements (in scope)
   * of the commitments in `commitment_ids`, every commitment of those agreements with its facts, the
   * agreements' stages and assignments and counterparties; plus, for opening a breach, the agreements'
   * bodies and the government obligor bodies of their commitments, and every official with a post at one of
   * those bodies, with all their posts (the trace-back names the obligor body's heads on the due date). Ids
   * not found or outside the scope are ignored; IN lists are read 500 ids at a time. Findings about
   * `commitment_ids` equal those of detection over load_ledger(scope) (tests/workflow/scoped_detection_test).
   */
  domain::Result<DetectionSlice> load_ledger_for(const domain::Scope& scope,
                                                 const std::vector<std::string>& commitment_ids);

  /** Prepared statements kept per pooled session (SQLite) for the hottest read, GET /agreements/{id}. */
  struct ReadCache;

 private:
  /** The creation time before which an idempotency record has expired (RFC 3339, as created_at); "" when
   * keys never expire (every created_at is >= "", none is < ""). */
  std::string idempotency_cutoff() const;
  /** True for the first write of each IdempotencyRetention::purge_every (never without a retention). */
  bool idempotency_purge_due();

  struct WriteJob;
  /** One write in its own transaction (a group of one, or a group's write again after the group failed). */
  domain::Result<StoredResponse> write_alone(const WriteJob& job);
  /** After `work` succeeded, in its transaction: the idempotency record and the periodic purge. */
  void store_idempotency(soci::session& sql, const WriteJob& job, const StoredResponse& response);
  /** Runs a group of writes in one transaction, each behind a SAVEPOINT (write_combiner.hpp). */
  static void run_group(std::span<WriteCombiner::Job* const> group);

  Database& database_;
  std::optional<IdempotencyRetention> idempotency_;
  std::shared_ptr<ReadCache> cache_;
};

/** The LIKE pattern for the regions a code contains: "532300" → "5323%", "532301" → "532301%", "" → "%". */
std::string region_like(std::string_view region);

}  // namespace pactwatch::store
