#include "server/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "server/logging.hpp"

namespace pactwatch::server {
namespace {

std::uint64_t from_rlim(rlim_t value) {
  return value == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max()
                                : static_cast<std::uint64_t>(value);
}

}  // namespace

std::uint64_t fd_reserve(std::size_t db_pool_size) {
  // stdin/out/err, the listener, epoll and its eventfd, log files and the key file (64 in all, generously),
  // and per database session its socket or SQLite's database, WAL and shared-memory files.
  return 64 + 3 * static_cast<std::uint64_t>(db_pool_size);
}

FdLimitPlan plan_fd_limit(std::size_t max_connections, std::uint64_t reserve, std::uint64_t soft,
                          std::uint64_t hard) {
  FdLimitPlan plan;
  plan.needed = static_cast<std::uint64_t>(max_connections) + reserve;
  plan.soft_before = soft;
  plan.hard = hard;
  plan.soft_after = std::max(soft, std::min(plan.needed, hard));
  plan.max_connections = max_connections;
  if (plan.soft_after < plan.needed) {
    plan.connections_cut = true;
    plan.max_connections = static_cast<std::size_t>(
        plan.soft_after > reserve ? std::max<std::uint64_t>(1, plan.soft_after - reserve) : 1);
  }
  return plan;
}

std::size_t ensure_fd_limit(std::size_t max_connections, std::size_t db_pool_size) {
  rlimit current{};
  if (getrlimit(RLIMIT_NOFILE, &current) != 0) {
    log_event("warn", "fd_limit", {{"error", std::strerror(errno)}, {"max_connections", max_connections}});
    return max_connections;
  }
  FdLimitPlan plan = plan_fd_limit(max_connections, fd_reserve(db_pool_size), from_rlim(current.rlim_cur),
                                   from_rlim(current.rlim_max));
  bool raised = false;
  if (plan.soft_after > plan.soft_before) {
    rlimit wanted = current;
    wanted.rlim_cur = static_cast<rlim_t>(plan.soft_after);
    raised = setrlimit(RLIMIT_NOFILE, &wanted) == 0;
    if (!raised) {
      // Keep the soft limit as it is and fit max_connections to it.
      log_event("warn", "fd_limit_raise_failed",
                {{"error", std::strerror(errno)}, {"wanted", plan.soft_after}});
      plan = plan_fd_limit(max_connections, fd_reserve(db_pool_size), plan.soft_before, plan.soft_before);
    }
  }
  nlohmann::json fields{
      {"soft_before", plan.soft_before},
      {"soft", raised ? plan.soft_after : plan.soft_before},
      {"hard", plan.hard == std::numeric_limits<std::uint64_t>::max() ? nlohmann::json("unlimited")
                                                                      : nlohmann::json(plan.hard)},
      {"needed", plan.needed},
      {"max_connections", plan.max_connections}};
  if (plan.connections_cut) {
    fields["max_connections_configured"] = max_connections;
    fields["hint"] = "raise the hard open-file limit (ulimit -Hn, LimitNOFILE=) or lower max_connections";
    log_event("warn", "fd_limit_max_connections_lowered", fields);
  } else {
    log_event("info", raised ? "fd_limit_raised" : "fd_limit", fields);
  }
  return plan.max_connections;
}

}  // namespace pactwatch::server
