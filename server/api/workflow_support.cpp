#include "server/api/workflow_support.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include "domain/detection.hpp"

namespace pactwatch::server {

domain::Date shanghai_today() {
  using namespace std::chrono;
  const auto shanghai = system_clock::now() + hours(8);
  return domain::Date{floor<days>(shanghai)};
}

}  // namespace pactwatch::server

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

d::Result<DetectionSummary> run_detection(
    Workflow& wf, const store::WriteContext& context, const d::Scope& scope, d::Date as_of,
    const std::vector<std::string>* commitments,
    const std::function<d::Result<void>(store::LedgerTransaction&)>& in_same_transaction) {
  // With a commitment list only the part of the ledger their findings depend on is read (see
  // LedgerStore::load_ledger_for); otherwise the whole scope, and every body and official for tracing back.
  store::DetectionSlice slice;
  if (commitments) {
    auto loaded = wf.ledger.load_ledger_for(scope, *commitments);
    if (!loaded) return std::unexpected(loaded.error());
    slice = std::move(*loaded);
  } else {
    auto ledger = wf.ledger.load_ledger(scope);
    if (!ledger) return std::unexpected(ledger.error());
    auto bodies = wf.ledger.all_bodies(d::Scope{});
    if (!bodies) return std::unexpected(bodies.error());
    auto officials = wf.ledger.all_officials(d::Scope{});
    if (!officials) return std::unexpected(officials.error());
    slice = store::DetectionSlice{std::move(*ledger), std::move(*bodies), std::move(*officials)};
  }
  const d::Ledger& ledger = slice.ledger;
  // With a commitment list, only their breaches can hide one of their findings (new_findings compares keys,
  // which name the commitment); the BC09 and rectification results, about obligors and breaches, are not
  // reported for a list anyway.
  auto stored = commitments ? wf.breaches.of_commitments(scope, *commitments) : wf.breaches.all(scope);
  if (!stored) return std::unexpected(stored.error());
  const auto existing = plain(*stored);

  const auto result =
      d::detect_breaches(ledger, existing, wf.options.calendar, wf.options.policy.rules, as_of);
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
  std::unordered_map<std::string, const store::StoredBreach*> breach_at;
  for (const auto& s : *stored)
    breach_at[s.breach.id] = &s;
  std::vector<store::FindingToOpen> to_open;
  for (auto& f : fresh) {
    if (commitments && !only.contains(f.commitment_id)) continue;
    store::FindingToOpen open;
    if (!f.commitment_id.empty()) {
      const auto& c = ledger.commitments[commitment_at.at(f.commitment_id)];
      const auto& a = ledger.agreements[agreement_at.at(c.agreement_id)];
      open.body_id = c.obligor_side == d::ObligorSide::government ? c.obligor_id : a.body_id;
      open.officials = store::traced_officials(c, a, slice.officials, f.due);
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
  if (to_open.empty() && !in_same_transaction) return summary;

  store::OpenOutcome outcome;
  auto written = wf.ledger.write(context, std::nullopt,
                                 [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
                                   if (!to_open.empty()) {
                                     auto opened = store::BreachStore::open_findings(
                                         tx, to_open, [] { return new_id("brc"); }, as_of);
                                     if (!opened) return std::unexpected(opened.error());
                                     outcome = std::move(*opened);
                                   }
                                   if (in_same_transaction) {
                                     if (auto done = in_same_transaction(tx); !done)
                                       return std::unexpected(done.error());
                                   }
                                   return store::StoredResponse{};
                                 });
  if (!written) return std::unexpected(written.error());
  summary.opened = static_cast<int>(outcome.opened.size());
  for (const auto& b : outcome.opened) {
    ++summary.new_by_rule[std::string(to_string(b.rule))];
    ++summary.new_by_severity[std::string(to_string(b.severity))];
    summary.opened_ids.push_back(b.id);
  }
  return summary;
}

std::string csv_field(std::string_view text) {
  std::string value(text);
  // A cell starting with = + - @ would run as a formula in a spreadsheet: prefix a quote (OWASP advice).
  if (!value.empty() && std::string_view("=+-@").find(value.front()) != std::string_view::npos &&
      !(value.front() == '-' && value.size() > 1 && std::isdigit(static_cast<unsigned char>(value[1])))) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

Response csv_response(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows, const std::string& filename) {
  Response r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      r.body += (i ? "," : "") + csv_field(cells[i]);
    r.body += "\r\n";
  };
  line(header);
  for (const auto& row : rows)
    line(row);
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
