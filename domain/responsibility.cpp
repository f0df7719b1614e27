#include "domain/responsibility.hpp"

#include <algorithm>

namespace pactwatch::domain {

namespace {

void sort_unique(std::vector<ResponsibleOfficial>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.official_id < b.official_id; });
  v.erase(std::unique(v.begin(), v.end(),
                      [](const auto& a, const auto& b) { return a.official_id == b.official_id; }),
          v.end());
}

}  // namespace

std::vector<std::string> heads_of(std::string_view body_id, std::span<const Official> officials, Date d) {
  std::vector<std::string> out;
  for (const Official& o : officials) {
    for (const Post& p : o.posts) {
      if (p.head && p.body_id == body_id && p.covers(d)) {
        out.push_back(o.id);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Responsibility trace_responsibility(const Commitment& c, const Agreement& agreement,
                                    std::span<const Official> officials, Date due) {
  Responsibility r;
  for (const Stage& stage : agreement.stages) {
    if (c.stage && stage.kind != *c.stage) continue;
    for (const Assignment& a : stage.assignments) {
      if (a.covers(due))
        r.performing.push_back({a.official_id, ResponsibilityBasis::stage_assignment, a.role});
    }
  }
  if (r.performing.empty()) {
    const std::string& body = c.obligor_side == ObligorSide::government ? c.obligor_id : agreement.body_id;
    for (const Official& o : officials) {
      for (const Post& p : o.posts) {
        if (p.head && p.body_id == body && p.covers(due)) {
          r.performing.push_back({o.id, ResponsibilityBasis::body_head, p.title});
          break;
        }
      }
    }
  }
  if (!c.committing_official_id.empty()) {
    r.committing.push_back({c.committing_official_id, ResponsibilityBasis::committed, "committed"});
  }
  sort_unique(r.performing);
  return r;
}

}  // namespace pactwatch::domain
