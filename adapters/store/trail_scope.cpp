// Region membership of trail entities (trail_scope.hpp).
#include "adapters/store/trail_scope.hpp"

#include <soci/soci.h>

#include <map>
#include <string_view>

#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_store.hpp"

namespace pactwatch::store {

namespace {

/** One statement per type: a row when entity :id lies within :scope (a region_like pattern). */
const std::map<std::string, std::string_view, std::less<>>& membership_sql() {
  static const std::map<std::string, std::string_view, std::less<>> sql{
      {"region", "SELECT 1 FROM regions WHERE code = :id AND code LIKE :scope"},
      {"body", "SELECT 1 FROM bodies WHERE id = :id AND region LIKE :scope"},
      {"breach", "SELECT 1 FROM breaches WHERE id = :id AND region LIKE :scope"},
      {"agreement",
       "SELECT 1 FROM agreements a JOIN bodies b ON b.id = a.body_id WHERE a.id = :id AND b.region LIKE "
       ":scope"},
      {"commitment",
       "SELECT 1 FROM commitments c JOIN agreements a ON a.id = c.agreement_id JOIN bodies b ON b.id = "
       "a.body_id"
       " WHERE c.id = :id AND b.region LIKE :scope"},
      {"fact",
       "SELECT 1 FROM facts f JOIN commitments c ON c.id = f.commitment_id JOIN agreements a"
       " ON a.id = c.agreement_id JOIN bodies b ON b.id = a.body_id WHERE f.id = :id AND b.region LIKE "
       ":scope"},
      {"official",
       "SELECT 1 FROM posts p JOIN bodies b ON b.id = p.body_id WHERE p.official_id = :id"
       " AND b.region LIKE :scope LIMIT 1"},
      {"organization",
       "SELECT 1 FROM agreements a JOIN bodies b ON b.id = a.body_id WHERE b.region LIKE :scope"
       " AND (a.counterparty_id = :id OR EXISTS (SELECT 1 FROM commitments c WHERE c.agreement_id = a.id"
       " AND c.obligor_id = :id2)) LIMIT 1"},
  };
  return sql;
}

}  // namespace

domain::Result<std::vector<bool>> entities_in_region(Database& database,
                                                     const std::vector<trail::EntityRef>& entities,
                                                     const std::string& region) {
  return guarded(database, "deciding the region of trail entities",
                 [&](soci::session& sql) -> domain::Result<std::vector<bool>> {
                   const std::string scope = region_like(region);
                   std::vector<bool> out;
                   out.reserve(entities.size());
                   for (const auto& e : entities) {
                     const auto text = membership_sql().find(e.type);
                     if (region.empty() || text == membership_sql().end()) {
                       out.push_back(false);
                       continue;
                     }
                     int found = 0;
                     soci::indicator ind = soci::i_null;
                     if (e.type == "organization") {
                       sql << std::string(text->second), soci::use(scope, "scope"), soci::use(e.id, "id"),
                           soci::use(e.id, "id2"), soci::into(found, ind);
                     } else {
                       sql << std::string(text->second), soci::use(e.id, "id"), soci::use(scope, "scope"),
                           soci::into(found, ind);
                     }
                     out.push_back(sql.got_data() && ind == soci::i_ok);
                   }
                   return out;
                 });
}

}  // namespace pactwatch::store
