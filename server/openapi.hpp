#pragma once
// The OpenAPI 3.1 document of every route the service serves (server/api/openapi.json, compiled into the
// binary at build time so that the executable serves exactly the file in its source tree), and the route
// that serves it. tests/api/openapi_test.cpp keeps the document and the router in step.

#include <string_view>

#include "server/router.hpp"

namespace pactwatch::server {

/** The document's text (JSON), as built in. */
std::string_view openapi_document();

/** Registers GET /openapi.json (public, inline: it only copies a built-in string). */
void register_openapi_route(Router& router);

}  // namespace pactwatch::server
