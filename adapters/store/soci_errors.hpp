#pragma once
// The adapter boundary: a soci::soci_error becomes a domain::Error by category, so nothing above the
// store sees SOCI exceptions.

#include <exception>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::store {

/**
 * Maps the exception currently being handled (call inside a catch block): constraint violations are
 * `conflict`, lost or refused connections and a busy/locked SQLite file are `unavailable`, everything
 * else `invalid`. `what` says what the store was doing ("applying 0002_ledger.sql").
 */
domain::Error map_current_exception(std::string_view what);

}  // namespace pactwatch::store
