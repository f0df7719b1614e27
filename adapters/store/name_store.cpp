#include "adapters/store/name_store.hpp"

#include <soci/soci.h>

#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/store/guarded.hpp"

namespace pactwatch::store {

namespace {

/** One branch of the UNION: its kind letter, the SELECT before the id list, and the ids asked. */
struct Branch {
  char kind;
  std::string_view select;  ///< "SELECT 'b', id, name, '' FROM bodies WHERE id IN "
  const std::set<std::string>* ids;
};

// The same text on both backends: a kind letter, the id, the display name and the credit code (if any).
constexpr std::string_view kBodies = "SELECT 'b', id, name, '' FROM bodies WHERE id IN ";
constexpr std::string_view kOrganizations =
    "SELECT 'o', id, name, COALESCE(credit_code, '') FROM organizations WHERE id IN ";
constexpr std::string_view kOfficials = "SELECT 'f', id, name, '' FROM officials WHERE id IN ";
constexpr std::string_view kRegions = "SELECT 'r', code, name, '' FROM regions WHERE code IN ";
constexpr std::string_view kAgreements = "SELECT 'a', id, title, '' FROM agreements WHERE id IN ";
constexpr std::string_view kCommitments = "SELECT 'c', id, title, '' FROM commitments WHERE id IN ";
constexpr std::size_t kPlaceholders = 500;  // per statement, well below every backend's limit

std::map<std::string, std::string, std::less<>>& target(Names& names, char kind) {
  switch (kind) {
    case 'b':
      return names.bodies;
    case 'o':
      return names.organizations;
    case 'f':
      return names.officials;
    case 'r':
      return names.regions;
    case 'a':
      return names.agreements;
    default:
      return names.commitments;
  }
}

/** Runs one UNION ALL statement over `parts` (each a branch and the ids of it this statement asks). */
void run(soci::session& sql,
         const std::vector<std::pair<const Branch*, std::vector<const std::string*>>>& parts, Names& out) {
  std::string text;
  int n = 0;
  for (const auto& [branch, ids] : parts) {
    if (!text.empty()) text += " UNION ALL ";
    text += branch->select;
    text += '(';
    for (std::size_t i = 0; i < ids.size(); ++i)
      text += (i ? ", :n" : ":n") + std::to_string(n++);
    text += ')';
  }
  std::string kind, id, name, code;
  soci::statement st(sql);
  st.alloc();
  st.prepare(text);
  n = 0;
  for (const auto& part : parts)
    for (const std::string* value : part.second)
      st.exchange(soci::use(*value, "n" + std::to_string(n++)));
  st.exchange(soci::into(kind));
  st.exchange(soci::into(id));
  st.exchange(soci::into(name));
  st.exchange(soci::into(code));
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    if (kind.empty()) continue;
    target(out, kind[0])[id] = name;
    if (kind[0] == 'o' && !code.empty()) out.credit_codes[id] = code;
  }
}

}  // namespace

const std::string& Names::in(const std::map<std::string, std::string, std::less<>>& kind,
                             std::string_view id) {
  static const std::string kNone;
  auto it = kind.find(id);
  return it == kind.end() ? kNone : it->second;
}

domain::Result<Names> NameStore::names(const NameRequest& request) {
  const std::array<Branch, 6> branches{{{'b', kBodies, &request.bodies},
                                        {'o', kOrganizations, &request.organizations},
                                        {'f', kOfficials, &request.officials},
                                        {'r', kRegions, &request.regions},
                                        {'a', kAgreements, &request.agreements},
                                        {'c', kCommitments, &request.commitments}}};
  return guarded(database_, "reading names", [&](soci::session& sql) -> domain::Result<Names> {
    Names out;
    std::vector<std::pair<const Branch*, std::vector<const std::string*>>> parts;
    std::size_t used = 0;
    for (const Branch& branch : branches) {
      for (const std::string& id : *branch.ids) {
        if (id.empty()) continue;
        if (used == kPlaceholders) {
          run(sql, parts, out);
          parts.clear();
          used = 0;
        }
        if (parts.empty() || parts.back().first != &branch) parts.push_back({&branch, {}});
        parts.back().second.push_back(&id);
        ++used;
      }
    }
    if (!parts.empty()) run(sql, parts, out);
    return out;
  });
}

}  // namespace pactwatch::store
