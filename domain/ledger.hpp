#pragma once
// The ledger as detection and the evaluations read it: flat vectors linked by index, so that a million
// commitments are walked without hashing ids or allocating per commitment. `link_ledger` builds the
// indexes from string ids once; `FactIndex` groups the facts per commitment in a canonical order;
// `evaluate_commitment` folds one commitment's facts into its effective state as of a date.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "domain/model.hpp"
#include "domain/result.hpp"

namespace pactwatch::domain {

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

/** The ledger slice a computation reads: vectors plus the index links between them. */
struct Ledger {
  std::vector<Organization> organizations;
  std::vector<Agreement> agreements;
  std::vector<std::uint32_t> agreement_counterparty;  ///< organizations index per agreement, or kNoIndex
  std::vector<Commitment> commitments;
  std::vector<std::uint32_t> commitment_agreement;  ///< agreements index per commitment
  std::vector<Fact> facts;                          ///< any order
  std::vector<std::uint32_t> fact_commitment;       ///< commitments index per fact
};

/**
 * Links the records by their ids. A commitment naming an unknown agreement, a fact naming an unknown
 * commitment or an agreement naming an unknown counterparty is a `not_found` error naming the field.
 */
Result<Ledger> link_ledger(std::vector<Organization> organizations, std::vector<Agreement> agreements,
                           std::vector<Commitment> commitments, std::vector<Fact> facts);

/** Facts grouped by commitment (in input order within a group; evaluate_commitment orders them). */
struct FactIndex {
  std::vector<std::uint32_t> offsets;  ///< commitments.size() + 1 entries
  std::vector<std::uint32_t> order;    ///< fact indexes, grouped

  std::span<const std::uint32_t> of(std::uint32_t commitment) const {
    return {order.data() + offsets[commitment], order.data() + offsets[commitment + 1]};
  }
  /** Asks the CPU to start loading a commitment's facts: the large runs are bound by memory latency. */
  void prefetch(std::uint32_t commitment, const std::vector<Fact>& facts) const;
};
FactIndex index_facts(const Ledger& ledger);

/** Where the legality of a change stands (seed 三(四)). */
bool is_lawful_change(const Fact& f);
/** A government-side termination needs lawful grounds and a compensation decision (BC08). */
bool is_lawful_termination(const Fact& f);
/** government_turnover, personnel_change, restructuring: never a reason to break a promise (BC05). */
bool is_turnover_reason(ReasonCode r);

/**
 * One commitment's facts folded as of a date: facts dated after `as_of` and facts superseded by a
 * correction are ignored; lawful amendments (any counterparty-side amendment) set the effective due date
 * and amount; unlawful ones of the government side are remembered, not applied.
 */
struct CommitmentState {
  Date effective_due{};
  std::optional<Money> effective_amount;
  Date deadline{};  ///< effective_due + grace days
  int extensions = 0;
  std::int64_t value_increase_fen = 0;  ///< sum of the amount increases made by applied amendments
  std::int64_t fulfilled_fen = 0;       ///< in the committed currency
  std::int64_t fulfilled_fen_at_deadline = 0;
  bool any_fulfilment = false;
  bool any_fulfilment_at_deadline = false;
  std::optional<Date> completed_on;  ///< fully performed (amount reached; accepted; judgment fulfilled)
  std::optional<Date> accepted_on;   ///< first acceptance_passed
  std::optional<Date> acceptance_failed_on;
  std::optional<int> acceptance_score;  ///< of the latest acceptance fact
  std::optional<Date> excused_on;       ///< a lawful revocation or termination ended the obligation
  std::optional<Date> unlawful_change_on;
  std::optional<Date> turnover_on;
  std::optional<Date> unlawful_termination_on;
  std::optional<Date> judgment_deadline;

  bool completed_by(Date d) const { return completed_on && *completed_on <= d; }
  bool excused_by(Date d) const { return excused_on && *excused_on <= d; }
};

/**
 * Folds `group` (the fact indexes of `c`, any order). `effective` receives the indexes that count (dated
 * on or before as_of, not superseded) in canonical order (by date, then by content, never by arrival; see
 * ledger.cpp canonical_before); its capacity is reused between calls.
 */
CommitmentState evaluate_commitment(const Commitment& c, std::span<const std::uint32_t> group,
                                    const std::vector<Fact>& facts, Date as_of,
                                    std::vector<std::uint32_t>& effective);

}  // namespace pactwatch::domain
