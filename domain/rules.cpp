#include "domain/rules.hpp"

#include <algorithm>

namespace pactwatch::domain {

namespace {

/**
 * The commitments BC03 judges (a payment to a supplier or social-capital partner) instead of BC01/BC02.
 * Payments due before the 条例 took effect stay with BC01/BC02.
 */
bool is_government_payment_to_organization(const RuleContext& ctx) {
  const RuleInfo& bc03 = rule_info(RuleCode::BC03);
  return bc03.applies_to(ctx.agreement.kind) && bc03.active_on(ctx.state.effective_due) &&
         ctx.commitment.obligor_side == ObligorSide::government &&
         ctx.commitment.kind == CommitmentKind::payment && ctx.counterparty != nullptr;
}

/** A finding about ctx.commitment with its obligor, ids and committed amount filled in. */
Finding make_finding(const RuleContext& ctx, RuleCode rule, Severity severity, Date due, Date occurred,
                     int days_late) {
  Finding f;
  f.rule = rule;
  f.severity = severity;
  f.obligor_side = ctx.commitment.obligor_side;
  f.obligor_id = ctx.commitment.obligor_id;
  f.commitment_id = ctx.commitment.id;
  f.agreement_id = ctx.agreement.id;
  f.due = due;
  f.occurred_on = occurred;
  f.days_late = days_late;
  f.committed = ctx.state.effective_amount;
  return f;
}

/** Appends the ids of the effective facts that `pick` selects, sorted, and a one-line summary. */
template <class Pick>
void finish(Finding& f, const RuleContext& ctx, Pick pick, std::string_view what) {
  for (std::uint32_t i : ctx.effective) {
    if (pick(ctx.facts[i])) f.evidence.push_back(ctx.facts[i].id);
  }
  std::sort(f.evidence.begin(), f.evidence.end());
  f.summary = std::string(to_string(f.rule)) + " " + std::string(rule_info(f.rule).title_zh) + ": " +
              std::string(what) + " (" + ctx.commitment.id + ", due " + format_date(f.due) + ", " +
              std::to_string(f.days_late) + " days late)";
}

bool any_fact(const Fact&) {
  return true;
}

Money with_fen(const Money& like, std::int64_t fen) {
  return Money{fen, like.currency};
}

/** The end of lateness: performance, a lawful ending, or as_of while still open. */
Date lateness_end(const CommitmentState& s, Date as_of) {
  Date end = as_of;
  if (s.completed_on && *s.completed_on < end) end = *s.completed_on;
  if (s.excused_on && *s.excused_on < end) end = *s.excused_on;
  return end;
}

/** Not performed and not lawfully ended by `limit`, which has passed by as_of. */
bool broken_after(const CommitmentState& s, Date limit, Date as_of) {
  return as_of > limit && !s.completed_by(limit) && !s.excused_by(limit);
}

}  // namespace

Severity overdue_severity(int days_late, const std::optional<Money>& at_stake, const RulePolicy& p) {
  const std::int64_t fen = at_stake && at_stake->currency == Currency::cny() ? at_stake->fen : 0;
  if (days_late > p.overdue_serious_days || fen >= p.overdue_serious_fen) return Severity::serious;
  if (days_late > p.overdue_general_days || fen >= p.overdue_general_fen) return Severity::general;
  return Severity::minor;
}

Severity arrears_severity(int days_late, const RulePolicy& p) {
  if (days_late > p.arrears_severe_days) return Severity::severe;
  if (days_late > p.arrears_serious_days) return Severity::serious;
  return Severity::general;
}

std::optional<Finding> check_bc01_overdue(const RuleContext& ctx) {
  const Commitment& c = ctx.commitment;
  const CommitmentState& s = ctx.state;
  if (c.kind == CommitmentKind::judgment || is_government_payment_to_organization(ctx)) return std::nullopt;
  if (!broken_after(s, s.deadline, ctx.as_of)) return std::nullopt;
  if (s.effective_amount && s.fulfilled_fen_at_deadline > 0) return std::nullopt;  // BC02's
  const int late = days_between(s.effective_due, lateness_end(s, ctx.as_of));
  Finding f = make_finding(ctx, RuleCode::BC01, overdue_severity(late, s.effective_amount, ctx.policy),
                           s.effective_due, add_days(s.deadline, 1), late);
  if (s.effective_amount) f.fulfilled = with_fen(*s.effective_amount, s.fulfilled_fen);
  finish(f, ctx, any_fact, "not performed by due date + grace");
  return f;
}

std::optional<Finding> check_bc02_partial(const RuleContext& ctx) {
  const Commitment& c = ctx.commitment;
  const CommitmentState& s = ctx.state;
  if (c.kind == CommitmentKind::judgment || is_government_payment_to_organization(ctx)) return std::nullopt;
  if (!s.effective_amount || s.fulfilled_fen_at_deadline <= 0) return std::nullopt;
  if (!broken_after(s, s.deadline, ctx.as_of)) return std::nullopt;
  // Measured at due + grace, so the finding is stable when the rest is paid later.
  const Money shortfall = with_fen(*s.effective_amount,
                                   saturating_add_fen(s.effective_amount->fen, -s.fulfilled_fen_at_deadline));
  const int late = days_between(s.effective_due, lateness_end(s, ctx.as_of));
  Finding f = make_finding(ctx, RuleCode::BC02, overdue_severity(late, shortfall, ctx.policy),
                           s.effective_due, add_days(s.deadline, 1), late);
  f.fulfilled = with_fen(*s.effective_amount, s.fulfilled_fen_at_deadline);
  f.shortfall = shortfall;
  finish(f, ctx, any_fact, "performed only in part by due date + grace");
  return f;
}

ArrearsDue arrears_due(const RuleContext& ctx) {
  const Commitment& c = ctx.commitment;
  const AgreementState& a = ctx.agreement_state;
  ArrearsDue best{ctx.state.effective_due, c.grace_days, false};
  // The payment clock starts at acceptance when payment waits for it (条例 第十一条), else at delivery.
  const std::optional<Date> start =
      a.has_acceptance ? a.accepted_on : (a.all_delivered ? a.delivered_on : std::nullopt);
  if (!start) return best;
  std::optional<int> term = c.payment_term_days;
  if (ctx.counterparty && ctx.counterparty->sme) {
    term = std::min(term.value_or(ctx.policy.sme_default_term_days), ctx.policy.sme_max_term_days);
  }
  if (!term) return best;
  const ArrearsDue by_term{add_days(*start, *term), 0, ctx.counterparty && ctx.counterparty->sme};
  if (add_days(by_term.due, by_term.tolerance_days) < add_days(best.due, best.tolerance_days)) return by_term;
  return best;
}

std::optional<Finding> check_bc03_arrears(const RuleContext& ctx) {
  if (!is_government_payment_to_organization(ctx)) return std::nullopt;
  const CommitmentState& s = ctx.state;
  const ArrearsDue due = arrears_due(ctx);
  const Date limit = add_days(due.due, due.tolerance_days);
  if (!broken_after(s, limit, ctx.as_of)) return std::nullopt;
  const int late = days_between(due.due, lateness_end(s, ctx.as_of));
  Finding f = make_finding(ctx, RuleCode::BC03, arrears_severity(late, ctx.policy), due.due,
                           add_days(limit, 1), late);
  if (s.effective_amount) {
    f.fulfilled = with_fen(*s.effective_amount, s.fulfilled_fen);
    f.shortfall = with_fen(
        *s.effective_amount,
        std::max<std::int64_t>(
            0, saturating_add_fen(s.effective_amount->fen, -std::max<std::int64_t>(s.fulfilled_fen, 0))));
  }
  finish(f, ctx, any_fact,
         due.statutory ? "SME paid later than the statutory term" : "paid later than agreed");
  return f;
}

std::optional<Finding> check_bc04_unlawful_change(const RuleContext& ctx) {
  const CommitmentState& s = ctx.state;
  if (ctx.commitment.obligor_side != ObligorSide::government || !s.unlawful_change_on) return std::nullopt;
  Finding f = make_finding(ctx, RuleCode::BC04, Severity::serious, s.effective_due, *s.unlawful_change_on, 0);
  finish(
      f, ctx,
      [](const Fact& x) {
        return (x.kind == FactKind::amended ||
                (x.kind == FactKind::revoked && !is_turnover_reason(x.reason))) &&
               !is_lawful_change(x);
      },
      "changed or revoked without legal basis, authority, procedure or compensation");
  return f;
}

std::optional<Finding> check_bc05_turnover(const RuleContext& ctx) {
  const CommitmentState& s = ctx.state;
  if (ctx.commitment.obligor_side != ObligorSide::government || !s.turnover_on) return std::nullopt;
  Finding f = make_finding(ctx, RuleCode::BC05, Severity::severe, s.effective_due, *s.turnover_on, 0);
  finish(
      f, ctx,
      [](const Fact& x) {
        return (x.kind == FactKind::revoked || x.kind == FactKind::refused ||
                x.kind == FactKind::not_performed) &&
               is_turnover_reason(x.reason);
      },
      "broken citing government turnover, personnel change or restructuring");
  return f;
}

std::optional<Finding> check_bc06_judgment(const RuleContext& ctx) {
  const Commitment& c = ctx.commitment;
  const CommitmentState& s = ctx.state;
  if (c.kind != CommitmentKind::judgment || c.obligor_side != ObligorSide::government) return std::nullopt;
  // A court's deadline has no contractual grace.
  const Date deadline = s.judgment_deadline.value_or(s.effective_due);
  if (ctx.as_of <= deadline || s.completed_by(deadline)) return std::nullopt;
  const int late = days_between(deadline, lateness_end(s, ctx.as_of));
  Finding f = make_finding(ctx, RuleCode::BC06, Severity::severe, deadline, add_days(deadline, 1), late);
  finish(f, ctx, any_fact, "court judgment or arbitral award not performed by its deadline");
  return f;
}

std::optional<Finding> check_bc07_acceptance_failed(const RuleContext& ctx) {
  const CommitmentState& s = ctx.state;
  if (!s.acceptance_failed_on) return std::nullopt;
  Finding f =
      make_finding(ctx, RuleCode::BC07, Severity::general, s.effective_due, *s.acceptance_failed_on, 0);
  // The deliverable is the supplier's even when the fact sits on the purchaser's acceptance commitment.
  if (ctx.commitment.obligor_side == ObligorSide::government) {
    if (ctx.agreement.counterparty_id.empty()) return std::nullopt;
    f.obligor_side = ObligorSide::counterparty;
    f.obligor_id = ctx.agreement.counterparty_id;
  }
  finish(
      f, ctx, [](const Fact& x) { return x.kind == FactKind::acceptance_failed; },
      "deliverable failed acceptance (履约验收不合格)");
  return f;
}

std::optional<Finding> check_bc08_termination(const RuleContext& ctx) {
  const CommitmentState& s = ctx.state;
  if (!s.unlawful_termination_on) return std::nullopt;
  Finding f =
      make_finding(ctx, RuleCode::BC08, Severity::serious, s.effective_due, *s.unlawful_termination_on, 0);
  f.obligor_side = ObligorSide::government;
  f.obligor_id = ctx.agreement.body_id;
  finish(
      f, ctx,
      [](const Fact& x) {
        return x.kind == FactKind::terminated && x.terminated_by == ObligorSide::government &&
               !is_lawful_termination(x);
      },
      "terminated early by the government without lawful grounds and a compensation decision");
  return f;
}

std::optional<Finding> check_bc10_pledge(const RuleContext& ctx) {
  const Commitment& c = ctx.commitment;
  const CommitmentState& s = ctx.state;
  if (ctx.agreement.kind != AgreementKind::pledge || c.obligor_side != ObligorSide::government ||
      c.kind == CommitmentKind::judgment) {
    return std::nullopt;
  }
  if (!broken_after(s, s.deadline, ctx.as_of)) return std::nullopt;
  const int late = days_between(s.effective_due, lateness_end(s, ctx.as_of));
  Finding f =
      make_finding(ctx, RuleCode::BC10, Severity::general, s.effective_due, add_days(s.deadline, 1), late);
  finish(f, ctx, any_fact, "public pledge not delivered by its date");
  return f;
}

void check_commitment_warnings(const RuleContext& ctx, std::vector<Warning>& out) {
  const Commitment& c = ctx.commitment;
  const CommitmentState& s = ctx.state;
  if (s.completed_on || s.excused_on) return;
  if (s.extensions >= ctx.policy.extensions_warning) {
    out.push_back(Warning{RuleCode::W02, c.id, ctx.agreement.id, s.effective_due,
                          "W02 due date extended " + std::to_string(s.extensions) + " times"});
  }
  if (is_government_payment_to_organization(ctx) && ctx.counterparty->sme && c.payment_term_days &&
      *c.payment_term_days > ctx.policy.sme_max_term_days) {
    out.push_back(Warning{RuleCode::W05, c.id, ctx.agreement.id, ctx.agreement.signed_on,
                          "W05 payment term of " + std::to_string(*c.payment_term_days) +
                              " days agreed with an SME supplier (at most " +
                              std::to_string(ctx.policy.sme_max_term_days) + ")"});
  }
}

}  // namespace pactwatch::domain
