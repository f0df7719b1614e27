#pragma once
// The broken-commitment rules BC01-BC10 and the warnings W01-W05 (DESIGN §3). Each rule is a pure
// function of one commitment's folded state, its facts, its agreement (and, for BC03, what the other
// commitments of the agreement say about delivery and acceptance) and `as_of`. The catalogue describes
// every rule for the API.
//
// Choices where the design is silent (documented here once):
// - Days late are counted from the (effective) due date; BC01/BC02/BC10 fire only once the grace days
//   have passed, i.e. on due + grace + 1. "Past 30 days" means days_late > 30.
// - BC01 vs BC02 is decided by what was performed by due + grace (nothing: BC01; some: BC02), so the key
//   of a finding does not change when a late payment arrives. A late performance stays a finding; its
//   days_late stop at the day it was completed.
// - BC03 is the specific rule for government payments to an organization: those commitments are not also
//   judged by BC01/BC02. BC06 and BC10 likewise replace BC01 for judgments and public pledges.
// - BC04 and BC05 judge the act (the unlawful change, the reneging); BC01 still judges the unpaid
//   obligation when its original due date passes, because neither act excuses it.
// - A fact that cites a turnover reason is BC05 only, not also BC04.

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/breach.hpp"
#include "domain/ledger.hpp"
#include "domain/policy.hpp"

namespace pactwatch::domain {

/** The description of one rule or warning, as the API serves it. */
struct RuleInfo {
  RuleCode code = RuleCode::BC01;
  std::string_view title_zh;
  std::string_view title_en;
  std::string_view legal_basis;
  std::string_view severity_policy;  ///< how severity is set, with the default thresholds
  std::uint8_t kinds = 0;            ///< bit (1 << AgreementKind) per agreement kind it applies to
  Date active_from{};
  std::optional<Date> active_to;
  bool warning = false;

  bool applies_to(AgreementKind k) const { return (kinds >> static_cast<int>(k)) & 1u; }
  bool active_on(Date d) const { return active_from <= d && (!active_to || d <= *active_to); }
};

/** Every rule and warning, BC01 first. */
std::span<const RuleInfo> rule_catalogue();
const RuleInfo& rule_info(RuleCode code);

/** What the agreement's other commitments say about the supplier's performance (for BC03). */
struct AgreementState {
  bool has_acceptance = false;          ///< payment waits for acceptance (条例 第十一条)
  std::optional<Date> accepted_on;      ///< last acceptance_passed of the agreement's commitments
  std::optional<Date> delivered_on;     ///< when the last counterparty delivery was completed
  bool all_delivered = true;            ///< every counterparty delivery commitment completed
  std::int64_t value_increase_fen = 0;  ///< for W03
};

/** Everything a rule may read about one commitment. */
struct RuleContext {
  const Commitment& commitment;
  const Agreement& agreement;
  const Organization* counterparty;  ///< nullptr for a pledge
  const CommitmentState& state;
  std::span<const std::uint32_t> effective;  ///< the commitment's effective facts, in order
  const std::vector<Fact>& facts;
  const AgreementState& agreement_state;
  const RulePolicy& policy;
  Date as_of;
};

/** Severity by days late and the amount at stake (BC01, BC02). */
Severity overdue_severity(int days_late, const std::optional<Money>& at_stake, const RulePolicy& p);
/** Severity of arrears (BC03). */
Severity arrears_severity(int days_late, const RulePolicy& p);

std::optional<Finding> check_bc01_overdue(const RuleContext& ctx);
std::optional<Finding> check_bc02_partial(const RuleContext& ctx);
std::optional<Finding> check_bc03_arrears(const RuleContext& ctx);
std::optional<Finding> check_bc04_unlawful_change(const RuleContext& ctx);
std::optional<Finding> check_bc05_turnover(const RuleContext& ctx);
std::optional<Finding> check_bc06_judgment(const RuleContext& ctx);
std::optional<Finding> check_bc07_acceptance_failed(const RuleContext& ctx);
std::optional<Finding> check_bc08_termination(const RuleContext& ctx);
std::optional<Finding> check_bc10_pledge(const RuleContext& ctx);

/**
 * BC09: for each obligor, the recorded breach (other than BC09) that brought the count of recorded
 * breaches within the trailing window to policy.repeat_count. Only breaches recorded on or before as_of
 * and within the window before as_of are reported; voided and dismissed ones never count.
 */
std::vector<Finding> check_bc09_repeat(std::span<const Breach> breaches, const RulePolicy& p, Date as_of);

/** W02 (extended twice or more) and W05 (SME payment term over 60 days). */
void check_commitment_warnings(const RuleContext& ctx, std::vector<Warning>& out);

/** The BC03 due date for a government payment, and whether it is the statutory (SME) one. */
struct ArrearsDue {
  Date due{};
  int tolerance_days = 0;  ///< grace for a contractual due date, none for the statutory one
  bool statutory = false;
};
/**
 * The earlier of the contractual due date (+ grace) and, for an SME supplier whose delivery or acceptance
 * is known, that day + the agreed term (30 days when none was agreed, at most 60).
 */
ArrearsDue arrears_due(const RuleContext& ctx);

}  // namespace pactwatch::domain
