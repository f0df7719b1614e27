#include "domain/model.hpp"

#include <array>

#include "domain/breach.hpp"

namespace pactwatch::domain {

namespace {

template <std::size_t N, class E>
std::string_view name_of(const std::array<std::string_view, N>& names, E value) {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : std::string_view{"unknown"};
}

constexpr std::array<std::string_view, 15> kRuleCodes{"BC01", "BC02", "BC03", "BC04", "BC05",
                                                      "BC06", "BC07", "BC08", "BC09", "BC10",
                                                      "W01",  "W02",  "W03",  "W04",  "W05"};

}  // namespace

std::string_view to_string(AgreementKind k) {
  return name_of(std::array<std::string_view, 4>{"procurement", "ppp", "investment", "pledge"}, k);
}
std::string_view to_string(StageKind k) {
  return name_of(std::array<std::string_view, 5>{"preparation", "tendering", "procurement", "financing",
                                                 "implementation"},
                 k);
}
std::string_view to_string(ObligorSide s) {
  return name_of(std::array<std::string_view, 2>{"government", "counterparty"}, s);
}
std::string_view to_string(CommitmentKind k) {
  return name_of(std::array<std::string_view, 7>{"payment", "delivery", "acceptance", "milestone",
                                                 "policy_promise", "judgment", "pledge"},
                 k);
}
std::string_view to_string(FactKind k) {
  return name_of(std::array<std::string_view, 10>{"fulfilled", "acceptance_passed", "acceptance_failed",
                                                  "amended", "revoked", "refused", "not_performed",
                                                  "terminated", "judgment_issued", "judgment_fulfilled"},
                 k);
}
std::string_view to_string(ReasonCode r) {
  return name_of(
      std::array<std::string_view, 8>{"none", "government_turnover", "personnel_change", "restructuring",
                                      "public_interest", "legal_change", "force_majeure", "other"},
      r);
}
std::string_view to_string(Severity s) {
  return name_of(std::array<std::string_view, 4>{"minor", "general", "serious", "severe"}, s);
}
std::string_view to_string(RuleCode code) {
  return name_of(kRuleCodes, code);
}

Result<RuleCode> parse_rule_code(std::string_view text) {
  for (std::size_t i = 0; i < kRuleCodes.size(); ++i) {
    if (kRuleCodes[i] == text) return static_cast<RuleCode>(i);
  }
  return fail(ErrorCode::invalid, "unknown rule code '" + std::string(text) + "'", "rule");
}

std::string_view to_string(BreachState s) {
  return name_of(
      std::array<std::string_view, 10>{"detected", "verified", "rectifying", "rectified", "recorded",
                                       "repair_requested", "repaired", "dismissed", "under_review", "voided"},
      s);
}
std::string_view to_string(MitigationDecision d) {
  return name_of(std::array<std::string_view, 2>{"lighter", "exempt"}, d);
}

std::string Finding::key() const {
  std::string k(to_string(rule));
  k += '|';
  if (rule == RuleCode::BC09) {
    k += obligor_id;
    k += '|';
    k += breach_id;
  } else {
    k += commitment_id;
  }
  return k;
}

std::string Warning::key() const {
  std::string k(to_string(rule));
  k += '|';
  k += subject_id;
  return k;
}

Breach open_breach(const Finding& finding, std::string id, Date detected_on) {
  Breach b;
  b.id = std::move(id);
  b.key = finding.key();
  b.rule = finding.rule;
  b.severity = finding.severity;
  b.obligor_side = finding.obligor_side;
  b.obligor_id = finding.obligor_id;
  b.commitment_id = finding.commitment_id;
  b.agreement_id = finding.agreement_id;
  b.due = finding.due;
  b.occurred_on = finding.occurred_on;
  b.days_late = finding.days_late;
  b.committed = finding.committed;
  b.fulfilled = finding.fulfilled;
  b.shortfall = finding.shortfall;
  b.evidence = finding.evidence;
  b.summary = finding.summary;
  b.state = BreachState::detected;
  b.detected_on = detected_on;
  return b;
}

bool is_unrepaired_record(const Breach& b) {
  if (!b.recorded_on) return false;
  switch (b.state) {
    case BreachState::recorded:
    case BreachState::repair_requested:
      return true;
    case BreachState::under_review:
      return b.objection_from == BreachState::recorded;
    default:
      return false;
  }
}

}  // namespace pactwatch::domain
