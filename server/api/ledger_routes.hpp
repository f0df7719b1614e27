#pragma once
// The ledger resources under /api/v1 (DESIGN §2, §8): regions, bodies, officials (with posts),
// organizations, agreements (with stages and assignments), commitments and facts. Every route goes through
// Authenticator::guard with the permission of server/auth.hpp; reads are confined to the token's region.

#include "adapters/store/database.hpp"
#include "server/api/api_support.hpp"
#include "server/auth.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/**
 * Adds every ledger route to `router`. `database` must outlive the router (handlers keep a store on it);
 * main.cpp calls this once at start-up.
 */
void add_ledger_routes(Router& router, const Authenticator& auth, store::Database& database,
                       api::ApiOptions options = {});

namespace api {
// One registration function per resource file.
void add_region_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_body_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_official_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_organization_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_agreement_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_commitment_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_fact_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
void add_export_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api);
}  // namespace api

}  // namespace pactwatch::server
