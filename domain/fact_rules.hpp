#pragma once
// The one definition of a valid fact (履约事实): which fields each kind of fact needs and which it may not
// carry. The HTTP API (server/api/facts.cpp) and platform sync (adapters/sync/batch_writer.cpp) both apply
// these rules; a request that breaks them is a 422, a platform record that breaks them goes to quarantine.

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/model.hpp"
#include "domain/result.hpp"

namespace pactwatch::domain {

/**
 * The fields of a fact the rules look at, each as given (nullopt: absent). `reason` is optional because
 * "given as none" and "not given" differ for the kinds that need a reason.
 */
struct FactDraft {
  FactKind kind = FactKind::fulfilled;
  std::optional<ReasonCode> reason;
  std::optional<ObligorSide> terminated_by;
  std::optional<int> score;
  std::optional<Date> new_due;
  std::optional<Money> amount;
  std::optional<Money> new_amount;
};

/**
 * Which rules apply. `complete`: every rule (a fact posted to the API: the person knows the new terms and who
 * ended the agreement). `platform`: every rule but the two a platform record cannot always meet because its
 * format has no field for them — an amended fact's new due date or amount (an OCDS amendment does not say
 * which obligation changed, nor to what) and a terminated fact's side (OCDS does not say who ended a
 * contract; an exchange row may say "mutual"). Such a fact is kept with the field empty rather than
 * quarantined or guessed; the rules that need the field do not fire on it (docs/ARCHITECTURE.md, decision
 * of 2026-12-05).
 */
enum class FactRuleSet { complete, platform };

/** The draft of a stored or mapped fact: a reason of `none` counts as not given. */
FactDraft draft_of(const Fact& fact);

/**
 * Every rule the draft breaks, as `invalid` errors naming the field (empty: the fact is valid).
 * `already_invalid(field)` tells that a field was given but could not be read: no second error is
 * reported for it (e.g. "needs new_due" when new_due was present but not a date).
 */
std::vector<Error> fact_rule_errors(const FactDraft& draft,
                                    const std::function<bool(std::string_view)>& already_invalid = {},
                                    FactRuleSet rules = FactRuleSet::complete);

/** Non-negative amounts (checked whatever the kind). */
std::vector<Error> fact_amount_errors(const FactDraft& draft);

}  // namespace pactwatch::domain
