#include "server/openapi.hpp"

namespace pactwatch::server {

void register_openapi_route(Router& router) {
  router.get(
      "/openapi.json",
      [](const Request&) {
        Response r;
        r.content_type = "application/json";
        r.body = std::string(openapi_document());
        r.headers.set("Cache-Control", "public, max-age=300");
        return r;
      },
      Execution::inline_io);
}

}  // namespace pactwatch::server
