#pragma once
// The unit the sync layer stores exactly once: one OCDS release or one exchange row, with what its adapter
// mapped it to and what it quarantined. Both adapters' outputs convert to it, so both are stored alike.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/platform/exchange/mapping.hpp"
#include "adapters/platform/ocds/mapping.hpp"
#include "domain/model.hpp"

namespace pactwatch::sync {

using platform::ocds::Keyed;
using platform::ocds::KeyedParty;
using platform::ocds::MappedAgreement;
using platform::ocds::MappedFact;

/** A record that could not be mapped or stored (隔离区): why, where, and its raw text. */
struct SyncQuarantine {
  std::string reason;   ///< stable name: an adapter's reason, or unresolved_party / unresolved_agreement …
  std::string message;  ///< for a person
  std::string external_key;  ///< what it is ("ocds:<ocid>/<release id>#/contracts/0"), may be empty
  std::string location;      ///< where in the input ("line 17", "releases[3]", "contract row 42")
  std::string raw_text;      ///< what to re-process after a fix
};

/** One platform record (a release, a row) and everything its adapter produced. */
struct SyncRecord {
  std::string
      record_key;  ///< stable across re-reads: "ocds:<ocid>/<release id>", "exchange-row:<table>/<key>"
  std::string content_hash;  ///< of the whole record: equal hashes mean "unchanged"
  std::string raw_text;      ///< the record's source text (for quarantine and re-processing)
  std::string kind;          ///< "ocds_release" or "exchange_row": how re-processing maps raw_text again
  bool quarantined = false;  ///< the record as a whole could not be mapped
  std::vector<KeyedParty<domain::Body>> bodies;
  std::vector<KeyedParty<domain::Organization>> organizations;
  std::vector<Keyed<domain::Official>> officials;
  std::vector<MappedAgreement> agreements;
  std::vector<Keyed<domain::Commitment>> commitments;
  std::vector<MappedFact> facts;
  std::vector<SyncQuarantine> quarantine;
  std::map<std::string, std::size_t> not_kept;  ///< read and deliberately not kept, by kind
  std::map<std::string, std::size_t> warnings;  ///< values read with a warning, by kind
  std::optional<domain::Date> date;         ///< the record's own date (a release's `date`): detection's as-of
  std::set<std::string> side_from_obligor;  ///< commitment keys whose side follows their resolved obligor
};

/** An OCDS release as mapped, with its exact source text. */
SyncRecord from_ocds(platform::ocds::MappingResult&& result, std::string raw_text);
/** An OCDS input problem (a malformed line, a schema instead of a package). */
SyncQuarantine from_ocds(const platform::ocds::QuarantineEntry& entry);
/** An exchange row as mapped. */
SyncRecord from_exchange(platform::exchange::RowMapping&& mapping, std::string raw_text);

}  // namespace pactwatch::sync
