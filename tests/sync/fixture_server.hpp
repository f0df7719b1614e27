#pragma once
// A real HTTP server on a free loopback port, serving the OCDS feed fixtures of the sync tests.

#include <memory>
#include <utility>

#include "server/http_server.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

namespace pactwatch::sync::testing {

/** Starts `router` on 127.0.0.1 at a free port (one I/O and one worker thread, no access log). */
inline std::unique_ptr<server::HttpServer> start_fixture_server(std::shared_ptr<const server::Router> router,
                                                                server::Metrics& metrics) {
  server::HttpOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.io_threads = 1;
  o.worker_threads = 1;
  o.access_log = false;
  auto s = std::make_unique<server::HttpServer>(o, std::move(router), metrics);
  s->start();
  return s;
}

}  // namespace pactwatch::sync::testing
