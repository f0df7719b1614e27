#include "server/cli_trail.hpp"

#include <array>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "adapters/store/trail_state.hpp"
#include "adapters/store/trail_store.hpp"
#include "adapters/trail/chain_verifier.hpp"
#include "server/api/trail_routes.hpp"
#include "server/cli_token.hpp"

namespace pactwatch::server {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr std::string_view kUsage =
    "usage: pactwatch trail verify [--state] [--json] [--checkpoint FILE] [--public-key FILE] [--config FILE]"
    " [--KEY VALUE]...";
constexpr std::string_view kStateFlag = "--state";
constexpr std::string_view kJsonFlag = "--json";

int usage_error(std::ostream& err, const std::string& message) {
  err << "pactwatch trail: " << message << "\n" << kUsage << "\n";
  return kExitUsage;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/** The key to verify with: --public-key, else the configured key file (never created here). */
domain::Result<std::optional<trail::PublicKey>> verification_key(const CliArgs& a, const Config& config) {
  if (const auto it = a.options.find("public-key"); it != a.options.end()) {
    auto pem = read_file(it->second);
    if (!pem) return domain::fail(domain::ErrorCode::invalid, "cannot read --public-key " + it->second);
    auto key = trail::PublicKey::from_pem(*pem);
    if (!key)
      return domain::fail(domain::ErrorCode::invalid,
                          "--public-key " + it->second + ": " + key.error().message);
    return std::optional<trail::PublicKey>(*key);
  }
  trail::KeyFileOptions options;
  options.path = config.trail_key_file;
  options.create_if_missing = false;
  auto key = trail::load_or_create_signing_key(options);
  if (!key) return std::optional<trail::PublicKey>();
  return std::optional<trail::PublicKey>(key->public_key());
}

/** The chain's verdict in words; returns whether it is intact. */
bool print_chain(const store::TrailVerification& result, const trail::PublicKey* key, std::ostream& out) {
  const auto& report = result.report;
  if (report.finding) {
    const auto& f = *report.finding;
    out << "trail NOT intact: first bad seq " << f.seq << " (" << trail::to_string(f.kind) << ")";
    if (f.seq_last != f.seq) out << ", possibly up to seq " << f.seq_last;
    out << ": " << f.detail << "\n"
        << report.entries_verified << " entries and " << report.checkpoints_verified
        << " checkpoints verified before it\n";
    return false;
  }
  if (!result.tree_nodes_problem.empty()) {
    out << "trail entries intact, but proofs would be wrong: " << result.tree_nodes_problem << "\n";
    return false;
  }
  out << "trail intact: " << report.entries_verified << " entries, " << report.checkpoints_verified
      << " checkpoints verified";
  if (key) out << " with key " << key->key_id();
  out << "\nroot " << trail::to_hex(report.root) << " at tree size " << result.head_seq << "\n";
  return true;
}

nlohmann::json difference_json(const store::StateDifference& d) {
  nlohmann::json j{{"kind", store::to_string(d.kind)},
                   {"type", d.type},
                   {"id", d.id},
                   {"last_seq", d.last_seq == 0 ? nlohmann::json(nullptr) : nlohmann::json(d.last_seq)}};
  if (d.kind == store::StateDifference::Kind::field) {
    j["field"] = d.field;
    j["trail"] = d.trail;
    j["row"] = d.row_has_field ? d.row : nlohmann::json(nullptr);
    j["row_has_field"] = d.row_has_field;
  }
  if (d.kind == store::StateDifference::Kind::row_only) j["row"] = d.row;
  if (d.kind == store::StateDifference::Kind::trail_only) j["trail"] = d.trail;
  if (!d.detail.empty()) j["detail"] = d.detail;
  return j;
}

/** One line naming a difference: entity, field, the trail's value and the row's. */
void print_difference(const store::StateDifference& d, std::ostream& out) {
  using Kind = store::StateDifference::Kind;
  out << d.type << " " << d.id;
  switch (d.kind) {
    case Kind::field:
      out << " " << (d.field.empty() ? "(whole)" : d.field) << ": trail " << d.trail.dump() << ", row "
          << (d.row_has_field ? d.row.dump() : "(no such field)");
      if (!d.detail.empty()) out << " (" << d.detail << ")";
      break;
    case Kind::row_only:
      out << ": row with no trail history (inserted behind the service's back?)";
      break;
    case Kind::trail_only:
      out << ": in the trail, no row (deleted behind the service's back?)";
      break;
    case Kind::unreadable_row:
      out << ": row cannot be read as a " << d.type << ": " << d.detail;
      break;
    case Kind::broken_history:
      out << ": its trail history does not replay: " << d.detail;
      break;
  }
  if (d.last_seq != 0) out << " (last trail entry seq " << d.last_seq << ")";
  out << "\n";
}

int verify(const CliArgs& a, bool state, bool as_json, const Environment& env, std::ostream& out,
           std::ostream& err) {
  if (a.positional.size() != 1) return usage_error(err, "verify takes no other arguments");
  store::TrailVerifyOptions options;
  if (const auto it = a.options.find("checkpoint"); it != a.options.end()) {
    auto text = read_file(it->second);
    if (!text) return usage_error(err, "cannot read --checkpoint " + it->second);
    auto saved = parse_checkpoint_file(*text);
    if (!saved) return usage_error(err, "--checkpoint " + it->second + ": " + saved.error().message);
    options.extra_checkpoints = std::move(*saved);
  }
  int code = 0;
  Config config;
  auto db = open_cli_database(a.config_args, env, err, code, &config);
  if (!db) return code;
  auto key = verification_key(a, config);
  if (!key) return usage_error(err, key.error().message);
  if (*key) {
    options.public_key = &**key;
  } else {
    err << "pactwatch trail: no key to check signatures with (" << config.trail_key_file
        << " is missing; give --public-key FILE): every checkpoint will count as a bad signature\n";
  }
  store::TrailStore trail_store(*db);
  auto result = trail_store.verify(options);
  if (!result) {
    err << "pactwatch trail: " << result.error().message << "\n";
    return kExitFailure;
  }
  nlohmann::json doc{{"chain", verification_json(*result, options.public_key)}};
  bool ok = as_json ? result->ok() : print_chain(*result, options.public_key, out);
  if (state) {
    const auto started = std::chrono::steady_clock::now();
    auto compared = store::verify_state(*db);
    if (!compared) {
      err << "pactwatch trail: " << compared.error().message << "\n";
      return kExitFailure;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto rows_per_second =
        static_cast<std::uint64_t>(seconds > 0 ? static_cast<double>(compared->rows_compared) / seconds : 0);
    ok = ok && compared->ok();
    if (as_json) {
      auto list = nlohmann::json::array();
      for (const auto& d : compared->differences)
        list.push_back(difference_json(d));
      doc["state"] = {{"ok", compared->ok()},
                      {"entries_replayed", compared->entries_replayed},
                      {"entities", compared->entities},
                      {"rows_compared", compared->rows_compared},
                      {"types", compared->types},
                      {"unrecorded_fields", compared->unrecorded_fields},
                      {"differences_total", compared->differences_total},
                      {"differences", std::move(list)},
                      {"seconds", seconds},
                      {"rows_per_second", rows_per_second}};
    } else {
      for (const auto& d : compared->differences)
        print_difference(d, out);
      out << (compared->ok() ? "state matches the trail: " : "state does NOT match the trail: ")
          << compared->differences_total << " differences";
      if (compared->differences.size() < compared->differences_total)
        out << " (the first " << compared->differences.size() << " shown)";
      out << "; " << compared->rows_compared << " rows of " << compared->types.size()
          << " tables compared with " << compared->entities << " entities replayed from "
          << compared->entries_replayed << " entries in " << std::fixed << std::setprecision(2) << seconds
          << std::defaultfloat << " s (" << rows_per_second << " rows/s)";
      if (compared->unrecorded_fields != 0)
        out << "; " << compared->unrecorded_fields
            << " fields the trail never recorded (older entries) not checked";
      out << "\n";
    }
  }
  if (as_json) {
    doc["ok"] = ok;
    out << doc.dump(2) << "\n";
  }
  return ok ? 0 : kExitTrailTampered;
}

}  // namespace

domain::Result<std::vector<trail::SignedCheckpoint>> parse_checkpoint_file(const std::string& text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return domain::fail(domain::ErrorCode::invalid, "is not JSON");
  const nlohmann::json* list = &doc;
  if (doc.is_object() && doc.contains("items")) list = &doc.at("items");
  std::vector<trail::SignedCheckpoint> out;
  if (list->is_object()) {
    auto one = trail::checkpoint_from_json(*list);
    if (!one) return std::unexpected(one.error());
    out.push_back(std::move(*one));
    return out;
  }
  if (!list->is_array()) return domain::fail(domain::ErrorCode::invalid, "holds no checkpoint");
  for (const auto& item : *list) {
    auto one = trail::checkpoint_from_json(item);
    if (!one) return std::unexpected(one.error());
    out.push_back(std::move(*one));
  }
  if (out.empty()) return domain::fail(domain::ErrorCode::invalid, "holds no checkpoint");
  return out;
}

domain::Result<TrailRuntime> start_trail(store::Database& database, const Config& config) {
  trail::KeyFileOptions key_file;
  key_file.path = config.trail_key_file;
  auto key = trail::load_or_create_signing_key(key_file);
  if (!key) {
    return domain::fail(key.error().code,
                        "trail_key_file (" + config.trail_key_file + "): " + key.error().message,
                        "trail_key_file");
  }
  auto signing_key = std::make_shared<const trail::SigningKey>(std::move(*key));
  TrailRuntime runtime;
  runtime.key = signing_key;
  runtime.options.public_key = std::make_shared<const trail::PublicKey>(signing_key->public_key());
  CheckpointPolicy policy;
  policy.every_entries = config.trail_checkpoint_entries;
  policy.every = std::chrono::seconds{config.trail_checkpoint_seconds};
  runtime.checkpoints = std::make_unique<CheckpointScheduler>(database, signing_key, policy);
  runtime.checkpoints->start();
  return runtime;
}

int run_trail_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                      std::ostream& err) {
  static constexpr std::array<std::string_view, 2> kOwn{"checkpoint", "public-key"};
  std::vector<std::string> words(args.begin(), args.end());
  const bool state = std::erase(words, std::string(kStateFlag)) > 0;
  const bool as_json = std::erase(words, std::string(kJsonFlag)) > 0;
  auto a = split_cli_args(words, kOwn);
  if (!a) return usage_error(err, a.error().message);
  if (a->positional.empty()) return usage_error(err, "missing subcommand");
  if (a->positional.front() == "verify") return verify(*a, state, as_json, env, out, err);
  return usage_error(err, "unknown subcommand '" + a->positional.front() + "'");
}

}  // namespace pactwatch::server
