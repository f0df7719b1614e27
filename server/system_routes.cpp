#include "server/system_routes.hpp"

#include <nlohmann/json.hpp>

#ifndef PACTWATCH_VERSION
#define PACTWATCH_VERSION "0.0.0-unknown"
#endif

namespace pactwatch::server {

std::string_view service_version() {
  return PACTWATCH_VERSION;
}

void register_system_routes(Router& router, Metrics& metrics, SystemProbes probes) {
  if (probes.pool_stats) metrics.set_pool_stats_source(probes.pool_stats);

  // Liveness: the process answers. Nothing else is checked, so an orchestrator restarts only a hung process.
  router.get(
      "/healthz", [healthy = json_response(200, {{"status", "ok"}})](const Request&) { return healthy; },
      Execution::inline_io);

  // Readiness: the database answers and the schema is at head. The probe may block: worker pool.
  router.get(
      "/readyz",
      [ready = std::move(probes.ready)](const Request& request) {
        if (ready) {
          if (auto result = ready(); !result) {
            Problem problem;
            problem.status = 503;
            problem.type = std::string(problem_type::unavailable);
            problem.title = "Not ready";
            problem.detail = result.error().message;
            problem.instance = request.path;
            auto response = problem_response(problem, request.request_id);
            response.headers.set("Retry-After", "5");
            return response;
          }
        }
        return json_response(200, {{"status", "ready"}});
      },
      Execution::blocking);

  router.get(
      "/metrics",
      [&metrics](const Request&) {
        Response response;
        response.content_type = std::string(kPrometheusContentType);
        response.body = metrics.render();
        return response;
      },
      Execution::inline_io);

  router.get(
      "/api/v1/version",
      // Bodies that never change are rendered once, not per request.
      [version = json_response(200, {{"name", "pactwatch"}, {"version", service_version()}, {"api", "v1"}})](
          const Request&) { return version; },
      Execution::inline_io);
}

}  // namespace pactwatch::server
