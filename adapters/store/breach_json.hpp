#pragma once
// The JSON form of a breach record (失信违约记录): the `record` column of the breaches table, the `after` of
// its trail entries and the core of the API representation. Also the names of the lifecycle enums.

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/breach.hpp"
#include "domain/breach_lifecycle.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

std::optional<domain::BreachState> parse_breach_state(std::string_view text);
std::optional<domain::Severity> parse_severity(std::string_view text);
std::optional<domain::MitigationDecision> parse_mitigation(std::string_view text);
std::optional<domain::Decision> parse_decision(std::string_view text);
std::string_view to_string(domain::Decision decision);

/** Every field of the breach, snake_case, dates YYYY-MM-DD, amounts {"amount", "currency"}. */
nlohmann::json breach_to_json(const domain::Breach& breach);
/** The inverse of breach_to_json; `invalid` when the stored text is not a breach record. */
domain::Result<domain::Breach> breach_from_json(const nlohmann::json& json);

}  // namespace pactwatch::store
