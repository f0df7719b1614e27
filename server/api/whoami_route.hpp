#pragma once
// GET /api/v1/whoami: the caller's own token as the server sees it (name, role, region scope, permissions),
// so that a client such as the dashboard can say which scope it works in and offer only what it may do.

#include "server/auth.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/** Adds GET /api/v1/whoami, open to every valid token whatever its role. `auth` must outlive the router. */
void add_whoami_route(Router& router, const Authenticator& auth);

}  // namespace pactwatch::server
