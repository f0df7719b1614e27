#include "domain/detection.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <unordered_set>

#include "domain/rules.hpp"

namespace pactwatch::domain {

namespace {

using Check = std::optional<Finding> (*)(const RuleContext&);

constexpr std::array<Check, 9> kCommitmentRules{
    check_bc01_overdue,           check_bc02_partial,     check_bc03_arrears,
    check_bc04_unlawful_change,   check_bc05_turnover,    check_bc06_judgment,
    check_bc07_acceptance_failed, check_bc08_termination, check_bc10_pledge,
};
constexpr std::array<RuleCode, 9> kCommitmentRuleCodes{RuleCode::BC01, RuleCode::BC02, RuleCode::BC03,
                                                       RuleCode::BC04, RuleCode::BC05, RuleCode::BC06,
                                                       RuleCode::BC07, RuleCode::BC08, RuleCode::BC10};

const Organization* counterparty_of(const Ledger& l, std::uint32_t agreement) {
  const std::uint32_t o = l.agreement_counterparty[agreement];
  return o == kNoIndex ? nullptr : &l.organizations[o];
}

/** First pass: delivery and acceptance per agreement, which BC03 measures payment terms from. */
std::vector<AgreementState> agreement_states(const Ledger& l, const FactIndex& ix, Date as_of,
                                             std::vector<std::uint32_t>& scratch) {
  std::vector<AgreementState> out(l.agreements.size());
  const RuleInfo& bc03 = rule_info(RuleCode::BC03);
  for (std::uint32_t i = 0; i < l.commitments.size(); ++i) {
    const Commitment& c = l.commitments[i];
    const std::uint32_t ai = l.commitment_agreement[i];
    if (c.kind != CommitmentKind::delivery && c.kind != CommitmentKind::acceptance) continue;
    if (!bc03.applies_to(l.agreements[ai].kind)) continue;
    const CommitmentState s = evaluate_commitment(c, ix.of(i), l.facts, as_of, scratch);
    AgreementState& a = out[ai];
    if (c.kind == CommitmentKind::acceptance || s.accepted_on || s.acceptance_failed_on)
      a.has_acceptance = true;
    if (s.accepted_on && (!a.accepted_on || *a.accepted_on < *s.accepted_on)) a.accepted_on = s.accepted_on;
    if (c.kind == CommitmentKind::delivery && c.obligor_side == ObligorSide::counterparty) {
      if (!s.completed_on) {
        a.all_delivered = false;
      } else if (!a.delivered_on || *a.delivered_on < *s.completed_on) {
        a.delivered_on = s.completed_on;
      }
    }
  }
  return out;
}

void warn_due_soon(const RuleContext& ctx, Date limit, std::vector<Warning>& out) {
  const CommitmentState& s = ctx.state;
  if (s.completed_on || s.excused_on || s.effective_due < ctx.as_of || s.effective_due > limit) return;
  out.push_back(Warning{RuleCode::W01, ctx.commitment.id, ctx.agreement.id, s.effective_due,
                        "W01 due on " + format_date(s.effective_due)});
}

void warn_value_increase(const Ledger& l, const std::vector<AgreementState>& states, const RulePolicy& p,
                         std::vector<Warning>& out) {
  for (std::size_t i = 0; i < l.agreements.size(); ++i) {
    const Agreement& a = l.agreements[i];
    const std::int64_t up = states[i].value_increase_fen;
    // An agreement whose value was never stated has no base to compare an increase with.
    if (up <= 0 || !a.value || a.value->fen <= 0) continue;
    if (saturating_mul_fen(up, 100) > saturating_mul_fen(a.value->fen, p.value_increase_warning_percent)) {
      out.push_back(Warning{RuleCode::W03, a.id, a.id, a.signed_on,
                            "W03 amendments raised the value by " +
                                Money{up, a.value->currency}.to_decimal() + " of " + a.value->to_decimal()});
    }
  }
}

void warn_rectification(std::span<const Breach> breaches, const WorkingCalendar& cal, const RulePolicy& p,
                        Date as_of, std::vector<Warning>& out) {
  const Date limit = cal.add_working_days(as_of, p.rectification_warning_working_days).date;
  for (const Breach& b : breaches) {
    if (b.state != BreachState::rectifying || !b.rectification_deadline) continue;
    const Date d = *b.rectification_deadline;
    if (d < as_of || d > limit) continue;
    out.push_back(
        Warning{RuleCode::W04, b.id, b.agreement_id, d, "W04 rectification deadline " + format_date(d)});
  }
}

}  // namespace

std::vector<Finding> check_bc09_repeat(std::span<const Breach> breaches, const RulePolicy& p, Date as_of) {
  // Per obligor, recorded breaches in (recorded_on, id) order; a breach "reaches the count" when the
  // window ending on its recording day holds exactly repeat_count of them.
  std::map<std::string_view, std::vector<const Breach*>> by_obligor;
  for (const Breach& b : breaches) {
    if (b.rule == RuleCode::BC09 || !b.recorded_on || *b.recorded_on > as_of) continue;
    if (b.state == BreachState::voided || b.state == BreachState::dismissed) continue;
    by_obligor[b.obligor_id].push_back(&b);
  }
  std::vector<Finding> out;
  const Date window_start = add_days(as_of, -p.repeat_window_days + 1);
  for (auto& [obligor, list] : by_obligor) {
    std::sort(list.begin(), list.end(), [](const Breach* a, const Breach* b) {
      return std::tie(*a->recorded_on, a->id) < std::tie(*b->recorded_on, b->id);
    });
    std::size_t first = 0;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const Date day = *list[k]->recorded_on;
      while (*list[first]->recorded_on < add_days(day, -p.repeat_window_days + 1))
        ++first;
      if (static_cast<int>(k - first + 1) != p.repeat_count || day < window_start) continue;
      Finding f;
      f.rule = RuleCode::BC09;
      f.severity = Severity::serious;
      f.obligor_side = list[k]->obligor_side;
      f.obligor_id = std::string(obligor);
      f.breach_id = list[k]->id;
      f.due = day;
      f.occurred_on = day;
      for (std::size_t j = first; j <= k; ++j)
        f.evidence.push_back(list[j]->id);
      std::sort(f.evidence.begin(), f.evidence.end());
      f.summary = "BC09 多次失信: " + std::to_string(p.repeat_count) + " recorded breaches of " +
                  f.obligor_id + " within " + std::to_string(p.repeat_window_days) + " days up to " +
                  format_date(day);
      out.push_back(std::move(f));
    }
  }
  return out;
}

DetectionResult detect_breaches(const Ledger& l, std::span<const Breach> breaches,
                                const WorkingCalendar& calendar, const RulePolicy& policy, Date as_of) {
  DetectionResult r;
  const FactIndex ix = index_facts(l);
  std::vector<std::uint32_t> scratch;
  scratch.reserve(64);
  std::vector<AgreementState> states = agreement_states(l, ix, as_of, scratch);
  const Date due_soon_limit = calendar.add_working_days(as_of, policy.due_soon_working_days).date;

  for (std::uint32_t i = 0; i < l.commitments.size(); ++i) {
    ix.prefetch(i + 8, l.facts);
    const std::uint32_t ai = l.commitment_agreement[i];
    const Agreement& agreement = l.agreements[ai];
    const CommitmentState s = evaluate_commitment(l.commitments[i], ix.of(i), l.facts, as_of, scratch);
    states[ai].value_increase_fen = saturating_add_fen(states[ai].value_increase_fen, s.value_increase_fen);
    const RuleContext ctx{
        l.commitments[i], agreement, counterparty_of(l, ai), s, scratch, l.facts, states[ai], policy, as_of};
    for (std::size_t k = 0; k < kCommitmentRules.size(); ++k) {
      const RuleInfo& info = rule_info(kCommitmentRuleCodes[k]);
      if (!info.applies_to(agreement.kind)) continue;
      std::optional<Finding> f = kCommitmentRules[k](ctx);
      if (f && info.active_on(f->occurred_on)) r.findings.push_back(std::move(*f));
    }
    warn_due_soon(ctx, due_soon_limit, r.warnings);
    check_commitment_warnings(ctx, r.warnings);
  }
  warn_value_increase(l, states, policy, r.warnings);
  warn_rectification(breaches, calendar, policy, as_of, r.warnings);
  for (Finding& f : check_bc09_repeat(breaches, policy, as_of))
    r.findings.push_back(std::move(f));

  std::sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.rule, a.commitment_id, a.obligor_id, a.breach_id) <
           std::tie(b.rule, b.commitment_id, b.obligor_id, b.breach_id);
  });
  std::sort(r.warnings.begin(), r.warnings.end(), [](const Warning& a, const Warning& b) {
    return std::tie(a.rule, a.subject_id) < std::tie(b.rule, b.subject_id);
  });
  return r;
}

std::vector<Finding> new_findings(std::span<const Finding> findings, std::span<const Breach> existing) {
  std::unordered_set<std::string> keys;
  keys.reserve(existing.size());
  for (const Breach& b : existing) {
    if (!b.key.empty()) keys.insert(b.key);
  }
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (!keys.contains(f.key())) out.push_back(f);
  }
  return out;
}

}  // namespace pactwatch::domain
