#include "server/api/ledger_routes.hpp"

#include <memory>

namespace pactwatch::server {

namespace {
/** Owns the store the handlers share; lives as long as any handler holds it. */
struct ApiHolder {
  store::LedgerStore store;
  api::Api api;
  ApiHolder(store::Database& database, api::ApiOptions options)
      : store(database, options.idempotency), api{store, options} {}
};
}  // namespace

void add_ledger_routes(Router& router, const Authenticator& auth, store::Database& database,
                       api::ApiOptions options) {
  auto holder = std::make_shared<ApiHolder>(database, options);
  // Aliasing constructor: the Api pointer keeps the holder (and its store) alive.
  std::shared_ptr<api::Api> shared(holder, &holder->api);
  api::add_region_routes(router, auth, shared);
  api::add_body_routes(router, auth, shared);
  api::add_official_routes(router, auth, shared);
  api::add_organization_routes(router, auth, shared);
  api::add_agreement_routes(router, auth, shared);
  api::add_commitment_routes(router, auth, shared);
  api::add_fact_routes(router, auth, shared);
  api::add_export_routes(router, auth, shared);  // GET /export/ocds (issue #14)
}

}  // namespace pactwatch::server
