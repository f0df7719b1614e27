#pragma once
// Canonical JSON of the trail (docs/TRAIL.md §1): one byte string per JSON value, so that hashes and
// signatures over JSON are reproducible by anyone. In the spirit of RFC 8785 (JCS), restricted to integers.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::trail {

/**
 * The canonical form of `value`: object members sorted by the UTF-8 bytes of their keys, no whitespace,
 * strings escaped with only the required escapes, integers in plain decimal. Floating-point numbers,
 * binary values and strings that are not valid UTF-8 are ErrorCode::invalid, with `field` set to the JSON
 * Pointer of the offending value.
 */
domain::Result<std::string> canonical_json(const nlohmann::json& value);

/** Appends the canonical form of `value` to `out`; on failure `out` holds a partial result. */
domain::Result<void> append_canonical_json(const nlohmann::json& value, std::string& out);

/**
 * Appends `text` as a canonical JSON string literal (quotes included): `"` and `\` escaped, control
 * characters as \b \t \n \f \r or \u00xx (lower-case hex), everything else as UTF-8 bytes.
 * Returns false, with `out` partially written, when `text` is not valid UTF-8.
 */
bool append_json_string(std::string_view text, std::string& out);

/**
 * As append_json_string, without checking UTF-8: bytes of 0x80 and above are copied as they are. For
 * verification only, where any byte that differs from what was sealed changes the hash anyway.
 */
void append_json_string_unchecked(std::string_view text, std::string& out);

/** True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
bool is_valid_utf8(std::string_view text);

}  // namespace pactwatch::trail
