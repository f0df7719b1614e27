#include "adapters/sync/sync_record.hpp"

#include <utility>

namespace pactwatch::sync {

namespace ocds = platform::ocds;
namespace exchange = platform::exchange;

namespace {

std::string ocds_key(const ocds::QuarantineEntry& q) {
  if (q.ocid.empty() && q.release_id.empty()) return "";
  std::string key = "ocds:" + q.ocid + "/" + q.release_id;
  if (!q.path.empty()) key += "#" + q.path;
  return key;
}

}  // namespace

SyncQuarantine from_ocds(const ocds::QuarantineEntry& q) {
  return {std::string(ocds::to_string(q.reason)), q.message, ocds_key(q), q.location, q.raw_text};
}

SyncRecord from_ocds(ocds::MappingResult&& r, std::string raw_text) {
  SyncRecord out;
  out.record_key = "ocds:" + r.ocid + "/" + r.release_id;
  out.content_hash = std::move(r.content_hash);
  out.raw_text = std::move(raw_text);
  out.kind = "ocds_release";
  out.quarantined = r.quarantined;
  out.bodies = std::move(r.bodies);
  out.organizations = std::move(r.organizations);
  out.officials = std::move(r.officials);
  out.agreements = std::move(r.agreements);
  out.commitments = std::move(r.commitments);
  out.facts = std::move(r.facts);
  out.not_kept = std::move(r.not_kept);
  out.warnings = std::move(r.warnings);
  out.date = r.date;
  out.side_from_obligor = std::move(r.side_from_obligor);
  for (const auto& q : r.quarantine) {
    SyncQuarantine s = from_ocds(q);
    // A release quarantined as a whole keeps its exact bytes, so that re-processing can map it again.
    if (s.raw_text.empty() || (q.path.empty() && !out.raw_text.empty())) s.raw_text = out.raw_text;
    out.quarantine.push_back(std::move(s));
  }
  return out;
}

SyncRecord from_exchange(exchange::RowMapping&& m, std::string raw_text) {
  SyncRecord out;
  const std::string table(exchange::to_string(m.table));
  // Not "exchange:<table>/<key>": that is the key of the fact the row becomes (docs/EXCHANGE_DB.md "Keys"),
  // and a record and an entity must not share an external key.
  out.record_key = "exchange-row:" + table + "/" + m.row_key;
  out.content_hash = std::move(m.content_hash);
  out.raw_text = std::move(raw_text);
  out.kind = "exchange_row";
  out.quarantined = m.quarantined;
  out.bodies = std::move(m.bodies);
  out.organizations = std::move(m.organizations);
  out.agreements = std::move(m.agreements);
  out.commitments = std::move(m.commitments);
  out.facts = std::move(m.facts);
  for (const auto& q : m.quarantine) {
    std::string key = "exchange:" + std::string(exchange::to_string(q.table)) + "/" + q.row_key;
    if (!q.column.empty()) key += "#" + q.column;
    out.quarantine.push_back({std::string(exchange::to_string(q.reason)), q.message, key,
                              std::string(exchange::to_string(q.table)) + " row " + q.row_key,
                              q.raw_text.empty() ? out.raw_text : q.raw_text});
  }
  return out;
}

}  // namespace pactwatch::sync
