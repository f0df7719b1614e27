#include "domain/breach_lifecycle.hpp"

#include <algorithm>
#include <array>

namespace pactwatch::domain {

namespace {

constexpr std::array<std::string_view, 11> kActionNames{
    "verify",       "dismiss",        "order_rectification", "file_explanation",  "mark_rectified",
    "record",       "file_objection", "decide_objection",    "decide_mitigation", "request_repair",
    "decide_repair"};

std::unexpected<Error> illegal(const Breach& b, BreachAction a) {
  std::string msg = std::string(to_string(a)) + " is not allowed in state " +
                    std::string(to_string(b.state)) + "; allowed: ";
  const auto allowed = allowed_actions(b);
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i) msg += ", ";
    msg += to_string(allowed[i]);
  }
  if (allowed.empty()) msg += "none";
  return fail(ErrorCode::illegal_transition, std::move(msg), "action");
}

/** The inputs every action needs, and the action's own. */
std::optional<Error> validate(const Breach& b, const Command& c) {
  if (c.actor.empty()) return Error::invalid("actor", "every transition names its actor");
  if (c.reason.empty()) return Error::invalid("reason", "every transition gives a reason");
  if (c.as_of < b.detected_on)
    return Error::invalid("as_of", "the action is dated before the breach was detected");
  switch (c.action) {
    case BreachAction::order_rectification:
      if (!c.deadline_working_days)
        return Error::invalid("deadline_working_days", "an order to rectify needs a deadline");
      if (*c.deadline_working_days <= 0)
        return Error::invalid("deadline_working_days", "the deadline must be at least 1 working day");
      break;
    case BreachAction::file_explanation:
      if (c.explanation.empty())
        return Error::invalid("explanation", "the written explanation (书面说明原因) is empty");
      break;
    case BreachAction::mark_rectified:
    case BreachAction::request_repair:
      if (c.evidence.empty()) return Error::invalid("evidence", "evidence of rectification is required");
      break;
    case BreachAction::decide_objection:
      if (c.decision != Decision::upheld && c.decision != Decision::rejected)
        return Error::invalid("decision", "an objection is decided upheld or rejected");
      break;
    case BreachAction::decide_repair:
      if (c.decision != Decision::granted && c.decision != Decision::denied)
        return Error::invalid("decision", "a repair request is decided granted or denied");
      break;
    case BreachAction::decide_mitigation:
      if (!c.mitigation) return Error::invalid("mitigation", "a mitigation decision is lighter or exempt");
      break;
    default:
      break;
  }
  return std::nullopt;
}

/** Preconditions that depend on the breach's dates; the state itself was checked before. */
std::optional<Error> check_timing(const Breach& b, const Command& c, const LifecyclePolicy& p) {
  switch (c.action) {
    case BreachAction::mark_rectified:
      if (!b.explanation_filed_on)
        return Error::invalid("explanation", "the written explanation has not been filed");
      if (b.rectification_deadline && c.as_of > *b.rectification_deadline)
        return Error::invalid(
            "as_of", "the rectification deadline " + format_date(*b.rectification_deadline) + " has passed");
      break;
    case BreachAction::record:
      if (b.state == BreachState::rectifying && !c.refused && b.rectification_deadline &&
          c.as_of <= *b.rectification_deadline) {
        return Error::invalid("as_of", "the rectification deadline " +
                                           format_date(*b.rectification_deadline) +
                                           " has not passed and no refusal was stated");
      }
      break;
    case BreachAction::decide_repair:
      if (c.decision == Decision::granted) {
        const std::optional<Date> earliest = earliest_repair(b, p);
        if (earliest && c.as_of < *earliest)
          return Error::invalid("as_of", "repair may be granted from " + format_date(*earliest));
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

/** Moves `b` as the (valid, allowed) command says. */
void transform(Breach& b, const Command& c, const WorkingCalendar& cal, std::string& note) {
  switch (c.action) {
    case BreachAction::verify:
      b.state = BreachState::verified;
      b.verified_on = c.as_of;
      break;
    case BreachAction::dismiss:
      b.state = BreachState::dismissed;
      b.dismissed_on = c.as_of;
      break;
    case BreachAction::order_rectification: {
      const WorkingDeadline d = cal.add_working_days(c.as_of, *c.deadline_working_days);
      b.state = BreachState::rectifying;
      b.rectification_ordered_on = c.as_of;
      b.rectification_deadline = d.date;
      b.explanation_required = true;
      note = d.note;
      break;
    }
    case BreachAction::file_explanation:
      b.explanation = c.explanation;
      b.explanation_filed_on = c.as_of;
      break;
    case BreachAction::mark_rectified:
      b.state = BreachState::rectified;
      b.rectified_on = c.as_of;
      b.repair_evidence = c.evidence;
      break;
    case BreachAction::record:
      b.state = BreachState::recorded;
      b.recorded_on = c.as_of;
      break;
    case BreachAction::file_objection:
      b.objection_from = b.state;
      b.state = BreachState::under_review;
      break;
    case BreachAction::decide_objection:
      if (c.decision == Decision::upheld) {
        b.state = BreachState::voided;
        b.voided_on = c.as_of;
      } else {
        b.state = *b.objection_from;
      }
      b.objection_from.reset();
      break;
    case BreachAction::decide_mitigation:
      b.mitigation = Mitigation{*c.mitigation, c.reason, c.actor, c.as_of};
      break;
    case BreachAction::request_repair:
      b.state = BreachState::repair_requested;
      b.repair_requested_on = c.as_of;
      b.repair_evidence = c.evidence;
      break;
    case BreachAction::decide_repair:
      if (c.decision == Decision::granted) {
        b.state = BreachState::repaired;
        b.repaired_on = c.as_of;
      } else {
        b.state = BreachState::recorded;
      }
      break;
  }
}

}  // namespace

std::string_view to_string(BreachAction a) {
  return kActionNames[static_cast<std::size_t>(a)];
}

Result<BreachAction> parse_breach_action(std::string_view text) {
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == text) return static_cast<BreachAction>(i);
  }
  return fail(ErrorCode::invalid, "unknown action '" + std::string(text) + "'", "action");
}

std::vector<BreachAction> allowed_actions(BreachState state) {
  using A = BreachAction;
  switch (state) {
    case BreachState::detected:
      return {A::verify, A::dismiss, A::file_objection};
    case BreachState::verified:
      return {A::order_rectification, A::record, A::file_objection, A::decide_mitigation};
    case BreachState::rectifying:
      return {A::file_explanation, A::mark_rectified, A::record, A::decide_mitigation};
    case BreachState::recorded:
      return {A::file_objection, A::decide_mitigation, A::request_repair};
    case BreachState::repair_requested:
      return {A::decide_repair};
    case BreachState::under_review:
      return {A::decide_objection};
    case BreachState::rectified:
    case BreachState::repaired:
    case BreachState::dismissed:
    case BreachState::voided:
      return {};
  }
  return {};
}

std::vector<BreachAction> allowed_actions(const Breach& breach) {
  std::vector<BreachAction> out = allowed_actions(breach.state);
  if (breach.state == BreachState::verified && breach.severity != Severity::severe) {
    std::erase(out, BreachAction::record);
  }
  return out;
}

Result<Transition> apply_command(const Breach& breach, const Command& command,
                                 const WorkingCalendar& calendar, const LifecyclePolicy& policy) {
  if (auto e = validate(breach, command)) return std::unexpected(*e);
  const auto allowed = allowed_actions(breach);
  if (std::find(allowed.begin(), allowed.end(), command.action) == allowed.end()) {
    return illegal(breach, command.action);
  }
  if (auto e = check_timing(breach, command, policy)) return std::unexpected(*e);
  Transition t{breach, {}};
  std::string note;
  transform(t.breach, command, calendar, note);
  t.change = BreachChange{command.action,
                          breach.state,
                          t.breach.state,
                          command.actor,
                          command.reason,
                          command.as_of,
                          changed_fields(breach, t.breach),
                          std::move(note)};
  return t;
}

std::vector<std::string> changed_fields(const Breach& a, const Breach& b) {
  std::vector<std::string> out;
  auto check = [&out](bool differs, const char* name) {
    if (differs) out.emplace_back(name);
  };
  check(a.severity != b.severity, "severity");
  check(a.performing_officials != b.performing_officials, "performing_officials");
  check(a.committing_official != b.committing_official, "committing_official");
  check(a.state != b.state, "state");
  check(a.objection_from != b.objection_from, "objection_from");
  check(a.verified_on != b.verified_on, "verified_on");
  check(a.dismissed_on != b.dismissed_on, "dismissed_on");
  check(a.rectification_ordered_on != b.rectification_ordered_on, "rectification_ordered_on");
  check(a.rectification_deadline != b.rectification_deadline, "rectification_deadline");
  check(a.explanation_required != b.explanation_required, "explanation_required");
  check(a.explanation_filed_on != b.explanation_filed_on, "explanation_filed_on");
  check(a.explanation != b.explanation, "explanation");
  check(a.rectified_on != b.rectified_on, "rectified_on");
  check(a.recorded_on != b.recorded_on, "recorded_on");
  check(a.repair_requested_on != b.repair_requested_on, "repair_requested_on");
  check(a.repair_evidence != b.repair_evidence, "repair_evidence");
  check(a.repaired_on != b.repaired_on, "repaired_on");
  check(a.voided_on != b.voided_on, "voided_on");
  check(a.mitigation != b.mitigation, "mitigation");
  return out;
}

Publication publication(const Breach& b, const LifecyclePolicy& p, Date as_of) {
  Publication out;
  if (!b.recorded_on) return out;
  out.from = b.recorded_on;
  out.until = add_days(*b.recorded_on, p.publication_for(b.severity) - 1);
  // Published while the record stands (an objection pending does not hide it) and the period runs.
  out.published = is_unrepaired_record(b) && *b.recorded_on <= as_of && as_of <= *out.until;
  return out;
}

std::optional<Date> earliest_repair(const Breach& b, const LifecyclePolicy& p) {
  if (!b.recorded_on) return std::nullopt;
  return add_days(*b.recorded_on, p.minimum_repair_for(b.severity));
}

}  // namespace pactwatch::domain
