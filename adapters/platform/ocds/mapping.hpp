#pragma once
// Mapping of one OCDS release onto the ledger model (DESIGN.md §2, §7). Pure: no I/O, no clock. Every
// mapped entity carries a stable external key and the SHA-256 of its source JSON, so the sync layer can
// store it idempotently by (source, key, hash). Rules and OCDS paths: docs/OCDS_MAPPING.md.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/platform/ocds/quarantine.hpp"
#include "adapters/platform/ocds/reader.hpp"
#include "domain/model.hpp"

namespace pactwatch::platform::ocds {

/** How a milestone `type` becomes a commitment: its kind and which side owes it. */
struct MilestoneRule {
  domain::CommitmentKind kind = domain::CommitmentKind::milestone;
  domain::ObligorSide side = domain::ObligorSide::counterparty;
};

/** What the supervision office may tune; the defaults are documented in docs/OCDS_MAPPING.md. */
struct MappingOptions {
  /// parties[].roles that make a party a government Body (checked first).
  std::set<std::string> government_roles{"buyer", "procuringEntity", "publicAuthority"};
  /// roles that make a party an Organization (checked second).
  std::set<std::string> organization_roles{"supplier", "tenderer", "privateParty", "payee"};
  /// roles that make a party a Body when it has none of the above (the treasury that pays).
  std::set<std::string> paying_roles{"payer"};
  /// identifier schemes whose ids are unified social credit codes (org-id.guide lists CN-SAIC).
  std::set<std::string> credit_code_schemes{"CN-SAIC", "CN-USCC", "CN-USCI"};
  /// parties[].details.scale values that mark an SME (中小企业).
  std::set<std::string> sme_scales{"micro", "sme", "small", "medium"};
  /// milestone type -> commitment; types not listed use `default_milestone_rule`.
  std::map<std::string, MilestoneRule> milestone_rules{
      {"payment", {domain::CommitmentKind::payment, domain::ObligorSide::government}},
      {"financing", {domain::CommitmentKind::payment, domain::ObligorSide::government}},
      {"delivery", {domain::CommitmentKind::delivery, domain::ObligorSide::counterparty}},
      {"assessment", {domain::CommitmentKind::acceptance, domain::ObligorSide::government}},
      {"approval", {domain::CommitmentKind::milestone, domain::ObligorSide::government}},
      {"engagement", {domain::CommitmentKind::milestone, domain::ObligorSide::government}},
      {"preProcurement", {domain::CommitmentKind::milestone, domain::ObligorSide::government}},
      {"reporting", {domain::CommitmentKind::milestone, domain::ObligorSide::counterparty}},
  };
  MilestoneRule default_milestone_rule{};
  /// grace days given to every mapped commitment (OCDS has no such field).
  int default_grace_days = 0;
  /// agreement kind when nothing in the release marks it as PPP.
  domain::AgreementKind default_kind = domain::AgreementKind::procurement;
};

/** An entity with its external key and the hash of the source JSON it came from. */
template <class T>
struct Keyed {
  std::string key;           ///< stable across releases of the same ocid; also the entity's id
  std::string content_hash;  ///< SHA-256 (hex) of the canonical JSON of the source object
  T value;
};

/** A Body or Organization: canonical key (uscc:<code> when a credit code is known) plus its OCDS alias. */
template <class T>
struct KeyedParty : Keyed<T> {
  std::string local_key;  ///< ocds:<ocid>:parties/<id>; agreements and commitments refer to this one
  /// The party says it is outside China (a foreign identifier scheme or address) and has no credit code:
  /// a body's region stays unknown instead of taking the source's default region.
  bool outside = false;
};

/** An agreement and which of its fields this release states (OCDS releases are partial updates). */
struct MappedAgreement : Keyed<domain::Agreement> {
  std::set<std::string> stated;  ///< of title, value, signed_on, body_id, counterparty_id, kind
  std::string ocds_status;       ///< contracts[].status as published
  std::string final_status;      ///< contracts[].finalStatus as published
};

/** A fact applies to one commitment, or to every commitment of the agreement (the store expands it). */
enum class FactScope { commitment, agreement };

/**
 * A fact with what the domain Fact cannot hold yet: its scope, the agreement it belongs to, the side it
 * concerns for agreement-wide facts, and a note (an amendment's rationale, a penalty) — domain::Fact has
 * no free-text field.
 */
struct MappedFact : Keyed<domain::Fact> {
  FactScope scope = FactScope::commitment;
  std::string agreement_key;
  std::optional<domain::ObligorSide> applies_to;  ///< agreement scope: only that side's commitments
  std::string note;
  /// Agreement scope: only the commitments due in [period_start, period_end] (either end may be open) that
  /// are not fulfilled (a performance failure's period; absent: every commitment of the side).
  std::optional<domain::Date> period_start, period_end;
  bool only_unfulfilled = false;
  /// Agreement scope: the commitment to create and attach the fact to when none of the agreement's applies
  /// (a performance failure of the service itself, not of a milestone).
  std::optional<Keyed<domain::Commitment>> fallback;
};

/** Everything one release produced. A quarantined release produced nothing but its entry. */
struct MappingResult {
  std::string ocid;
  std::string release_id;
  std::string content_hash;  ///< of the whole release: equal hashes mean "unchanged"
  bool quarantined = false;  ///< the release as a whole could not be mapped
  std::vector<KeyedParty<domain::Body>> bodies;
  std::vector<KeyedParty<domain::Organization>> organizations;
  std::vector<Keyed<domain::Official>> officials;
  std::vector<MappedAgreement> agreements;
  std::vector<Keyed<domain::Commitment>> commitments;
  std::vector<MappedFact> facts;
  std::vector<QuarantineEntry> quarantine;  ///< the release itself, or sub-objects of it
  std::vector<std::string> notes;           ///< what was read but not mapped, and why (never silent)
  /// What was read and deliberately not kept, counted by kind ("party role equityInvestor", "contract
  /// milestone financing"): the import summary lists it, so that nothing is dropped silently.
  std::map<std::string, std::size_t> not_kept;
  /// Values read with a warning, counted by kind ("amount given as a JSON string"); each is also a note.
  std::map<std::string, std::size_t> warnings;
  /// The release `date`: detection after the import judges what this release touched as of this day.
  std::optional<domain::Date> date;
  /// Keys of commitments whose obligor side follows the party their obligor key resolves to (a payment
  /// record whose payer is not a party of this release): a body is the government side, an organization the
  /// counterparty.
  std::set<std::string> side_from_obligor;
};

/** Maps one release. Never throws on bad data: what cannot be mapped is quarantined with a reason. */
MappingResult map_release(const RawRelease& release, const MappingOptions& options = {});

/** Canonical JSON text used for content hashes: compact, keys sorted. */
std::string canonical_json(const nlohmann::json& value);

}  // namespace pactwatch::platform::ocds
