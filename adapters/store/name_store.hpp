#pragma once
// Names for ids (issue 14, "names, not ids"): the bodies, organizations (with their credit codes),
// officials, regions, agreements and commitments a page of answers refers to, read in one batched query
// per page (a UNION ALL over the tables, ids bound), never one lookup per row.

#include <map>
#include <set>
#include <string>

#include "adapters/store/database.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/** The ids a page needs names for, by kind. */
struct NameRequest {
  std::set<std::string> bodies, organizations, officials, regions, agreements, commitments;

  /** An obligor: a body on the government side, else an organization. */
  void obligor(bool government, const std::string& id) { (government ? bodies : organizations).insert(id); }
};

/** What a NameRequest found; an id on no record has no entry. */
struct Names {
  std::map<std::string, std::string, std::less<>> bodies, organizations, officials, regions, agreements,
      commitments;
  std::map<std::string, std::string, std::less<>> credit_codes;  ///< organization id -> 统一社会信用代码

  /** The name in `kind`'s map, or empty when none is on file. */
  static const std::string& in(const std::map<std::string, std::string, std::less<>>& kind,
                               std::string_view id);
  const std::string& obligor(bool government, std::string_view id) const {
    return in(government ? bodies : organizations, id);
  }
};

/** Reads names. Thread-safe: each call borrows its own session. */
class NameStore {
 public:
  explicit NameStore(Database& database) : database_(database) {}
  /** Every name asked for, in as few statements as the placeholders allow (500 per statement). */
  domain::Result<Names> names(const NameRequest& request);

 private:
  Database& database_;
};

}  // namespace pactwatch::store
