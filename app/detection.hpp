#pragma once
// Use case: detection. Runs every rule over the ledger as of a date and opens a breach for each finding
// not on file. The HTTP routes, the fact hook, `pactwatch detect`, the daily scheduler and the detection
// after a sync batch all call detect(); they differ only in the port they pass (which transaction the
// breaches are opened in, and what else commits with them).

#include <map>
#include <string>
#include <vector>

#include "domain/breach.hpp"
#include "domain/calendar.hpp"
#include "domain/ledger.hpp"
#include "domain/policy.hpp"
#include "domain/ports.hpp"
#include "domain/responsibility.hpp"
#include "domain/result.hpp"

namespace pactwatch::app {

/** What detection reads: the (sub-)ledger, and the bodies and officials to trace responsibility with. */
struct DetectionSlice {
  domain::Ledger ledger;
  std::vector<domain::Body> bodies;
  std::vector<domain::Official> officials;
};

/** A breach on file, with the government body it concerns. */
struct KnownBreach {
  domain::Breach breach;
  std::string body_id;
};

/** A finding to open as a breach, with where it belongs and who answers for it. */
struct FindingToOpen {
  domain::Finding finding;
  std::string body_id;
  std::string region;  ///< empty: a body of unknown region (visible to unscoped users only)
  domain::Responsibility responsible;
  bool traced = false;  ///< false for an obligor finding (BC09): no commitment to trace from
};

/** The port detection reads and writes through (server/ implements it on the store). */
class DetectionPort {
 public:
  virtual ~DetectionPort() = default;
  /**
   * With `commitments`, only the part of the ledger their findings depend on; otherwise the whole scope with
   * every body and official.
   */
  virtual domain::Result<DetectionSlice> load(const domain::Scope& scope,
                                              const std::vector<std::string>* commitments) = 0;
  /** The breaches on file in scope (with `commitments`: about those commitments only). */
  virtual domain::Result<std::vector<KnownBreach>> breaches(const domain::Scope& scope,
                                                            const std::vector<std::string>* commitments) = 0;
  /**
   * Opens `findings` as `detected` breaches in one transaction (called even when there is none, so that what
   * must commit with them does) and returns the ones opened; a finding whose key is on file opens nothing.
   */
  virtual domain::Result<std::vector<domain::Breach>> open(const std::vector<FindingToOpen>& findings,
                                                           domain::Date detected_on) = 0;
};

/** What one detection run found and opened. */
struct DetectionSummary {
  domain::Date as_of{};
  int findings = 0;  ///< findings as of the date (new or already on file)
  int opened = 0;    ///< breaches opened by this run
  int warnings = 0;
  std::map<std::string, int> by_rule, by_severity;          ///< over all findings
  std::map<std::string, int> new_by_rule, new_by_severity;  ///< over the opened breaches
  std::vector<std::string> opened_ids;
};

/**
 * Runs every rule over the ledger in `scope` as of `as_of` and opens a `detected` breach (with its
 * trace-back officials) for each finding not on file. `commitments`, when given, restricts what is opened,
 * and what the summary counts (findings; warnings whose subject is one of them), to findings about those
 * commitments (the fact hook, a sync batch); only the part of the ledger they depend on is read.
 */
domain::Result<DetectionSummary> detect(DetectionPort& port, const domain::WorkingCalendar& calendar,
                                        const domain::RulePolicy& rules, const domain::Scope& scope,
                                        domain::Date as_of,
                                        const std::vector<std::string>* commitments = nullptr);

}  // namespace pactwatch::app
