#pragma once
// Use case: a complaint (投诉举报) becomes a candidate finding that a supervisor verifies.

#include "domain/breach.hpp"
#include "domain/model.hpp"

namespace pactwatch::app {

/**
 * The candidate finding of a complaint about `agreement` and, when the complainant named one, `commitment`
 * (nullptr: none). A candidate, not a finding: the rule is the general one for the kind of agreement (BC10
 * for a public pledge, BC01 otherwise) and the severity starts at minor. Without a commitment the obligor
 * is the government body of the agreement and the dates are `today`.
 */
domain::Finding complaint_finding(const domain::Agreement& agreement, const domain::Commitment* commitment,
                                  domain::Date today);

}  // namespace pactwatch::app
