#pragma once
// The `pactwatch` object of exported OCDS (docs/OCDS_MAPPING.md, "Export"): what the ledger keeps and OCDS
// has no field for — a fact's note, a commitment's obligor side, kind, grace and payment term — written by
// the exporter (export.cpp) on milestones, transactions, amendments, performance failures and contracts, and
// read back by the importer, so that an export imports as the ledger it came from. Other OCDS readers ignore
// it (the release schema allows additional properties).

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/model.hpp"

namespace pactwatch::platform::ocds {

/** The member name of the extension object. */
inline constexpr const char* kExtension = "pactwatch";

/** An enumeration value from its domain::to_string text; nullopt for any other text. */
template <class E, std::size_t N>
std::optional<E> parse_enum_text(std::string_view text, const E (&values)[N]) {
  for (E v : values) {
    if (domain::to_string(v) == text) return v;
  }
  return std::nullopt;
}

inline std::optional<domain::CommitmentKind> parse_commitment_kind(std::string_view text) {
  using K = domain::CommitmentKind;
  const K all[] = {K::payment,        K::delivery, K::acceptance, K::milestone,
                   K::policy_promise, K::judgment, K::pledge};
  return parse_enum_text(text, all);
}

inline std::optional<domain::ObligorSide> parse_obligor_side(std::string_view text) {
  const domain::ObligorSide all[] = {domain::ObligorSide::government, domain::ObligorSide::counterparty};
  return parse_enum_text(text, all);
}

inline std::optional<domain::ReasonCode> parse_reason_code(std::string_view text) {
  using R = domain::ReasonCode;
  const R all[] = {R::none,
                   R::government_turnover,
                   R::personnel_change,
                   R::restructuring,
                   R::public_interest,
                   R::legal_change,
                   R::force_majeure,
                   R::other};
  return parse_enum_text(text, all);
}

/** The extension object of `object`, or nullptr when it has none. */
inline const nlohmann::json* extension_of(const nlohmann::json& object) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(kExtension);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

/** A string field of the extension object (present, even empty), else nullopt. */
inline std::optional<std::string> extension_text(const nlohmann::json& object, const char* field) {
  const nlohmann::json* e = extension_of(object);
  if (!e) return std::nullopt;
  const auto it = e->find(field);
  if (it == e->end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

/** A non-negative integer field of the extension object, else nullopt. */
inline std::optional<int> extension_days(const nlohmann::json& object, const char* field) {
  const nlohmann::json* e = extension_of(object);
  if (!e) return std::nullopt;
  const auto it = e->find(field);
  if (it == e->end() || !it->is_number_integer()) return std::nullopt;
  const auto days = it->get<long long>();
  if (days < 0 || days > 100'000) return std::nullopt;
  return static_cast<int>(days);
}

}  // namespace pactwatch::platform::ocds
