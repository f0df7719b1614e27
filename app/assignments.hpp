#pragma once
// Use case: appending an official's tenure (assignment) to a stage of an agreement.

#include <optional>

#include "domain/model.hpp"
#include "domain/result.hpp"

namespace pactwatch::app {

/**
 * Why `added` may not join `stage`: two tenures of one role in one stage may not overlap (inclusive dates;
 * an open end runs forever). The error is `invalid` on field "from" and names the tenure it overlaps;
 * nullopt when the tenure fits.
 */
std::optional<domain::Error> tenure_overlap(const domain::Stage& stage, const domain::Assignment& added);

}  // namespace pactwatch::app
