// GET /api/v1/export/ocds?since=…: the agreements in the caller's region written since an instant (or with a
// commitment written or a fact appended since), as one OCDS release package per page of agreements. The
// mapping is the OCDS adapter's (adapters/platform/ocds/export.hpp); this handler reads a page through the
// ledger store and hands it over. Like the large CSV lists, a response holds one bounded page; the next one
// is named by `Link: <…>; rel="next"` and X-Next-Cursor (docs/API.md, "OCDS export").
#include <algorithm>

#include "adapters/platform/ocds/export.hpp"
#include "domain/date.hpp"
#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
namespace ocds = pactwatch::platform::ocds;
using nlohmann::json;

/** The latest write of an agreement, its commitments and its facts: the release's date. */
std::string changed_at(const store::AgreementRecord& r) {
  std::string latest = r.agreement.updated_at;
  for (const auto& c : r.commitments)
    latest = std::max(latest, c.updated_at);
  for (const auto& f : r.facts)
    latest = std::max(latest, f.created_at);
  return latest;
}

ocds::AgreementSnapshot snapshot_of(store::AgreementRecord&& r) {
  ocds::AgreementSnapshot s;
  s.changed_at = changed_at(r);
  s.agreement = std::move(r.agreement.entity);
  s.body = std::move(r.body);
  s.counterparty = std::move(r.counterparty);
  for (auto& c : r.commitments)
    s.commitments.push_back(std::move(c.entity));
  for (auto& f : r.facts)
    s.facts.push_back(std::move(f.entity));
  s.officials = std::move(r.officials);
  return s;
}

/**
 * `path` (with its query) as an absolute URL on the host the client asked (its Host header; https when a
 * proxy in front says so with X-Forwarded-Proto), as OCDS wants package links; the path alone without Host.
 */
std::string absolute_url(const Request& request, const std::string& path) {
  const auto host = request.headers.get("Host");
  if (path.empty() || !host || host->empty()) return path;
  const auto proto = request.headers.get("X-Forwarded-Proto");
  return std::string(proto && *proto == "https" ? "https" : "http") + "://" + std::string(*host) + path;
}

Response export_ocds(Api& api, const Request& request, const Principal& principal) {
  auto params = list_params(api, request, {"since"});
  if (!request.query_param("limit")) params.window.limit = api.options.ocds_export.page_agreements;
  store::AgreementFilter filter;
  if (auto since = request.query_param("since")) {
    if (auto instant = d::parse_instant(*since)) {
      filter.changed_since = d::format_instant(*instant);
    } else {
      params.errors.push_back({"since", "must be an RFC 3339 instant, e.g. 2026-11-26T05:29:13Z"});
    }
  }
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  const std::string published =
      now_text();  // before reading: what is written meanwhile is in the next export
  auto page = api.store.agreement_records(scope_of(principal), filter, params.window);
  if (!page) return read_error(request, page.error());
  std::string next;
  if (page->more && !page->items.empty()) next = encode_cursor(page->items.back().agreement.entity.id);
  const ocds::ExportOptions options{
      api.options.ocds_export.ocid_prefix, api.options.ocds_export.publisher_name, {}};
  std::string link;
  if (!next.empty()) {
    link = request.path + "?limit=" + std::to_string(params.window.limit) + "&cursor=" + next;
    if (!filter.changed_since.empty()) link += "&since=" + filter.changed_since;
  }
  json releases = json::array();
  for (auto& record : page->items)
    releases.push_back(ocds::export_release(snapshot_of(std::move(record)), options).release);
  Response r;
  r.body = ocds::release_package(std::move(releases), published, options, absolute_url(request, link))
               .dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers.set("Content-Disposition", "inline; filename=\"pactwatch-ocds.json\"");
  if (!link.empty()) {
    r.headers.set("Link", "<" + link + ">; rel=\"next\"");
    r.headers.set("X-Next-Cursor", next);
  }
  return r;
}

}  // namespace

void add_export_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  // Whoever may read agreements may export them; the token's region scope applies as to GET /agreements.
  add_api_route(router, auth, api, Method::get, std::string(kApiPrefix) + "/export/ocds",
                Permission::ledger_read, export_ocds);
}

}  // namespace pactwatch::server::api
