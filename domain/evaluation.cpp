#include "domain/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace pactwatch::domain {

namespace {

/**
 * A breach weighs on its supplier from the day it was verified (or recorded) on, judged by its dates so that
 * a grade as of a past date does not see a breach verified after it; never once dismissed or voided.
 */
bool counts_against_supplier(const Breach& b, Date as_of) {
  if (b.obligor_side != ObligorSide::counterparty) return false;
  if (b.state == BreachState::dismissed || b.state == BreachState::voided) return false;
  const bool verified = b.verified_on && *b.verified_on <= as_of;
  const bool recorded = b.recorded_on && *b.recorded_on <= as_of;
  return verified || recorded;
}

/** Folds one commitment into its contract's tallies. */
void tally(const Commitment& c, const CommitmentState& s, std::span<const std::uint32_t> effective,
           const std::vector<Fact>& facts, ContractPerformance& cp, Date& latest_acceptance, Date as_of) {
  for (std::uint32_t i : effective) {
    const Fact& f = facts[i];
    if ((f.kind == FactKind::acceptance_passed || f.kind == FactKind::acceptance_failed) && f.score &&
        f.on >= latest_acceptance) {
      latest_acceptance = f.on;
      cp.acceptance_score = f.score;
      cp.evidence.push_back(f.id);
    }
  }
  if (c.obligor_side != ObligorSide::counterparty) return;
  const bool done = s.completed_on || s.excused_on;
  if (!done && s.deadline >= as_of) return;  // not due yet
  ++cp.commitments_due;
  if (s.completed_by(s.deadline) || s.excused_by(s.deadline)) ++cp.met_on_time;
  if (s.deadline <= as_of && s.deadline > cp.evaluated_on) cp.evaluated_on = s.deadline;
}

}  // namespace

char grade_for(double score, const EvaluationPolicy& p) {
  if (score >= p.grade_a) return 'A';
  if (score >= p.grade_b) return 'B';
  if (score >= p.grade_c) return 'C';
  return 'D';
}

std::vector<ContractPerformance> contract_performance(const Ledger& l, std::span<const Breach> breaches,
                                                      const EvaluationPolicy& p, Date as_of) {
  std::vector<ContractPerformance> out(l.agreements.size());
  std::vector<Date> latest_acceptance(l.agreements.size(), Date{});
  for (std::size_t a = 0; a < l.agreements.size(); ++a) {
    out[a].agreement_id = l.agreements[a].id;
    out[a].supplier_id = l.agreements[a].counterparty_id;
    out[a].evaluated_on = l.agreements[a].signed_on;
  }
  const FactIndex ix = index_facts(l);
  std::vector<std::uint32_t> scratch;
  for (std::uint32_t i = 0; i < l.commitments.size(); ++i) {
    const std::uint32_t a = l.commitment_agreement[i];
    if (l.agreement_counterparty[a] == kNoIndex) continue;
    const CommitmentState s = evaluate_commitment(l.commitments[i], ix.of(i), l.facts, as_of, scratch);
    tally(l.commitments[i], s, scratch, l.facts, out[a], latest_acceptance[a], as_of);
  }
  std::unordered_map<std::string_view, std::size_t> by_id;
  for (std::size_t a = 0; a < l.agreements.size(); ++a)
    by_id.emplace(l.agreements[a].id, a);
  for (const Breach& b : breaches) {
    auto it = by_id.find(b.agreement_id);
    if (it == by_id.end() || !counts_against_supplier(b, as_of) ||
        b.obligor_id != out[it->second].supplier_id)
      continue;
    out[it->second].breach_penalty += p.contract_breach_penalty[static_cast<int>(b.severity)];
    out[it->second].evidence.push_back(b.id);
  }
  std::vector<ContractPerformance> result;
  for (std::size_t a = 0; a < out.size(); ++a) {
    ContractPerformance& cp = out[a];
    if (l.agreement_counterparty[a] == kNoIndex) continue;
    if (latest_acceptance[a] > cp.evaluated_on) cp.evaluated_on = latest_acceptance[a];
    cp.on_time_share =
        cp.commitments_due == 0 ? 1.0 : static_cast<double>(cp.met_on_time) / cp.commitments_due;
    const double base = cp.acceptance_score ? p.acceptance_weight * *cp.acceptance_score +
                                                  p.on_time_weight * cp.on_time_share * 100.0
                                            : cp.on_time_share * 100.0;
    const double total_weight = cp.acceptance_score ? p.acceptance_weight + p.on_time_weight : 1.0;
    cp.score = std::clamp(base / total_weight - cp.breach_penalty, 0.0, 100.0);
    std::sort(cp.evidence.begin(), cp.evidence.end());
    cp.evidence.erase(std::unique(cp.evidence.begin(), cp.evidence.end()), cp.evidence.end());
    result.push_back(std::move(cp));
  }
  return result;
}

SupplierGrade supplier_grade(std::string_view supplier_id, std::span<const ContractPerformance> contracts,
                             const EvaluationPolicy& p, Date as_of) {
  SupplierGrade g;
  g.supplier_id = std::string(supplier_id);
  double weighted = 0;
  double weights = 0;
  for (const ContractPerformance& c : contracts) {
    if (c.supplier_id != supplier_id) continue;
    const int age = std::max(0, days_between(c.evaluated_on, as_of));
    const double w = std::pow(0.5, static_cast<double>(age) / p.half_life_days);
    g.contracts.push_back({c.agreement_id, c.score, w});
    weighted += w * c.score;
    weights += w;
  }
  std::sort(g.contracts.begin(), g.contracts.end(),
            [](const auto& a, const auto& b) { return a.agreement_id < b.agreement_id; });
  if (weights > 0) {
    g.score = weighted / weights;
    g.grade = grade_for(*g.score, p);
  }
  return g;
}

}  // namespace pactwatch::domain
