#pragma once
// Supplier performance (供应商履约评价, seed 三(一), DESIGN §5): per contract, the acceptance score, the
// share of the supplier's commitments met on time and the penalties of its breaches; per supplier, a
// recency-weighted mean (half-life) graded A-D, with the evidence. Scores are doubles 0-100.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/breach.hpp"
#include "domain/ledger.hpp"
#include "domain/policy.hpp"

namespace pactwatch::domain {

/** One contract's performance by its supplier, as of a date. */
struct ContractPerformance {
  std::string agreement_id;
  std::string supplier_id;
  std::optional<int> acceptance_score;  ///< the latest acceptance fact of the agreement
  int commitments_due = 0;  ///< the supplier's commitments whose deadline has passed or that are done
  int met_on_time = 0;
  double on_time_share = 1.0;  ///< 1 when nothing was due yet
  double breach_penalty = 0;
  double score = 0;
  Date evaluated_on{};                ///< latest acceptance or deadline considered; the age for the half-life
  std::vector<std::string> evidence;  ///< acceptance fact ids and breach ids
};

/**
 * Per contract, for every agreement with a counterparty. Breaches count against the supplier from the day
 * they were verified or recorded, by their dates (as of a past date, only those verified or recorded by
 * then; not while only detected; never when dismissed or voided).
 */
std::vector<ContractPerformance> contract_performance(const Ledger& ledger, std::span<const Breach> breaches,
                                                      const EvaluationPolicy& policy, Date as_of);

/** A contract's part in a supplier's grade. */
struct WeightedContract {
  std::string agreement_id;
  double score = 0;
  double weight = 0;  ///< 0.5 ^ (age / half-life)
};

/** A supplier's grade with its evidence. */
struct SupplierGrade {
  std::string supplier_id;
  std::optional<double> score;  ///< absent without any contract
  char grade = '-';             ///< 'A' >= 90, 'B' >= 75, 'C' >= 60, else 'D'; '-' without contracts
  std::vector<WeightedContract> contracts;
};

/** The grade of a score by the policy's cut-offs. */
char grade_for(double score, const EvaluationPolicy& policy);

/** Recency-weighted mean of the supplier's contracts in `contracts` (others are ignored). */
SupplierGrade supplier_grade(std::string_view supplier_id, std::span<const ContractPerformance> contracts,
                             const EvaluationPolicy& policy, Date as_of);

}  // namespace pactwatch::domain
