#pragma once
// The government integrity index (政务诚信评价, seed 一(三) 二(一)(三), DESIGN §5), per body and per
// region, over a trailing window as of a date:
//   score = kept_rate_weight * (100 * kept-promise rate) + penalty_weight * max(0, 100 - penalty points)
// The kept-promise rate is the share of government-side commitments whose effective due date falls in
// the window and that were performed (or lawfully ended) by due + grace; commitments still within their
// grace are not counted yet. With none due there is no rate and so no score ("no data": `score` absent,
// not ranked), though penalty points and their breaches are still given. Penalty points come from every
// breach that is an unrepaired record on the date (a standing record weighs until repaired, however old).
// A region pools the counts of the bodies within it and takes the mean penalty per body, so large and
// small counties rank fairly. A region that contains another requested region (the prefecture and its
// counties) is not ranked among them: it is given apart, as their total.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/breach.hpp"
#include "domain/ledger.hpp"
#include "domain/policy.hpp"

namespace pactwatch::domain {

/** The index of one body or region. */
struct IntegrityScore {
  std::string subject_id;  ///< body id or region code
  int due = 0;
  int kept = 0;
  std::optional<double> kept_rate;  ///< absent when nothing was due
  double penalty_points = 0;
  std::optional<double> score;  ///< exact; absent when nothing was due ("no data")
  int rank = 0;                 ///< 1 = best among its list, ties broken by subject id; 0 without a score
  std::vector<std::string> breaches;  ///< the unrepaired records behind the penalty points, sorted
};

/** Bodies and the requested regions, each list ranked (scored ones first, then the unscored by id). */
struct IntegrityReport {
  Date as_of{};
  std::vector<IntegrityScore> bodies;
  std::vector<IntegrityScore> regions;
  std::vector<IntegrityScore> enclosing;  ///< requested regions containing another one: not ranked
};

/** A score or penalty as answered: rounded half away from zero to one decimal (computed exactly before). */
double one_decimal(double value);

/** True when `b` is a recorded breach not yet repaired or voided on `as_of` (judged by its dates). */
bool unrepaired_on(const Breach& b, Date as_of);

/**
 * The index as of a date. `regions` are GB/T 2260 codes (e.g. the counties to rank); a body belongs to
 * each region whose code contains the body's region.
 */
IntegrityReport integrity_index(std::span<const Body> bodies, const Ledger& ledger,
                                std::span<const Breach> breaches, std::span<const std::string> regions,
                                const EvaluationPolicy& policy, Date as_of);

/** The index at the end of each of the `months` months up to as_of (the last point is as_of itself). */
std::vector<IntegrityReport> integrity_series(std::span<const Body> bodies, const Ledger& ledger,
                                              std::span<const Breach> breaches,
                                              std::span<const std::string> regions,
                                              const EvaluationPolicy& policy, Date as_of, int months);

}  // namespace pactwatch::domain
