#pragma once
// Small, total accessors over nlohmann::json for the mapper: absent, null and wrongly typed fields are
// told apart without exceptions. File-private to the OCDS adapter.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace pactwatch::platform::ocds::detail {

using nlohmann::json;

/** The member `key` of an object when present and not null; nullptr otherwise. */
inline const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

/** A non-empty string member. */
inline std::string text(const json& object, const char* key) {
  const json* v = member(object, key);
  return v && v->is_string() ? v->get<std::string>() : std::string{};
}

/** An OCDS identifier: a non-empty string or an integer (allowed by the schema), as text. */
inline std::optional<std::string> identifier(const json& object, const char* key = "id") {
  const json* v = member(object, key);
  if (!v) return std::nullopt;
  if (v->is_string() && !v->get_ref<const std::string&>().empty()) return v->get<std::string>();
  if (v->is_number_integer()) return v->dump();
  return std::nullopt;
}

}  // namespace pactwatch::platform::ocds::detail
