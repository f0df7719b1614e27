#pragma once
// Small text helpers shared by every layer (pure: no I/O).

#include <string_view>

namespace pactwatch::domain {

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
