#pragma once
// Which trail entities a region-scoped token may read the trail of (docs/TOKENS.md, "Region scope and the
// trail"; issue 14): the entities of its region, decided from the rows as they are now.

#include <string>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/trail/entry.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/**
 * For each entity, whether it belongs to `region` (GB/T 2260, non-empty): a body, breach or region by its own
 * region code; an agreement, commitment or fact by its body's; an official by a post at a body of the region;
 * an organization when an agreement of the region names it (counterparty, or a commitment's obligor). Tokens,
 * the configuration and anything unknown or gone belong to no region.
 */
domain::Result<std::vector<bool>> entities_in_region(Database& database,
                                                     const std::vector<trail::EntityRef>& entities,
                                                     const std::string& region);

}  // namespace pactwatch::store
