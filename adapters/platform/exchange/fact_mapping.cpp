// Rows that happen to a contract: acceptance results, payments, changes and terminations → facts.
#include <charconv>

#include "adapters/platform/exchange/row_mapper.hpp"
#include "domain/ledger.hpp"

namespace pactwatch::platform::exchange::detail {

namespace {

/** An acceptance score "92.50" (DECIMAL(5,2) text) as a whole number, rounded half up; nullopt if bad. */
std::optional<int> parse_score(std::string_view t) {
  const auto dot = t.find('.');
  int whole = 0;
  const std::string_view head = t.substr(0, dot);
  const auto [end, ec] = std::from_chars(head.data(), head.data() + head.size(), whole);
  if (ec != std::errc{} || end != head.data() + head.size() || head.empty() || whole < 0) return std::nullopt;
  if (dot != std::string_view::npos) {
    const std::string_view frac = t.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    if (frac[0] >= '5') ++whole;
  }
  if (whole > 100) return std::nullopt;
  return whole;
}

}  // namespace

void RowMapper::map_acceptance() {
  const std::string agreement = dependent_agreement();
  if (agreement.empty()) return;
  std::string result, score_text, opinion;
  std::optional<domain::Date> on, delivered;
  if (!text("ACCEPTANCE_RESULT", true, result) || !date("ACCEPTANCE_DATE", true, on) ||
      !date("ACTUAL_DELIVERY_DATE", false, delivered)) {
    return;
  }
  bool passed = false;
  if (result == "1" || result == "合格" || result == "通过") {
    passed = true;
  } else if (result != "0" && result != "不合格" && result != "不通过") {
    quarantine(QuarantineReason::invalid_value, "ACCEPTANCE_RESULT",
               "ACCEPTANCE_RESULT \"" + result + "\" is neither 1 (合格) nor 0 (不合格)");
    return;
  }
  text("ACCEPTANCE_SCORE", false, score_text);
  std::optional<int> score;
  if (!score_text.empty()) {
    score = parse_score(score_text);
    if (!score) {
      quarantine(QuarantineReason::invalid_value, "ACCEPTANCE_SCORE",
                 "ACCEPTANCE_SCORE \"" + score_text + "\" is not a score from 0 to 100");
      return;
    }
  }
  text("ACCEPTANCE_OPINION", false, opinion);
  // 履约验收 judges the supplier's deliverable: the fact sits on the delivery commitment, where BC07 and
  // the supplier grade read it, and the payment clock of BC03 starts from it.
  MappedFact f = make_fact(fact_key(""),
                           passed ? domain::FactKind::acceptance_passed : domain::FactKind::acceptance_failed,
                           *on, agreement);
  f.value.commitment_id = delivery_key(agreement);
  f.value.score = score;
  f.value.note = opinion;
  f.note = opinion;
  out_.facts.push_back(std::move(f));
  if (!passed) {
    if (delivered) out_.notes.push_back("failed acceptance: ACTUAL_DELIVERY_DATE not counted as delivery");
    return;
  }
  // A passed acceptance proves the delivery: on the actual delivery date when the platform states it.
  MappedFact d =
      make_fact(fact_key("/delivered"), domain::FactKind::fulfilled, delivered.value_or(*on), agreement);
  d.value.commitment_id = delivery_key(agreement);
  d.value.note = delivered ? "delivered; acceptance passed on " + domain::format_date(*on)
                           : "acceptance passed; ACTUAL_DELIVERY_DATE not stated, delivery taken as the "
                             "acceptance date";
  d.note = d.value.note;
  if (!delivered) out_.notes.push_back(d.value.note);
  out_.facts.push_back(std::move(d));
}

void RowMapper::map_payment() {
  const std::string agreement = dependent_agreement();
  if (agreement.empty()) return;
  domain::Currency cur = domain::Currency::cny();
  std::optional<domain::Money> amount;
  std::optional<domain::Date> on;
  std::optional<int> seq;
  std::string payer;
  if (!currency(cur) || !money("PAY_AMOUNT", true, cur, amount) || !date("PAY_DATE", true, on) ||
      !integer("PAY_SEQ", seq)) {
    return;
  }
  if (amount->fen <= 0) {
    quarantine(QuarantineReason::invalid_amount, "PAY_AMOUNT",
               "PAY_AMOUNT " + amount->to_wanyuan_decimal() + " 万元 is not positive");
    return;
  }
  text("PAYER_NAME", false, payer);
  MappedFact f = make_fact(fact_key(""), domain::FactKind::fulfilled, *on, agreement);
  f.value.commitment_id = payment_key(agreement);
  f.value.amount = *amount;
  f.value.note = (seq ? "第" + std::to_string(*seq) + "期 " : std::string{}) + "支付 " +
                 amount->to_wanyuan_decimal() + " 万元" + (payer.empty() ? "" : "，付款单位 " + payer);
  f.note = f.value.note;
  out_.facts.push_back(std::move(f));
}

void RowMapper::map_change() {
  const std::string agreement = dependent_agreement();
  if (agreement.empty()) return;
  std::string type, reason, basis, authority, doc_no, compensation;
  std::optional<domain::Date> on, new_date;
  std::optional<domain::Money> new_amount;
  bool loss = false;
  if (!text("CHANGE_TYPE", true, type) || !date("CHANGE_DATE", true, on) ||
      !date("NEW_DATE", false, new_date) ||
      !money("NEW_AMOUNT", false, domain::Currency::cny(), new_amount) || !flag("SUPPLIER_LOSS", loss)) {
    return;
  }
  MappedFact f = make_fact(fact_key(""), domain::FactKind::amended, *on, agreement);
  if (type == "1") {  // 金额变更: the purchaser's payment commitment gets the new contract amount
    if (!new_amount) {
      quarantine(QuarantineReason::missing_field, "NEW_AMOUNT",
                 "CHANGE_TYPE 1 (金额变更) without NEW_AMOUNT");
      return;
    }
    f.value.commitment_id = payment_key(agreement);
    f.value.new_amount = new_amount;
  } else if (type == "2" || type == "3") {  // 履约期限 / 付款期限
    if (!new_date) {
      quarantine(QuarantineReason::missing_field, "NEW_DATE", "CHANGE_TYPE " + type + " without NEW_DATE");
      return;
    }
    f.value.commitment_id = type == "2" ? delivery_key(agreement) : payment_key(agreement);
    f.value.new_due = new_date;
  } else if (type == "9") {  // 其他: the platform does not say which obligation changed
    f.scope = FactScope::agreement;
  } else {
    quarantine(QuarantineReason::invalid_value, "CHANGE_TYPE",
               "CHANGE_TYPE \"" + type + "\" is not 1 (金额), 2 (履约期限), 3 (付款期限) or 9 (其他)");
    return;
  }
  text("CHANGE_REASON", false, reason);
  text("LEGAL_BASIS", false, basis);
  text("APPROVE_AUTHORITY", false, authority);
  text("APPROVE_DOC_NO", false, doc_no);
  text("COMPENSATION", false, compensation);
  f.value.legal_basis = basis;
  f.value.competent_authority = authority;
  f.value.procedure_reference = doc_no;
  f.value.compensation_decision = compensation;
  f.value.counterparty_loss = loss;
  f.value.note = reason;
  f.note = reason;
  out_.facts.push_back(std::move(f));
}

void RowMapper::map_termination() {
  const std::string agreement = dependent_agreement();
  if (agreement.empty()) return;
  std::string party, reason_text, reason_code, basis, compensation;
  std::optional<domain::Date> on;
  std::optional<domain::Money> compensation_amount;
  if (!date("TERMINATE_DATE", true, on) || !text("TERMINATE_PARTY", true, party) ||
      !money("COMPENSATION_AMOUNT", false, domain::Currency::cny(), compensation_amount)) {
    return;
  }
  std::optional<domain::ObligorSide> by;
  bool mutual = false;
  if (party == "1" || party == "采购人" || party == "政府方") {
    by = domain::ObligorSide::government;
  } else if (party == "2" || party == "供应商" || party == "社会资本方") {
    by = domain::ObligorSide::counterparty;
  } else if (party == "3" || party == "双方协商") {
    mutual = true;
  } else {
    quarantine(QuarantineReason::invalid_value, "TERMINATE_PARTY",
               "TERMINATE_PARTY \"" + party + "\" is not 1 (采购人), 2 (供应商) or 3 (双方协商)");
    return;
  }
  text("TERMINATE_REASON", false, reason_text);
  text("REASON_CODE", false, reason_code);
  domain::ReasonCode reason = domain::ReasonCode::none;
  if (!reason_code.empty()) {
    const auto r = reason_from_string(reason_code);
    if (!r) {
      quarantine(QuarantineReason::invalid_value, "REASON_CODE",
                 "REASON_CODE \"" + reason_code + "\" is not a known reason code");
      return;
    }
    reason = *r;
  } else {
    for (const auto& [word, code] : o_.reason_keywords) {
      if (reason_text.find(word) != std::string::npos) {
        reason = code;
        out_.notes.push_back("REASON_CODE is NULL: " + std::string(domain::to_string(code)) +
                             " inferred from TERMINATE_REASON (\"" + word + "\")");
        break;
      }
    }
  }
  text("LEGAL_BASIS", false, basis);
  text("COMPENSATION", false, compensation);
  if (compensation_amount) {
    compensation += (compensation.empty() ? "" : "；") + std::string("补偿金额 ") +
                    compensation_amount->to_wanyuan_decimal() + " 万元";
  }
  const std::string key = fact_key("");
  const bool turnover = domain::is_turnover_reason(reason);
  // Ending a contract because the government changed (换届, 人员更替, 机构改革) is a revocation the seed
  // forbids (BC05), whoever filed it; any other ending is a termination judged on its grounds (BC08).
  MappedFact f =
      make_fact(key, turnover ? domain::FactKind::revoked : domain::FactKind::terminated, *on, agreement);
  f.scope = FactScope::agreement;
  // A reason code belongs to a revocation only (domain/fact_rules.hpp); a termination keeps its reason as
  // text in the note.
  if (turnover) f.value.reason = reason;
  if (!turnover) {
    f.value.terminated_by = by;
    f.value.lawful_grounds =
        !basis.empty() ? basis : (mutual ? o_.mutual_termination_grounds : std::string{});
  } else {
    f.value.legal_basis = basis;
  }
  f.value.compensation_decision = compensation;
  f.value.note = reason_text;
  f.note = reason_text;
  out_.facts.push_back(std::move(f));
}

}  // namespace pactwatch::platform::exchange::detail
