#pragma once
// `pactwatch trail verify --state` (docs/TRAIL.md §8.7, issue 13): the trail replayed into the state every
// entity should have, compared with every ledger, breach and token row, so that a row edited, deleted or
// inserted behind the service's back (plain SQL) is named.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/database.hpp"
#include "domain/result.hpp"

namespace soci {
class session;
}

namespace pactwatch::store {

/** One row read for the comparison: its id and its API form (the trail's after-state), or why it is not. */
struct ScannedRow {
  std::string id;
  nlohmann::json state;  ///< null when `problem` is set
  std::string problem;   ///< e.g. "stored breach br_1 is not JSON"
  /** Columns that repeat a field of `state` (a breach's state, rule, … for the lists' filters): field, value.
   */
  std::vector<std::pair<std::string, std::string>> columns;
};

/** Up to `limit` breach rows with ids after `after`, in id order, each with its officials and history. */
std::vector<ScannedRow> scan_breach_rows(soci::session& sql, const std::string& after, int limit);
/** Up to `limit` token rows with ids after `after`, in id order, in the form the trail records them. */
std::vector<ScannedRow> scan_token_rows(soci::session& sql, const std::string& after, int limit);

/** One way the rows differ from the replayed trail. */
struct StateDifference {
  enum class Kind {
    field,           ///< a field's value differs (or the row lacks a field the trail recorded)
    row_only,        ///< a row the trail never recorded (inserted behind the service's back)
    trail_only,      ///< an entity the trail created whose row is gone (deleted behind its back)
    unreadable_row,  ///< a row whose columns are no longer a valid entity
    broken_history,  ///< the entity's patches do not apply in order (its history cannot be replayed)
  };
  Kind kind = Kind::field;
  std::string type, id;
  std::string field;           ///< JSON Pointer into the entity (kind field)
  nlohmann::json trail;        ///< the replayed value (kind field, trail_only: the whole state)
  nlohmann::json row;          ///< the row's value (kind field, row_only: the whole row)
  bool row_has_field = true;   ///< kind field: false when the row lacks the field altogether
  std::uint64_t last_seq = 0;  ///< the last entry that changed the entity (0: none)
  std::string detail;  ///< unreadable_row, broken_history: why; field: "column X" when a column differs
};

std::string_view to_string(StateDifference::Kind kind);

struct StateVerifyOptions {
  std::size_t page_size = 1000;     ///< trail entries and rows per SELECT
  std::size_t max_reported = 1000;  ///< differences kept in the report (all are counted)
};

struct StateVerification {
  std::uint64_t entries_replayed = 0;  ///< every trail entry, in seq order
  std::uint64_t entities = 0;          ///< entities of the compared types the trail holds
  std::uint64_t rows_compared = 0;     ///< rows read, of every compared table
  std::uint64_t differences_total = 0;
  std::vector<StateDifference> differences;  ///< the first max_reported, in type and id order
  /**
   * Fields a row has that its trail state never recorded: written before the trail recorded that field
   * (an older layout of the entity). They cannot be checked, and are counted, not reported as differences.
   */
  std::uint64_t unrecorded_fields = 0;
  std::vector<std::string> types;  ///< the entity types compared
  bool ok() const { return differences_total == 0; }
};

/**
 * Replays the whole trail (in seq order, in keyset pages) into the state of every entity of the compared
 * types (region, body, official, organization, agreement, commitment, fact, breach, token), then reads every
 * row of their tables in id order and compares, all in one read snapshot. Memory: the replayed states as
 * compact JSON text (about the size of the ledger as JSON), never the history.
 */
domain::Result<StateVerification> verify_state(Database& database, const StateVerifyOptions& options = {});

}  // namespace pactwatch::store
