#include "app/detection.hpp"

#include <set>
#include <unordered_map>

#include "domain/detection.hpp"

namespace pactwatch::app {

namespace d = pactwatch::domain;

d::Result<DetectionSummary> detect(DetectionPort& port, const d::WorkingCalendar& calendar,
                                   const d::RulePolicy& rules, const d::Scope& scope, d::Date as_of,
                                   const std::vector<std::string>* commitments) {
  auto loaded = port.load(scope, commitments);
  if (!loaded) return std::unexpected(loaded.error());
  const DetectionSlice& slice = *loaded;
  const d::Ledger& ledger = slice.ledger;
  // With a commitment list, only their breaches can hide one of their findings (new_findings compares keys,
  // which name the commitment); the BC09 and rectification results, about obligors and breaches, are not
  // reported for a list anyway.
  auto known = port.breaches(scope, commitments);
  if (!known) return std::unexpected(known.error());
  std::vector<d::Breach> existing;
  existing.reserve(known->size());
  for (const auto& k : *known)
    existing.push_back(k.breach);

  const auto result = d::detect_breaches(ledger, existing, calendar, rules, as_of);
  auto fresh = d::new_findings(result.findings, existing);

  const std::set<std::string> only =
      commitments ? std::set<std::string>(commitments->begin(), commitments->end()) : std::set<std::string>{};

  DetectionSummary summary;
  summary.as_of = as_of;
  for (const auto& f : result.findings) {
    if (commitments && !only.contains(f.commitment_id)) continue;
    ++summary.findings;
    ++summary.by_rule[std::string(to_string(f.rule))];
    ++summary.by_severity[std::string(to_string(f.severity))];
  }
  for (const auto& w : result.warnings) {
    if (!commitments || only.contains(w.subject_id)) ++summary.warnings;
  }

  std::unordered_map<std::string, std::string> region_of;
  for (const auto& b : slice.bodies)
    region_of[b.id] = b.region;
  std::unordered_map<std::string, std::size_t> commitment_at, agreement_at;
  for (std::size_t i = 0; i < ledger.commitments.size(); ++i)
    commitment_at[ledger.commitments[i].id] = i;
  for (std::size_t i = 0; i < ledger.agreements.size(); ++i)
    agreement_at[ledger.agreements[i].id] = i;
  std::unordered_map<std::string, const KnownBreach*> breach_at;
  for (const auto& k : *known)
    breach_at[k.breach.id] = &k;
  std::vector<FindingToOpen> to_open;
  for (auto& f : fresh) {
    if (commitments && !only.contains(f.commitment_id)) continue;
    FindingToOpen open;
    if (!f.commitment_id.empty()) {
      const auto& c = ledger.commitments[commitment_at.at(f.commitment_id)];
      const auto& a = ledger.agreements[agreement_at.at(c.agreement_id)];
      open.body_id = c.obligor_side == d::ObligorSide::government ? c.obligor_id : a.body_id;
      open.responsible = d::trace_responsibility(c, a, slice.officials, f.due);
      open.traced = true;
    } else if (auto it = breach_at.find(f.breach_id); it != breach_at.end()) {
      // BC09 concerns an obligor: it belongs where the breach that reached the count belongs.
      open.body_id = it->second->body_id;
    }
    const auto region = region_of.find(open.body_id);
    if (region == region_of.end()) continue;  // cannot happen for a linked ledger
    // A body of unknown region (empty: abroad, or never stated) keeps it: its breach is visible to unscoped
    // users only, and ranks in no region.
    open.region = region->second;
    open.finding = std::move(f);
    to_open.push_back(std::move(open));
  }

  auto opened = port.open(to_open, as_of);
  if (!opened) return std::unexpected(opened.error());
  summary.opened = static_cast<int>(opened->size());
  for (const auto& b : *opened) {
    ++summary.new_by_rule[std::string(to_string(b.rule))];
    ++summary.new_by_severity[std::string(to_string(b.severity))];
    summary.opened_ids.push_back(b.id);
  }
  return summary;
}

}  // namespace pactwatch::app
