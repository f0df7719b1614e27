// Crash safety of `pactwatch import`: the real binary, killed with SIGKILL in the middle of a large import
// and started again, ends with exactly the rows of an uninterrupted run (no fact lost, none duplicated) — and
// with exactly its breaches when killed after a batch committed and before its detection ran.

#include <gtest/gtest.h>

#include <signal.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <thread>

#include "bench/sync/synthetic_ocds.hpp"
#include "tests/cli/process.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using pactwatch::testing::EnvVars;
using pactwatch::testing::run_process;
using pactwatch::testing::Subprocess;

EnvVars env_for(const SyncDb& db) {
  return {{"PACTWATCH_DATABASE", db.test_db.url_text()},
          {"PACTWATCH_SQL_DIR", std::string(PACTWATCH_SOURCE_DIR) + "/sql"},
          {"PACTWATCH_LOG_LEVEL", "warn"}};
}

std::vector<std::string> import_args(const std::string& file) {
  return {PACTWATCH_BINARY, "import", "--source",       "bulk", "--owner", "importer-1",
          "--batch-size",   "40",     "--no-detection", "true", file};
}

/** The arguments of a first import in transactions of sync_first_import_batch_size (no --batch-size). */
std::vector<std::string> first_import_args(const std::string& file) {
  return {PACTWATCH_BINARY, "import",         "--source", "bulk", "--owner",
          "importer-1",     "--no-detection", "true",     file};
}

/**
 * Kills `args` mid-import (SIGKILL, after its first batch committed), runs it again, and compares the result
 * with one clean run of the same arguments: the same agreements, commitments, facts (modulo ids), parties,
 * external keys and quarantine, every fact once.
 */
void expect_killed_import_restarted_equals_clean_run(
    const std::function<std::vector<std::string>(const std::string&)>& args_of, const EnvVars& extra) {
  const auto dir = pactwatch::testing::make_temp_dir("pactwatch-crash");
  const auto env = [&extra](const SyncDb& db) {
    EnvVars vars = env_for(db);
    vars.insert(extra.begin(), extra.end());
    return vars;
  };
  const std::string file = (dir / "synthetic.jsonl").string();
  {
    std::ofstream out(file, std::ios::binary);
    platform::ocds::testing::write_synthetic_ocds(out, 3000,
                                                  platform::ocds::testing::SyntheticLayout::json_lines, 7);
  }
  SyncDb crashed;
  SyncDb clean;

  {
    Subprocess p(args_of(file), env(crashed), PACTWATCH_SOURCE_DIR);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{120};
    while (crashed.count("sync_cursors") == 0 && std::chrono::steady_clock::now() < deadline &&
           ::kill(p.pid(), 0) == 0 && !p.err().starts_with("pactwatch")) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{150});  // into a later batch
    p.signal(SIGKILL);
    const auto result = p.wait();
    ASSERT_EQ(result.exit_code, 128 + SIGKILL)
        << "the import ended before it was killed: " << result.out << result.err;
  }
  const long long facts_at_kill = crashed.count("facts");
  EXPECT_GT(facts_at_kill, 0);

  const auto restarted = run_process(args_of(file), env(crashed), PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(restarted.exit_code, 0) << restarted.err;
  const auto uninterrupted = run_process(args_of(file), env(clean), PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  EXPECT_NE(uninterrupted.out.find("3000 records read"), std::string::npos) << uninterrupted.out;

  EXPECT_LT(facts_at_kill, clean.count("facts"));
  for (const char* table : {"bodies", "organizations", "officials", "agreements", "commitments", "facts",
                            "external_keys", "sync_quarantine"}) {
    EXPECT_EQ(crashed.count(table), clean.count(table)) << table;
  }
  // The same facts and commitments, modulo their ids (time-ordered and random: compared by external key).
  for (const char* query : {"SELECT id, commitment_id, kind, on_date, corrects FROM facts",
                            "SELECT id, agreement_id, obligor_id, kind, due FROM commitments"}) {
    EXPECT_EQ(crashed.sorted_rows_modulo_ids(query, 5), clean.sorted_rows_modulo_ids(query, 5)) << query;
  }
  // Every fact is there once: one fact row per fact key, no correcting facts from a replay.
  EXPECT_EQ(crashed.count("facts"), crashed.count("external_keys", "entity_type = 'fact'"));
  EXPECT_EQ(crashed.count("facts", "corrects IS NOT NULL"), 0);
  std::filesystem::remove_all(dir);
}

// Verifies killing the import mid-batch and running it again gives the same agreements, commitments,
// facts (modulo ids), parties, external keys and quarantine as one clean run, and that the kill came after
// some batches were committed and before the last.
TEST(CrashRestart, KilledImportRestartedEqualsCleanRun) {
  expect_killed_import_restarted_equals_clean_run(import_args, {});
}

// Verifies the same for a first import in its larger transactions (sync_first_import_batch_size, here 400
// releases, no --batch-size): killed after its first transaction, the restart finds the cursor and goes on
// in transactions of --batch-size's default, and ends equal to one clean first import.
TEST(CrashRestart, KilledFirstImportInLargeTransactionsRestartedEqualsCleanRun) {
  expect_killed_import_restarted_equals_clean_run(first_import_args,
                                                  {{"PACTWATCH_SYNC_FIRST_IMPORT_BATCH_SIZE", "400"}});
}

// Verifies exactly once, detection included: the real binary killed (SIGKILL, by the fault-injection point
// PACTWATCH_TEST_FAULT_INJECT=kill-after-batch-commit) right after its first batch committed and before that
// batch's detection ran leaves the batch's commitments in detection_pending; run again, it judges them first
// and ends with exactly the breaches (commitment, rule) of an uninterrupted run.
TEST(CrashRestart, KilledBeforeDetectionLosesNoBreach) {
  const auto dir = pactwatch::testing::make_temp_dir("pactwatch-crash-detect");
  const std::string file = (dir / "synthetic.jsonl").string();
  {
    std::ofstream out(file, std::ios::binary);
    platform::ocds::testing::write_synthetic_ocds(out, 400,
                                                  platform::ocds::testing::SyntheticLayout::json_lines, 11);
  }
  const std::vector<std::string> args{PACTWATCH_BINARY, "import",       "--source", "bulk", "--owner",
                                      "imp-1",          "--batch-size", "40",       file};
  SyncDb crashed;
  SyncDb clean;
  EnvVars faulty = env_for(crashed);
  faulty["PACTWATCH_TEST_FAULT_INJECT"] = "kill-after-batch-commit";
  const auto killed = run_process(args, faulty, PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.out << killed.err;
  EXPECT_EQ(crashed.count("sync_cursors"), 1);       // the first batch committed…
  EXPECT_GT(crashed.count("detection_pending"), 0);  // …with what its detection has to judge…
  EXPECT_EQ(crashed.count("breaches"), 0);           // …which never ran

  const auto restarted = run_process(args, env_for(crashed), PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(restarted.exit_code, 0) << restarted.err;
  const auto uninterrupted = run_process(args, env_for(clean), PACTWATCH_SOURCE_DIR);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;

  // Commitment ids are time-ordered and random: the breaches are compared by their commitment's external key.
  const std::string breaches = "SELECT commitment_id, rule FROM breaches";
  EXPECT_GT(clean.count("breaches"), 0);
  EXPECT_EQ(crashed.sorted_rows_modulo_ids(breaches, 2), clean.sorted_rows_modulo_ids(breaches, 2));
  EXPECT_EQ(crashed.count("detection_pending"), 0);
  EXPECT_EQ(clean.count("detection_pending"), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pactwatch::sync::testing
