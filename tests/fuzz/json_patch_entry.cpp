// Properties of the trail's JSON Patch (RFC 6902, docs/TRAIL.md §3). The input is JSON: `[before, after]`
// or `[before, after, patch]`; any other document stands for both `before` and `patch`. Checked: apply
// (a, diff(a, b)) == b, diff of equal documents is [], a patch that applies is reproduced by the diff of
// its result, a refused patch names its failing operation, and pointers round-trip through their format.
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/trail/json_patch.hpp"
#include "tests/fuzz/fuzz_entries.hpp"

namespace pactwatch::fuzz {

namespace {

using nlohmann::json;
namespace jp = trail::json_patch;

void check_diff(const json& before, const json& after) {
  const json patch = jp::diff(before, after);
  check(patch.is_array(), "diff gives an array");
  auto applied = jp::apply(before, patch);
  check(applied.has_value(), "diff(a, b) applies to a", applied ? std::string() : applied.error().message);
  check(*applied == after, "apply(a, diff(a, b)) == b", patch.dump());
  check(jp::diff(after, after).empty(), "diff of equal documents is empty");
}

void check_patch(const json& doc, const json& patch) {
  auto applied = jp::apply(doc, patch);
  if (applied) {
    check_diff(doc, *applied);
    return;
  }
  const auto& error = applied.error();
  check(error.code == domain::ErrorCode::invalid || error.code == domain::ErrorCode::conflict,
        "a refused patch is invalid or conflict", error.message);
  if (!patch.is_array()) return;
  // "/<index>/..." names the operation that failed.
  auto tokens = jp::parse_pointer(error.field);
  check(tokens.has_value() && !tokens->empty(), "a refused patch names a field", error.field);
  std::size_t index = 0;
  const auto& first = tokens->front();
  check(!first.empty() && first.find_first_not_of("0123456789") == std::string::npos && first.size() < 10,
        "the field starts with an operation index", error.field);
  index = std::stoul(first);
  check(index < patch.size(), "the named operation exists", error.field);
}

void check_pointers(const json& doc) {
  if (!doc.is_object()) return;
  for (const auto& [key, value] : doc.items()) {
    const std::vector<std::string> tokens{key, key + "/~"};
    auto back = jp::parse_pointer(jp::format_pointer(tokens));
    check(back.has_value() && *back == tokens, "format_pointer round-trips through parse_pointer", key);
  }
}

}  // namespace

int json_patch(const std::uint8_t* data, std::size_t size) {
  const json input = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, false);
  if (input.is_discarded()) return 0;
  if (input.is_array() && (input.size() == 2 || input.size() == 3)) {
    check_diff(input[0], input[1]);
    check_pointers(input[0]);
    if (input.size() == 3) check_patch(input[0], input[2]);
  } else {
    check_diff(input, json::object());
    check_diff(json::object(), input);
    check_patch(input, input);
    check_pointers(input);
  }
  return 0;
}

}  // namespace pactwatch::fuzz
