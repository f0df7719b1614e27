#pragma once
// `pactwatch token create|revoke|list` (DESIGN §1, §8), and the small helpers the other maintenance
// commands (seed-demo) share: splitting a command's own options from the configuration options, and
// opening the configured database with its schema at head.
//
//   pactwatch token create --role ROLE [--region CODE] --name NAME   prints the token once, last word
//   pactwatch token revoke ID
//   pactwatch token list                                              ids, roles, regions; never secrets
//
// Configuration options (--config, --database, …) may follow, as for every command. Exit codes: 0 success,
// 1 a runtime failure (database), 2 a usage error (one line on stderr).

#include <iosfwd>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/store/database.hpp"
#include "domain/result.hpp"
#include "server/config.hpp"

namespace pactwatch::server {

/** A maintenance command's arguments, after splitting off its own options. */
struct CliArgs {
  std::map<std::string, std::string, std::less<>> options;  ///< the command's own --options (name without --)
  std::vector<std::string> positional;                      ///< e.g. "create", or a token id
  std::vector<std::string> config_args;  ///< for parse_command_line (--config, --database…)
};

/**
 * Splits `args` (the words after the command name). `own` are the option names the command takes (without
 * "--"); each takes a value, as `--name VALUE` or `--name=VALUE`. A repeated own option or one without a
 * value is an `invalid` error whose message is the line to print.
 */
domain::Result<CliArgs> split_cli_args(std::span<const std::string> args,
                                       std::span<const std::string_view> own);

/**
 * Loads the configuration from `config_args` and `env` and opens its database, requiring every migration to
 * be applied. On failure prints one line to `err` and sets `exit_code` (2 configuration, 1 runtime).
 */
std::unique_ptr<store::Database> open_cli_database(const std::vector<std::string>& config_args,
                                                   const Environment& env, std::ostream& err, int& exit_code,
                                                   Config* config_out = nullptr);

/** Runs `token …`; `args` are the words after "token". */
int run_token_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                      std::ostream& err);

}  // namespace pactwatch::server
