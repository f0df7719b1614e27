// Properties of the trail's canonical JSON (docs/TRAIL.md §1): for any JSON the form is valid UTF-8 JSON
// that parses back to an equal value and is its own canonical form (idempotent); a refusal names a JSON
// Pointer into the input; string escaping accepts exactly the valid UTF-8 and round-trips it.
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/trail/canonical_json.hpp"
#include "tests/fuzz/fuzz_entries.hpp"

namespace pactwatch::fuzz {

namespace {

using nlohmann::json;

void check_string_escaping(std::string_view bytes) {
  std::string literal;
  const bool valid = trail::is_valid_utf8(bytes);
  check(trail::append_json_string(bytes, literal) == valid, "append_json_string accepts exactly valid UTF-8");
  std::string unchecked;
  trail::append_json_string_unchecked(bytes, unchecked);
  if (!valid) return;
  check(unchecked == literal, "the unchecked escaping equals the checked one on valid UTF-8");
  const json back = json::parse(literal, nullptr, false);
  check(back.is_string() && back.get_ref<const std::string&>() == bytes, "an escaped string parses back",
        literal);
}

void check_value(const json& value) {
  auto canonical = trail::canonical_json(value);
  if (!canonical) {
    // The refusal names the offending value: a pointer that resolves inside the input.
    const auto& field = canonical.error().field;
    try {
      check(value.contains(json::json_pointer(field)), "a refusal's field points into the input", field);
    } catch (const json::exception& e) {
      violated("a refusal's field is a JSON Pointer", field + ": " + e.what());
    }
    return;
  }
  check(trail::is_valid_utf8(*canonical), "canonical JSON is valid UTF-8", *canonical);
  const json back = json::parse(*canonical, nullptr, false);
  check(!back.is_discarded(), "canonical JSON parses", *canonical);
  check(back == value, "canonical JSON parses back to an equal value", *canonical);
  auto again = trail::canonical_json(back);
  check(again.has_value() && *again == *canonical, "canonical JSON is idempotent", *canonical);
}

}  // namespace

int canonical_json(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_string_escaping(bytes);
  const json value = json::parse(bytes, nullptr, false);
  if (!value.is_discarded()) check_value(value);
  return 0;
}

}  // namespace pactwatch::fuzz
