#pragma once
// The one generator of entity ids (issue 12: time-ordered ids for every entity created). It reads the clock
// and OpenSSL's random bytes, which is why it lives in an adapter and not in domain/.

#include <string>
#include <string_view>

namespace pactwatch::store {

/**
 * A new id: `prefix` + '_' + 26 Crockford base32 characters in the ULID layout (48 bits of Unix
 * milliseconds, then 80 random bits), e.g. "agr_01JD3F…". Ids sort by creation time: within one millisecond
 * (or when the clock steps back) the previous random part is incremented, so the ids one process makes are
 * strictly increasing. Time order keeps every index keyed by id appending at its right edge instead of
 * writing pages all over it (docs/PERFORMANCE.md, "Sync"). Thread-safe; throws std::runtime_error when
 * OpenSSL has no random bytes.
 */
std::string new_id(std::string_view prefix);

}  // namespace pactwatch::store
