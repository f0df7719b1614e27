#include "adapters/trail/change_set.hpp"

#include <algorithm>

#include "adapters/trail/canonical_json.hpp"

namespace pactwatch::trail {

namespace d = pactwatch::domain;
using nlohmann::json;

namespace {

/** Writes `{"id":…,"op":…,"patch":` + what `patch` appends + `,"type":…}`. */
template <class Patch>
domain::Result<std::string> write_change(const EntityRef& entity, std::string_view op, Patch&& patch) {
  if (entity.type.empty() || entity.id.empty()) {
    return d::fail(d::ErrorCode::invalid, "a change needs an entity type and id", "entity");
  }
  if (op.empty()) return d::fail(d::ErrorCode::invalid, "a change needs an op", "op");
  // Members in canonical (byte) order: id, op, patch, type.
  std::string out = "{\"id\":";
  bool utf8 = append_json_string(entity.id, out);
  out += ",\"op\":";
  utf8 = append_json_string(op, out) && utf8;
  out += ",\"patch\":";
  if (auto r = patch(out); !r) {
    d::Error e = r.error();
    e.field = "patch" + e.field;
    return std::unexpected(std::move(e));
  }
  out += ",\"type\":";
  utf8 = append_json_string(entity.type, out) && utf8;
  out += '}';
  if (!utf8) return d::fail(d::ErrorCode::invalid, "a change's type, id or op is not valid UTF-8");
  return out;
}

}  // namespace

domain::Result<std::string> canonical_creation(const EntityRef& entity, std::string_view op,
                                               const json& state) {
  return write_change(entity, op, [&state](std::string& out) -> domain::Result<void> {
    out += R"([{"op":"add","path":"","value":)";
    if (auto r = append_canonical_json(state, out); !r) {
      d::Error e = r.error();
      e.field = "/0/value" + e.field;
      return std::unexpected(std::move(e));
    }
    out += "}]";
    return {};
  });
}

domain::Result<std::string> canonical_change(const EntityChange& change) {
  if (!change.patch.is_array()) {
    return d::fail(d::ErrorCode::invalid, "a JSON Patch is an array of operations", "patch");
  }
  for (std::size_t i = 0; i < change.patch.size(); ++i) {
    const json& op = change.patch[i];
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string() || !op.contains("path") ||
        !op["path"].is_string()) {
      return d::fail(d::ErrorCode::invalid, "an operation needs string \"op\" and \"path\"",
                     "patch/" + std::to_string(i));
    }
  }
  return write_change(change.entity, change.op,
                      [&change](std::string& out) { return append_canonical_json(change.patch, out); });
}

bool is_change_set(const json& patch) {
  if (!patch.is_array() || patch.empty()) return false;
  return std::all_of(patch.begin(), patch.end(), [](const json& c) {
    if (!c.is_object()) return false;
    const auto text = [&c](const char* name) { return c.contains(name) && c[name].is_string(); };
    return text("type") && text("id") && text("op") && c.contains("patch") && c["patch"].is_array();
  });
}

std::vector<json> entity_patches(const TrailEntry& entry, const json& parsed_patch, const EntityRef& entity) {
  std::vector<json> out;
  if (!is_change_set(parsed_patch)) {
    if (entry.entity == entity) out.push_back(parsed_patch);
    return out;
  }
  for (const json& c : parsed_patch) {
    if (c["type"].get_ref<const std::string&>() == entity.type &&
        c["id"].get_ref<const std::string&>() == entity.id)
      out.push_back(c["patch"]);
  }
  return out;
}

std::vector<EntityRef> changed_entities(const TrailEntry& entry, const json& parsed_patch) {
  if (!is_change_set(parsed_patch)) return {entry.entity};
  std::vector<EntityRef> out;
  for (const json& c : parsed_patch) {
    EntityRef ref{c["type"].get<std::string>(), c["id"].get<std::string>()};
    if (std::find(out.begin(), out.end(), ref) == out.end()) out.push_back(std::move(ref));
  }
  return out;
}

}  // namespace pactwatch::trail
