#pragma once
// Builds small ledgers for tests in a few lines: organizations, agreements, commitments and facts with
// sensible defaults, linked by id at build().

#include <chrono>
#include <string>
#include <vector>

#include "domain/ledger.hpp"
#include "domain/model.hpp"

namespace pactwatch::testing {

using namespace pactwatch::domain;

/** A date literal for tests: ymd(2026, 2, 12). */
constexpr Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

/** Collects records and links them into a Ledger. */
struct LedgerBuilder {
  std::vector<Organization> organizations;
  std::vector<Agreement> agreements;
  std::vector<Commitment> commitments;
  std::vector<Fact> facts;

  Organization& organization(std::string id, bool sme) {
    organizations.push_back(Organization{id, "org " + id, std::nullopt, sme});
    return organizations.back();
  }

  Agreement& agreement(std::string id, AgreementKind kind, std::string body, std::string counterparty,
                       std::int64_t value_yuan = 1'000'000, Date signed_on = ymd(2025, 1, 10)) {
    Agreement a;
    a.id = std::move(id);
    a.kind = kind;
    a.title = "agreement " + a.id;
    a.body_id = std::move(body);
    a.counterparty_id = std::move(counterparty);
    a.value = Money::yuan(value_yuan);
    a.signed_on = signed_on;
    agreements.push_back(std::move(a));
    return agreements.back();
  }

  Commitment& commitment(std::string id, std::string agreement_id, ObligorSide side, std::string obligor,
                         CommitmentKind kind, Date due,
                         std::optional<std::int64_t> amount_yuan = std::nullopt) {
    Commitment c;
    c.id = std::move(id);
    c.agreement_id = std::move(agreement_id);
    c.obligor_side = side;
    c.obligor_id = std::move(obligor);
    c.kind = kind;
    c.title = "commitment " + c.id;
    c.due = due;
    if (amount_yuan) c.amount = Money::yuan(*amount_yuan);
    commitments.push_back(std::move(c));
    return commitments.back();
  }

  Fact& fact(std::string id, std::string commitment_id, FactKind kind, Date on) {
    Fact f;
    f.id = std::move(id);
    f.commitment_id = std::move(commitment_id);
    f.kind = kind;
    f.on = on;
    facts.push_back(std::move(f));
    return facts.back();
  }

  Fact& paid(std::string id, std::string commitment_id, Date on, std::int64_t yuan) {
    Fact& f = fact(std::move(id), std::move(commitment_id), FactKind::fulfilled, on);
    f.amount = Money::yuan(yuan);
    return f;
  }

  /** Links everything; a dangling id is a test bug, so it throws. */
  Ledger build() const {
    auto l = link_ledger(organizations, agreements, commitments, facts);
    if (!l) throw std::runtime_error("bad test ledger: " + l.error().message);
    return *std::move(l);
  }
};

}  // namespace pactwatch::testing
