#pragma once
// The HTTP/1.1 transport: listener, one session per connection, limits and timeouts, graceful shutdown.
// Beast and Asio stay behind the pimpl so that main.cpp and handlers compile without them.

#include <cstdint>
#include <memory>

#include "server/http_options.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/**
 * Serves a Router over HTTP/1.1 with keep-alive on `io_threads` I/O threads; blocking routes run on a
 * pool of `worker_threads`. Every response carries X-Request-Id; every error body is problem+json.
 *
 *   HttpServer server(options, router, metrics);
 *   server.start();                           // binds; port() is valid from here
 *   return server.run_until_signalled();      // SIGINT/SIGTERM → graceful stop → 0
 */
class HttpServer {
 public:
  HttpServer(HttpOptions options, std::shared_ptr<const Router> router, Metrics& metrics);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  /** Stops (gracefully, within shutdown_grace) and joins every thread. */
  ~HttpServer();

  /** Binds and listens, then starts the I/O and worker threads. Throws std::system_error if it cannot bind.
   */
  void start();
  /** The bound port (the chosen one when options.port was 0). Valid after start(). */
  std::uint16_t port() const;
  /**
   * Stops accepting (new connections are refused once this returns, unless called from an I/O thread),
   * closes idle connections, lets in-flight requests finish within shutdown_grace, then closes the rest.
   * Returns at once; wait() blocks until all that is done. Safe from any thread, idempotent.
   */
  void stop();
  /** Blocks until the server has stopped and its threads are joined. */
  void wait();
  /**
   * Installs SIGINT/SIGTERM handling, starts the server unless start() was called, serves until a signal
   * arrives, stops gracefully (in-flight requests get shutdown_grace) and returns 0, the exit code.
   */
  int run_until_signalled();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pactwatch::server
