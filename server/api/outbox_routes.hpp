#pragma once
// /api/v1/outbox (issue 14, docs/CREDIT_PUSH.md): GET /outbox lists the credit-platform outbox's rows (state,
// attempts, last error, next attempt, payload; filters state and breach_id; admin and auditor, region
// scoped) and POST /outbox/{id}/retry puts a failed row back in the queue (admin; recorded in the trail).

#include "adapters/store/database.hpp"
#include "server/auth.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/** Adds the outbox routes. `database` must outlive the router. */
void add_outbox_routes(Router& router, const Authenticator& auth, store::Database& database);

}  // namespace pactwatch::server
