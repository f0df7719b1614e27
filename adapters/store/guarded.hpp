#pragma once
// Work on a pooled session with SOCI's exceptions mapped to domain errors at the store boundary: the one
// wrapper the stores' reads and writes share.

#include <string_view>
#include <utility>

#include "adapters/store/database.hpp"
#include "adapters/store/soci_errors.hpp"

namespace pactwatch::store {

/** Runs `work` on a session borrowed from `database`; any exception becomes the store's error for `what`. */
template <class F>
auto guarded(Database& database, std::string_view what, F&& work)
    -> decltype(work(std::declval<soci::session&>())) {
  auto lease = database.acquire();
  try {
    return work(*lease);
  } catch (...) {
    return std::unexpected(map_current_exception(what));
  }
}

}  // namespace pactwatch::store
