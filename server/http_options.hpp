#pragma once
// Everything an operator can tune about the HTTP server. Defaults are the documented ones in
// config/pactwatch.conf; server/config.cpp fills this from command line, environment and file.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pactwatch::server {

/** Listener, threads, limits and timeouts of the HTTP server. */
struct HttpOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                         ///< 0 picks a free port (tests)
  unsigned io_threads = 2;                           ///< threads running the io_context
  unsigned worker_threads = 16;                      ///< threads running blocking (database) work
  std::size_t max_header_bytes = 8 * 1024;           ///< larger request headers: 431
  std::size_t max_body_bytes = 1024 * 1024;          ///< larger bodies: 413
  std::chrono::milliseconds header_timeout{10'000};  ///< deadline to receive a request's headers
  std::chrono::milliseconds idle_timeout{60'000};    ///< keep-alive idle time before closing
  std::chrono::milliseconds shutdown_grace{10'000};  ///< in-flight requests get this long on SIGTERM
  std::size_t max_connections = 10'000;              ///< further connections are closed at once
  std::chrono::milliseconds body_timeout{30'000};    ///< deadline to receive a body once its headers are in
  std::size_t max_pending_blocking = 1'024;  ///< requests queued or running on the worker pool; beyond: 503
  bool access_log = true;                    ///< one JSON line per request
};

}  // namespace pactwatch::server
