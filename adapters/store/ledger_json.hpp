#pragma once
// The JSON representation of ledger entities (DESIGN §8: snake_case, dates YYYY-MM-DD, amounts as decimal
// strings with a currency). One mapping serves the HTTP API and the trail's before/after states, so that a
// trail patch describes exactly what a client saw change. Also the names of the model's enums.

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/store/ledger_store.hpp"
#include "domain/model.hpp"

namespace pactwatch::store {

std::string_view to_string(domain::BodyKind kind);
std::string_view to_string(domain::FactSource source);

std::optional<domain::BodyKind> parse_body_kind(std::string_view text);
std::optional<domain::AgreementKind> parse_agreement_kind(std::string_view text);
std::optional<domain::StageKind> parse_stage_kind(std::string_view text);
std::optional<domain::ObligorSide> parse_obligor_side(std::string_view text);
std::optional<domain::CommitmentKind> parse_commitment_kind(std::string_view text);
std::optional<domain::FactKind> parse_fact_kind(std::string_view text);
std::optional<domain::ReasonCode> parse_reason_code(std::string_view text);
std::optional<domain::FactSource> parse_fact_source(std::string_view text);

/** {"amount": "1234.56", "currency": "CNY"}. */
nlohmann::json money_json(const domain::Money& money);

nlohmann::json to_json(const Stored<domain::Body>& body);
nlohmann::json to_json(const Stored<domain::Official>& official);
nlohmann::json to_json(const Stored<domain::Organization>& organization);
nlohmann::json to_json(const Stored<domain::Agreement>& agreement);
nlohmann::json to_json(const Stored<domain::Commitment>& commitment);
nlohmann::json to_json(const Stored<domain::Fact>& fact);
nlohmann::json to_json(const RegionRow& region);

}  // namespace pactwatch::store
