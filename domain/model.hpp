#pragma once
// The ledger model (DESIGN §2): bodies, officials and their posts, organizations, agreements with their
// stages and assignments, commitments, and the facts that happen to them. Plain values: ids are opaque
// strings, dates are calendar dates, money is exact. Facts are append-only: a correction is a new fact
// whose `corrects` names the fact it supersedes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.hpp"
#include "domain/identifiers.hpp"
#include "domain/money.hpp"

namespace pactwatch::domain {

/** Kind of government-side party (政府机关/部门/乡镇/街道). */
enum class BodyKind { government, department, township, street, other };

/** A government-side party: a people's government, a department, a township or a street office. */
struct Body {
  std::string id;
  std::string name;
  std::string region;  ///< GB/T 2260 code, validated with RegionCode::parse on input
  BodyKind kind = BodyKind::department;
  std::string parent_id;  ///< empty for a top-level body
  /// 统一社会信用代码 of the body (机关 codes start with 11); what the credit platform keys records on.
  /// Optional: bodies filed before it was asked for have none.
  std::optional<CreditCode> credit_code{};

  friend bool operator==(const Body&, const Body&) = default;
};

/** One post an official held (任职): history, never overwritten. `head` marks 主要负责人 of the body. */
struct Post {
  std::string body_id;
  std::string title;
  Date from{};
  std::optional<Date> to;  ///< inclusive last day; absent while the post is held
  bool head = false;

  friend bool operator==(const Post&, const Post&) = default;

  bool covers(Date d) const { return from <= d && (!to || d <= *to); }
};

/** A civil servant (公务员) with the history of their posts. No national ID numbers are stored. */
struct Official {
  std::string id;
  std::string name;
  std::vector<Post> posts;

  friend bool operator==(const Official&, const Official&) = default;
};

/** A supplier, social-capital partner, investor or agency. */
struct Organization {
  std::string id;
  std::string name;
  /// 统一社会信用代码; absent only for parties that have none (e.g. a foreign investor).
  std::optional<CreditCode> credit_code;
  bool sme = false;  ///< 中小企业: the 保障中小企业款项支付条例 payment terms apply (BC03)

  friend bool operator==(const Organization&, const Organization&) = default;
};

/** procurement 政府采购合同 | ppp 政府和社会资本合作 | investment 招商引资 | pledge 街道和乡镇公开承诺. */
enum class AgreementKind : std::uint8_t { procurement, ppp, investment, pledge };

/** The PPP stages of seed 三(二): 项目筹备, 招标投标, 政府采购, 融资, 实施. */
enum class StageKind : std::uint8_t { preparation, tendering, procurement, financing, implementation };

/** Who answers for the government side in a stage, and when (政府方责任人). */
struct Assignment {
  std::string official_id;
  std::string role;
  Date from{};
  std::optional<Date> to;  ///< inclusive; absent while the assignment runs

  friend bool operator==(const Assignment&, const Assignment&) = default;

  bool covers(Date d) const { return from <= d && (!to || d <= *to); }
};

/** A stage of an agreement with the officials assigned to it over time. */
struct Stage {
  StageKind kind = StageKind::implementation;
  std::vector<Assignment> assignments;

  friend bool operator==(const Stage&, const Stage&) = default;
};

/** References to the same agreement in the trading platform and in OCDS. */
struct ExternalRefs {
  std::string platform_project_code;  ///< PROJECT_CODE
  std::string unified_deal_code;      ///< 统一交易标识码 UNIFIED_DEAL_CODE
  std::string ocid;                   ///< OCDS open contracting id

  friend bool operator==(const ExternalRefs&, const ExternalRefs&) = default;
};

/** An agreement between a government body and a counterparty (empty for a public pledge). */
struct Agreement {
  std::string id;
  AgreementKind kind = AgreementKind::procurement;
  std::string title;
  std::string body_id;          ///< the government party (purchaser, implementing agency, township)
  std::string counterparty_id;  ///< the organization; empty for a pledge to the public
  std::optional<Money> value;   ///< absent when never stated (an OCDS contract without `value`)
  Date signed_on{};
  ExternalRefs refs;
  std::vector<Stage> stages;

  friend bool operator==(const Agreement&, const Agreement&) = default;
};

/** Which side owes a commitment. */
enum class ObligorSide : std::uint8_t { government, counterparty };

/** What is owed. */
enum class CommitmentKind : std::uint8_t {
  payment,
  delivery,
  acceptance,
  milestone,
  policy_promise,
  judgment,
  pledge
};

/** One obligation (承诺/义务) of an agreement. */
struct Commitment {
  std::string id;
  std::string agreement_id;
  ObligorSide obligor_side = ObligorSide::government;
  std::string obligor_id;  ///< a Body id (government side) or an Organization id (counterparty side)
  CommitmentKind kind = CommitmentKind::payment;
  std::string title;
  Date due{};
  std::optional<Money> amount;  ///< absent for obligations without an amount (a policy, a service)
  int grace_days = 0;           ///< contractual tolerance after the due date
  std::optional<StageKind> stage;
  std::string committing_official_id;    ///< who made the commitment; empty when unknown
  std::optional<int> payment_term_days;  ///< agreed payment term (付款期限) where one was agreed

  friend bool operator==(const Commitment&, const Commitment&) = default;
};

/** What happened to a commitment. */
enum class FactKind : std::uint8_t {
  fulfilled,  ///< performed, fully or partly (amount below the committed amount)
  acceptance_passed,
  acceptance_failed,
  amended,  ///< new due date and/or new amount
  revoked,
  refused,
  not_performed,
  terminated,  ///< the agreement ended early
  judgment_issued,
  judgment_fulfilled,
};

/** Why a commitment was revoked, refused or not performed. */
enum class ReasonCode : std::uint8_t {
  none,
  government_turnover,  ///< 政府换届
  personnel_change,     ///< 责任人更替
  restructuring,        ///< 机构改革
  public_interest,
  legal_change,
  force_majeure,
  other,
};

/** Where a fact came from. */
enum class FactSource : std::uint8_t { manual, platform };

/**
 * Something that happened to a commitment (履约事实). Append-only. The scalar fields come first so that the
 * ones detection reads share the first cache lines (a million-commitment run is bound by memory).
 */
struct Fact {
  FactKind kind = FactKind::fulfilled;
  ReasonCode reason = ReasonCode::none;      ///< revoked, refused, not_performed: why
  std::optional<ObligorSide> terminated_by;  ///< terminated: which side ended it
  bool counterparty_loss = false;            ///< amended, revoked: the counterparty lost money
  FactSource source = FactSource::manual;
  Date on{};                        ///< when it happened
  std::optional<int> score;         ///< acceptance: the score 0-100
  std::optional<Date> new_due;      ///< amended: the new due date; judgment_issued: the deadline
  std::optional<Money> amount;      ///< fulfilled: the amount performed
  std::optional<Money> new_amount;  ///< amended: the new amount
  std::string corrects;             ///< id of the fact this one supersedes; empty if none
  std::string note;  ///< free text kept with the fact (an amendment's rationale, a failure's category)
  std::string id;
  std::string commitment_id;
  // amended, revoked: the legality of a change (seed 三(四)); terminated: its grounds.
  std::string legal_basis;
  std::string competent_authority;
  std::string procedure_reference;
  std::string compensation_decision;  ///< may state that nothing is owed; empty means none was made
  std::string lawful_grounds;
};

/** Severity of a breach: 轻微 | 一般 | 严重 | 特别严重. */
enum class Severity : std::uint8_t { minor, general, serious, severe };

std::string_view to_string(AgreementKind k);
std::string_view to_string(StageKind k);
std::string_view to_string(ObligorSide s);
std::string_view to_string(CommitmentKind k);
std::string_view to_string(FactKind k);
std::string_view to_string(ReasonCode r);
std::string_view to_string(Severity s);

}  // namespace pactwatch::domain
