#pragma once
// What the credit information sharing platform (信用信息共享平台, 归集) is told about a breach: the events
// (recorded 新增, repaired 修复, voided on an upheld objection 撤销), which transition is which, the record
// id the receiver deduplicates by, and the 失信记录 the body carries (docs/CREDIT_PUSH.md has an example).
// Pure mapping: the store's outbox builds a record inside the transition's transaction, the dispatcher
// sends its text unchanged.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/breach.hpp"
#include "domain/breach_lifecycle.hpp"
#include "domain/date.hpp"
#include "domain/policy.hpp"

namespace pactwatch::credit {

/** The events of a breach the platform is told about. */
enum class CreditEvent : std::uint8_t {
  record,  ///< 新增: recorded (认定失信); publication starts that day
  repair,  ///< 修复: a repair was granted (信用修复); publication ends
  revoke,  ///< 撤销: an objection against the recorded breach was upheld (异议成立); the record is void
};
/** "record", "repair", "revoke". */
std::string_view to_string(CreditEvent event);
/** 新增, 修复, 撤销. */
std::string_view chinese_name(CreditEvent event);
std::optional<CreditEvent> parse_credit_event(std::string_view text);

/**
 * The event a stored transition makes, if any: `record` → record; a granted repair → repair; an upheld
 * objection against a breach that had been recorded → revoke (one voided before it was ever recorded was
 * never shared, so there is nothing to revoke). Everything else, a rejected objection or a denied repair
 * (back to recorded) included, is no event.
 */
std::optional<CreditEvent> credit_event_of(const domain::Breach& before, const domain::BreachChange& change);

/** The record id: "<breach id>-<event>", the same for every attempt and every instance. */
std::string credit_record_id(std::string_view breach_id, CreditEvent event);

/** The party a breach record is about (主体). */
struct CreditSubject {
  std::string name;
  std::string credit_code;  ///< 统一社会信用代码; empty when none is on file
  bool government = true;  ///< a government body (政府机关) or an organization (法人和非法人组织)
};

/** What a record is built from. */
struct CreditRecordInput {
  CreditEvent event = CreditEvent::record;
  domain::Breach breach;  ///< as stored after the transition
  std::string region;     ///< GB/T 2260 code of the body concerned
  CreditSubject subject;
  std::string authority;   ///< 认定机关: who recorded the breach
  std::string decided_by;  ///< repair, revoke: who decided it
  std::string reason;      ///< the transition's reason
  domain::LifecyclePolicy policy;
};

/**
 * The 失信记录 as sent: 记录编号, 事件类型, 行政区划代码, 主体名称, 统一社会信用代码 (and why it is empty
 * when it is), 失信行为, 认定依据, 认定机关, 认定日期, 公示截止日期, and per event 修复日期 / 撤销日期 with
 * the deciding body and reason. Keys are the platform's field names (docs/CREDIT_PUSH.md).
 */
nlohmann::json credit_record(const CreditRecordInput& input);

}  // namespace pactwatch::credit
