#pragma once
// Every route the executable serves, registered in one place so that main.cpp and the tests that compare
// the router with the OpenAPI document (tests/api/openapi_test.cpp) build the very same table.

#include <chrono>

#include "adapters/store/database.hpp"
#include "adapters/store/token_seal.hpp"
#include "server/api/api_support.hpp"
#include "server/api/trail_routes.hpp"
#include "server/api/workflow_routes.hpp"
#include "server/auth.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "server/system_routes.hpp"

namespace pactwatch::server {

/** The configured limits of the ledger API (docs/CONFIGURATION.md, docs/API.md). */
struct LedgerApiSettings {
  std::chrono::hours idempotency_retention{24};  ///< idempotency_retention_hours
  int status_scan_rows = 5000;                   ///< status_scan_rows
  api::OcdsExportSettings ocds_export;           ///< ocds_export_agreements, ocds_ocid_prefix, …
};

/**
 * Adds the system routes (/healthz, /readyz, /metrics, /api/v1/version), GET /openapi.json and the ledger
 * routes under /api/v1, and the trail's (`trail` carries its key). `metrics`, `auth` and `database` must
 * outlive the router. `workflow` configures the breach workflow's routes and the detection after each new
 * fact (issue #5). `ledger` holds the ledger API's configured limits.
 */
void build_router(Router& router, Metrics& metrics, SystemProbes probes, const Authenticator& auth,
                  store::Database& database, TrailOptions trail = {}, WorkflowOptions workflow = {},
                  LedgerApiSettings ledger = {});

/**
 * The TokenLookup the executable uses: the token store, cached for `TokenCacheOptions::ttl`. A row whose seal
 * is missing or does not match (docs/TOKENS.md) is refused like an unknown token (401), logged as
 * `token_seal_failed` and counted in pactwatch_token_seal_failures_total{reason}.
 */
TokenLookup store_token_lookup(store::Database& database, store::TokenSeal seal, Metrics& metrics,
                               TokenCacheOptions cache = {});

}  // namespace pactwatch::server
