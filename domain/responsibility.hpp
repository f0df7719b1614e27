#pragma once
// Responsibility trace-back (项目责任回溯, seed 三(二), DESIGN §4): who answers for a broken commitment.
// `performing`: the assignees of the commitment's stage whose tenure covers the due date, or, when none
// does, the head (主要负责人) of the obligor body on that date. `committing`: who made the commitment.
// Officials who have since moved stay responsible: tenure is judged on the due date, not today.

#include <span>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace pactwatch::domain {

/** How an official came to be responsible. */
enum class ResponsibilityBasis : std::uint8_t { stage_assignment, body_head, committed };

/** One responsible official. */
struct ResponsibleOfficial {
  std::string official_id;
  ResponsibilityBasis basis = ResponsibilityBasis::stage_assignment;
  std::string role;  ///< the assignment role or the post title
  friend bool operator==(const ResponsibleOfficial&, const ResponsibleOfficial&) = default;
};

/** The answer of a trace-back, each list sorted by official id and free of duplicates. */
struct Responsibility {
  std::vector<ResponsibleOfficial> performing;
  std::vector<ResponsibleOfficial> committing;
};

/**
 * Traces commitment `c` of `agreement` due on `due` (the breach's due date). A commitment without a stage
 * looks at every stage of the agreement. For a counterparty-side commitment the government body is the
 * agreement's body. `officials` are searched for head posts.
 */
Responsibility trace_responsibility(const Commitment& c, const Agreement& agreement,
                                    std::span<const Official> officials, Date due);

/** The heads (主要负责人) of `body_id` on day `d`, sorted. */
std::vector<std::string> heads_of(std::string_view body_id, std::span<const Official> officials, Date d);

}  // namespace pactwatch::domain
