#include "adapters/store/ledger_json.hpp"

#include <array>

namespace pactwatch::store {
namespace {

using nlohmann::json;
namespace d = pactwatch::domain;

/** Finds the enumerator among the first `count` whose name is `text`. */
template <class E>
std::optional<E> parse_enum(std::string_view text, int count) {
  for (int i = 0; i < count; ++i) {
    const auto value = static_cast<E>(i);
    if (to_string(value) == text) return value;
  }
  return std::nullopt;
}

json optional_text(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}
json optional_date(const std::optional<d::Date>& date) {
  return date ? json(d::format_date(*date)) : json(nullptr);
}
json optional_money(const std::optional<d::Money>& money) {
  return money ? money_json(*money) : json(nullptr);
}

template <class T>
void stamp(json& out, const Stored<T>& stored) {
  out["version"] = stored.version;
  out["created_at"] = stored.created_at;
  out["updated_at"] = stored.updated_at;
}

}  // namespace

// Bring the domain's to_string overloads into this namespace for parse_enum.
using d::to_string;

std::string_view to_string(d::BodyKind kind) {
  constexpr std::array<std::string_view, 5> names{"government", "department", "township", "street", "other"};
  const auto i = static_cast<std::size_t>(kind);
  return i < names.size() ? names[i] : "unknown";
}
std::string_view to_string(d::FactSource source) {
  return source == d::FactSource::platform ? "platform" : "manual";
}

std::optional<d::BodyKind> parse_body_kind(std::string_view t) {
  return parse_enum<d::BodyKind>(t, 5);
}
std::optional<d::AgreementKind> parse_agreement_kind(std::string_view t) {
  return parse_enum<d::AgreementKind>(t, 4);
}
std::optional<d::StageKind> parse_stage_kind(std::string_view t) {
  return parse_enum<d::StageKind>(t, 5);
}
std::optional<d::ObligorSide> parse_obligor_side(std::string_view t) {
  return parse_enum<d::ObligorSide>(t, 2);
}
std::optional<d::CommitmentKind> parse_commitment_kind(std::string_view t) {
  return parse_enum<d::CommitmentKind>(t, 7);
}
std::optional<d::FactKind> parse_fact_kind(std::string_view t) {
  return parse_enum<d::FactKind>(t, 10);
}
std::optional<d::ReasonCode> parse_reason_code(std::string_view t) {
  return parse_enum<d::ReasonCode>(t, 8);
}
std::optional<d::FactSource> parse_fact_source(std::string_view t) {
  return parse_enum<d::FactSource>(t, 2);
}

json money_json(const d::Money& money) {
  return json{{"amount", money.to_decimal()}, {"currency", std::string(money.currency.code())}};
}

json to_json(const Stored<d::Body>& stored) {
  const auto& b = stored.entity;
  json out{{"id", b.id},
           {"name", b.name},
           {"region", optional_text(b.region)},  // null: unknown (a body abroad, or never stated)
           {"kind", std::string(to_string(b.kind))},
           {"parent_id", optional_text(b.parent_id)},
           {"credit_code", b.credit_code ? json(b.credit_code->str()) : json(nullptr)}};
  stamp(out, stored);
  return out;
}

json to_json(const Stored<d::Official>& stored) {
  const auto& o = stored.entity;
  json posts = json::array();
  for (std::size_t i = 0; i < o.posts.size(); ++i) {
    const auto& p = o.posts[i];
    posts.push_back({{"seq", i + 1},
                     {"body_id", p.body_id},
                     {"title", p.title},
                     {"from", d::format_date(p.from)},
                     {"to", optional_date(p.to)},
                     {"head", p.head}});
  }
  json out{{"id", o.id}, {"name", o.name}, {"posts", std::move(posts)}};
  stamp(out, stored);
  return out;
}

json to_json(const Stored<d::Organization>& stored) {
  const auto& o = stored.entity;
  json out{{"id", o.id},
           {"name", o.name},
           {"credit_code", o.credit_code ? json(o.credit_code->str()) : json(nullptr)},
           {"sme", o.sme}};
  stamp(out, stored);
  return out;
}

json to_json(const Stored<d::Agreement>& stored) {
  const auto& a = stored.entity;
  json stages = json::array();
  for (const auto& stage : a.stages) {
    json assignments = json::array();
    for (std::size_t i = 0; i < stage.assignments.size(); ++i) {
      const auto& s = stage.assignments[i];
      assignments.push_back({{"seq", i + 1},
                             {"official_id", s.official_id},
                             {"role", s.role},
                             {"from", d::format_date(s.from)},
                             {"to", optional_date(s.to)}});
    }
    stages.push_back({{"kind", std::string(to_string(stage.kind))}, {"assignments", std::move(assignments)}});
  }
  json out{{"id", a.id},
           {"kind", std::string(to_string(a.kind))},
           {"title", a.title},
           {"body_id", a.body_id},
           {"counterparty_id", optional_text(a.counterparty_id)},
           {"value", optional_money(a.value)},
           {"signed_on", d::format_date(a.signed_on)},
           {"platform_project_code", optional_text(a.refs.platform_project_code)},
           {"unified_deal_code", optional_text(a.refs.unified_deal_code)},
           {"ocid", optional_text(a.refs.ocid)},
           {"stages", std::move(stages)}};
  stamp(out, stored);
  return out;
}

json to_json(const Stored<d::Commitment>& stored) {
  const auto& c = stored.entity;
  json out{{"id", c.id},
           {"agreement_id", c.agreement_id},
           {"obligor_side", std::string(to_string(c.obligor_side))},
           {"obligor_id", c.obligor_id},
           {"kind", std::string(to_string(c.kind))},
           {"title", c.title},
           {"due", d::format_date(c.due)},
           {"amount", optional_money(c.amount)},
           {"grace_days", c.grace_days},
           {"stage", c.stage ? json(std::string(to_string(*c.stage))) : json(nullptr)},
           {"committing_official_id", optional_text(c.committing_official_id)},
           {"payment_term_days", c.payment_term_days ? json(*c.payment_term_days) : json(nullptr)}};
  stamp(out, stored);
  return out;
}

json to_json(const Stored<d::Fact>& stored) {
  const auto& f = stored.entity;
  json out{
      {"id", f.id},
      {"commitment_id", f.commitment_id},
      {"kind", std::string(to_string(f.kind))},
      {"on", d::format_date(f.on)},
      {"reason", std::string(to_string(f.reason))},
      {"terminated_by", f.terminated_by ? json(std::string(to_string(*f.terminated_by))) : json(nullptr)},
      {"counterparty_loss", f.counterparty_loss},
      {"source", std::string(to_string(f.source))},
      {"score", f.score ? json(*f.score) : json(nullptr)},
      {"new_due", optional_date(f.new_due)},
      {"amount", optional_money(f.amount)},
      {"new_amount", optional_money(f.new_amount)},
      {"corrects", optional_text(f.corrects)},
      {"legal_basis", f.legal_basis},
      {"competent_authority", f.competent_authority},
      {"procedure_reference", f.procedure_reference},
      {"compensation_decision", f.compensation_decision},
      {"lawful_grounds", f.lawful_grounds},
      {"note", f.note}};
  stamp(out, stored);
  return out;
}

json to_json(const RegionRow& region) {
  return json{{"code", region.code},
              {"name", region.name},
              {"parent_code", optional_text(region.parent_code)},
              {"level", region.level}};
}

}  // namespace pactwatch::store
