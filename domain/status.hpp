#pragma once
// Where a commitment stands on a date (issue #4's `status` list filter): a pure function of the
// commitment and its facts, folded by evaluate_commitment exactly as detection folds them. Nothing is
// stored: the same commitment is open today, overdue next month, and fulfilled once its payment is
// recorded.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/ledger.hpp"
#include "domain/model.hpp"

namespace pactwatch::domain {

/**
 * A commitment's status as of a date, from its facts dated on or before that date (corrections applied):
 * - fulfilled: performed in full (CommitmentState::completed_on: the paid amount reached the effective
 *   amount, an acceptance was held for an acceptance commitment, a judgment was fulfilled);
 * - excused: not fulfilled, but lawfully ended (CommitmentState::excused_on: a lawful revocation or a
 *   lawful termination);
 * - overdue: neither, and its due date is before the date: the effective due date after lawful
 *   amendments, or for a judgment the court's deadline. Grace days do not postpone it: a commitment
 *   within its grace days is overdue but not yet a breach;
 * - open: neither, and due on or after the date.
 */
enum class CommitmentStatus : std::uint8_t { open, fulfilled, overdue, excused };

inline constexpr std::size_t kCommitmentStatusCount = 4;

std::string_view to_string(CommitmentStatus s);
std::optional<CommitmentStatus> parse_commitment_status(std::string_view text);

/** The date the `overdue` status counts from: a judgment's deadline, else the effective due date. */
Date status_due(const Commitment& c, const CommitmentState& s);

/** The status of a commitment whose facts `evaluate_commitment` folded into `s` as of `as_of`. */
CommitmentStatus status_of(const Commitment& c, const CommitmentState& s, Date as_of);

/**
 * The status of `c` as of `as_of` from the facts at `group` (indexes into `facts`, any order, all of
 * them facts of `c`). `scratch` is reused between calls.
 */
CommitmentStatus commitment_status(const Commitment& c, std::span<const std::uint32_t> group,
                                   const std::vector<Fact>& facts, Date as_of,
                                   std::vector<std::uint32_t>& scratch);
/** The same for a commitment and all of its facts (every fact in `facts` belongs to `c`). */
CommitmentStatus commitment_status(const Commitment& c, const std::vector<Fact>& facts, Date as_of);

}  // namespace pactwatch::domain
