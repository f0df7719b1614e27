#pragma once
// Helpers for the sync tests: a migrated temporary database, a steppable clock, OCDS text, row counts, rows
// compared modulo entity ids.

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/platform/ocds/reader.hpp"
#include "adapters/sync/sync_store.hpp"
#include "tests/fakes/simulated_clock.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::sync::testing {

/** A clock the test moves by hand, starting 2026-03-02T08:00:00Z. */
struct ManualClock : pactwatch::testing::SimulatedClock {
  ManualClock()
      : SimulatedClock(domain::Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2} +
                                       std::chrono::hours{8}}) {}
};

/** A fresh, migrated database. */
struct SyncDb {
  pactwatch::testing::TestDatabase test_db;
  std::unique_ptr<store::Database> db;

  SyncDb() : db(test_db.open(2)) {
    auto migrated = db->migrate();
    if (!migrated) throw std::runtime_error(migrated.error().message);
  }

  long long count(const std::string& table, const std::string& where = "") {
    auto lease = db->acquire();
    long long n = 0;
    *lease << ("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where)), soci::into(n);
    return n;
  }

  /** Every row of `query`, its columns joined by '|' (NULL as "NULL"). */
  std::vector<std::string> rows(const std::string& query, int columns) {
    auto lease = db->acquire();
    std::vector<std::string> out;
    std::vector<std::string> values(static_cast<std::size_t>(columns));
    std::vector<soci::indicator> inds(static_cast<std::size_t>(columns));
    auto prep = (lease->prepare << query);
    for (int i = 0; i < columns; ++i)
      prep, soci::into(values[static_cast<std::size_t>(i)], inds[static_cast<std::size_t>(i)]);
    soci::statement st(prep);
    st.execute(false);
    while (st.fetch()) {
      std::string row;
      for (int i = 0; i < columns; ++i)
        row += (i ? "|" : "") + (inds[static_cast<std::size_t>(i)] == soci::i_null
                                     ? std::string("NULL")
                                     : values[static_cast<std::size_t>(i)]);
      out.push_back(row);
    }
    return out;
  }

  /**
   * Rewrites text modulo entity ids: ids are time-ordered and random (store::new_id), so two imports of the
   * same file give other ids. Every id is written as "<external key>" it was stored under (the smallest,
   * when a party also has an alias; ids inside keys, as an agreement-wide fact's "<fact key>@<commitment
   * id>", written the same way). An id no external key names stays as it is — and then differs between two
   * databases, so a comparison modulo ids can still fail.
   */
  std::function<std::string(const std::string&)> modulo_ids() {
    auto key_of = std::make_shared<std::map<std::string, std::string>>();
    for (const auto& row :
         rows("SELECT entity_id, external_key FROM external_keys WHERE source <> '*' AND entity_id <> ''",
              2)) {
      const auto bar = row.find('|');
      const std::string id = row.substr(0, bar), key = "<" + row.substr(bar + 1) + ">";
      if (!key_of->contains(id) || key < (*key_of)[id]) (*key_of)[id] = key;
    }
    auto rewrite = [key_of](const std::string& text) {
      static const std::regex id_pattern("(bod|org|off|agr|com|fct|brc)_[0-9A-HJKMNP-TV-Z]{26}");
      std::string out;
      auto last = text.cbegin();
      for (std::sregex_iterator it(text.begin(), text.end(), id_pattern), end; it != end; ++it) {
        out.append(last, (*it)[0].first);
        const auto found = key_of->find(it->str());
        out += found == key_of->end() ? it->str() : found->second;
        last = (*it)[0].second;
      }
      out.append(last, text.cend());
      return out;
    };
    for (auto& [id, key] : *key_of)
      key = rewrite(key);
    return rewrite;
  }

  /** rows(query, columns) modulo ids (modulo_ids), sorted. */
  std::vector<std::string> sorted_rows_modulo_ids(const std::string& query, int columns) {
    const auto rewrite = modulo_ids();
    auto out = rows(query, columns);
    for (auto& row : out)
      row = rewrite(row);
    std::sort(out.begin(), out.end());
    return out;
  }
};

/**
 * Each row of `query` as its columns' text joined by " " (NULL as "NULL"): portable where `||` is not (it is
 * OR on MySQL).
 */
inline std::vector<std::string> joined_rows(SyncDb& db, const std::string& query) {
  auto lease = db.db->acquire();
  std::vector<std::string> out;
  soci::rowset<soci::row> rows = (lease->prepare << query);
  for (const soci::row& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string cell = "NULL";
      if (row.get_indicator(i) != soci::i_null) {
        switch (row.get_properties(i).get_data_type()) {
          case soci::dt_integer:
            cell = std::to_string(row.get<int>(i));
            break;
          case soci::dt_long_long:
            cell = std::to_string(row.get<long long>(i));
            break;
          case soci::dt_unsigned_long_long:
            cell = std::to_string(row.get<unsigned long long>(i));
            break;
          case soci::dt_double:
            cell = std::to_string(row.get<double>(i));
            break;
          default:
            cell = row.get<std::string>(i);
        }
      }
      line += (i ? " " : "") + cell;
    }
    out.push_back(std::move(line));
  }
  return out;
}

/** A release of contract c1 with a buyer, an SME supplier and one payment milestone. */
inline std::string release_json(const std::string& release_id, const std::string& status,
                                const std::string& date_met, const std::string& title = "办公设备采购") {
  std::ostringstream o;
  o << R"({"ocid":"ocds-test-0001","id":")" << release_id
    << R"(","date":"2025-01-10T00:00:00Z","tag":["contract"],)"
    << R"("parties":[{"id":"B1","name":"楚雄州机关事务管理局","roles":["buyer"]},)"
    << R"({"id":"S1","name":"楚雄某科技有限公司","roles":["supplier"],"details":{"scale":"sme"}}],)"
    << R"("contracts":[{"id":"c1","awardID":"a1","title":")" << title
    << R"(","status":"active","value":{"amount":120000.00,"currency":"CNY"},"dateSigned":"2025-01-05",)"
    << R"("implementation":{"milestones":[{"id":"m1","title":"支付合同款","type":"payment",)"
    << R"("dueDate":"2025-03-01","status":")" << status << R"(")";
  if (!date_met.empty()) o << R"(,"dateMet":")" << date_met << R"(")";
  o << R"(,"value":{"amount":120000.00,"currency":"CNY"}}]}}]})";
  return o.str();
}

/** A release package of the given releases. */
inline std::string package_json(const std::vector<std::string>& releases) {
  std::string text = R"({"uri":"https://example.org/p","publishedDate":"2025-01-10T00:00:00Z","releases":[)";
  for (std::size_t i = 0; i < releases.size(); ++i)
    text += (i ? "," : "") + releases[i];
  return text + "]}";
}

/** Writes `text` to a new file in `dir`. */
inline std::string write_file(const std::filesystem::path& dir, const std::string& name,
                              const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

/** tests/data/ocds/<name>. */
inline std::string ocds_data(const std::string& name) {
  return std::string(PACTWATCH_SOURCE_DIR) + "/tests/data/ocds/" + name;
}

}  // namespace pactwatch::sync::testing
