// The exchange-row mapping (adapters/platform/exchange) on any text, read the way a quarantined row is
// re-processed (row_from_json). Checked: a row that reads round-trips through row_json, and its mapping,
// with its contract known and unknown, passes mapped_checks.hpp.
#include <string>

#include "adapters/platform/exchange/mapping.hpp"
#include "adapters/platform/exchange/row.hpp"
#include "tests/fuzz/fuzz_entries.hpp"
#include "tests/fuzz/mapped_checks.hpp"

namespace pactwatch::fuzz {

namespace exchange = platform::exchange;

int exchange_row(const std::uint8_t* data, std::size_t size) {
  auto row = exchange::row_from_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!row) return 0;
  check_hash(row->content_hash, "row content hash");
  auto again = exchange::row_from_json(exchange::row_json(*row));
  check(again.has_value() && again->columns == row->columns && again->key == row->key &&
            again->content_hash == row->content_hash && again->data_timestamp == row->data_timestamp,
        "row_json round-trips through row_from_json");
  const auto known = exchange::map_row(*row, {}, [](std::string_view) { return true; });
  check_mapping(known);
  const auto unknown = exchange::map_row(*row, {}, [](std::string_view) { return false; });
  check_mapping(unknown);
  return 0;
}

}  // namespace pactwatch::fuzz
