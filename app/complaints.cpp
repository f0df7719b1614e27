#include "app/complaints.hpp"

namespace pactwatch::app {

domain::Finding complaint_finding(const domain::Agreement& a, const domain::Commitment* commitment,
                                  domain::Date today) {
  domain::Finding f;
  f.rule = a.kind == domain::AgreementKind::pledge ? domain::RuleCode::BC10 : domain::RuleCode::BC01;
  f.severity = domain::Severity::minor;
  f.agreement_id = a.id;
  f.due = today;
  f.occurred_on = today;
  if (commitment) {
    f.obligor_side = commitment->obligor_side;
    f.obligor_id = commitment->obligor_id;
    f.commitment_id = commitment->id;
    f.due = commitment->due;
    f.committed = commitment->amount;
  } else {
    f.obligor_side = domain::ObligorSide::government;
    f.obligor_id = a.body_id;
  }
  return f;
}

}  // namespace pactwatch::app
