#include "server/routes.hpp"

#include <memory>
#include <stdexcept>

#include "adapters/store/token_store.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/outbox_routes.hpp"
#include "server/api/sync_routes.hpp"
#include "server/api/whoami_route.hpp"
#include "server/logging.hpp"
#include "server/openapi.hpp"

namespace pactwatch::server {

void build_router(Router& router, Metrics& metrics, SystemProbes probes, const Authenticator& auth,
                  store::Database& database, TrailOptions trail, WorkflowOptions workflow,
                  LedgerApiSettings ledger) {
  register_system_routes(router, metrics, std::move(probes));
  register_openapi_route(router);
  api::ApiOptions ledger_options;
  ledger_options.after_fact = fact_detection_hook(database, workflow);  // issue #5: detection on new facts
  ledger_options.clock = workflow.clock;  // commitment statuses default to the workflow's today
  ledger_options.idempotency.keep = ledger.idempotency_retention;
  ledger_options.max_status_scan = ledger.status_scan_rows;
  ledger_options.ocds_export = ledger.ocds_export;
  add_ledger_routes(router, auth, database, std::move(ledger_options));
  add_trail_routes(router, auth, database, std::move(trail));
  add_sync_routes(router, auth, database);                           // issue #7
  add_outbox_routes(router, auth, database);                         // issue 14: credit-platform push
  add_workflow_routes(router, auth, database, std::move(workflow));  // issue #5
  add_whoami_route(router, auth);                                    // the dashboard's scope (issue #14)
}

TokenLookup store_token_lookup(store::Database& database, store::TokenSeal seal, Metrics& metrics,
                               TokenCacheOptions cache) {
  auto tokens = std::make_shared<store::TokenStore>(database, std::move(seal));
  Counter* missing = &metrics.counter("pactwatch_token_seal_failures_total",
                                      "Token uses refused because the token's row did not match its seal.",
                                      {{"reason", "missing"}});
  Counter* invalid = &metrics.counter("pactwatch_token_seal_failures_total",
                                      "Token uses refused because the token's row did not match its seal.",
                                      {{"reason", "invalid"}});
  TokenLookup direct = [tokens, missing, invalid](std::string_view hash) -> std::optional<Principal> {
    auto found = tokens->find_active(std::string(hash));
    // Authenticator::guard answers 503 when the lookup throws: the token is not at fault.
    if (!found) throw std::runtime_error(found.error().message);
    if (!found->has_value()) return std::nullopt;
    const store::TokenRecord& t = **found;
    if (t.seal != store::SealState::valid) {
      // Someone changed the row behind the service's back (or it predates the seals): refuse, loudly.
      (t.seal == store::SealState::missing ? missing : invalid)->inc();
      log_event("error", "token_seal_failed",
                {{"token_id", t.id},
                 {"seal", std::string(store::to_string(t.seal))},
                 {"hint",
                  "the token's row does not match its seal; see docs/TOKENS.md (`pactwatch token reseal`)"}});
      return std::nullopt;
    }
    auto role = parse_role(t.role);
    if (!role) return std::nullopt;  // the schema forbids this; refuse rather than guess
    return Principal{t.id, t.name, *role, t.region};
  };
  return cached_token_lookup(std::move(direct), cache);
}

}  // namespace pactwatch::server
