#include "adapters/platform/exchange/row.hpp"

#include <nlohmann/json.hpp>

#include "adapters/platform/ocds/mapping.hpp"
#include "adapters/platform/ocds/values.hpp"

namespace pactwatch::platform::exchange {
namespace {

nlohmann::json columns_json(const ExchangeRow& row) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, v] : row.columns)
    j[name] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

std::optional<std::string_view> ExchangeRow::value(std::string_view column) const {
  const auto it = columns.find(column);
  if (it == columns.end() || !it->second) return std::nullopt;
  return std::string_view(*it->second);
}

ExchangeRow make_row(ExchangeTable table,
                     std::map<std::string, std::optional<std::string>, std::less<>> columns,
                     std::string data_timestamp) {
  ExchangeRow row;
  row.table = table;
  row.columns = std::move(columns);
  row.data_timestamp = std::move(data_timestamp);
  row.key = std::string(row.value(table_info(table).key_column).value_or(""));
  row.content_hash = ocds::sha256_hex(ocds::canonical_json(columns_json(row)));
  return row;
}

std::string row_json(const ExchangeRow& row) {
  nlohmann::json j = columns_json(row);
  j["DATA_TIMESTAMP"] = row.data_timestamp;
  j["_table"] = std::string(to_string(row.table));
  return ocds::canonical_json(j);
}

domain::Result<ExchangeRow> row_from_json(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  const auto bad = [](const std::string& why) {
    return domain::fail(domain::ErrorCode::invalid, "exchange row: " + why, "raw_text");
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  const auto table = j.contains("_table") && j["_table"].is_string()
                         ? table_from_string(j["_table"].get<std::string>())
                         : std::nullopt;
  if (!table) return bad("no known `_table`");
  if (!j.contains("DATA_TIMESTAMP") || !j["DATA_TIMESTAMP"].is_string()) return bad("no DATA_TIMESTAMP");
  std::map<std::string, std::optional<std::string>, std::less<>> columns;
  for (const Column& c : table_info(*table).columns) {
    const std::string name(c.name);
    if (!j.contains(name)) return bad("no column " + name);
    const nlohmann::json& v = j[name];
    if (v.is_string()) {
      columns.emplace(name, v.get<std::string>());
    } else if (v.is_null()) {
      columns.emplace(name, std::nullopt);
    } else {
      return bad("column " + name + " is neither text nor null");
    }
  }
  return make_row(*table, std::move(columns), j["DATA_TIMESTAMP"].get<std::string>());
}

}  // namespace pactwatch::platform::exchange
