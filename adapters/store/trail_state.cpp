// `trail verify --state`: the trail replayed and compared with the rows (trail_state.hpp, docs/TRAIL.md
// §8.7).
#include "adapters/store/trail_state.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <unordered_map>

#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_json.hpp"
#include "adapters/store/ledger_rows.hpp"
#include "adapters/store/ledger_sql.hpp"
#include "adapters/trail/change_set.hpp"
#include "adapters/trail/json_patch.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using d::Result;
using detail::Query;
using nlohmann::json;

std::string_view to_string(StateDifference::Kind kind) {
  switch (kind) {
    case StateDifference::Kind::field:
      return "field";
    case StateDifference::Kind::row_only:
      return "row_without_history";
    case StateDifference::Kind::trail_only:
      return "entity_without_row";
    case StateDifference::Kind::unreadable_row:
      return "unreadable_row";
    case StateDifference::Kind::broken_history:
      return "broken_history";
  }
  return "field";
}

namespace {

/** An entity's replayed state: its compact JSON text (memory), the last entry that changed it. */
struct Replayed {
  std::string text;
  std::uint64_t last_seq = 0;
  std::string broken;  ///< why its history does not replay; "" when it does
};

using Scanner = std::function<std::vector<ScannedRow>(soci::session&, const std::string&, int)>;

/** Reads a keyset page of a ledger table into its API form (ledger_json.hpp), the trail's after-state. */
template <class Row, class Attach>
std::vector<ScannedRow> scan_ledger(soci::session& sql, std::string_view text, const std::string& after,
                                    int limit, Attach attach) {
  using StoredT = decltype(std::declval<const Row&>().get());
  std::vector<ScannedRow> out;
  std::vector<StoredT> stored;
  std::vector<std::size_t> at;
  {
    Row row;
    Query q(sql, text);
    q.use(after, "after").use(limit, "limit");
    auto st = q.into(row).run();
    while (st.fetch()) {
      ScannedRow r;
      r.id = row.id;
      try {
        stored.push_back(row.get());
        at.push_back(out.size());
      } catch (const std::exception& e) {
        r.problem = e.what();
      }
      out.push_back(std::move(r));
    }
  }
  attach(stored);
  for (std::size_t i = 0; i < stored.size(); ++i)
    out[at[i]].state = to_json(stored[i]);
  return out;
}

void no_children(const auto&) {}

std::vector<ScannedRow> scan_regions(soci::session& sql, const LedgerSql& text, const std::string& after,
                                     int limit) {
  const std::string within = "%";
  RegionRow row;
  std::string parent;
  soci::indicator parent_ind = soci::i_ok;
  soci::statement st = (sql.prepare << std::string(text.list_regions), soci::use(within, "within"),
                        soci::use(after, "after"), soci::use(limit, "limit"), soci::into(row.code),
                        soci::into(row.name), soci::into(parent, parent_ind), soci::into(row.level));
  st.execute(false);
  std::vector<ScannedRow> out;
  while (st.fetch()) {
    row.parent_code = parent_ind == soci::i_null ? std::string{} : parent;
    out.push_back({row.code, to_json(row), {}, {}});
  }
  return out;
}

/** The compared types in report order, each with how its rows are read. */
std::vector<std::pair<std::string, Scanner>> scanners(const LedgerSql& text) {
  std::vector<std::pair<std::string, Scanner>> out;
  out.emplace_back("region", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_regions(sql, text, after, limit);
  });
  out.emplace_back("body", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_ledger<detail::BodyRow>(sql, text.scan_bodies, after, limit,
                                        no_children<std::vector<Stored<d::Body>>>);
  });
  out.emplace_back("official", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_ledger<detail::OfficialRow>(
        sql, text.scan_officials, after, limit, [&](std::vector<Stored<d::Official>>& officials) {
          if (officials.empty()) return;
          auto posts = detail::read_posts(sql, text, officials.front().entity.id, officials.back().entity.id);
          for (auto& o : officials)
            o.entity.posts = std::move(posts[o.entity.id]);
        });
  });
  out.emplace_back("organization", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_ledger<detail::OrganizationRow>(sql, text.scan_organizations, after, limit,
                                                no_children<std::vector<Stored<d::Organization>>>);
  });
  out.emplace_back("agreement", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_ledger<detail::AgreementRow>(sql, text.scan_agreements, after, limit,
                                             [&](std::vector<Stored<d::Agreement>>& agreements) {
                                               if (agreements.empty()) return;
                                               std::vector<Stored<d::Agreement>*> pointers;
                                               for (auto& a : agreements)
                                                 pointers.push_back(&a);
                                               detail::read_stages_of(sql, text, pointers);
                                             });
  });
  out.emplace_back("commitment", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_ledger<detail::CommitmentRow>(sql, text.scan_commitments, after, limit,
                                              no_children<std::vector<Stored<d::Commitment>>>);
  });
  out.emplace_back("fact", [&text](soci::session& sql, const std::string& after, int limit) {
    return scan_ledger<detail::FactRow>(sql, text.scan_facts, after, limit,
                                        no_children<std::vector<Stored<d::Fact>>>);
  });
  out.emplace_back("breach", scan_breach_rows);
  out.emplace_back("token", scan_token_rows);
  return out;
}

/** Gathers the differences: counts all, keeps the first `max`. */
class Report {
 public:
  Report(StateVerification& out, std::size_t max) : out_(out), max_(max) {}
  void add(StateDifference d) {
    ++out_.differences_total;
    if (out_.differences.size() < max_) out_.differences.push_back(std::move(d));
  }
  /** Compares a replayed value with the row's, naming each differing field by its JSON Pointer. */
  void compare(const std::string& type, const std::string& id, std::uint64_t seq, const json& trail,
               const json& row, const std::string& pointer) {
    if (trail == row) return;
    if (trail.is_object() && row.is_object()) {
      for (const auto& [key, value] : trail.items()) {
        const std::string at = pointer + "/" + trail::json_patch::format_pointer({key}).substr(1);
        if (const auto it = row.find(key); it != row.end()) {
          compare(type, id, seq, value, *it, at);
        } else {
          add({StateDifference::Kind::field, type, id, at, value, nullptr, false, seq, {}});
        }
      }
      for (const auto& [key, value] : row.items()) {
        if (!trail.contains(key)) ++out_.unrecorded_fields;
      }
      return;
    }
    if (trail.is_array() && row.is_array() && trail.size() == row.size()) {
      for (std::size_t i = 0; i < trail.size(); ++i)
        compare(type, id, seq, trail[i], row[i], pointer + "/" + std::to_string(i));
      return;
    }
    add({StateDifference::Kind::field, type, id, pointer.empty() ? "" : pointer, trail, row, true, seq, {}});
  }

 private:
  StateVerification& out_;
  std::size_t max_;
};

/** Whether `patch` is one `add` of a whole document at "" (a creation): its value is the new state. */
const json* whole_document(const json& patch) {
  if (!patch.is_array() || patch.size() != 1) return nullptr;
  const auto& op = patch.front();
  if (!op.is_object() || op.value("op", "") != "add" || op.value("path", "x") != "") return nullptr;
  const auto it = op.find("value");
  return it == op.end() ? nullptr : &*it;
}

/** Applies one entry to the replayed states of the compared types. */
/** Applies one RFC 6902 patch of an entity to its replayed state. */
void replay_change(Replayed& slot, std::uint64_t seq, const json& patch) {
  slot.last_seq = seq;
  if (!slot.broken.empty()) return;
  if (const json* whole = whole_document(patch)) {
    slot.text = whole->dump();
    return;
  }
  const json before = slot.text.empty() ? json(nullptr) : json::parse(slot.text);
  auto after = trail::json_patch::apply(before, patch);
  if (!after) {
    slot.broken = "entry " + std::to_string(seq) + " does not apply: " + after.error().message;
    slot.text.clear();
    return;
  }
  slot.text = after->dump();
}

/**
 * Applies one entry to the replayed states of the compared types, in one pass over its changes (the same
 * reading as trail::entity_patches, without a scan of the set per entity: detection sets hold 256 changes).
 */
void replay_entry(const trail::TrailEntry& entry,
                  std::map<std::string, std::unordered_map<std::string, Replayed>, std::less<>>& states) {
  const json parsed = json::parse(entry.patch, nullptr, false);
  if (parsed.is_discarded()) return;    // the chain check reports a malformed row; nothing to replay
  if (!trail::is_change_set(parsed)) {  // the earlier layout: the entry's own entity, its whole patch
    const auto type = states.find(entry.entity.type);
    if (type != states.end()) replay_change(type->second[entry.entity.id], entry.seq, parsed);
    return;
  }
  for (const auto& change : parsed) {
    const auto type = states.find(change.at("type").get_ref<const std::string&>());
    if (type == states.end()) continue;
    replay_change(type->second[change.at("id").get<std::string>()], entry.seq, change.at("patch"));
  }
}

}  // namespace

Result<StateVerification> verify_state(Database& database, const StateVerifyOptions& options) {
  return guarded(
      database, "comparing the trail with the rows", [&](soci::session& sql) -> Result<StateVerification> {
        const bool sqlite = database.backend() == Backend::sqlite;
        const LedgerSql& text = ledger_sql(database.backend());
        const auto tables = scanners(text);
        StateVerification out;
        std::map<std::string, std::unordered_map<std::string, Replayed>, std::less<>> states;
        for (const auto& [type, scan] : tables) {
          states[type];
          out.types.push_back(type);
        }
        // One read snapshot for the trail and every table: a write committed meanwhile is in neither or both.
        sql << (sqlite ? "BEGIN" : "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        struct EndRead {
          soci::session& sql;
          ~EndRead() {
            try {
              sql << "COMMIT";
            } catch (...) {  // NOLINT(bugprone-empty-catch): ending a read-only transaction
            }
          }
        } end_read{sql};

        const int limit = static_cast<int>(options.page_size);
        long long after = 0;
        for (;;) {
          trail::TrailEntry entry;
          long long seq = 0;
          soci::statement st =
              (sql.prepare << "SELECT seq, entity_type, entity_id, patch FROM trail_entries"
                              " WHERE seq > :after ORDER BY seq LIMIT :limit",
               soci::use(after, "after"), soci::use(limit, "limit"), soci::into(seq),
               soci::into(entry.entity.type), soci::into(entry.entity.id), soci::into(entry.patch));
          st.execute(false);
          int rows = 0;
          while (st.fetch()) {
            ++rows;
            entry.seq = static_cast<std::uint64_t>(seq);
            replay_entry(entry, states);
            ++out.entries_replayed;
            after = seq;
          }
          if (rows < limit) break;
        }

        Report report(out, options.max_reported);
        for (const auto& [type, scan] : tables) {
          auto& replayed = states[type];
          out.entities += replayed.size();
          std::string after_id;
          for (;;) {
            auto page = scan(sql, after_id, limit);
            for (auto& row : page) {
              ++out.rows_compared;
              const auto it = replayed.find(row.id);
              if (!row.problem.empty()) {
                report.add({StateDifference::Kind::unreadable_row,
                            type,
                            row.id,
                            {},
                            nullptr,
                            nullptr,
                            true,
                            it == replayed.end() ? 0 : it->second.last_seq,
                            row.problem});
              } else if (it == replayed.end()) {
                report.add(
                    {StateDifference::Kind::row_only, type, row.id, {}, nullptr, row.state, true, 0, {}});
              } else if (!it->second.broken.empty()) {
                report.add({StateDifference::Kind::broken_history,
                            type,
                            row.id,
                            {},
                            nullptr,
                            nullptr,
                            true,
                            it->second.last_seq,
                            it->second.broken});
              } else {
                // Equal states have equal text (both dumped with sorted keys): parse only what differs.
                const bool same = row.state.dump() == it->second.text;
                const bool columns_agree = std::ranges::all_of(row.columns, [&](const auto& column) {
                  const auto in_record = row.state.find(column.first);
                  return in_record != row.state.end() && *in_record == column.second;
                });
                if (same && columns_agree) {
                  replayed.erase(it);
                  continue;
                }
                const json trail = json::parse(it->second.text);
                if (!same) report.compare(type, row.id, it->second.last_seq, trail, row.state, "");
                for (const auto& [field, value] : row.columns) {
                  const auto recorded = trail.find(field);
                  if (recorded != trail.end() && *recorded != value)
                    report.add({StateDifference::Kind::field, type, row.id, "/" + field, *recorded, value,
                                true, it->second.last_seq, "column " + field});
                }
              }
              if (it != replayed.end()) replayed.erase(it);
            }
            if (static_cast<int>(page.size()) < limit) break;
            after_id = page.back().id;
          }
          std::vector<std::string> gone;
          gone.reserve(replayed.size());
          for (const auto& [id, slot] : replayed)
            gone.push_back(id);
          std::ranges::sort(gone);
          for (const auto& id : gone) {
            const Replayed& slot = replayed[id];
            json state = slot.text.empty() ? json(nullptr) : json::parse(slot.text);
            report.add({StateDifference::Kind::trail_only,
                        type,
                        id,
                        {},
                        std::move(state),
                        nullptr,
                        false,
                        slot.last_seq,
                        slot.broken});
          }
          replayed.clear();
        }
        return out;
      });
}

}  // namespace pactwatch::store
