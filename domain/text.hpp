#pragma once
// Small text helpers shared by every layer (pure: no I/O).

#include <cstddef>
#include <string_view>

namespace pactwatch::domain {

/**
 * The longest one-line text the ledger keeps, in bytes: a name, title, role, platform code or ocid. The
 * API refuses a longer one (422), the OCDS mapping quarantines a longer ocid, and every backend's column
 * holds this much (MySQL VARCHAR(500), migration 0015).
 */
inline constexpr std::size_t kMaxTextBytes = 500;

/**
 * `s` without leading and trailing spaces and tabs: HTTP's optional white space (RFC 9110 §5.6.3) around
 * header values and list elements, and the blanks around a CSV cell or an exchange column's value.
 */
constexpr std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace pactwatch::domain
