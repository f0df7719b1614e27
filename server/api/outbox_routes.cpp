#include "server/api/outbox_routes.hpp"

#include <charconv>
#include <memory>

#include "adapters/store/credit_outbox.hpp"
#include "server/api/api_support.hpp"

namespace pactwatch::server {

namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

/** What the handlers share: the ledger store (its write() is the transaction of a retry) and the outbox. */
struct OutboxApi {
  store::LedgerStore ledger;
  store::OutboxStore outbox;
  api::Api api;
  explicit OutboxApi(store::Database& db) : ledger(db), outbox(db), api{ledger, api::ApiOptions{}} {}
};

Response list(OutboxApi& o, const Request& request, const Principal& principal) {
  auto params = api::list_params(o.api, request, {"state", "breach_id"});
  store::OutboxFilter filter;
  filter.state = api::enum_filter(
      request, "state", [](std::string_view s) { return s == "pending" || s == "sent" || s == "failed"; },
      "pending, sent, failed", params.errors);
  filter.breach_id = api::text_filter(request, "breach_id");
  if (!params.window.after.empty()) {
    const std::string& after = params.window.after;
    const auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), filter.after);
    if (ec != std::errc{} || end != after.data() + after.size())
      params.errors.push_back({"cursor", "is not a cursor this service issued (use next_cursor as given)"});
  }
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  filter.limit = params.window.limit + 1;
  auto rows = o.outbox.list(api::scope_of(principal), filter);
  if (!rows) return api::read_error(request, rows.error());
  json next = nullptr;
  if (static_cast<int>(rows->size()) > params.window.limit) {
    rows->resize(static_cast<std::size_t>(params.window.limit));
    next = api::encode_cursor(std::to_string(rows->back().seq));
  }
  auto items = json::array();
  for (const auto& row : *rows)
    items.push_back(store::to_json(row));
  return json_response(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response retry(OutboxApi& o, const Request& request, const Principal& principal) {
  auto context = api::write_context(request, principal);
  if (!request.body.empty()) {
    auto parsed = api::parse_object(request);
    if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
    std::vector<FieldError> errors;
    api::FieldReader r(std::get<json>(parsed), errors, {}, 2000);
    r.reject_unknown({"reason"});
    auto reason = r.text("reason", api::Need::optional);
    if (!errors.empty()) return validation_problem(request, std::move(errors));
    if (reason) context.reason = *reason;
  }
  const std::string id(request.param("id"));
  store::OutboxRow after;
  auto written = o.ledger.write(context, std::nullopt,
                                [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
                                  auto row = store::OutboxStore::retry(tx, api::scope_of(principal), id);
                                  if (!row) return std::unexpected(row.error());
                                  after = std::move(*row);
                                  return store::StoredResponse{};
                                });
  if (!written) {
    if (d::is_conflict(written.error().code)) return problem_response(request, 409, written.error().message);
    return api::read_error(request, written.error());
  }
  return json_response(200, store::to_json(after));
}

}  // namespace

void add_outbox_routes(Router& router, const Authenticator& auth, store::Database& database) {
  auto o = std::make_shared<OutboxApi>(database);
  const std::string base = std::string(api::kApiPrefix) + "/outbox";
  router.get(base, auth.guard(Permission::outbox_read,
                              [o](const Request& r, const Principal& p) { return list(*o, r, p); }));
  router.post(base + "/{id}/retry", auth.guard(Permission::admin, [o](const Request& r, const Principal& p) {
    return retry(*o, r, p);
  }));
}

}  // namespace pactwatch::server
