#pragma once
// Findings of the broken-commitment rules and the breach records (失信违约记录) they open. A Finding is
// what a rule says today; a Breach is the record that then goes through its legal lifecycle
// (domain/breach_lifecycle.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"

namespace pactwatch::domain {

/** The codes of the rules (BC01-BC10) and warnings (W01-W05) of DESIGN §3. */
enum class RuleCode : std::uint8_t {
  BC01,
  BC02,
  BC03,
  BC04,
  BC05,
  BC06,
  BC07,
  BC08,
  BC09,
  BC10,
  W01,
  W02,
  W03,
  W04,
  W05,
};

/** "BC01" ... "W05". */
std::string_view to_string(RuleCode code);
/** The inverse of to_string; an `invalid` error for an unknown code. */
Result<RuleCode> parse_rule_code(std::string_view text);

/** What a rule found about one commitment (BC09: one obligor) as of a date. */
struct Finding {
  RuleCode rule = RuleCode::BC01;
  Severity severity = Severity::minor;
  ObligorSide obligor_side = ObligorSide::government;
  std::string obligor_id;
  std::string commitment_id;  ///< BC09: empty
  std::string agreement_id;   ///< BC09: empty
  std::string breach_id;      ///< BC09: the recorded breach that reached the count; else empty
  Date due{};                 ///< the (effective) due date the rule measured against
  Date occurred_on{};         ///< the day the commitment became broken
  int days_late = 0;          ///< days past `due` (until fulfilment, or until as_of while open)
  std::optional<Money> committed;
  std::optional<Money> fulfilled;
  std::optional<Money> shortfall;
  std::vector<std::string> evidence;  ///< fact ids (BC09: breach ids), sorted
  std::string summary;

  /** The idempotency key: "BC01|<commitment>", BC09 "BC09|<obligor>|<breach>". */
  std::string key() const;
  friend bool operator==(const Finding&, const Finding&) = default;
};

/** A warning (监测预警): not a breach, a heads-up before one. */
struct Warning {
  RuleCode rule = RuleCode::W01;
  std::string subject_id;  ///< W01/W02/W05: commitment; W03: agreement; W04: breach
  std::string agreement_id;
  Date date{};  ///< the date warned about (due date, deadline) or the signing date (W03, W05)
  std::string summary;

  std::string key() const;
  friend bool operator==(const Warning&, const Warning&) = default;
};

/** The lifecycle states of DESIGN §4. */
enum class BreachState : std::uint8_t {
  detected,
  verified,
  rectifying,
  rectified,
  recorded,
  repair_requested,
  repaired,
  dismissed,
  under_review,
  voided,
};
std::string_view to_string(BreachState s);

/** 从轻 (lighter measures) or 免于惩戒 (exempt) when the official recovered the loss on their own initiative.
 */
enum class MitigationDecision : std::uint8_t { lighter, exempt };
std::string_view to_string(MitigationDecision d);

/** A mitigation decision kept on the breach (seed 一(四)). */
struct Mitigation {
  MitigationDecision decision = MitigationDecision::lighter;
  std::string reason;
  std::string actor;
  Date decided_on{};
  friend bool operator==(const Mitigation&, const Mitigation&) = default;
};

/** A breach record (失信违约记录): a finding plus its lifecycle. */
struct Breach {
  std::string id;
  std::string key;  ///< Finding::key() of the finding that opened it; empty for a complaint
  RuleCode rule = RuleCode::BC01;
  Severity severity = Severity::minor;
  ObligorSide obligor_side = ObligorSide::government;
  std::string obligor_id;
  std::string commitment_id;
  std::string agreement_id;
  Date due{};
  Date occurred_on{};
  int days_late = 0;
  std::optional<Money> committed;
  std::optional<Money> fulfilled;
  std::optional<Money> shortfall;
  std::vector<std::string> evidence;
  std::string summary;
  std::vector<std::string> performing_officials;  ///< from trace-back (domain/responsibility.hpp)
  std::string committing_official;

  BreachState state = BreachState::detected;
  std::optional<BreachState> objection_from;  ///< where an objection came from, while under review
  Date detected_on{};
  std::optional<Date> verified_on;
  std::optional<Date> dismissed_on;
  std::optional<Date> rectification_ordered_on;
  std::optional<Date> rectification_deadline;
  bool explanation_required = false;  ///< 书面说明原因: required by every order to rectify
  std::optional<Date> explanation_filed_on;
  std::string explanation;
  std::optional<Date> rectified_on;
  std::optional<Date> recorded_on;
  std::optional<Date> repair_requested_on;
  std::string repair_evidence;
  std::optional<Date> repaired_on;
  std::optional<Date> voided_on;
  std::optional<Mitigation> mitigation;

  friend bool operator==(const Breach&, const Breach&) = default;
};

/** Opens a breach record in state `detected` from a finding. */
Breach open_breach(const Finding& finding, std::string id, Date detected_on);

/** True while a recorded breach counts against its obligor: recorded and neither repaired nor voided. */
bool is_unrepaired_record(const Breach& b);

}  // namespace pactwatch::domain
