#pragma once
// The mapper of one release, shared by mapping.cpp (release, parties) and contract_mapping.cpp
// (contracts and what hangs off them). File-private to the OCDS adapter.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/platform/ocds/json_access.hpp"
#include "adapters/platform/ocds/mapping.hpp"
#include "adapters/platform/ocds/values.hpp"

namespace pactwatch::platform::ocds::detail {

/** Which side a party of this release is on, and the key agreements use to refer to it. */
struct PartyRef {
  enum class Side { government, organization, other } side = Side::other;
  std::string local_key;
  std::string name;
  bool contractor = false;  ///< has the role supplier or privateParty: may be a contract's counterparty
};

/** A milestone mapped in this release, as transactions and facts need it. */
struct MilestoneEntry {
  std::size_t commitment = 0;  ///< index into MappingResult::commitments
  const json* source = nullptr;
  std::string path;
  std::string status;
  std::optional<domain::Money> value;
  std::optional<domain::Date> date_met;
  std::optional<domain::Date> date_modified;
  int linked_transaction_facts = 0;
};

/** The contract being mapped and what its sub-objects need from it. */
struct ContractContext {
  const json* source = nullptr;
  std::string path;
  std::string id;
  std::string key;  ///< ocds:<ocid>:contracts/<id>
  std::string body_key;
  std::string counterparty_key;
  std::string committing_official;
  std::map<std::string, std::string> signatories;  ///< signatory id (else name) -> official key
  std::map<std::string, MilestoneEntry> milestones;
  std::vector<std::string> quarantined_milestones;
  std::map<std::string, std::size_t> payment_records;  ///< key -> index into MappingResult::commitments
};

class ReleaseMapper {
 public:
  ReleaseMapper(const RawRelease& release, const MappingOptions& options) : r_(release), o_(options) {}
  MappingResult run();

 private:
  // mapping.cpp
  void map_parties();
  void map_party(const json& party, const std::string& path);
  bool detect_ppp() const;
  std::string party_key(const std::string& ocds_id) const;
  std::string find_body() const;
  std::string find_counterparty(const json& contract, const std::string& contract_id);

  // contract_mapping.cpp
  void map_contract(const json& contract, const std::string& path);
  bool map_agreement(ContractContext& c);
  void map_signatories(ContractContext& c);
  void map_milestone(ContractContext& c, const json& m, const std::string& path);
  void map_transaction(ContractContext& c, const json& t, const std::string& path);
  std::optional<std::string> transaction_target(ContractContext& c, const json& t);
  void map_milestone_facts(ContractContext& c);
  void map_amendment(ContractContext& c, const json& a, const std::string& path);
  void map_termination(ContractContext& c);
  void map_performance_failure(ContractContext& c, const json& pf, const std::string& path);
  /** An exported milestone's `pactwatch` object (extension.hpp): kind, side, grace, term, stage, official. */
  void apply_extension(const ContractContext& c, const json& m, domain::Commitment& k) const;

  // shared helpers (mapping.cpp)
  void quarantine(QuarantineReason reason, std::string message, const std::string& path, const json& source);
  void quarantine(const ValueError& e, const std::string& path, const json& source);
  /** A date member: absent is nullopt; a bad one is an error with the field named. */
  ValueResult<std::optional<domain::Date>> date_member(const json& object, const char* key,
                                                       const std::string& path) const;
  /** A value object {amount, currency} at `path` as exact money, from the number's source text. */
  ValueResult<domain::Money> money(const json& value, const std::string& path);
  /** True when a party without a credit code says it is abroad (identifier scheme, address country). */
  bool foreign_party(const json& party) const;
  /** The key of the contract's payment record of `payer` (created on first use, due on the earliest date). */
  std::string payment_record(ContractContext& c, const json* payer, domain::Date on);
  MappedFact make_fact(const ContractContext& c, std::string key, domain::FactKind kind, domain::Date on,
                       const json& source) const;
  void note(std::string text) { out_.notes.push_back(std::move(text)); }
  template <class F>
  void for_each_in_array(const json& parent, const char* key, const std::string& path, F&& f);

  const RawRelease& r_;
  const MappingOptions& o_;
  MappingResult out_;
  std::string ocid_;
  std::optional<domain::Date> release_date_;
  bool ppp_ = false;
  std::map<std::string, PartyRef> parties_;
  bool has_parties_ = false;
};

template <class F>
void ReleaseMapper::for_each_in_array(const json& parent, const char* key, const std::string& path, F&& f) {
  const json* array = member(parent, key);
  if (!array) return;
  const std::string here = path + "/" + key;
  if (!array->is_array()) {
    quarantine(QuarantineReason::malformed_field, std::string("`") + key + "` is not an array", here, *array);
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i)
    f((*array)[i], here + "/" + std::to_string(i));
}

}  // namespace pactwatch::platform::ocds::detail
