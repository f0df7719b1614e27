#include "app/assignments.hpp"

#include "domain/date.hpp"

namespace pactwatch::app {

std::optional<domain::Error> tenure_overlap(const domain::Stage& stage, const domain::Assignment& added) {
  for (const auto& other : stage.assignments) {
    if (other.role != added.role) continue;
    const bool starts_before_other_ends = !other.to || added.from <= *other.to;
    const bool ends_after_other_starts = !added.to || other.from <= *added.to;
    if (starts_before_other_ends && ends_after_other_starts) {
      return domain::Error::invalid(
          "from", "the tenure overlaps " + other.official_id + "'s tenure as " + other.role + " from " +
                      domain::format_date(other.from) +
                      (other.to ? " to " + domain::format_date(*other.to) : std::string(" (open)")));
    }
  }
  return std::nullopt;
}

}  // namespace pactwatch::app
