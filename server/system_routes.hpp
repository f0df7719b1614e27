#pragma once
// The operational endpoints: /healthz, /readyz, /metrics and /api/v1/version. The probes come in as
// callables so that the server library does not depend on how the store implements them.

#include <functional>

#include "adapters/store/database.hpp"
#include "domain/result.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

namespace pactwatch::server {

/** What /readyz and the pool gauges ask the rest of the service. Empty callables are skipped. */
struct SystemProbes {
  /** A database round trip plus "migrations at head"; an error's message is the 503's detail. May block. */
  std::function<domain::Result<void>()> ready;
  /** The connection pool's counters for pactwatch_db_pool_{size,in_use,waiting}. Must not block. */
  std::function<store::PoolStats()> pool_stats;
};

/** The version string compiled in (PACTWATCH_VERSION), e.g. "0.1.0". */
std::string_view service_version();

/**
 * Registers GET /healthz (inline), GET /readyz (worker pool), GET /metrics (inline, renders `metrics`)
 * and GET /api/v1/version (inline). `metrics` must outlive the router.
 */
void register_system_routes(Router& router, Metrics& metrics, SystemProbes probes);

}  // namespace pactwatch::server
