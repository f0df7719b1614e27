#include "server/api/workflow_support.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include "adapters/clock/system_clock.hpp"
#include "app/detection.hpp"
#include "server/csv.hpp"

namespace pactwatch::server::api {

namespace d = pactwatch::domain;
using nlohmann::json;

json DetectionSummary::to_json() const {
  return json{
      {"as_of", d::format_date(as_of)},    {"findings", findings},       {"opened", opened},
      {"already_open", findings - opened}, {"warnings", warnings},       {"by_rule", by_rule},
      {"by_severity", by_severity},        {"new_by_rule", new_by_rule}, {"new_by_severity", new_by_severity},
      {"opened_ids", opened_ids}};
}

std::vector<d::Breach> plain(const std::vector<store::StoredBreach>& stored) {
  std::vector<d::Breach> out;
  out.reserve(stored.size());
  for (const auto& s : stored)
    out.push_back(s.breach);
  return out;
}

namespace {

/** Detection's port on the store: reads in scope, opens in one write (with what must commit with it). */
class StoreDetection final : public app::DetectionPort {
 public:
  StoreDetection(Workflow& wf, const store::WriteContext& context,
                 const std::function<d::Result<void>(store::LedgerTransaction&)>& in_same_transaction)
      : wf_(wf), context_(context), in_same_transaction_(in_same_transaction) {}

  d::Result<app::DetectionSlice> load(const d::Scope& scope,
                                      const std::vector<std::string>* commitments) override {
    // With a commitment list only the part of the ledger their findings depend on is read (see
    // LedgerStore::load_ledger_for); otherwise the whole scope, and every body and official for tracing back.
    if (commitments) {
      auto loaded = wf_.ledger.load_ledger_for(scope, *commitments);
      if (!loaded) return std::unexpected(loaded.error());
      return app::DetectionSlice{std::move(loaded->ledger), std::move(loaded->bodies),
                                 std::move(loaded->officials)};
    }
    auto ledger = wf_.ledger.load_ledger(scope);
    if (!ledger) return std::unexpected(ledger.error());
    auto bodies = wf_.ledger.all_bodies(d::Scope{});
    if (!bodies) return std::unexpected(bodies.error());
    auto officials = wf_.ledger.all_officials(d::Scope{});
    if (!officials) return std::unexpected(officials.error());
    return app::DetectionSlice{std::move(*ledger), std::move(*bodies), std::move(*officials)};
  }

  d::Result<std::vector<app::KnownBreach>> breaches(const d::Scope& scope,
                                                    const std::vector<std::string>* commitments) override {
    auto stored = commitments ? wf_.breaches.of_commitments(scope, *commitments) : wf_.breaches.all(scope);
    if (!stored) return std::unexpected(stored.error());
    std::vector<app::KnownBreach> out;
    out.reserve(stored->size());
    for (auto& s : *stored)
      out.push_back({std::move(s.breach), std::move(s.body_id)});
    return out;
  }

  d::Result<std::vector<d::Breach>> open(const std::vector<app::FindingToOpen>& findings,
                                         d::Date detected_on) override {
    if (findings.empty() && !in_same_transaction_) return std::vector<d::Breach>{};
    std::vector<store::FindingToOpen> to_open;
    to_open.reserve(findings.size());
    for (const auto& f : findings) {
      to_open.push_back(
          {f.finding, f.body_id, f.region,
           f.traced ? store::traced_officials(f.responsible) : std::vector<store::TracedOfficial>{}});
    }
    store::OpenOutcome outcome;
    auto written = wf_.ledger.write(context_, std::nullopt,
                                    [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
                                      if (!to_open.empty()) {
                                        auto opened = store::BreachStore::open_findings(
                                            tx, to_open, [] { return new_id("brc"); }, detected_on);
                                        if (!opened) return std::unexpected(opened.error());
                                        outcome = std::move(*opened);
                                      }
                                      if (in_same_transaction_) {
                                        if (auto done = in_same_transaction_(tx); !done)
                                          return std::unexpected(done.error());
                                      }
                                      return store::StoredResponse{};
                                    });
    if (!written) return std::unexpected(written.error());
    return std::move(outcome.opened);
  }

 private:
  Workflow& wf_;
  const store::WriteContext& context_;
  const std::function<d::Result<void>(store::LedgerTransaction&)>& in_same_transaction_;
};

}  // namespace

d::Result<DetectionSummary> run_detection(
    Workflow& wf, const store::WriteContext& context, const d::Scope& scope, d::Date as_of,
    const std::vector<std::string>* commitments,
    const std::function<d::Result<void>(store::LedgerTransaction&)>& in_same_transaction) {
  StoreDetection port(wf, context, in_same_transaction);
  auto summary = app::detect(port, wf.options.calendar, wf.options.policy.rules, scope, as_of, commitments);
  if (!summary) return std::unexpected(summary.error());
  return DetectionSummary{std::move(*summary)};
}

Response csv_response(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows, const std::string& filename) {
  Response r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  CsvWriter csv;
  csv.row(header);
  for (const auto& row : rows)
    csv.row(row);
  r.body = csv.take();
  r.headers.set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

bool wants_csv(const Request& request, std::vector<FieldError>& errors) {
  if (auto format = request.query_param("format")) {
    if (*format != "csv" && *format != "json") errors.push_back({"format", "must be csv or json"});
    return *format == "csv";
  }
  auto accept = request.headers.get("Accept");
  return accept && accept->find("text/csv") != std::string_view::npos;
}

d::Date as_of_param(const Workflow& wf, const Request& request, std::vector<FieldError>& errors) {
  auto text = request.query_param("as_of");
  if (!text) return wf.today();
  auto date = d::parse_date(*text);
  if (!date) {
    errors.push_back({"as_of", "must be a date YYYY-MM-DD"});
    return wf.today();
  }
  return *date;
}

}  // namespace pactwatch::server::api
