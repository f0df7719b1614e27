#pragma once
// Names, not ids (issue 14): list answers carry the name of every body, organization, official, region,
// agreement and commitment they refer to, beside its id. Each page collects the ids it refers to, reads
// their names in one batched query (store::NameStore) and adds them: `*_name` for bodies, organizations,
// officials and regions, `*_title` for agreements and commitments; null when the id names nothing on file.
// Also the CSV form of a JSON list, columns picked by name.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/breach_store.hpp"
#include "adapters/store/ledger_store.hpp"
#include "server/api/api_support.hpp"
#include "server/http_message.hpp"
#include "server/messages.hpp"

namespace pactwatch::server::api {

/** What an entity refers to, added to the page's name request. */
void refer(store::NameRequest& request, const domain::Body& body);
void refer(store::NameRequest& request, const domain::Official& official);
void refer(store::NameRequest& request, const domain::Agreement& agreement);
void refer(store::NameRequest& request, const domain::Commitment& commitment);
void refer(store::NameRequest& request, const domain::Fact& fact);
void refer(store::NameRequest& request, const domain::Organization&);
void refer(store::NameRequest& request, const store::StoredBreach& breach);

/** Adds the names of what the entity refers to, to its JSON item. */
void add_names(nlohmann::json& item, const domain::Body& body, const store::Names& names);
void add_names(nlohmann::json& item, const domain::Official& official, const store::Names& names);
void add_names(nlohmann::json& item, const domain::Agreement& agreement, const store::Names& names);
void add_names(nlohmann::json& item, const domain::Commitment& commitment, const store::Names& names);
void add_names(nlohmann::json& item, const domain::Fact& fact, const store::Names& names);
void add_names(nlohmann::json&, const domain::Organization&, const store::Names&);
/** body_name, region_name, obligor_name, agreement_title, commitment_title, the officials' names. */
void add_names(nlohmann::json& item, const store::StoredBreach& breach, const store::Names& names);

/**
 * The JSON items of stored breaches with the names they refer to (one batched read) and their summary in
 * `language` (the message catalogue).
 */
domain::Result<nlohmann::json> named_breaches(store::LedgerStore& store,
                                              const std::vector<store::StoredBreach>& rows,
                                              Language language);

/**
 * Short JSON of the breaches `ids` names among `stored` (id, rule, severity, state, body, obligor, agreement
 * and commitment, each with its name, and the summary in `language`), names read in one batch; an id not
 * among `stored` is given alone.
 */
domain::Result<nlohmann::json> breach_briefs(store::LedgerStore& store,
                                             const std::vector<store::StoredBreach>& stored,
                                             const std::vector<std::string>& ids, Language language);

/** The name as JSON: null when empty (the id names nothing on file). */
nlohmann::json name_json(const std::string& name);

/**
 * The JSON items of `stored` (store::to_json) with the names of what they refer to, read in one batch; an
 * unavailable store is the error.
 */
template <class T>
domain::Result<nlohmann::json> named_items(store::LedgerStore& store,
                                           const std::vector<store::Stored<T>>& stored) {
  store::NameRequest request;
  for (const auto& s : stored)
    refer(request, s.entity);
  auto names = store.names(request);
  if (!names) return std::unexpected(names.error());
  auto items = nlohmann::json::array();
  for (const auto& s : stored) {
    nlohmann::json item = store::to_json(s);
    add_names(item, s.entity, *names);
    items.push_back(std::move(item));
  }
  return items;
}

/**
 * A CSV answer (UTF-8 BOM, one writer: csv_response) of JSON `items`, one column per entry of `columns`:
 * a member name, or a path "value.amount" into nested objects; null and absent cells are empty, arrays are
 * joined with "; ". `next_cursor`, when not null, is given in a Link header (rel="next").
 */
Response csv_of_items(const Request& request, const std::vector<std::string>& columns,
                      const nlohmann::json& items, const nlohmann::json& next_cursor,
                      const std::string& filename);

/** The Link header (rel="next") of a CSV page: the request's own query and format=csv&cursor=`cursor`. */
std::string csv_next_link(const Request& request, std::string_view cursor);

/**
 * Whether a list asks for CSV (?format=csv or Accept: text/csv); a CSV page is then max_limit rows long.
 * A format other than csv or json is a 422 entry in `params`.
 */
bool csv_format(const Api& api, const Request& request, ListParams& params);

/** One stored entity with the names of what it refers to (the single read of GET /…/{id}). */
template <class T>
Response named_entity(Api& api, const Request& request, const store::Stored<T>& stored) {
  auto items = named_items(api.store, std::vector<store::Stored<T>>{stored});
  if (!items) return read_error(request, items.error());
  return entity_response(200, (*items)[0], stored.version);
}

/** A page of a ledger list with names (or, given `csv_columns`, its CSV with those columns). */
template <class T>
Response named_page(Api& api, const Request& request, const store::Page<T>& page,
                    const std::vector<std::string>* csv_columns, const std::string& filename) {
  auto items = named_items(api.store, page.items);
  if (!items) return read_error(request, items.error());
  nlohmann::json next = nullptr;
  if (page.more && !page.items.empty()) next = encode_cursor(page.items.back().entity.id);
  if (csv_columns) return csv_of_items(request, *csv_columns, *items, next, filename);
  return json_response(200, {{"items", std::move(*items)}, {"next_cursor", std::move(next)}});
}

}  // namespace pactwatch::server::api
