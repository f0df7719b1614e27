#pragma once
// Every user-visible threshold, period, weight and cut-off of the domain, with its documented default.
// The server loads these from configuration; the domain only reads them.

#include <array>
#include <cstdint>

#include "domain/model.hpp"

namespace pactwatch::domain {

/** Thresholds of the broken-commitment rules BC01-BC10 and the warnings W01-W05 (DESIGN §3). */
struct RulePolicy {
  // BC01 overdue / BC02 partial: minor; general past 30 days or >= 1,000,000 CNY; serious past 90 days
  // or >= 10,000,000 CNY. Days late are counted from the (effective) due date; the finding fires only
  // once the grace days have passed. Amount thresholds apply to CNY amounts only.
  int overdue_general_days = 30;
  int overdue_serious_days = 90;
  std::int64_t overdue_general_fen = 1'000'000LL * 100;
  std::int64_t overdue_serious_fen = 10'000'000LL * 100;
  // BC03 arrears (保障中小企业款项支付条例 第九条): an SME is paid within 30 days of delivery or
  // acceptance when no term was agreed; an agreed term is capped at 60 days. General; serious past 90
  // days late; severe past 180.
  int sme_default_term_days = 30;
  int sme_max_term_days = 60;
  int arrears_serious_days = 90;
  int arrears_severe_days = 180;
  // BC09 repeat: this many recorded breaches of one obligor within the trailing window.
  int repeat_count = 3;
  int repeat_window_days = 365;
  // W01: a commitment falls due within this many working days.
  int due_soon_working_days = 10;
  // W02: the due date was extended this many times or more.
  int extensions_warning = 2;
  // W03: amendments raised the agreement value by more than this many percent.
  int value_increase_warning_percent = 10;
  // W04: a rectification deadline within this many working days.
  int rectification_warning_working_days = 5;
};

/** Periods of the breach lifecycle (DESIGN §4), in days unless stated. Indexed by Severity. */
struct LifecyclePolicy {
  /// Working days given to rectify when the order names none (限期整改).
  int default_rectification_working_days = 15;
  /// Longest publication after recording (发改办财金〔2019〕527号): general <= 1 year, serious and severe
  /// <= 3 years; minor is published like general.
  std::array<int, 4> publication_days{365, 365, 1095, 1095};
  /// Shortest time after recording before repair may be granted (527号: general 3 months, serious 6).
  std::array<int, 4> minimum_repair_days{90, 90, 180, 180};

  int publication_for(Severity s) const { return publication_days[static_cast<int>(s)]; }
  int minimum_repair_for(Severity s) const { return minimum_repair_days[static_cast<int>(s)]; }
};

/** Weights and cut-offs of the evaluations (DESIGN §5). Scores are 0-100 doubles; money is never a double. */
struct EvaluationPolicy {
  // Per contract: weighted acceptance score and on-time share, minus breach penalties. When a contract
  // has no acceptance score the on-time share carries the whole weight.
  double acceptance_weight = 0.5;
  double on_time_weight = 0.5;
  /// Points deducted per breach of the supplier on the contract, by severity (minor .. severe).
  std::array<double, 4> contract_breach_penalty{5, 10, 20, 40};
  /// Per supplier: contract scores weighted by 0.5^(age / half-life), age from the contract's evaluation
  /// date.
  int half_life_days = 365;
  double grade_a = 90;
  double grade_b = 75;
  double grade_c = 60;

  // Integrity index: window, weights, penalty points of unrepaired recorded breaches by severity.
  int window_days = 365;
  double kept_rate_weight = 0.7;
  double penalty_weight = 0.3;
  std::array<double, 4> integrity_penalty_points{2, 5, 15, 30};
};

/** All domain configuration together. */
struct DomainPolicy {
  RulePolicy rules;
  LifecyclePolicy lifecycle;
  EvaluationPolicy evaluation;
};

}  // namespace pactwatch::domain
