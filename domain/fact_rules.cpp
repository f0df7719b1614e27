#include "domain/fact_rules.hpp"

namespace pactwatch::domain {

FactDraft draft_of(const Fact& fact) {
  FactDraft d;
  d.kind = fact.kind;
  if (fact.reason != ReasonCode::none) d.reason = fact.reason;
  d.terminated_by = fact.terminated_by;
  d.score = fact.score;
  d.new_due = fact.new_due;
  d.amount = fact.amount;
  d.new_amount = fact.new_amount;
  return d;
}

std::vector<Error> fact_rule_errors(const FactDraft& f,
                                    const std::function<bool(std::string_view)>& already_invalid,
                                    FactRuleSet rules) {
  const bool complete = rules == FactRuleSet::complete;
  std::vector<Error> errors;
  auto invalid = [&](std::string_view field) { return already_invalid && already_invalid(field); };
  auto error = [&](const char* field, const char* message) {
    errors.push_back(Error::invalid(field, message));
  };
  using K = FactKind;
  const K kind = f.kind;
  const bool acceptance = kind == K::acceptance_passed || kind == K::acceptance_failed;
  const bool with_reason = kind == K::revoked || kind == K::refused || kind == K::not_performed;
  if (f.score && !acceptance) error("score", "applies only to acceptance facts");
  if (f.amount && kind != K::fulfilled && kind != K::judgment_fulfilled) {
    error("amount", "applies only to fulfilled and judgment_fulfilled facts");
  }
  if (f.new_amount && kind != K::amended) error("new_amount", "applies only to amended facts");
  if (f.new_due && kind != K::amended && kind != K::judgment_issued) {
    error("new_due", "applies only to amended and judgment_issued facts");
  }
  if (complete && kind == K::amended && !f.new_due && !f.new_amount && !invalid("new_due") &&
      !invalid("new_amount")) {
    error("new_due", "an amended fact needs new_due or new_amount");
  }
  if (kind == K::judgment_issued && !f.new_due && !invalid("new_due")) {
    error("new_due", "a judgment_issued fact needs the performance deadline in new_due");
  }
  if (complete && kind == K::terminated && !f.terminated_by && !invalid("terminated_by")) {
    error("terminated_by", "a terminated fact needs the side that ended the agreement");
  }
  if (f.terminated_by && kind != K::terminated) error("terminated_by", "applies only to terminated facts");
  if (f.reason && *f.reason != ReasonCode::none && !with_reason) {
    error("reason", "applies only to revoked, refused and not_performed facts");
  }
  if (with_reason && !f.reason && !invalid("reason")) error("reason", "is required for this kind of fact");
  return errors;
}

std::vector<Error> fact_amount_errors(const FactDraft& f) {
  std::vector<Error> errors;
  if (f.amount && f.amount->fen < 0) errors.push_back(Error::invalid("amount", "must not be negative"));
  if (f.new_amount && f.new_amount->fen < 0)
    errors.push_back(Error::invalid("new_amount", "must not be negative"));
  return errors;
}

}  // namespace pactwatch::domain
