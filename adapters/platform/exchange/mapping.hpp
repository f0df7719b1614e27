#pragma once
// Mapping of exchange rows onto the ledger model (DESIGN §2, §7). Pure: no I/O, no clock. The output has
// the shape of the OCDS adapter's (adapters/platform/ocds/mapping.hpp) — keyed entities with an external
// key and a content hash, facts, quarantine entries — so the sync layer stores both sources the same way,
// idempotently by (source, key, hash). Rules and keys: docs/EXCHANGE_DB.md.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/platform/exchange/quarantine.hpp"
#include "adapters/platform/exchange/row.hpp"
#include "adapters/platform/ocds/mapping.hpp"
#include "domain/model.hpp"

namespace pactwatch::platform::exchange {

using ocds::FactScope;
using ocds::Keyed;
using ocds::KeyedParty;
using ocds::MappedAgreement;
using ocds::MappedFact;

/** What the supervision office may tune; defaults documented in docs/EXCHANGE_DB.md. */
struct MappingOptions {
  /// First part of every external key: "exchange:<UNIFIED_DEAL_CODE>/<CONTRACT_CODE>".
  std::string key_prefix = "exchange";
  /// Agreement kind of a contract whose IS_PPP is not 1.
  domain::AgreementKind default_kind = domain::AgreementKind::procurement;
  /// Payment term when PAYMENT_TERM_DAYS is NULL: 30 days, the 保障中小企业款项支付条例 第九条 default.
  int default_payment_term_days = 30;
  /// Grace days given to the mapped commitments (the exchange tables carry none).
  int default_grace_days = 0;
  /// Words in TERMINATE_REASON that give the reason code when REASON_CODE is NULL (first match wins).
  std::vector<std::pair<std::string, domain::ReasonCode>> reason_keywords{
      {"换届", domain::ReasonCode::government_turnover},
      {"人员调整", domain::ReasonCode::personnel_change},
      {"人事变动", domain::ReasonCode::personnel_change},
      {"领导调整", domain::ReasonCode::personnel_change},
      {"责任人变更", domain::ReasonCode::personnel_change},
      {"机构改革", domain::ReasonCode::restructuring},
      {"机构调整", domain::ReasonCode::restructuring},
      {"公共利益", domain::ReasonCode::public_interest},
      {"不可抗力", domain::ReasonCode::force_majeure},
  };
  /// Lawful grounds of a termination agreed by both parties (TERMINATE_PARTY 3) when LEGAL_BASIS is NULL.
  std::string mutual_termination_grounds = "双方协商一致解除（民法典第五百六十二条）";
};

/** Everything one row produced. A quarantined row produced nothing but its entry. */
struct RowMapping {
  ExchangeTable table = ExchangeTable::contract;
  std::string row_key;
  std::string content_hash;  ///< of the row: equal hashes mean "unchanged"
  bool quarantined = false;
  std::vector<KeyedParty<domain::Body>> bodies;
  std::vector<KeyedParty<domain::Organization>> organizations;
  std::vector<MappedAgreement> agreements;
  std::vector<Keyed<domain::Commitment>> commitments;
  std::vector<MappedFact> facts;
  std::vector<QuarantineEntry> quarantine;
  std::vector<std::string> notes;  ///< what was read but not mapped, or inferred, and why (never silent)
};

/**
 * Says whether the agreement with this key is known (stored, or mapped earlier in the run). Dependent rows
 * (changes, acceptance, payments, terminations) of an unknown contract are quarantined `unknown_contract`.
 * An empty function trusts every key (the store checks the link).
 */
using KnownContract = std::function<bool(std::string_view agreement_key)>;

/** Maps one row. Never throws on bad data: a row that cannot be mapped is quarantined with a reason. */
RowMapping map_row(const ExchangeRow& row, const MappingOptions& options = {},
                   const KnownContract& known = {});

/** "exchange:<UNIFIED_DEAL_CODE>/<CONTRACT_CODE>": the agreement of a contract row and its dependents. */
std::string agreement_key(std::string_view unified_deal_code, std::string_view contract_code,
                          const MappingOptions& options = {});
/** The supplier's delivery commitment of an agreement: "<agreement key>/delivery". */
std::string delivery_key(std::string_view agreement_key);
/** The purchaser's payment commitment of an agreement: "<agreement key>/payment". */
std::string payment_key(std::string_view agreement_key);

/** REASON_CODE text ("government_turnover", ...) as the domain's code; nullopt when unknown. */
std::optional<domain::ReasonCode> reason_from_string(std::string_view text);

}  // namespace pactwatch::platform::exchange
