#include "adapters/store/token_store.hpp"

#include <openssl/rand.h>
#include <soci/soci.h>

#include <array>
#include <cctype>
#include <stdexcept>

#include "adapters/store/migrations.hpp"
#include "adapters/store/soci_errors.hpp"
#include "adapters/store/token_sql.hpp"
#include "adapters/store/trail_state.hpp"
#include "adapters/store/trail_store.hpp"

namespace pactwatch::store {
namespace {

using domain::ErrorCode;

/** A row as read, with the two columns that never leave the store: the token's hash and the row's seal. */
struct TokenRow {
  TokenRecord record;
  std::string sha256_hex;
  std::string mac;
};

SealedFields sealed_fields(const TokenRecord& t, const std::string& sha256_hex) {
  return {t.id, t.name, t.role, t.region, sha256_hex, t.created_at, t.revoked_at};
}

/** The token as the trail records it: never its secret, nor its hash, only the hash check. */
nlohmann::json token_json(const TokenRecord& t, const std::string& sha256_hex) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", t.role},
          {"region", t.region},
          {"created_at", t.created_at},
          {"revoked_at", t.revoked_at ? nlohmann::json(*t.revoked_at) : nullptr},
          {"hash_check", token_hash_check(sha256_hex)}};
}

/** Token writes come from `pactwatch token` on the service host: an operator, with no API token. */
WriteContext command_line_context(domain::Instant now, std::string reason = {}) {
  return {"", "pactwatch token (command line)", "admin", "", std::move(reason), domain::format_instant(now)};
}

/** Issue #6: the trail entry of a token write, in its transaction; throws so that it rolls back. */
void append_token_entry(soci::session& sql, const WriteContext& context, const char* action,
                        nlohmann::json before, nlohmann::json after, const std::string& id) {
  const ChangeRecord change{action, "token", id, std::move(before), std::move(after)};
  auto seq = append_change_set(sql, context, std::span<const ChangeRecord>(&change, 1));
  if (!seq) throw std::runtime_error("trail: " + seq.error().message);
}

/** "tok_" + 16 random hex digits: opaque, unguessable enough to not leak how many tokens exist. */
domain::Result<std::string> new_token_id() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return domain::fail(ErrorCode::unavailable, "the random number generator failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "tok_";
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0x0f]);
  }
  return id;
}

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

/** A row's columns, its seal not yet checked. */
TokenRow fields_of(const soci::row& row) {
  TokenRow r;
  TokenRecord& t = r.record;
  t.id = row.get<std::string>(0);
  t.name = row.get<std::string>(1);
  t.role = row.get<std::string>(2);
  t.region = row.get_indicator(3) == soci::i_null ? std::string{} : row.get<std::string>(3);
  t.created_at = row.get<std::string>(4);
  if (row.get_indicator(5) != soci::i_null) t.revoked_at = row.get<std::string>(5);
  r.sha256_hex = row.get<std::string>(6);
  r.mac = row.get<std::string>(7);
  return r;
}

TokenRow from_row(const soci::row& row, const TokenSeal& seal) {
  TokenRow r = fields_of(row);
  r.record.seal = seal.check(sealed_fields(r.record, r.sha256_hex), r.mac);
  return r;
}

std::optional<TokenRow> select_one(soci::session& sql, std::string_view statement, const std::string& name,
                                   const std::string& value, const TokenSeal& seal) {
  soci::row row;
  sql << statement, soci::use(value, name), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return from_row(row, seal);
}

/** Why `row` differs from `recorded` (the state its trail entries rebuild), or "" when it does not. */
std::string difference(const TokenRow& row, const nlohmann::json& recorded) {
  if (!recorded.is_object()) return "the trail holds no entry for this token";
  const nlohmann::json actual = token_json(row.record, row.sha256_hex);
  for (const char* field : {"id", "name", "role", "region", "created_at", "revoked_at"}) {
    if (recorded.value(field, nlohmann::json()) != actual[field]) {
      return std::string(field) + " is " + actual[field].dump() + " but the trail says " +
             recorded.value(field, nlohmann::json()).dump();
    }
  }
  if (recorded.contains("hash_check") && recorded["hash_check"] != actual["hash_check"])
    return "the token hash is not the one the trail recorded at creation";
  return "";
}

}  // namespace

std::string token_hash_check(const std::string& token_sha256) {
  return "sha256:" + sha256_hex("pactwatch-token-hash-check/v1\n" + token_sha256).substr(0, 16);
}

domain::Result<TokenRecord> TokenStore::create(const NewToken& token, domain::Instant now) {
  if (token.name.empty()) return std::unexpected(domain::Error::invalid("name", "must not be empty"));
  if (!is_sha256_hex(token.sha256_hex)) {
    return std::unexpected(domain::Error::invalid("sha256", "must be 64 lower-case hex digits"));
  }
  auto id = new_token_id();
  if (!id) return std::unexpected(id.error());
  TokenRecord record{*id, token.name, token.role, token.region, domain::format_instant(now), std::nullopt};
  const std::string mac = seal_.mac(sealed_fields(record, token.sha256_hex));
  try {
    auto lease = db_.acquire();
    const TokenSql& q = token_sql(db_.backend());
    soci::transaction tr(*lease);
    *lease << q.insert, soci::use(record.id, "id"), soci::use(record.name, "name"),
        soci::use(record.role, "role"), soci::use(record.region, "region"),
        soci::use(token.sha256_hex, "sha"), soci::use(record.created_at, "created_at"), soci::use(mac, "mac");
    append_token_entry(*lease, command_line_context(now), "create", nullptr,
                       token_json(record, token.sha256_hex), record.id);
    tr.commit();
  } catch (...) {
    return std::unexpected(map_current_exception("creating a token"));
  }
  return record;
}

domain::Result<TokenRecord> TokenStore::revoke(const std::string& id, domain::Instant now) {
  try {
    auto lease = db_.acquire();
    const TokenSql& q = token_sql(db_.backend());
    soci::transaction tr(*lease);
    auto current = select_one(*lease, q.select_by_id, "id", id, seal_);
    if (!current) return domain::fail(ErrorCode::not_found, "no token with id " + id, "id");
    if (current->record.revoked_at) {
      return domain::fail(ErrorCode::conflict,
                          "token " + id + " was already revoked at " + *current->record.revoked_at, "id");
    }
    TokenRecord after = current->record;
    after.revoked_at = domain::format_instant(now);
    // A row whose seal is broken keeps its broken seal: revoking it must not make it look trustworthy.
    const std::string mac = current->record.seal == SealState::valid
                                ? seal_.mac(sealed_fields(after, current->sha256_hex))
                                : current->mac;
    *lease << q.revoke, soci::use(*after.revoked_at, "revoked_at"), soci::use(mac, "mac"),
        soci::use(id, "id");
    append_token_entry(*lease, command_line_context(now), "revoke",
                       token_json(current->record, current->sha256_hex),
                       token_json(after, current->sha256_hex), id);
    tr.commit();
    return after;
  } catch (...) {
    return std::unexpected(map_current_exception("revoking a token"));
  }
}

domain::Result<std::vector<TokenRecord>> TokenStore::list() {
  try {
    auto lease = db_.acquire();
    soci::rowset<soci::row> rows = (lease->prepare << token_sql(db_.backend()).select_all);
    std::vector<TokenRecord> out;
    for (const auto& row : rows)
      out.push_back(from_row(row, seal_).record);
    return out;
  } catch (...) {
    return std::unexpected(map_current_exception("listing tokens"));
  }
}

std::vector<ScannedRow> scan_token_rows(soci::session& sql, const std::string& after, int limit) {
  soci::rowset<soci::row> rows =
      (sql.prepare
           << "SELECT id, name, role, region, created_at, revoked_at, token_sha256, row_mac FROM api_tokens"
              " WHERE id > :after ORDER BY id LIMIT :limit",
       soci::use(after, "after"), soci::use(limit, "limit"));
  std::vector<ScannedRow> out;
  for (const auto& row : rows) {
    const TokenRow r = fields_of(row);
    out.push_back({r.record.id, token_json(r.record, r.sha256_hex), {}, {}});
  }
  return out;
}

domain::Result<std::optional<TokenRecord>> TokenStore::find_active(const std::string& sha256_hex) {
  try {
    auto lease = db_.acquire();
    auto row = select_one(*lease, token_sql(db_.backend()).select_active_by_hash, "sha", sha256_hex, seal_);
    if (!row) return std::optional<TokenRecord>{};
    return std::optional<TokenRecord>{row->record};
  } catch (...) {
    return std::unexpected(map_current_exception("looking a token up"));
  }
}

domain::Result<std::vector<ResealOutcome>> TokenStore::reseal(domain::Instant now,
                                                              bool accept_unchecked_hashes) {
  std::vector<ResealOutcome> out;
  try {
    const TokenSql& q = token_sql(db_.backend());
    std::vector<TokenRow> rows;
    {
      // One session at a time: the trail reads below borrow their own (the CLI's pool holds one).
      auto lease = db_.acquire();
      soci::rowset<soci::row> all = (lease->prepare << q.select_all);
      for (const auto& row : all)
        rows.push_back(from_row(row, seal_));
    }
    TrailStore trail(db_);
    for (const auto& row : rows) {
      if (row.record.seal == SealState::valid) continue;
      ResealOutcome outcome{row.record.id, row.record.seal, false, ""};
      auto history = trail.entity_history("token", row.record.id);
      if (!history) return std::unexpected(history.error());
      auto recorded = rebuild_state(*history, trail::EntityRef{"token", row.record.id});
      if (!recorded) return std::unexpected(recorded.error());
      outcome.note = difference(row, *recorded);
      const bool hash_checked = recorded->is_object() && recorded->contains("hash_check");
      if (outcome.note.empty() && !hash_checked) {
        outcome.note =
            "the hash could not be checked: the trail recorded none (created before migration 0011)";
        if (!accept_unchecked_hashes) {
          out.push_back(std::move(outcome));
          continue;
        }
      } else if (!outcome.note.empty()) {
        out.push_back(std::move(outcome));
        continue;
      }
      const std::string mac = seal_.mac(sealed_fields(row.record, row.sha256_hex));
      auto lease = db_.acquire();
      soci::transaction tr(*lease);
      // Sealed only as read and checked: a row changed meanwhile is left for the next run.
      const auto now_row = select_one(*lease, q.select_by_id, "id", row.record.id, seal_);
      if (!now_row || now_row->mac != row.mac ||
          token_json(now_row->record, now_row->sha256_hex) != token_json(row.record, row.sha256_hex)) {
        outcome.note = "the row changed while it was being checked; run reseal again";
        out.push_back(std::move(outcome));
        continue;
      }
      *lease << q.set_mac, soci::use(mac, "mac"), soci::use(row.record.id, "id");
      // The entry's patch adds the hash check when the history had none: from now on it is checked too.
      append_token_entry(*lease,
                         command_line_context(now, "token reseal: the row matches its trail history" +
                                                       std::string(hash_checked ? "" : " (hash unchecked)")),
                         "reseal", *recorded, token_json(row.record, row.sha256_hex), row.record.id);
      tr.commit();
      outcome.sealed = true;
      out.push_back(std::move(outcome));
    }
  } catch (...) {
    return std::unexpected(map_current_exception("resealing tokens"));
  }
  return out;
}

}  // namespace pactwatch::store
