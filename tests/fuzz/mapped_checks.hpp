#pragma once
// Properties every mapped entity must have, whichever platform adapter (OCDS, exchange) produced it: a
// key, a SHA-256 content hash, dates that exist and that the API can write back, amounts that round-trip
// through their decimal text in a valid currency. Shared by ocds_entry.cpp and exchange_entry.cpp.

#include <optional>
#include <string>
#include <string_view>

#include "adapters/platform/ocds/mapping.hpp"
#include "domain/date.hpp"
#include "domain/money.hpp"
#include "tests/fuzz/fuzz_entries.hpp"

namespace pactwatch::fuzz {

inline void check_hash(std::string_view hash, std::string_view what) {
  check(hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string_view::npos, what,
        hash);
}

inline void check_date(const domain::Date& d, std::string_view what) {
  check(d.ok(), what, "not a calendar date");
  const auto text = domain::format_date(d);
  auto back = domain::parse_date(text);
  check(back.has_value() && *back == d, what, text);
}

inline void check_date(const std::optional<domain::Date>& d, std::string_view what) {
  if (d) check_date(*d, what);
}

inline void check_money(const domain::Money& m, std::string_view what) {
  check(domain::Currency::parse(m.currency.code()).has_value(), what, m.currency.code());
  const auto text = m.to_decimal();
  auto back = domain::Money::parse(text, m.currency);
  check(back.has_value() && *back == m, what, text);
}

inline void check_money(const std::optional<domain::Money>& m, std::string_view what) {
  if (m) check_money(*m, what);
}

template <class T>
void check_keyed(const platform::ocds::Keyed<T>& keyed, std::string_view what) {
  check(!keyed.key.empty(), what, "empty key");
  check_hash(keyed.content_hash, what);
}

/** The checks above over everything one release or row produced; a quarantined one produced nothing. */
template <class Mapping>
void check_mapping(const Mapping& m) {
  if (m.quarantined) {
    check(m.bodies.empty() && m.organizations.empty() && m.agreements.empty() && m.commitments.empty() &&
              m.facts.empty(),
          "a quarantined record maps to nothing");
    check(!m.quarantine.empty(), "a quarantined record has its quarantine entry");
  }
  for (const auto& b : m.bodies)
    check_keyed(b, "body key and hash");
  for (const auto& o : m.organizations)
    check_keyed(o, "organization key and hash");
  for (const auto& a : m.agreements) {
    check_keyed(a, "agreement key and hash");
    // A release is a partial update: only the fields it states carry values.
    if (a.stated.contains("value")) check_money(a.value.value, "agreement value");
    if (a.stated.contains("signed_on")) check_date(a.value.signed_on, "agreement signed_on");
  }
  for (const auto& c : m.commitments) {
    check_keyed(c, "commitment key and hash");
    check_date(c.value.due, "commitment due");
    check_money(c.value.amount, "commitment amount");
    check(c.value.grace_days >= 0, "commitment grace days are not negative");
  }
  for (const auto& f : m.facts) {
    check_keyed(f, "fact key and hash");
    check_date(f.value.on, "fact date");
    check_date(f.value.new_due, "fact new due date");
    check_money(f.value.amount, "fact amount");
    check_money(f.value.new_amount, "fact new amount");
  }
}

}  // namespace pactwatch::fuzz
