#pragma once
// Detection (DESIGN §3): runs every rule over the ledger as of a date. Deterministic, independent of the
// order of the facts, and idempotent: findings are keyed (Finding::key) and `new_findings` leaves out the
// ones an existing breach already carries, so a second run opens nothing new.

#include <span>
#include <vector>

#include "domain/breach.hpp"
#include "domain/calendar.hpp"
#include "domain/ledger.hpp"
#include "domain/policy.hpp"

namespace pactwatch::domain {

/** What a run found, each list sorted by key. */
struct DetectionResult {
  std::vector<Finding> findings;
  std::vector<Warning> warnings;
};

/**
 * Runs BC01-BC10 and W01-W05. `breaches` are the breach records on file: BC09 counts the recorded ones,
 * W04 watches the rectification deadlines. Facts dated after `as_of` are not yet known and ignored.
 */
DetectionResult detect_breaches(const Ledger& ledger, std::span<const Breach> breaches,
                                const WorkingCalendar& calendar, const RulePolicy& policy, Date as_of);

/** The findings whose key no breach in `existing` carries: what a run should open. */
std::vector<Finding> new_findings(std::span<const Finding> findings, std::span<const Breach> existing);

}  // namespace pactwatch::domain
