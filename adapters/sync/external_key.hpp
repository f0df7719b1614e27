#pragma once
// How an external key is stored in external_keys (migration 0016): the table is keyed by (source,
// lookup_key), where lookup_key is the key itself, so that keys the platform hands out in order land next to
// each other in the primary key instead of on random pages (as their SHA-256 did until 0016).

#include <cstddef>
#include <string>
#include <string_view>

namespace pactwatch::sync {

/** Keys up to this many bytes are their own lookup key. */
inline constexpr std::size_t kLiteralKeyBytes = 400;

/**
 * The lookup key of `external_key`: the key itself when it has at most kLiteralKeyBytes bytes, else its first
 * kLiteralKeyBytes bytes, '#' and the SHA-256 (lower-case hex) of the whole key — 465 bytes, which no literal
 * key is as long as, so the two forms never meet. sql/{sqlite,mysql}/0016_external_key_order.sql compute the
 * same.
 */
std::string external_key_lookup(std::string_view external_key);

}  // namespace pactwatch::sync
