#include "adapters/platform/exchange/mapping.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "adapters/platform/exchange/row_mapper.hpp"
#include "adapters/platform/ocds/values.hpp"
#include "domain/identifiers.hpp"
#include "domain/text.hpp"

namespace pactwatch::platform::exchange {

namespace {

/** Non-zero digits beyond the sixth decimal of 万元 are below one fen. */
bool below_fen(std::string_view decimal) {
  const auto dot = decimal.find('.');
  if (dot == std::string_view::npos || decimal.size() <= dot + 7) return false;
  return decimal.substr(dot + 7).find_first_not_of('0') != std::string_view::npos;
}

/** The columns of a row as a JSON object, for the content hash of a part of it. */
std::string hash_of(const ExchangeRow& row, std::initializer_list<std::string_view> columns) {
  nlohmann::json j = nlohmann::json::object();
  for (std::string_view c : columns) {
    const auto v = row.value(c);
    j[std::string(c)] = v ? nlohmann::json(std::string(*v)) : nlohmann::json(nullptr);
  }
  return ocds::sha256_hex(ocds::canonical_json(j));
}

}  // namespace

std::string agreement_key(std::string_view unified_deal_code, std::string_view contract_code,
                          const MappingOptions& options) {
  return options.key_prefix + ":" + std::string(unified_deal_code) + "/" + std::string(contract_code);
}
std::string delivery_key(std::string_view agreement_key) {
  return std::string(agreement_key) + "/delivery";
}
std::string payment_key(std::string_view agreement_key) {
  return std::string(agreement_key) + "/payment";
}

std::optional<domain::ReasonCode> reason_from_string(std::string_view text) {
  using domain::ReasonCode;
  for (ReasonCode r : {ReasonCode::none, ReasonCode::government_turnover, ReasonCode::personnel_change,
                       ReasonCode::restructuring, ReasonCode::public_interest, ReasonCode::legal_change,
                       ReasonCode::force_majeure, ReasonCode::other}) {
    if (domain::to_string(r) == text) return r;
  }
  return std::nullopt;
}

RowMapping map_row(const ExchangeRow& row, const MappingOptions& options, const KnownContract& known) {
  return detail::RowMapper(row, options, known).run();
}

namespace detail {

RowMapping RowMapper::run() {
  out_.table = row_.table;
  out_.row_key = row_.key;
  out_.content_hash = row_.content_hash;
  switch (row_.table) {
    case ExchangeTable::contract:
      map_contract();
      break;
    case ExchangeTable::acceptance:
      map_acceptance();
      break;
    case ExchangeTable::payment:
      map_payment();
      break;
    case ExchangeTable::change:
      map_change();
      break;
    case ExchangeTable::termination:
      map_termination();
      break;
  }
  if (out_.quarantined) {
    // All or nothing: a quarantined row leaves no half-mapped entities behind.
    out_.bodies.clear();
    out_.organizations.clear();
    out_.agreements.clear();
    out_.commitments.clear();
    out_.facts.clear();
  }
  return std::move(out_);
}

void RowMapper::quarantine(QuarantineReason reason, std::string_view column, std::string message) {
  if (out_.quarantined) return;  // the first problem is the reason
  out_.quarantined = true;
  out_.quarantine.push_back({reason, std::string(to_string(row_.table)) + " " + row_.key + ": " + message,
                             row_.table, row_.key, std::string(column), row_.data_timestamp, row_json(row_)});
}

bool RowMapper::text(std::string_view column, bool required, std::string& out, QuarantineReason missing) {
  const auto v = row_.value(column);
  out = v ? std::string(domain::trim_blanks(*v)) : std::string{};
  if (required && out.empty()) {
    quarantine(missing, column, std::string(column) + " is " + (v ? "blank" : "NULL"));
    return false;
  }
  return true;
}

bool RowMapper::date(std::string_view column, bool required, std::optional<domain::Date>& out) {
  std::string t;
  if (!text(column, required, t)) return false;
  out.reset();
  if (t.empty()) return true;
  auto d = domain::parse_date(t);
  if (!d) {
    quarantine(QuarantineReason::unparsable_date, column,
               std::string(column) + " \"" + t + "\" is not a date: " + d.error().message);
    return false;
  }
  out = *d;
  return true;
}

bool RowMapper::currency(domain::Currency& out) {
  std::string code;
  text("CURRENCY_CODE", false, code);
  if (code.empty() || code == "CNY" || code == "156") {  // 156: the ISO 4217 number of CNY
    out = domain::Currency::cny();
    return true;
  }
  auto c = domain::Currency::parse(code);
  if (!c || !ocds::is_iso4217(code)) {
    quarantine(QuarantineReason::unknown_currency, "CURRENCY_CODE",
               "CURRENCY_CODE \"" + code + "\" is not an ISO 4217 code");
    return false;
  }
  out = *c;
  return true;
}

bool RowMapper::money(std::string_view column, bool required, const domain::Currency& c,
                      std::optional<domain::Money>& out) {
  std::string t;
  if (!text(column, required, t)) return false;
  out.reset();
  if (t.empty()) return true;
  if (below_fen(t)) {
    quarantine(QuarantineReason::amount_too_precise, column,
               std::string(column) + " " + t + " 万元 has digits below one fen (more than 6 decimals)");
    return false;
  }
  auto m = domain::Money::parse_wanyuan(t, c);
  if (!m) {
    quarantine(QuarantineReason::unparsable_amount, column,
               std::string(column) + " \"" + t + "\" is not a 万元 amount: " + m.error().message);
    return false;
  }
  out = *m;
  return true;
}

bool RowMapper::flag(std::string_view column, bool& out) {
  std::string t;
  text(column, false, t);
  if (t.empty() || t == "0" || t == "N" || t == "n" || t == "否") {
    out = false;
  } else if (t == "1" || t == "Y" || t == "y" || t == "是") {
    out = true;
  } else {
    quarantine(QuarantineReason::invalid_value, column,
               std::string(column) + " \"" + t + "\" is not a flag (1/0, Y/N, 是/否)");
    return false;
  }
  return true;
}

bool RowMapper::integer(std::string_view column, std::optional<int>& out) {
  std::string t;
  text(column, false, t);
  out.reset();
  if (t.empty()) return true;
  int v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size() || v < 0) {
    quarantine(QuarantineReason::invalid_value, column,
               std::string(column) + " \"" + t + "\" is not a whole number of days >= 0");
    return false;
  }
  out = v;
  return true;
}

std::string RowMapper::dependent_agreement() {
  std::string udc, contract;
  if (!text("UNIFIED_DEAL_CODE", true, udc, QuarantineReason::missing_unified_deal_code)) return {};
  if (!text("CONTRACT_CODE", true, contract, QuarantineReason::missing_contract_code)) return {};
  std::string key = agreement_key(udc, contract, o_);
  if (known_ && !known_(key)) {
    quarantine(QuarantineReason::unknown_contract, "CONTRACT_CODE",
               "contract " + contract + " of deal " + udc +
                   " has not been read; the row is kept until the contract arrives");
    return {};
  }
  return key;
}

std::string RowMapper::fact_key(std::string_view suffix) const {
  return o_.key_prefix + ":" + std::string(to_string(row_.table)) + "/" + row_.key + std::string(suffix);
}

MappedFact RowMapper::make_fact(std::string key, domain::FactKind kind, domain::Date on,
                                const std::string& agreement) const {
  MappedFact f;
  f.key = std::move(key);
  f.content_hash = row_.content_hash;
  f.value.id = f.key;
  f.value.kind = kind;
  f.value.on = on;
  f.value.source = domain::FactSource::platform;
  f.agreement_key = agreement;
  return f;
}

void RowMapper::map_contract() {
  std::string udc, purchaser_name, purchaser_code, supplier_name, supplier_code, title, region, project;
  bool sme = false, ppp = false;
  domain::Currency cur = domain::Currency::cny();
  std::optional<domain::Money> amount;
  std::optional<domain::Date> signed_on, delivery, perform_end;
  std::optional<int> term;
  const bool read = text("UNIFIED_DEAL_CODE", true, udc, QuarantineReason::missing_unified_deal_code) &&
                    text("PURCHASER_NAME", true, purchaser_name) &&
                    text("PURCHASER_CODE", true, purchaser_code) &&
                    text("SUPPLIER_NAME", true, supplier_name) &&
                    text("SUPPLIER_CODE", true, supplier_code) && flag("SUPPLIER_IS_SME", sme) &&
                    flag("IS_PPP", ppp) && currency(cur) && money("CONTRACT_AMOUNT", true, cur, amount) &&
                    date("SIGN_DATE", true, signed_on) && integer("PAYMENT_TERM_DAYS", term) &&
                    date("DELIVERY_DATE", false, delivery) && date("PERFORM_END_DATE", false, perform_end);
  if (!read) return;
  if (amount->fen <= 0) {
    quarantine(QuarantineReason::invalid_amount, "CONTRACT_AMOUNT",
               "CONTRACT_AMOUNT " + amount->to_wanyuan_decimal() + " 万元 is not positive");
    return;
  }
  const std::optional<domain::Date> due = delivery ? delivery : perform_end;
  if (!due) {
    quarantine(QuarantineReason::missing_due_date, "DELIVERY_DATE",
               "neither DELIVERY_DATE nor PERFORM_END_DATE is set: no commitment without a due date");
    return;
  }
  auto purchaser = domain::CreditCode::parse(purchaser_code);
  if (!purchaser) {
    quarantine(QuarantineReason::invalid_credit_code, "PURCHASER_CODE",
               "PURCHASER_CODE \"" + purchaser_code + "\": " + purchaser.error().message);
    return;
  }
  auto supplier = domain::CreditCode::parse(supplier_code);
  if (!supplier) {
    quarantine(QuarantineReason::invalid_credit_code, "SUPPLIER_CODE",
               "SUPPLIER_CODE \"" + supplier_code + "\": " + supplier.error().message);
    return;
  }
  text("CONTRACT_NAME", false, title);
  text("REGION_CODE", false, region);
  text("PROJECT_CODE", false, project);

  // Purchaser (采购人) → Body; its region is REGION_CODE, else the credit code's region part.
  domain::Body body;
  body.id = "uscc:" + purchaser->str();
  body.name = purchaser_name;
  body.credit_code = *purchaser;
  if (domain::RegionCode::parse(region)) {
    body.region = region;
  } else {
    if (!region.empty())
      out_.notes.push_back("REGION_CODE \"" + region +
                           "\" is not a region code; body region "
                           "taken from PURCHASER_CODE");
    if (domain::RegionCode::parse(purchaser->region_part()))
      body.region = std::string(purchaser->region_part());
  }
  const std::string body_hash = hash_of(row_, {"PURCHASER_CODE", "PURCHASER_NAME", "REGION_CODE"});
  out_.bodies.push_back({{body.id, body_hash, body}, body.id});

  // Supplier (供应商) → Organization.
  domain::Organization org;
  org.id = "uscc:" + supplier->str();
  org.name = supplier_name;
  org.credit_code = *supplier;
  org.sme = sme;
  const std::string org_hash = hash_of(row_, {"SUPPLIER_CODE", "SUPPLIER_NAME", "SUPPLIER_IS_SME"});
  out_.organizations.push_back({{org.id, org_hash, org}, org.id});

  const std::string key = agreement_key(udc, row_.key, o_);
  MappedAgreement a;
  a.key = key;
  a.content_hash = row_.content_hash;
  a.value.id = key;
  a.value.kind = ppp ? domain::AgreementKind::ppp : o_.default_kind;
  a.value.title = title;
  a.value.body_id = body.id;
  a.value.counterparty_id = org.id;
  a.value.value = *amount;
  a.value.signed_on = *signed_on;
  a.value.refs.platform_project_code = project;
  a.value.refs.unified_deal_code = udc;
  a.stated = {"title", "value", "signed_on", "body_id", "counterparty_id", "kind"};
  out_.agreements.push_back(std::move(a));

  const std::optional<domain::StageKind> stage =
      ppp ? std::optional(domain::StageKind::implementation) : std::nullopt;
  // The supplier delivers by the agreed delivery date (else the end of the performance period).
  domain::Commitment d;
  d.id = delivery_key(key);
  d.agreement_id = key;
  d.obligor_side = domain::ObligorSide::counterparty;
  d.obligor_id = org.id;
  d.kind = domain::CommitmentKind::delivery;
  d.title = "交付 " + title;
  d.due = *due;
  d.grace_days = o_.default_grace_days;
  d.stage = stage;
  out_.commitments.push_back({d.id, row_.content_hash, d});

  // The purchaser pays the contract amount within the payment term after acceptance. Acceptance happens
  // by the end of the performance period at the latest, so that end + term is the latest due date the
  // contract allows; detection (BC03) moves it earlier to the actual acceptance or delivery + term.
  const int days = term.value_or(o_.default_payment_term_days);
  const domain::Date latest_acceptance = perform_end && *perform_end > *due ? *perform_end : *due;
  domain::Commitment p;
  p.id = payment_key(key);
  p.agreement_id = key;
  p.obligor_side = domain::ObligorSide::government;
  p.obligor_id = body.id;
  p.kind = domain::CommitmentKind::payment;
  p.title = "支付 " + title;
  p.due = domain::add_days(latest_acceptance, days);
  p.amount = *amount;
  p.grace_days = o_.default_grace_days;
  p.stage = stage;
  p.payment_term_days = term;
  if (!term) {
    out_.notes.push_back("PAYMENT_TERM_DAYS is NULL: payment due " + std::to_string(days) +
                         " days after acceptance (default)");
  }
  out_.commitments.push_back({p.id, row_.content_hash, p});
}

}  // namespace detail
}  // namespace pactwatch::platform::exchange
