#pragma once
// Migration files on disk and how they compare with what schema_migrations recorded. The pieces here are
// plain functions (no database) so that they can be tested directly; Database::migrate() strings them up.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/store/database.hpp"
#include "adapters/trail/hash.hpp"
#include "domain/result.hpp"

namespace pactwatch::store {

/** One file sql/<backend>/NNNN_name.sql. */
struct MigrationFile {
  std::string version;   ///< "0001"
  std::string name;      ///< "regions"
  std::string text;      ///< the file's bytes
  std::string checksum;  ///< lower-case hex SHA-256 of `text`
  std::string file_name() const { return version + "_" + name + ".sql"; }
};

/** A row of schema_migrations. */
struct AppliedMigration {
  std::string version;
  std::string name;
  std::string checksum;
  std::string file_name() const { return version + "_" + name + ".sql"; }
};

/**
 * Reads every NNNN_name.sql in `dir` (name: lower-case letters, digits, '_'), ordered by version.
 * Other files are ignored; a .sql file with a malformed name, a duplicate version or an unreadable file
 * is an `invalid` error naming the file; a missing directory is `unavailable`.
 */
domain::Result<std::vector<MigrationFile>> load_migration_files(const std::filesystem::path& dir);

/**
 * Splits a migration into statements at top-level ';'. Semicolons inside '...', "...", `...` literals,
 * -- and # line comments and slash-star comments do not split; inside CREATE TRIGGER only a ';' after END
 * does. `backslash_escapes` is MySQL's rule that \' does not end a string. Comments are removed from the
 * statements; statements that hold only whitespace and comments are dropped.
 */
std::vector<std::string> split_sql_statements(std::string_view text, bool backslash_escapes);

/** Lower-case hex SHA-256 of `bytes` (the one helper, adapters/trail/hash.hpp). */
using trail::sha256_hex;

/**
 * Compares the files with the recorded rows: every file becomes a MigrationState; an applied migration
 * whose file changed (checksum or name) or disappeared becomes a problem that names the file.
 */
MigrationStatus compare_migrations(const std::vector<MigrationFile>& files,
                                   const std::vector<AppliedMigration>& applied);

}  // namespace pactwatch::store
