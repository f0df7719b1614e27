#pragma once
// /api/v1/sync (issue #7, docs/SYNC.md): GET /sync/runs (what each run fetched, created, left unchanged,
// quarantined, its cursors and lag), GET /sync/quarantine (entries with their reasons and raw text), and
// POST /sync/quarantine/{id}/reprocess (maps an OCDS entry's raw text again after a fix and stores it).

#include "adapters/store/database.hpp"
#include "server/auth.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/** Adds the sync routes. `database` must outlive the router. */
void add_sync_routes(Router& router, const Authenticator& auth, store::Database& database);

}  // namespace pactwatch::server
