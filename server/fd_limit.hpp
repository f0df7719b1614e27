#pragma once
// Open-file limit (issue 13): every connection holds a descriptor, so max_connections (default 10,000) is
// only honest when RLIMIT_NOFILE allows that many plus what the process needs besides (database sessions,
// SQLite's WAL and shared-memory files, the listener, epoll, logs). At start the soft limit is raised to
// what is needed, up to the hard limit; when even the hard limit is too low, max_connections is lowered to
// what fits, so that the server refuses connections itself (and counts them) instead of failing accept()
// with EMFILE. Both are logged (event fd_limit).

#include <cstddef>
#include <cstdint>

namespace pactwatch::server {

/** What the start does about the limit, decided from the current limits alone (pure, for tests). */
struct FdLimitPlan {
  std::uint64_t needed = 0;         ///< max_connections + reserve
  std::uint64_t soft_before = 0;    ///< RLIMIT_NOFILE soft limit found
  std::uint64_t hard = 0;           ///< RLIMIT_NOFILE hard limit (UINT64_MAX: unlimited)
  std::uint64_t soft_after = 0;     ///< the soft limit to set (== soft_before: leave it)
  std::size_t max_connections = 0;  ///< the max_connections to serve with (lower than asked when cut)
  bool connections_cut = false;     ///< the hard limit is below what max_connections needs
};

/** Descriptors the process needs besides its connections, for `db_pool_size` pooled sessions. */
std::uint64_t fd_reserve(std::size_t db_pool_size);

/** Raises the soft limit towards max_connections + reserve, never above `hard`; cuts max_connections to fit.
 */
FdLimitPlan plan_fd_limit(std::size_t max_connections, std::uint64_t reserve, std::uint64_t soft,
                          std::uint64_t hard);

/**
 * Reads RLIMIT_NOFILE, applies plan_fd_limit with setrlimit, logs what it did, and returns the
 * max_connections to serve with. If setrlimit fails, the current soft limit decides instead.
 */
std::size_t ensure_fd_limit(std::size_t max_connections, std::size_t db_pool_size);

}  // namespace pactwatch::server
