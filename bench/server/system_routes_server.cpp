// pactwatch's HttpServer with the system routes and no database: measures the HTTP layer alone.
// The readiness probe always passes and the pool gauges are zero.
//
//   system_routes_server [PORT] [IO_THREADS] [ACCESS_LOG(1|0)]

#include <cstdlib>
#include <iostream>

#include "server/http_server.hpp"
#include "server/logging.hpp"
#include "server/system_routes.hpp"

int main(int argc, char** argv) {
  using namespace pactwatch::server;
  init_json_logging("info");
  HttpOptions options;
  options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8080);
  options.io_threads = static_cast<unsigned>(argc > 2 ? std::atoi(argv[2]) : 2);
  options.access_log = argc > 3 ? std::atoi(argv[3]) != 0 : true;
  Metrics metrics;
  auto router = std::make_shared<Router>();
  SystemProbes probes;
  probes.ready = []() -> pactwatch::domain::Result<void> { return {}; };
  probes.pool_stats = [] { return pactwatch::store::PoolStats{}; };
  register_system_routes(*router, metrics, probes);
  HttpServer server(options, router, metrics);
  server.start();
  std::cout << "system_routes_server listening on 127.0.0.1:" << server.port() << std::endl;
  return server.run_until_signalled();
}
