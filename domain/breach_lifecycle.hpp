#pragma once
// The breach lifecycle (DESIGN §4; seed 一(三)(四); 发改财金〔2023〕1103号): complaint or finding ->
// verification -> order to rectify -> rectified or recorded (认定失信) -> published for a period ->
// repaired; with objections (异议) and mitigation (从轻/免于惩戒) on the side. An explicit state machine:
// each Command either yields the new Breach and a description of the change for the trail, or is rejected
// (`invalid` naming the missing field, `illegal_transition` naming the allowed actions).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/breach.hpp"
#include "domain/calendar.hpp"
#include "domain/policy.hpp"
#include "domain/result.hpp"

namespace pactwatch::domain {

/** The actions of the workflow. */
enum class BreachAction : std::uint8_t {
  verify,               ///< detected -> verified (核实)
  dismiss,              ///< detected -> dismissed (not a breach)
  order_rectification,  ///< verified -> rectifying, deadline in working days (限期整改)
  file_explanation,     ///< rectifying: the written explanation (书面说明原因) arrives
  mark_rectified,       ///< rectifying -> rectified, on or before the deadline, explanation filed
  record,               ///< rectifying (deadline passed or refused) or verified (severe only) -> recorded
  file_objection,       ///< detected/verified/recorded -> under_review (异议)
  decide_objection,     ///< under_review -> voided (upheld) or back where it came from (rejected)
  decide_mitigation,    ///< verified/rectifying/recorded: 从轻 or 免于惩戒, kept on the breach
  request_repair,       ///< recorded -> repair_requested, with evidence of rectification (信用修复)
  decide_repair,        ///< repair_requested -> repaired (granted, after the minimum period) or recorded
};
std::string_view to_string(BreachAction a);
Result<BreachAction> parse_breach_action(std::string_view text);

/** The outcome of an objection or a repair request. */
enum class Decision : std::uint8_t { upheld, rejected, granted, denied };

/** One step of the workflow, as a supervisor asks for it. */
struct Command {
  BreachAction action = BreachAction::verify;
  std::string actor;   ///< required: who acts
  std::string reason;  ///< required: why
  Date as_of{};        ///< the day of the action
  /// order_rectification: required, > 0. (The API proposes
  /// LifecyclePolicy::default_rectification_working_days.)
  std::optional<int> deadline_working_days;
  std::optional<Decision> decision;              ///< decide_objection, decide_repair
  std::optional<MitigationDecision> mitigation;  ///< decide_mitigation
  std::string explanation;                       ///< file_explanation
  std::string evidence;                          ///< mark_rectified, request_repair
  bool refused = false;                          ///< record: the obligor refused to rectify (拒不整改)
};

/** What a transition changed, for the accountability trail. */
struct BreachChange {
  BreachAction action = BreachAction::verify;
  BreachState from = BreachState::detected;
  BreachState to = BreachState::detected;
  std::string actor;
  std::string reason;
  Date as_of{};
  std::vector<std::string> fields_changed;  ///< names of the Breach fields whose value changed
  std::string note;                         ///< e.g. the calendar fell back to Mon-Fri
};

/** The breach after a transition and the change that got it there. */
struct Transition {
  Breach breach;
  BreachChange change;
};

/** Every action that can apply in a state, whatever the breach. */
std::vector<BreachAction> allowed_actions(BreachState state);
/** The actions this breach allows now: as above, but `record` from verified only for a severe breach. */
std::vector<BreachAction> allowed_actions(const Breach& breach);

/** Applies one command. The input breach is not modified. */
Result<Transition> apply_command(const Breach& breach, const Command& command,
                                 const WorkingCalendar& calendar, const LifecyclePolicy& policy);

/** The names of the fields that differ between two versions of a breach. */
std::vector<std::string> changed_fields(const Breach& before, const Breach& after);

/** Publication of a recorded breach: derived from recorded date, severity and as_of, never stored. */
struct Publication {
  bool published = false;
  std::optional<Date> from;
  std::optional<Date> until;  ///< last day of the publication period
};
Publication publication(const Breach& breach, const LifecyclePolicy& policy, Date as_of);

/** The first day a repair may be granted; nullopt when the breach was never recorded. */
std::optional<Date> earliest_repair(const Breach& breach, const LifecyclePolicy& policy);

}  // namespace pactwatch::domain
