#include "adapters/credit/credit_record.hpp"

#include <array>

#include "domain/rules.hpp"

namespace pactwatch::credit {

namespace d = pactwatch::domain;
using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 3> kNames{"record", "repair", "revoke"};
constexpr std::array<std::string_view, 3> kChinese{"新增", "修复", "撤销"};

/** 轻微, 一般, 严重, 特别严重 (DESIGN §3). */
std::string_view severity_zh(d::Severity s) {
  switch (s) {
    case d::Severity::minor:
      return "轻微";
    case d::Severity::general:
      return "一般";
    case d::Severity::serious:
      return "严重";
    case d::Severity::severe:
      return "特别严重";
  }
  return "一般";
}

json money(const d::Money& m) {
  return {{"amount", m.to_decimal()}, {"currency", std::string(m.currency.code())}};
}

}  // namespace

std::string_view to_string(CreditEvent event) {
  return kNames[static_cast<std::size_t>(event)];
}

std::string_view chinese_name(CreditEvent event) {
  return kChinese[static_cast<std::size_t>(event)];
}

std::optional<CreditEvent> parse_credit_event(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<CreditEvent>(i);
  }
  return std::nullopt;
}

std::optional<CreditEvent> credit_event_of(const d::Breach& before, const d::BreachChange& change) {
  using A = d::BreachAction;
  using S = d::BreachState;
  if (change.action == A::record && change.to == S::recorded) return CreditEvent::record;
  if (change.action == A::decide_repair && change.to == S::repaired) return CreditEvent::repair;
  if (change.action == A::decide_objection && change.to == S::voided && before.recorded_on)
    return CreditEvent::revoke;
  return std::nullopt;
}

std::string credit_record_id(std::string_view breach_id, CreditEvent event) {
  return std::string(breach_id) + "-" + std::string(to_string(event));
}

json credit_record(const CreditRecordInput& in) {
  const d::Breach& b = in.breach;
  const d::RuleInfo& rule = d::rule_info(b.rule);
  std::string behaviour(rule.title_zh);
  if (!b.summary.empty()) behaviour += "：" + b.summary;
  json r{{"记录编号", credit_record_id(b.id, in.event)},
         {"事件类型", std::string(chinese_name(in.event))},
         {"事件代码", std::string(to_string(in.event))},
         {"违诺记录编号", b.id},
         {"行政区划代码", in.region},
         {"主体名称", in.subject.name},
         {"主体类别", in.subject.government ? "政府机关" : "法人和非法人组织"},
         {"统一社会信用代码", in.subject.credit_code},
         {"失信行为", behaviour},
         {"失信行为代码", std::string(d::to_string(b.rule))},
         {"失信严重程度", std::string(severity_zh(b.severity))},
         {"认定依据", std::string(rule.legal_basis)},
         {"认定机关", in.authority},
         {"来源系统", "pactwatch"}};
  if (in.subject.credit_code.empty()) {
    r["统一社会信用代码缺失原因"] = in.subject.government
                                        ? "该政府机关的统一社会信用代码未登记（bodies.credit_code 为空）"
                                        : "该组织无统一社会信用代码（如境外投资者）";
  }
  // 认定日期 is the day of recording; publication runs from it for the severity's period (527号).
  const d::Publication period = d::publication(b, in.policy, b.recorded_on.value_or(d::Date{}));
  r["认定日期"] = b.recorded_on ? json(d::format_date(*b.recorded_on)) : json(nullptr);
  r["公示截止日期"] = period.until ? json(d::format_date(*period.until)) : json(nullptr);
  if (b.committed) r["涉及金额"] = money(*b.committed);
  if (b.shortfall) r["未履行金额"] = money(*b.shortfall);
  if (in.event == CreditEvent::repair) {
    r["修复日期"] = b.repaired_on ? json(d::format_date(*b.repaired_on)) : json(nullptr);
    r["修复决定机关"] = in.decided_by;
    r["修复理由"] = in.reason;
  } else if (in.event == CreditEvent::revoke) {
    r["撤销日期"] = b.voided_on ? json(d::format_date(*b.voided_on)) : json(nullptr);
    r["撤销决定机关"] = in.decided_by;
    r["撤销理由"] = in.reason;
  }
  return r;
}

}  // namespace pactwatch::credit
