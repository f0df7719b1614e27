#include "server/cli_token.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <optional>

#include "adapters/store/token_store.hpp"
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
    "       pactwatch token list";

domain::Instant now_utc() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
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
  auto db = open_cli_database(a.config_args, env, err, code);
  if (!db) return code;
  const std::string token = generate_token();
  store::TokenStore tokens(*db);
  auto record = tokens.create({name_it->second, std::string(to_string(*role)), region, token_hash_hex(token)},
                              now_utc());
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
  auto db = open_cli_database(a.config_args, env, err, code);
  if (!db) return code;
  store::TokenStore tokens(*db);
  auto record = tokens.revoke(a.positional[1], now_utc());
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
  auto db = open_cli_database(a.config_args, env, err, code);
  if (!db) return code;
  store::TokenStore tokens(*db);
  auto records = tokens.list();
  if (!records) {
    err << "pactwatch token: " << records.error().message << "\n";
    return kExitFailure;
  }
  out << "id\trole\tregion\tcreated_at\trevoked_at\tname\n";
  for (const auto& r : *records) {
    out << r.id << '\t' << r.role << '\t' << (r.region.empty() ? "-" : r.region) << '\t' << r.created_at
        << '\t' << r.revoked_at.value_or("-") << '\t' << r.name << "\n";
  }
  return 0;
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
  auto a = split_cli_args(args, kOwn);
  if (!a) return usage_error(err, a.error().message);
  if (a->positional.empty()) return usage_error(err, "missing subcommand\n" + std::string(kTokenUsage));
  const std::string& sub = a->positional.front();
  if (sub != "create" && !a->options.empty()) {
    return usage_error(err, "--role, --region and --name belong to `token create`");
  }
  if (sub == "create") return create(*a, env, out, err);
  if (sub == "revoke") return revoke(*a, env, out, err);
  if (sub == "list") return list(*a, env, out, err);
  return usage_error(err, "unknown subcommand '" + sub + "'\n" + std::string(kTokenUsage));
}

}  // namespace pactwatch::server
