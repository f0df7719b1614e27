#pragma once
// Typed errors of the domain. The domain never throws for bad input and knows nothing of HTTP:
// callers map an ErrorCode to whatever their transport needs (only server/ knows status codes).

#include <expected>
#include <string>
#include <utility>

namespace pactwatch::domain {

/** What kind of failure an Error is; the HTTP layer maps each to one status. */
enum class ErrorCode {
  invalid,             ///< the input is malformed or violates a rule of the domain
  not_found,           ///< a referenced entity does not exist
  conflict,            ///< the input contradicts existing state (duplicate, overlap)
  illegal_transition,  ///< a lifecycle action not allowed in the current state
  unavailable,         ///< a dependency (database, platform) cannot be reached
  stale,               ///< the row changed since it was read (optimistic concurrency lost a race)
};

/** True for both kinds of contradiction with stored state: `conflict` and `stale`. */
constexpr bool is_conflict(ErrorCode code) {
  return code == ErrorCode::conflict || code == ErrorCode::stale;
}

/** A failure with a human-readable reason and, for validation, the offending field. */
struct Error {
  ErrorCode code = ErrorCode::invalid;
  std::string message;
  std::string field;  ///< dotted path of the bad field, empty when not about one field

  static Error invalid(std::string field, std::string message) {
    return Error{ErrorCode::invalid, std::move(message), std::move(field)};
  }
  /** Equal when kind, message and field are equal (lets tests compare whole Results). */
  friend bool operator==(const Error&, const Error&) = default;
};

template <class T>
using Result = std::expected<T, Error>;

/** Shorthand for returning a failure from a function that returns Result<T>. */
inline std::unexpected<Error> fail(ErrorCode code, std::string message, std::string field = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(field)});
}

}  // namespace pactwatch::domain
