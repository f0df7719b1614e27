#pragma once
// `pactwatch seed-demo [--demo-dir DIR]`: loads the 楚雄州 demo data set (config/demo/, described in its
// README.md) through the store's write functions, in one transaction. `seed-demo --regions-file FILE` loads
// only the regions of a GB/T 2260 CSV (code,name,parent_code,level; e.g. config/regions/532300.csv), the
// reference data every body and token scope must name. Idempotent: when the data set's bodies
// are already stored, a second run changes nothing and says so. Configuration options (--config,
// --database, …) may follow, as for every command. Exit codes: 0 loaded or already loaded, 1 a runtime
// failure, 2 a usage error or a malformed data file.

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/store/ledger_store.hpp"
#include "domain/breach.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "server/config.hpp"

namespace pactwatch::server {

/** The demo data directory when --demo-dir is not given (relative to the working directory). */
inline constexpr std::string_view kDefaultDemoDir = "config/demo";

/** A breach the workflow is expected to record in the demo (for BC09). */
struct DemoRecordedBreach {
  domain::RuleCode rule = domain::RuleCode::BC01;
  std::string commitment_id;
  domain::Date recorded_on{};
};

/** The demo data set, parsed and given its stable ids (bod_demo_<key>, agr_demo_<key>, …). */
struct DemoData {
  domain::Date as_of{};
  std::vector<store::RegionRow> regions;
  std::vector<domain::Body> bodies;  ///< parents before children
  std::vector<domain::Official> officials;
  std::vector<domain::Organization> organizations;
  std::vector<domain::Agreement> agreements;  ///< with stages and assignments
  std::vector<domain::Commitment> commitments;
  std::vector<domain::Fact> facts;
  std::vector<DemoRecordedBreach> recorded_breaches;
};

/** Reads and validates `dir`/manifest.json and the files it names; an error names the file and the field. */
domain::Result<DemoData> load_demo_data(const std::filesystem::path& dir);

/** What seed_demo did. */
struct SeedSummary {
  bool already_loaded = false;
  int regions = 0, bodies = 0, officials = 0, organizations = 0, agreements = 0, commitments = 0, facts = 0;
};

/** Writes `data` through the ledger store (regions first). Does nothing when its first body exists. */
domain::Result<SeedSummary> seed_demo(store::Database& db, const DemoData& data, const std::string& now);

/** Runs `seed-demo …`; `args` are the words after "seed-demo". */
int run_seed_demo_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                          std::ostream& err);

}  // namespace pactwatch::server
