#include "adapters/trail/entry.hpp"

#include <charconv>
#include <tuple>

#include "adapters/trail/canonical_json.hpp"
#include "adapters/trail/change_set.hpp"

namespace pactwatch::trail {
namespace {

using nlohmann::json;

bool append_member(std::string& out, std::string_view key_and_colon, std::string_view value,
                   Utf8Check check) {
  out += key_and_colon;
  if (check == Utf8Check::strict) return append_json_string(value, out);
  append_json_string_unchecked(value, out);
  return true;
}

domain::Result<std::string> string_field(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return domain::fail(domain::ErrorCode::invalid, "must be a string", where + key);
  }
  return it->get<std::string>();
}

}  // namespace

namespace {

/** The canonical members of an entry; `prev_hash` writes the prev_hash digits. */
template <class PrevHash>
bool append_canonical(const auto& e, std::string_view name, std::string_view token_id,
                      std::string_view entity_id, std::string_view entity_type, PrevHash&& prev_hash,
                      std::string& out, Utf8Check check) {
  // Members in the byte order of their keys: action, actor{name, token_id}, entity{id, type}, patch,
  // prev_hash, reason, request_id, role, seq, time. tests/trail/entry_test.cpp checks this against
  // canonical_json() of entry_to_json().
  bool ok = append_member(out, "{\"action\":", e.action, check);
  ok = append_member(out, ",\"actor\":{\"name\":", name, check) && ok;
  ok = append_member(out, ",\"token_id\":", token_id, check) && ok;
  ok = append_member(out, "},\"entity\":{\"id\":", entity_id, check) && ok;
  ok = append_member(out, ",\"type\":", entity_type, check) && ok;
  out += "},\"patch\":";
  out += e.patch;
  out += ",\"prev_hash\":\"";
  prev_hash(out);
  out += '"';
  ok = append_member(out, ",\"reason\":", e.reason, check) && ok;
  ok = append_member(out, ",\"request_id\":", e.request_id, check) && ok;
  ok = append_member(out, ",\"role\":", e.role, check) && ok;
  out += ",\"seq\":";
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, e.seq).ptr);
  ok = append_member(out, ",\"time\":", e.time, check) && ok;
  out += '}';
  return ok;
}

Hash hash_or_poison(std::string_view hex) {
  if (auto h = hash_from_hex(hex)) return *h;
  Hash poison;
  poison.fill(0xff);
  return poison;
}

}  // namespace

bool append_entry_canonical(const TrailEntry& e, std::string& out, Utf8Check check) {
  return append_canonical(
      e, e.actor.name, e.actor.token_id, e.entity.id, e.entity.type,
      [&](std::string& o) { append_hex(e.prev_hash, o); }, out, check);
}

void append_stored_entry_canonical(const StoredEntryView& e, std::string& out) {
  append_canonical(
      e, e.name, e.token_id, e.entity_id, e.entity_type, [&](std::string& o) { o += e.prev_hash_hex; }, out,
      Utf8Check::skip);
}

TrailEntry to_entry(const StoredEntryView& e) {
  TrailEntry out;
  out.seq = e.seq;
  out.time = e.time;
  out.actor = {std::string(e.token_id), std::string(e.name)};
  out.role = e.role;
  out.action = e.action;
  out.entity = {std::string(e.entity_type), std::string(e.entity_id)};
  out.request_id = e.request_id;
  out.reason = e.reason;
  out.patch = e.patch;
  out.prev_hash = hash_or_poison(e.prev_hash_hex);
  out.hash = hash_or_poison(e.hash_hex);
  return out;
}

std::optional<Hash> EntryHasher::hash(const TrailEntry& entry) {
  buffer_.clear();
  if (!append_entry_canonical(entry, buffer_, check_)) return std::nullopt;
  return sha_.digest(entry.prev_hash, bytes_of(buffer_));
}

domain::Result<TrailEntry> seal_entry(const EntryDraft& draft, std::uint64_t seq, const Hash& prev_hash) {
  if (seq == 0) return domain::fail(domain::ErrorCode::invalid, "sequence numbers start at 1", "seq");
  if (draft.action.empty()) return domain::fail(domain::ErrorCode::invalid, "must not be empty", "action");
  if (draft.entity.type.empty() || draft.entity.id.empty()) {
    return domain::fail(domain::ErrorCode::invalid, "entity type and id must not be empty", "entity");
  }
  if (draft.canonical_patch.empty()) {
    if (!draft.patch.is_array()) {
      return domain::fail(domain::ErrorCode::invalid, "a JSON Patch is an array of operations", "patch");
    }
    const bool changes = is_change_set(draft.patch);
    for (std::size_t i = 0; i < draft.patch.size() && !changes; ++i) {
      const json& op = draft.patch[i];
      if (!op.is_object() || !op.contains("op") || !op["op"].is_string() || !op.contains("path") ||
          !op["path"].is_string()) {
        return domain::fail(domain::ErrorCode::invalid, "an operation needs string \"op\" and \"path\"",
                            "patch/" + std::to_string(i));
      }
    }
  }
  TrailEntry entry;
  entry.seq = seq;
  entry.time = domain::format_instant(draft.time);
  entry.actor = draft.actor;
  entry.role = draft.role;
  entry.action = draft.action;
  entry.entity = draft.entity;
  entry.request_id = draft.request_id;
  entry.reason = draft.reason;
  if (!draft.canonical_patch.empty()) {
    entry.patch = draft.canonical_patch;
  } else {
    auto patch = canonical_json(draft.patch);
    if (!patch) {
      domain::Error e = patch.error();
      e.field = "patch" + e.field;
      return std::unexpected(std::move(e));
    }
    entry.patch = std::move(*patch);
  }
  entry.prev_hash = prev_hash;
  EntryHasher hasher;
  auto hash = hasher.hash(entry);
  if (!hash) return domain::fail(domain::ErrorCode::invalid, "a text field is not valid UTF-8");
  entry.hash = *hash;
  return entry;
}

nlohmann::json entry_to_json(const TrailEntry& e, bool with_hash) {
  json out = {
      {"seq", e.seq},
      {"time", e.time},
      {"actor", {{"token_id", e.actor.token_id}, {"name", e.actor.name}}},
      {"role", e.role},
      {"action", e.action},
      {"entity", {{"type", e.entity.type}, {"id", e.entity.id}}},
      {"request_id", e.request_id},
      {"reason", e.reason},
      {"patch", json::parse(e.patch, nullptr, false)},
      {"prev_hash", to_hex(e.prev_hash)},
  };
  if (with_hash) out["hash"] = to_hex(e.hash);
  return out;
}

domain::Result<TrailEntry> entry_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return domain::fail(domain::ErrorCode::invalid, "an entry is an object");
  TrailEntry e;
  auto seq = j.find("seq");
  if (seq == j.end() || !seq->is_number_integer() || seq->get<std::int64_t>() < 1) {
    return domain::fail(domain::ErrorCode::invalid, "must be a positive integer", "seq");
  }
  e.seq = seq->get<std::uint64_t>();
  for (auto [key, target] :
       {std::pair{"time", &e.time}, std::pair{"role", &e.role}, std::pair{"action", &e.action},
        std::pair{"request_id", &e.request_id}, std::pair{"reason", &e.reason}}) {
    auto value = string_field(j, key, "");
    if (!value) return std::unexpected(value.error());
    *target = std::move(*value);
  }
  const auto actor = j.find("actor");
  const auto entity = j.find("entity");
  if (actor == j.end() || !actor->is_object()) return domain::fail(domain::ErrorCode::invalid, "", "actor");
  if (entity == j.end() || !entity->is_object())
    return domain::fail(domain::ErrorCode::invalid, "", "entity");
  for (auto [object, key, target] :
       {std::tuple{&*actor, "token_id", &e.actor.token_id}, std::tuple{&*actor, "name", &e.actor.name},
        std::tuple{&*entity, "type", &e.entity.type}, std::tuple{&*entity, "id", &e.entity.id}}) {
    auto value = string_field(*object, key, object == &*actor ? "actor." : "entity.");
    if (!value) return std::unexpected(value.error());
    *target = std::move(*value);
  }
  auto patch = j.find("patch");
  if (patch == j.end() || !patch->is_array()) {
    return domain::fail(domain::ErrorCode::invalid, "must be a JSON Patch array", "patch");
  }
  auto patch_text = canonical_json(*patch);
  if (!patch_text) return std::unexpected(patch_text.error());
  e.patch = std::move(*patch_text);
  for (auto [key, target] : {std::pair{"prev_hash", &e.prev_hash}, std::pair{"hash", &e.hash}}) {
    auto text = string_field(j, key, "");
    if (!text) return std::unexpected(text.error());
    auto h = hash_from_hex(*text);
    if (!h) return domain::fail(domain::ErrorCode::invalid, h.error().message, key);
    *target = *h;
  }
  return e;
}

}  // namespace pactwatch::trail
