#pragma once
// Change-set entries (docs/TRAIL.md §2.4): since migration 0009 one trail entry records one change set — one
// API request, one imported record, one breach transition — and its patch lists every entity the set changed
// as {type, id, op, patch}. Entries written before (one per entity, the patch that entity's RFC 6902 patch)
// stay valid; a reader tells the two apart from the hashed patch alone.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/trail/entry.hpp"
#include "domain/result.hpp"

namespace pactwatch::trail {

/** One entity's change inside a change set. */
struct EntityChange {
  EntityRef entity;
  /** What happened to it: "create", "update", "append_post", "verify", … (its action without the type). */
  std::string op;
  /** The RFC 6902 patch of that entity against its previous state; creation is one `add` at "". */
  nlohmann::json patch = nlohmann::json::array();
};

/**
 * The canonical JSON (§1) of one change, `{"id":…,"op":…,"patch":[…],"type":…}`. ErrorCode::invalid when
 * type, id or op is empty, the patch is not an array of operations with string `op` and `path`, or it holds
 * a float or text that is not UTF-8.
 */
domain::Result<std::string> canonical_change(const EntityChange& change);

/**
 * The canonical JSON of a creation, the same text as canonical_change of {entity, op, [{"op":"add","path":"",
 * "value":state}]}, written without building that patch (a copy of the whole state).
 */
domain::Result<std::string> canonical_creation(const EntityRef& entity, std::string_view op,
                                               const nlohmann::json& state);

/**
 * Whether a parsed entry patch is a change set: a non-empty array whose every element is an object with
 * string `type`, `id`, `op` and an array `patch`. An RFC 6902 operation always has `path` and never
 * `patch`, so the patch of an entry written before migration 0009 is never taken for one.
 */
bool is_change_set(const nlohmann::json& patch);

/**
 * The RFC 6902 patches `entry` applies to `entity`, in order, from its parsed patch: for a change set, the
 * patch of every change naming the entity (none when it names it nowhere); for an entry of the earlier
 * layout, its whole patch when its own entity is `entity`, else none.
 */
std::vector<nlohmann::json> entity_patches(const TrailEntry& entry, const nlohmann::json& parsed_patch,
                                           const EntityRef& entity);

/**
 * The changes of an entry's parsed patch as (type, id) pairs, in order, each once: what the entry is indexed
 * under (trail_index, §8.1). For an entry of the earlier layout, its own entity.
 */
std::vector<EntityRef> changed_entities(const TrailEntry& entry, const nlohmann::json& parsed_patch);

}  // namespace pactwatch::trail
