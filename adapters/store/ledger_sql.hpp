#pragma once
// Every SQL statement of the ledger store, one named constant per statement. The DML is standard SQL that
// SQLite and MySQL/MariaDB both accept, written once in ledger_sql_common.hpp; ledger_sql_sqlite.cpp and
// ledger_sql_mysql.cpp add what differs per backend. Values are always bound (":name"), never concatenated.
// Optional filters are written `(:x = '' OR col = :x_)`, with the same value bound under both names; region
// containment is `region LIKE :scope` with a pattern from region_like() ("%" matches every region).

#include <string_view>

#include "adapters/store/database_url.hpp"

namespace pactwatch::store {

/** The ledger's SQL text of one backend. */
struct LedgerSql {
  std::string_view begin_write;  ///< opens a write transaction (SQLite takes the write lock at once)
  std::string_view commit;
  std::string_view rollback;

  std::string_view select_body, list_bodies, insert_body, update_body;
  std::string_view select_official, list_officials, select_posts_range, insert_official, update_official,
      bump_official, insert_post, close_post;
  std::string_view select_organization, list_organizations, insert_organization, update_organization;
  std::string_view select_agreement, list_agreements, select_stages_range, select_assignments_range,
      insert_agreement, update_agreement, bump_agreement, insert_stage, insert_assignment, earliest_due;
  /// The stages and assignments of a page of agreements: `(:ids)` is expanded by detail::expand_ids().
  std::string_view select_stages_of, select_assignments_of;
  std::string_view select_commitment, list_commitments, insert_commitment, update_commitment;
  /// list_commitments narrowed to the rows that may have one of the wanted statuses (see the store).
  std::string_view list_commitments_by_status;
  std::string_view select_fact, list_facts, insert_fact;
  /// The facts of given commitments: `(:ids)` is expanded by detail::expand_ids(), one placeholder per id.
  std::string_view select_facts_of;
  std::string_view select_region, list_regions;
  /// Agreements naming organization :id (counterparty, or :id2 as a commitment's obligor) whose body's
  /// region is NOT LIKE :scope (LedgerTransaction::agreements_outside).
  std::string_view count_agreements_naming_outside;
  /// Detection for given commitments (LedgerStore::load_ledger_for), each `(:ids)` expanded by
  /// detail::expand_ids(): the agreements (in :scope) of commitments; agreements, their commitments and the
  /// facts of those; organizations and bodies by id; the officials with a post at bodies; officials and
  /// their posts by id.
  std::string_view agreement_ids_of_commitments, select_agreements_of, select_commitments_of_agreements,
      select_facts_of_agreements, select_organizations_of, select_bodies_of, official_ids_posted_at,
      select_officials_of, select_posts_of;
  /// Every row of a table in id order, a keyset page at a time (`trail verify --state`): :after, :limit.
  std::string_view scan_bodies, scan_officials, scan_organizations, scan_agreements, scan_commitments,
      scan_facts;
  std::string_view select_idempotency, insert_idempotency, delete_expired_idempotency_key, purge_idempotency;
};

const LedgerSql& ledger_sqlite_sql();
const LedgerSql& ledger_mysql_sql();
inline const LedgerSql& ledger_sql(Backend backend) {
  return backend == Backend::sqlite ? ledger_sqlite_sql() : ledger_mysql_sql();
}

}  // namespace pactwatch::store
