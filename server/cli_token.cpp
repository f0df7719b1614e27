#include "server/cli_token.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <optional>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/store/token_store.hpp"
#include "adapters/trail/checkpoint.hpp"
#include "domain/identifiers.hpp"
#include "server/auth.hpp"

namespace pactwatch::server {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr std::size_t kMaxNameBytes = 200;

constexpr std::string_view kTokenUsage =
    "usage: pactwatch token create --role supervisor|platform|auditor|admin [--region CODE] --name NAME\n"
    "       pactwatch token revoke ID\n"
    "       pactwatch token list\n"
    "       pactwatch token reseal [--accept-unchecked-hashes]";

domain::Instant now_utc() {
  return clock::system_clock().now();
}

int usage_error(std::ostream& err, const std::string& message) {
  err << "pactwatch token: " << message << "\n";
  return kExitUsage;
}

/** A name is shown in lists and logs: printable, one line, not too long. */
std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) return "--name must not be empty";
  if (name.size() > kMaxNameBytes) return "--name is longer than 200 bytes";
  if (std::ranges::any_of(name, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return "--name must not contain control characters";
  }
  return std::nullopt;
}

/**
 * The database and the token store with its seal, keyed from the trail key of the configuration (created on
 * first use, as `serve` would). nullptr after printing why; `code` is then the exit code.
 */
std::unique_ptr<store::TokenStore> open_tokens(const CliArgs& a, const Environment& env, std::ostream& err,
                                               int& code, std::unique_ptr<store::Database>& db) {
  Config config;
  db = open_cli_database(a.config_args, env, err, code, &config);
  if (!db) return nullptr;
  trail::KeyFileOptions key_file;
  key_file.path = config.trail_key_file;
  auto key = trail::load_or_create_signing_key(key_file);
  auto seal =
      key ? store::TokenSeal::derive(*key) : domain::Result<store::TokenSeal>(std::unexpected(key.error()));
  if (!seal) {
    err << "pactwatch token: trail_key_file (" << config.trail_key_file << "): " << seal.error().message
        << "\n";
    code = seal.error().code == domain::ErrorCode::unavailable ? kExitFailure : kExitUsage;
    return nullptr;
  }
  return std::make_unique<store::TokenStore>(*db, *seal);
}

int create(const CliArgs& a, const Environment& env, std::ostream& out, std::ostream& err) {
  if (a.positional.size() != 1) return usage_error(err, "create takes no other arguments");
  const auto role_it = a.options.find("role");
  if (role_it == a.options.end())
    return usage_error(err, "create needs --role (supervisor, platform, auditor, admin)");
  const auto role = parse_role(role_it->second);
  if (!role) {
    return usage_error(err, "unknown role '" + role_it->second + "' (supervisor, platform, auditor, admin)");
  }
  std::string region;
  if (const auto it = a.options.find("region"); it != a.options.end()) {
    const auto code = domain::RegionCode::parse(it->second);
    if (!code) return usage_error(err, "--region '" + it->second + "': " + code.error().message);
    region = code->str();
  }
  const auto name_it = a.options.find("name");
  if (name_it == a.options.end()) return usage_error(err, "create needs --name (who holds the token)");
  if (auto problem = name_problem(name_it->second)) return usage_error(err, *problem);

  int code = 0;
  std::unique_ptr<store::Database> db;
  auto tokens = open_tokens(a, env, err, code, db);
  if (!tokens) return code;
  // A scope must be a region the regions table lists: a well-formed typo would scope the token to nothing.
  if (!region.empty()) {
    if (auto known = store::LedgerStore(*db).region(region); !known) {
      if (known.error().code != domain::ErrorCode::not_found) {
        err << "pactwatch token: " << known.error().message << "\n";
        return kExitFailure;
      }
      return usage_error(
          err, "--region " + region + " names no region of the regions table (seed-demo loads them)");
    }
  }
  const std::string token = generate_token();
  auto record = tokens->create(
      {name_it->second, std::string(to_string(*role)), region, token_hash_hex(token)}, now_utc());
  if (!record) {
    err << "pactwatch token: " << record.error().message << "\n";
    return kExitFailure;
  }
  out << "created token " << record->id << " (role " << record->role << ", region "
      << (region.empty() ? std::string("all") : region) << ", name \"" << record->name << "\")\n"
      << "Store it now: it is shown only once and only its SHA-256 is kept.\n"
      << "token: " << token << "\n";
  return 0;
}

int revoke(const CliArgs& a, const Environment& env, std::ostream& out, std::ostream& err) {
  if (a.positional.size() != 2)
    return usage_error(err, "revoke needs exactly one token id (see `token list`)");
  int code = 0;
  std::unique_ptr<store::Database> db;
  auto tokens = open_tokens(a, env, err, code, db);
  if (!tokens) return code;
  auto record = tokens->revoke(a.positional[1], now_utc());
  if (!record) {
    err << "pactwatch token: " << record.error().message << "\n";
    return record.error().code == domain::ErrorCode::unavailable ? kExitFailure : kExitUsage;
  }
  out << "revoked token " << record->id << " (" << record->name << ") at " << *record->revoked_at << "\n";
  return 0;
}

int list(const CliArgs& a, const Environment& env, std::ostream& out, std::ostream& err) {
  if (a.positional.size() != 1) return usage_error(err, "list takes no arguments");
  int code = 0;
  std::unique_ptr<store::Database> db;
  auto tokens = open_tokens(a, env, err, code, db);
  if (!tokens) return code;
  auto records = tokens->list();
  if (!records) {
    err << "pactwatch token: " << records.error().message << "\n";
    return kExitFailure;
  }
  out << "id\trole\tregion\tcreated_at\trevoked_at\tseal\tname\n";
  for (const auto& r : *records) {
    out << r.id << '\t' << r.role << '\t' << (r.region.empty() ? "-" : r.region) << '\t' << r.created_at
        << '\t' << r.revoked_at.value_or("-") << '\t' << store::to_string(r.seal) << '\t' << r.name << "\n";
  }
  return 0;
}

/**
 * Seals the rows whose seal is missing or broken when they match their trail history; prints one line per
 * row. Exit 0 when every row is sealed afterwards, 1 when some were left unsealed (they stay refused).
 */
int reseal(const CliArgs& a, const Environment& env, bool accept_unchecked_hashes, std::ostream& out,
           std::ostream& err) {
  if (a.positional.size() != 1)
    return usage_error(err, "reseal takes no arguments but --accept-unchecked-hashes");
  int code = 0;
  std::unique_ptr<store::Database> db;
  auto tokens = open_tokens(a, env, err, code, db);
  if (!tokens) return code;
  auto outcomes = tokens->reseal(now_utc(), accept_unchecked_hashes);
  if (!outcomes) {
    err << "pactwatch token: " << outcomes.error().message << "\n";
    return kExitFailure;
  }
  int left = 0;
  for (const auto& o : *outcomes) {
    out << o.id << ": seal " << store::to_string(o.before) << "; " << (o.sealed ? "sealed" : "NOT sealed")
        << (o.note.empty() ? std::string{} : " (" + o.note + ")") << "\n";
    if (!o.sealed) ++left;
  }
  out << outcomes->size() - static_cast<std::size_t>(left) << " row(s) sealed, " << left
      << " left unsealed (refused until fixed or revoked)\n";
  return left == 0 ? 0 : kExitFailure;
}

}  // namespace

domain::Result<CliArgs> split_cli_args(std::span<const std::string> args,
                                       std::span<const std::string_view> own) {
  CliArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      out.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (std::ranges::find(own, std::string_view(name)) == own.end()) {
      // A configuration option (or --help): parse_command_line judges it, with its value if it has one.
      out.config_args.push_back(arg);
      if (!value && name != "help" && name != "version" && i + 1 < args.size()) {
        out.config_args.push_back(args[++i]);
      }
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size())
        return domain::fail(domain::ErrorCode::invalid, "--" + name + " needs a value");
      value = args[++i];
    }
    if (!out.options.emplace(name, *value).second) {
      return domain::fail(domain::ErrorCode::invalid, "--" + name + " given twice");
    }
  }
  return out;
}

std::unique_ptr<store::Database> open_cli_database(const std::vector<std::string>& config_args,
                                                   const Environment& env, std::ostream& err, int& exit_code,
                                                   Config* config_out) {
  auto command_line = parse_command_line(config_args);
  if (!command_line) {
    err << "pactwatch: " << command_line.error().message << "\n";
    exit_code = kExitUsage;
    return nullptr;
  }
  auto loaded = load_config(*command_line, env);
  if (!loaded) {
    err << "pactwatch: " << loaded.error().message << "\n";
    exit_code = kExitUsage;
    return nullptr;
  }
  const Config& config = loaded->config;
  if (config_out) *config_out = config;
  store::DatabaseOptions options;
  options.pool_size = 1;
  options.busy_timeout = config.db_busy_timeout;
  options.sql_dir = config.sql_dir;
  auto db = store::Database::open(config.database, options);
  if (!db) {
    err << "pactwatch: cannot open " << config.database.redacted() << ": " << db.error().message << "\n";
    exit_code = kExitFailure;
    return nullptr;
  }
  auto status = (*db)->migration_status();
  if (!status) {
    err << "pactwatch: cannot read the migration state: " << status.error().message << "\n";
    exit_code = kExitFailure;
    return nullptr;
  }
  if (!status->at_head()) {
    err << "pactwatch: the database schema is not at head; run `pactwatch migrate` first\n";
    exit_code = kExitFailure;
    return nullptr;
  }
  return std::move(*db);
}

int run_token_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                      std::ostream& err) {
  static constexpr std::array<std::string_view, 3> kOwn{"role", "region", "name"};
  // reseal's one flag takes no value, unlike every other option.
  static constexpr std::string_view kAcceptUnchecked = "--accept-unchecked-hashes";
  std::vector<std::string> words(args.begin(), args.end());
  const bool accept_unchecked = std::erase(words, std::string(kAcceptUnchecked)) > 0;
  auto a = split_cli_args(words, kOwn);
  if (!a) return usage_error(err, a.error().message);
  if (a->positional.empty()) return usage_error(err, "missing subcommand\n" + std::string(kTokenUsage));
  const std::string& sub = a->positional.front();
  if (sub != "create" && !a->options.empty()) {
    return usage_error(err, "--role, --region and --name belong to `token create`");
  }
  if (accept_unchecked && sub != "reseal") {
    return usage_error(err, std::string(kAcceptUnchecked) + " belongs to `token reseal`");
  }
  if (sub == "create") return create(*a, env, out, err);
  if (sub == "revoke") return revoke(*a, env, out, err);
  if (sub == "list") return list(*a, env, out, err);
  if (sub == "reseal") return reseal(*a, env, accept_unchecked, out, err);
  return usage_error(err, "unknown subcommand '" + sub + "'\n" + std::string(kTokenUsage));
}

}  // namespace pactwatch::server
