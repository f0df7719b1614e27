#pragma once
// Consequences (守信激励与失信惩戒, seed 一(二)(三), DESIGN §4), computed from the breach records, never
// stored by hand: a body with an unrepaired recorded breach loses its honours eligibility (荣誉评选) and is
// listed for public criticism (公开通报批评); an official traced to one is restricted from 评优评先; the
// leaders of a body with a BC06 breach are not promoted (不予晋升、提拔). Each answer names its reasons.
//
// Mitigation (seed 一(四)) concerns officials: 免于惩戒 (exempt) lifts the official's restrictions for that
// breach, 从轻 (lighter) keeps them with a note; neither changes the body's record.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/breach.hpp"
#include "domain/model.hpp"

namespace pactwatch::domain {

/** An eligibility answer with its reasons. */
struct Eligibility {
  bool eligible = true;
  bool listed_for_criticism = false;  ///< bodies only
  std::vector<std::string> reasons;   ///< ids of the breaches that make it ineligible, sorted
  std::vector<std::string> notes;     ///< e.g. breaches set aside by an exemption
};

/** A body's eligibility for honours: no unrepaired recorded breach of which it is the obligor. */
Eligibility body_honours_eligibility(std::string_view body_id, std::span<const Breach> breaches, Date as_of);

/**
 * An official's 评优评先: no unrepaired recorded breach traced to them (performing or committing). BC07
 * (the supplier's deliverable failed acceptance) never restricts the purchasing officials.
 */
Eligibility official_merit_eligibility(std::string_view official_id, std::span<const Breach> breaches,
                                       Date as_of);

/**
 * Promotion (晋升、提拔): blocked while a body the official heads on `as_of`, or headed on the breach's
 * due date, has an unrepaired recorded BC06 breach.
 */
Eligibility promotion_eligibility(std::string_view official_id, std::span<const Official> officials,
                                  std::span<const Breach> breaches, Date as_of);

}  // namespace pactwatch::domain
