#pragma once
// The OCDS export (GET /api/v1/export/ocds): the inverse of the import mapping (mapping.hpp). An agreement
// with its parties, commitments and facts becomes one release whose contract the importer maps back onto the
// same agreement, commitments and facts. Pure: no I/O, no clock. Rules: docs/OCDS_MAPPING.md, "Export".

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/platform/ocds/mapping.hpp"
#include "domain/model.hpp"

namespace pactwatch::platform::ocds {

/** An agreement and everything its release names, as the ledger holds them. */
struct AgreementSnapshot {
  domain::Agreement agreement;
  std::optional<domain::Body> body;
  std::optional<domain::Organization> counterparty;
  std::vector<domain::Commitment> commitments;
  std::vector<domain::Fact> facts;
  std::vector<domain::Official> officials;  ///< the committing officials its commitments name
  std::string changed_at;  ///< RFC 3339: the latest write of the agreement, its commitments or facts
};

/** What the supervision office may tune; defaults in docs/CONFIGURATION.md. */
struct ExportOptions {
  /// The ocid of an agreement that has none: `<ocid_prefix>-<agreement id>` (ocds_ocid_prefix).
  std::string ocid_prefix = "ocds-pactwatch";
  /// The package's publisher name (ocds_publisher_name).
  std::string publisher_name = "pactwatch";
  /// The import rules this export inverts (milestone types).
  MappingOptions mapping;
};

/** One release and what of the agreement it could not carry, counted by kind ("fact revoked"). */
struct ExportedRelease {
  nlohmann::json release;
  std::map<std::string, std::size_t> not_exported;
};

/** The ocid an agreement is exported under: its own, else one made from the prefix and its id. */
std::string export_ocid(const domain::Agreement& agreement, const ExportOptions& options);

/** The release of one agreement (tags contract and implementation). */
ExportedRelease export_release(const AgreementSnapshot& snapshot, const ExportOptions& options);

/**
 * A release package (OCDS 1.1) around `releases`, published at `published_date` (RFC 3339). `next_page`, when
 * not empty, is the URL of the next package: written as `links.next`, as OCDS's pagination extension has it,
 * so that OCDS tools that page through a publisher (e.g. Kingfisher Collect) follow it.
 */
nlohmann::json release_package(nlohmann::json releases, const std::string& published_date,
                               const ExportOptions& options, const std::string& next_page = {});

}  // namespace pactwatch::platform::ocds
