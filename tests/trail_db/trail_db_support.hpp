#pragma once
// Helpers of the trail database tests: appending entries through the real write path
// (LedgerStore::write → LedgerTransaction → TrailAppender), tampering with rows by SQL, and running
// `pactwatch trail verify` in-process against the test database.

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/ledger_store.hpp"
#include "adapters/store/trail_store.hpp"
#include "domain/date.hpp"
#include "server/cli_trail.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::testing {

/** A write context at 2026-11-26T05:00:00Z plus `ms` milliseconds. */
inline store::WriteContext context_at(int ms, std::string token = "t_sup",
                                      std::string name = "州财政局采购监管科") {
  using namespace std::chrono;
  const domain::Instant t = sys_days{year{2026} / 11 / 26} + hours{5} + milliseconds{ms};
  return {std::move(token),         std::move(name), "supervisor", "req-" + std::to_string(ms), "",
          domain::format_instant(t)};
}

/**
 * Records `changes` in ONE write through LedgerStore::write, as every ledger write does (one change set, one
 * entry unless it passes the bound); fails the test on error.
 */
inline void append_changes(store::Database& db, const store::WriteContext& context,
                           const std::vector<store::ChangeRecord>& changes) {
  store::LedgerStore ledger(db);
  auto r = ledger.write(context, std::nullopt,
                        [&](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
                          for (const auto& change : changes) {
                            if (auto ok = tx.record_external_change(change); !ok)
                              return std::unexpected(ok.error());
                          }
                          return store::StoredResponse{};
                        });
  ASSERT_TRUE(r) << r.error().message;
}

/** Appends one change through LedgerStore::write; fails the test on error. */
inline void append_change(store::Database& db, const store::WriteContext& context,
                          store::ChangeRecord change) {
  append_changes(db, context, {std::move(change)});
}

/** Appends `n` entries: creations of bodies bod_0…, then updates of them (so patches vary). */
inline void append_entries(store::Database& db, int n, int first_ms = 0) {
  for (int i = 0; i < n; ++i) {
    const std::string id = "bod_" + std::to_string(i % 5);
    nlohmann::json before =
        i < 5 ? nlohmann::json(nullptr) : nlohmann::json{{"id", id}, {"name", "v" + std::to_string(i - 5)}};
    nlohmann::json after{{"id", id}, {"name", "v" + std::to_string(i)}};
    append_change(db, context_at(first_ms + i), {i < 5 ? "create" : "update", "body", id, before, after});
  }
}

/** Every trail entry in seq order, through the auditors' listing (TrailStore::entries). */
inline std::vector<trail::TrailEntry> all_trail_entries(store::Database& db) {
  store::TrailFilter f;
  f.limit = 100000;
  auto page = store::TrailStore(db).entries(f);
  EXPECT_TRUE(page) << page.error().message;
  return page ? page->items : std::vector<trail::TrailEntry>{};
}

/** Runs one SQL statement on its own session (tampering "directly in the database"). */
inline void run_sql(store::Database& db, const std::string& statement) {
  auto lease = db.acquire();
  *lease << statement;
}

/** The outcome of an in-process `pactwatch trail …`. */
struct CliOutcome {
  int code = -1;
  std::string out, err;
};

/** `pactwatch trail ARGS…` against the test database, with its key file. */
inline CliOutcome run_trail_cli(const TestDatabase& database, const std::filesystem::path& key_file,
                                std::vector<std::string> args) {
  server::Environment env{{"PACTWATCH_DATABASE", database.url_text()},
                          {"PACTWATCH_SQL_DIR", source_sql_dir()},
                          {"PACTWATCH_TRAIL_KEY_FILE", key_file.string()}};
  std::ostringstream out, err;
  CliOutcome outcome;
  outcome.code = server::run_trail_command(args, env, out, err);
  outcome.out = out.str();
  outcome.err = err.str();
  return outcome;
}

}  // namespace pactwatch::testing
