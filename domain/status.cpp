#include "domain/status.hpp"

#include <array>
#include <numeric>

namespace pactwatch::domain {

namespace {
constexpr std::array<std::string_view, kCommitmentStatusCount> kNames{"open", "fulfilled", "overdue",
                                                                      "excused"};
}  // namespace

std::string_view to_string(CommitmentStatus s) {
  return kNames[static_cast<std::size_t>(s)];
}

std::optional<CommitmentStatus> parse_commitment_status(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<CommitmentStatus>(i);
  }
  return std::nullopt;
}

Date status_due(const Commitment& c, const CommitmentState& s) {
  if (c.kind == CommitmentKind::judgment && s.judgment_deadline) return *s.judgment_deadline;
  return s.effective_due;
}

CommitmentStatus status_of(const Commitment& c, const CommitmentState& s, Date as_of) {
  if (s.completed_by(as_of)) return CommitmentStatus::fulfilled;
  if (s.excused_by(as_of)) return CommitmentStatus::excused;
  if (status_due(c, s) < as_of) return CommitmentStatus::overdue;
  return CommitmentStatus::open;
}

CommitmentStatus commitment_status(const Commitment& c, std::span<const std::uint32_t> group,
                                   const std::vector<Fact>& facts, Date as_of,
                                   std::vector<std::uint32_t>& scratch) {
  return status_of(c, evaluate_commitment(c, group, facts, as_of, scratch), as_of);
}

CommitmentStatus commitment_status(const Commitment& c, const std::vector<Fact>& facts, Date as_of) {
  std::vector<std::uint32_t> group(facts.size());
  std::iota(group.begin(), group.end(), 0u);
  std::vector<std::uint32_t> scratch;
  return commitment_status(c, group, facts, as_of, scratch);
}

}  // namespace pactwatch::domain
