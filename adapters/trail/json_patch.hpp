#pragma once
// JSON Patch (RFC 6902) over JSON Pointer (RFC 6901): the change an entry records against the entity's
// previous state, and the means to rebuild a state as of an instant (docs/TRAIL.md §3).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace pactwatch::trail::json_patch {

/** The reference tokens of an RFC 6901 pointer, unescaped ("" is the whole document: no tokens). */
domain::Result<std::vector<std::string>> parse_pointer(std::string_view pointer);

/** An RFC 6901 pointer from unescaped tokens ("~" as "~0", "/" as "~1"). */
std::string format_pointer(const std::vector<std::string>& tokens);

/**
 * A patch that turns `before` into `after`, deterministically: objects are compared member by member (in
 * key order) and give "remove", "add" and "replace" operations; any other change - a changed scalar, a
 * changed type, or any change inside an array - replaces the value whole. Equal documents give [].
 */
nlohmann::json diff(const nlohmann::json& before, const nlohmann::json& after);

/**
 * `doc` with `patch` applied, supporting add, remove, replace, move, copy and test. The patch applies
 * entirely or not at all: the first failing operation is ErrorCode::invalid with `field` "/<index>/path"
 * (or "/<index>/from", "/<index>/op" ...) naming it, and a failed "test" is ErrorCode::conflict.
 */
domain::Result<nlohmann::json> apply(const nlohmann::json& doc, const nlohmann::json& patch);

}  // namespace pactwatch::trail::json_patch
