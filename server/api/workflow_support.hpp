#pragma once
// What the workflow handlers share: the stores, the options, detection as one callable step (used by the
// API, the fact hook and `pactwatch detect`), and small helpers (dates, CSV with a UTF-8 BOM).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/breach_store.hpp"
#include "adapters/store/ledger_store.hpp"
#include "app/detection.hpp"
#include "server/api/api_support.hpp"
#include "server/api/workflow_routes.hpp"

namespace pactwatch::server::api {

/** The same options under the api namespace (server/cli_sync.cpp spells them so). */
using WorkflowOptions = server::WorkflowOptions;

/** The state every workflow handler shares. */
struct Workflow {
  store::Database& database;
  store::LedgerStore ledger;
  store::BreachStore breaches;
  Api api;
  WorkflowOptions options;

  Workflow(store::Database& db, WorkflowOptions opts)
      : database(db), ledger(db), breaches(db), api{ledger, ApiOptions{}}, options(std::move(opts)) {
    api.options.clock = options.clock;
  }
  domain::Date today() const { return options.clock->today(); }
};

/** What one detection run found and opened (app::DetectionSummary), with its JSON form. */
struct DetectionSummary : app::DetectionSummary {
  nlohmann::json to_json() const;
};

/**
 * The detection use case (app::detect) on the store: runs every rule over the ledger in `scope` as of
 * `as_of` and opens a `detected` breach (with its trace-back officials) for each finding not on file, in
 * one transaction. `commitments`, when given,
 * restricts what is opened, and what the summary counts (findings; warnings whose subject is one of them),
 * to findings about those commitments (the fact hook, a sync batch); only the part of the ledger those
 * findings depend on is then read (LedgerStore::load_ledger_for), not the whole scope.
 * `in_same_transaction`, when given, runs in the transaction that opens the breaches (even when none is
 * opened): a sync drain deletes the detection_pending rows it handled there, so both commit together.
 */
domain::Result<DetectionSummary> run_detection(
    Workflow& wf, const store::WriteContext& context, const domain::Scope& scope, domain::Date as_of,
    const std::vector<std::string>* commitments = nullptr,
    const std::function<domain::Result<void>(store::LedgerTransaction&)>& in_same_transaction = {});

/** The domain breaches of stored ones. */
std::vector<domain::Breach> plain(const std::vector<store::StoredBreach>& stored);

/** A `text/csv; charset=utf-8` response written by the one CSV writer (server/csv.hpp: BOM, defusing). */
Response csv_response(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows, const std::string& filename);
/** True when the client asked for CSV: ?format=csv or an Accept of text/csv. A `format` other than csv or
 * json adds a 422 entry to `errors`. */
bool wants_csv(const Request& request, std::vector<FieldError>& errors);

/** `as_of` from the query (default today); adds a 422 entry when malformed. */
domain::Date as_of_param(const Workflow& wf, const Request& request, std::vector<FieldError>& errors);

// One registration function per resource file.
void add_detection_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf);
void add_breach_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf);
void add_evaluation_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf);
void add_complaint_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf);
void add_public_breach_routes(Router& router, std::shared_ptr<Workflow> wf);

}  // namespace pactwatch::server::api
