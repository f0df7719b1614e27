#include "adapters/store/breach_json.hpp"

#include <array>

#include "adapters/store/ledger_json.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using nlohmann::json;

namespace {

template <class E, std::size_t N>
std::optional<E> parse_enum(std::string_view text, const std::array<E, N>& values) {
  for (E v : values)
    if (to_string(v) == text) return v;
  return std::nullopt;
}

json opt_date(const std::optional<d::Date>& date) {
  return date ? json(d::format_date(*date)) : json(nullptr);
}
json opt_money(const std::optional<d::Money>& money) {
  return money ? money_json(*money) : json(nullptr);
}

std::optional<d::Date> read_opt_date(const json& j, const char* name) {
  if (!j.contains(name) || j.at(name).is_null()) return std::nullopt;
  auto parsed = d::parse_date(j.at(name).get<std::string>());
  if (!parsed) throw std::invalid_argument(std::string("bad date in ") + name);
  return *parsed;
}
d::Date read_date(const json& j, const char* name) {
  auto date = read_opt_date(j, name);
  if (!date) throw std::invalid_argument(std::string("missing ") + name);
  return *date;
}
std::optional<d::Money> read_opt_money(const json& j, const char* name) {
  if (!j.contains(name) || j.at(name).is_null()) return std::nullopt;
  const auto& m = j.at(name);
  auto currency = d::Currency::parse(m.at("currency").get<std::string>());
  if (!currency) throw std::invalid_argument(std::string("bad currency in ") + name);
  auto money = d::Money::parse(m.at("amount").get<std::string>(), *currency);
  if (!money) throw std::invalid_argument(std::string("bad amount in ") + name);
  return *money;
}
template <class E>
E required_enum(std::optional<E> value, const char* name) {
  if (!value) throw std::invalid_argument(std::string("bad ") + name);
  return *value;
}

}  // namespace

std::optional<d::BreachState> parse_breach_state(std::string_view text) {
  using S = d::BreachState;
  return parse_enum(text,
                    std::array{S::detected, S::verified, S::rectifying, S::rectified, S::recorded,
                               S::repair_requested, S::repaired, S::dismissed, S::under_review, S::voided});
}
std::optional<d::Severity> parse_severity(std::string_view text) {
  using S = d::Severity;
  return parse_enum(text, std::array{S::minor, S::general, S::serious, S::severe});
}
std::optional<d::MitigationDecision> parse_mitigation(std::string_view text) {
  return parse_enum(text, std::array{d::MitigationDecision::lighter, d::MitigationDecision::exempt});
}
std::string_view to_string(d::Decision decision) {
  switch (decision) {
    case d::Decision::upheld:
      return "upheld";
    case d::Decision::rejected:
      return "rejected";
    case d::Decision::granted:
      return "granted";
    case d::Decision::denied:
      return "denied";
  }
  return "upheld";
}
std::optional<d::Decision> parse_decision(std::string_view text) {
  using D = d::Decision;
  return parse_enum(text, std::array{D::upheld, D::rejected, D::granted, D::denied});
}

json breach_to_json(const d::Breach& b) {
  json mitigation = nullptr;
  if (b.mitigation) {
    mitigation = {{"decision", std::string(to_string(b.mitigation->decision))},
                  {"reason", b.mitigation->reason},
                  {"actor", b.mitigation->actor},
                  {"decided_on", d::format_date(b.mitigation->decided_on)}};
  }
  return json{
      {"id", b.id},
      {"key", b.key},
      {"rule", std::string(to_string(b.rule))},
      {"severity", std::string(to_string(b.severity))},
      {"obligor_side", std::string(to_string(b.obligor_side))},
      {"obligor_id", b.obligor_id},
      {"commitment_id", b.commitment_id},
      {"agreement_id", b.agreement_id},
      {"due", d::format_date(b.due)},
      {"occurred_on", d::format_date(b.occurred_on)},
      {"days_late", b.days_late},
      {"committed", opt_money(b.committed)},
      {"fulfilled", opt_money(b.fulfilled)},
      {"shortfall", opt_money(b.shortfall)},
      {"evidence", b.evidence},
      {"summary", b.summary},
      {"performing_officials", b.performing_officials},
      {"committing_official", b.committing_official},
      {"state", std::string(to_string(b.state))},
      {"objection_from", b.objection_from ? json(std::string(to_string(*b.objection_from))) : json(nullptr)},
      {"detected_on", d::format_date(b.detected_on)},
      {"verified_on", opt_date(b.verified_on)},
      {"dismissed_on", opt_date(b.dismissed_on)},
      {"rectification_ordered_on", opt_date(b.rectification_ordered_on)},
      {"rectification_deadline", opt_date(b.rectification_deadline)},
      {"explanation_required", b.explanation_required},
      {"explanation_filed_on", opt_date(b.explanation_filed_on)},
      {"explanation", b.explanation},
      {"rectified_on", opt_date(b.rectified_on)},
      {"recorded_on", opt_date(b.recorded_on)},
      {"repair_requested_on", opt_date(b.repair_requested_on)},
      {"repair_evidence", b.repair_evidence},
      {"repaired_on", opt_date(b.repaired_on)},
      {"voided_on", opt_date(b.voided_on)},
      {"mitigation", mitigation},
  };
}

d::Result<d::Breach> breach_from_json(const json& j) {
  try {
    d::Breach b;
    b.id = j.at("id").get<std::string>();
    b.key = j.at("key").get<std::string>();
    auto rule = d::parse_rule_code(j.at("rule").get<std::string>());
    if (!rule) throw std::invalid_argument("bad rule");
    b.rule = *rule;
    b.severity = required_enum(parse_severity(j.at("severity").get<std::string>()), "severity");
    b.obligor_side =
        required_enum(parse_obligor_side(j.at("obligor_side").get<std::string>()), "obligor_side");
    b.obligor_id = j.at("obligor_id").get<std::string>();
    b.commitment_id = j.at("commitment_id").get<std::string>();
    b.agreement_id = j.at("agreement_id").get<std::string>();
    b.due = read_date(j, "due");
    b.occurred_on = read_date(j, "occurred_on");
    b.days_late = j.at("days_late").get<int>();
    b.committed = read_opt_money(j, "committed");
    b.fulfilled = read_opt_money(j, "fulfilled");
    b.shortfall = read_opt_money(j, "shortfall");
    b.evidence = j.at("evidence").get<std::vector<std::string>>();
    b.summary = j.at("summary").get<std::string>();
    b.performing_officials = j.at("performing_officials").get<std::vector<std::string>>();
    b.committing_official = j.at("committing_official").get<std::string>();
    b.state = required_enum(parse_breach_state(j.at("state").get<std::string>()), "state");
    if (!j.at("objection_from").is_null()) {
      b.objection_from =
          required_enum(parse_breach_state(j.at("objection_from").get<std::string>()), "objection_from");
    }
    b.detected_on = read_date(j, "detected_on");
    b.verified_on = read_opt_date(j, "verified_on");
    b.dismissed_on = read_opt_date(j, "dismissed_on");
    b.rectification_ordered_on = read_opt_date(j, "rectification_ordered_on");
    b.rectification_deadline = read_opt_date(j, "rectification_deadline");
    b.explanation_required = j.at("explanation_required").get<bool>();
    b.explanation_filed_on = read_opt_date(j, "explanation_filed_on");
    b.explanation = j.at("explanation").get<std::string>();
    b.rectified_on = read_opt_date(j, "rectified_on");
    b.recorded_on = read_opt_date(j, "recorded_on");
    b.repair_requested_on = read_opt_date(j, "repair_requested_on");
    b.repair_evidence = j.at("repair_evidence").get<std::string>();
    b.repaired_on = read_opt_date(j, "repaired_on");
    b.voided_on = read_opt_date(j, "voided_on");
    if (const auto& m = j.at("mitigation"); !m.is_null()) {
      d::Mitigation mit;
      mit.decision = required_enum(parse_mitigation(m.at("decision").get<std::string>()), "mitigation");
      mit.reason = m.at("reason").get<std::string>();
      mit.actor = m.at("actor").get<std::string>();
      mit.decided_on = read_date(m, "decided_on");
      b.mitigation = mit;
    }
    return b;
  } catch (const std::exception& e) {
    return d::fail(d::ErrorCode::invalid, std::string("stored breach record is malformed: ") + e.what());
  }
}

}  // namespace pactwatch::store
