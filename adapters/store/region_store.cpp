#include "adapters/store/region_store.hpp"

#include <soci/soci.h>

#include <string_view>
#include <vector>

#include "adapters/store/soci_errors.hpp"
#include "adapters/store/trail_store.hpp"

namespace pactwatch::store {
namespace {

// The same text on both backends; values are bound.
constexpr std::string_view kCountRegion = "SELECT COUNT(*) FROM regions WHERE code = :code";
constexpr std::string_view kInsertRegion =
    "INSERT INTO regions (code, name, parent_code, level) VALUES (:code, :name, :parent_code, :level)";

}  // namespace

domain::Result<int> insert_missing_regions(Database& db, std::span<const RegionRow> regions,
                                           const WriteContext& context) {
  try {
    auto lease = db.acquire();
    soci::transaction tr(*lease);
    int inserted = 0;
    std::vector<ChangeRecord> changes;
    for (const RegionRow& r : regions) {
      int count = 0;
      *lease << kCountRegion, soci::use(r.code, "code"), soci::into(count);
      if (count > 0) continue;
      std::string parent = r.parent_code;
      soci::indicator parent_ind = r.parent_code.empty() ? soci::i_null : soci::i_ok;
      *lease << kInsertRegion, soci::use(r.code, "code"), soci::use(r.name, "name"),
          soci::use(parent, parent_ind, "parent_code"), soci::use(r.level, "level");
      const nlohmann::json row{
          {"code", r.code},
          {"name", r.name},
          {"parent_code", r.parent_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.parent_code)},
          {"level", r.level}};
      changes.push_back(ChangeRecord{"create", "region", r.code, nullptr, row});
      ++inserted;
    }
    // One change set for the regions loaded together (split past its bound, TRAIL.md §8.2).
    auto seq = append_change_set(*lease, context, changes);
    if (!seq) return std::unexpected(seq.error());  // rolls back: no region without its entry
    tr.commit();
    return inserted;
  } catch (...) {
    return std::unexpected(map_current_exception("inserting regions"));
  }
}

}  // namespace pactwatch::store
