#include "domain/consequences.hpp"

#include <algorithm>

#include "domain/responsibility.hpp"

namespace pactwatch::domain {

namespace {

bool counts_on(const Breach& b, Date as_of) {
  return is_unrepaired_record(b) && *b.recorded_on <= as_of;
}

bool traced_to(const Breach& b, std::string_view official) {
  return b.committing_official == official ||
         std::find(b.performing_officials.begin(), b.performing_officials.end(), official) !=
             b.performing_officials.end();
}

/** Adds `b` as a reason, unless an exemption sets it aside for the official. */
void add_official_reason(Eligibility& e, const Breach& b) {
  if (b.mitigation && b.mitigation->decision == MitigationDecision::exempt) {
    e.notes.push_back(b.id + ": 免于惩戒 (" + b.mitigation->reason + ")");
    return;
  }
  if (b.mitigation) e.notes.push_back(b.id + ": 从轻 (" + b.mitigation->reason + ")");
  e.reasons.push_back(b.id);
}

void finish(Eligibility& e) {
  std::sort(e.reasons.begin(), e.reasons.end());
  e.reasons.erase(std::unique(e.reasons.begin(), e.reasons.end()), e.reasons.end());
  std::sort(e.notes.begin(), e.notes.end());
  e.eligible = e.reasons.empty();
}

bool heads(const Official& o, std::string_view body, Date d) {
  return std::any_of(o.posts.begin(), o.posts.end(),
                     [&](const Post& p) { return p.head && p.body_id == body && p.covers(d); });
}

}  // namespace

Eligibility body_honours_eligibility(std::string_view body_id, std::span<const Breach> breaches, Date as_of) {
  Eligibility e;
  for (const Breach& b : breaches) {
    if (b.obligor_side == ObligorSide::government && b.obligor_id == body_id && counts_on(b, as_of)) {
      e.reasons.push_back(b.id);
    }
  }
  finish(e);
  e.listed_for_criticism = !e.eligible;
  return e;
}

Eligibility official_merit_eligibility(std::string_view official_id, std::span<const Breach> breaches,
                                       Date as_of) {
  Eligibility e;
  for (const Breach& b : breaches) {
    // BC07 is the supplier's failed deliverable: the purchasing officials traced to it found the failure
    // at acceptance, they did not break a promise.
    if (b.rule == RuleCode::BC07) continue;
    if (counts_on(b, as_of) && traced_to(b, official_id)) add_official_reason(e, b);
  }
  finish(e);
  return e;
}

Eligibility promotion_eligibility(std::string_view official_id, std::span<const Official> officials,
                                  std::span<const Breach> breaches, Date as_of) {
  Eligibility e;
  auto it = std::find_if(officials.begin(), officials.end(),
                         [&](const Official& o) { return o.id == official_id; });
  if (it == officials.end()) return e;
  for (const Breach& b : breaches) {
    if (b.rule != RuleCode::BC06 || b.obligor_side != ObligorSide::government || !counts_on(b, as_of))
      continue;
    if (heads(*it, b.obligor_id, as_of) || heads(*it, b.obligor_id, b.due)) add_official_reason(e, b);
  }
  finish(e);
  return e;
}

}  // namespace pactwatch::domain
