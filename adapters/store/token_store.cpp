#include "adapters/store/token_store.hpp"

#include <openssl/rand.h>
#include <soci/soci.h>

#include <array>
#include <cctype>
#include <stdexcept>

#include "adapters/store/soci_errors.hpp"
#include "adapters/store/token_sql.hpp"
#include "adapters/store/trail_store.hpp"

namespace pactwatch::store {
namespace {

using domain::ErrorCode;

/** The token as the trail records it (never its secret or hash). */
nlohmann::json token_json(const TokenRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", t.role},
          {"region", t.region},
          {"created_at", t.created_at},
          {"revoked_at", t.revoked_at ? nlohmann::json(*t.revoked_at) : nullptr}};
}

/** Token writes come from `pactwatch token` on the service host: an operator, with no API token. */
WriteContext command_line_context(domain::Instant now) {
  return {"", "pactwatch token (command line)", "admin", "", "", domain::format_instant(now)};
}

/** Issue #6: the trail entry of a token write, in its transaction; throws so that it rolls back. */
void append_token_entry(soci::session& sql, domain::Instant now, const char* action, nlohmann::json before,
                        const TokenRecord& after) {
  const ChangeRecord change{action, "token", after.id, std::move(before), token_json(after)};
  auto seq = append_change_set(sql, command_line_context(now), std::span<const ChangeRecord>(&change, 1));
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

TokenRecord from_row(const soci::row& row) {
  TokenRecord r;
  r.id = row.get<std::string>(0);
  r.name = row.get<std::string>(1);
  r.role = row.get<std::string>(2);
  r.region = row.get_indicator(3) == soci::i_null ? std::string{} : row.get<std::string>(3);
  r.created_at = row.get<std::string>(4);
  if (row.get_indicator(5) != soci::i_null) r.revoked_at = row.get<std::string>(5);
  return r;
}

std::optional<TokenRecord> select_one(soci::session& sql, std::string_view statement, const std::string& name,
                                      const std::string& value) {
  soci::row row;
  sql << statement, soci::use(value, name), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return from_row(row);
}

}  // namespace

domain::Result<TokenRecord> TokenStore::create(const NewToken& token, domain::Instant now) {
  if (token.name.empty()) return std::unexpected(domain::Error::invalid("name", "must not be empty"));
  if (!is_sha256_hex(token.sha256_hex)) {
    return std::unexpected(domain::Error::invalid("sha256", "must be 64 lower-case hex digits"));
  }
  auto id = new_token_id();
  if (!id) return std::unexpected(id.error());
  TokenRecord record{*id, token.name, token.role, token.region, domain::format_instant(now), std::nullopt};
  try {
    auto lease = db_.acquire();
    const TokenSql& q = token_sql(db_.backend());
    soci::transaction tr(*lease);
    *lease << q.insert, soci::use(record.id, "id"), soci::use(record.name, "name"),
        soci::use(record.role, "role"), soci::use(record.region, "region"),
        soci::use(token.sha256_hex, "sha"), soci::use(record.created_at, "created_at");
    append_token_entry(*lease, now, "create", nullptr, record);
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
    auto current = select_one(*lease, q.select_by_id, "id", id);
    if (!current) return domain::fail(ErrorCode::not_found, "no token with id " + id, "id");
    if (current->revoked_at) {
      return domain::fail(ErrorCode::conflict,
                          "token " + id + " was already revoked at " + *current->revoked_at, "id");
    }
    const std::string revoked_at = domain::format_instant(now);
    *lease << q.revoke, soci::use(revoked_at, "revoked_at"), soci::use(id, "id");
    TokenRecord after = *current;
    after.revoked_at = revoked_at;
    append_token_entry(*lease, now, "revoke", token_json(*current), after);
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
      out.push_back(from_row(row));
    return out;
  } catch (...) {
    return std::unexpected(map_current_exception("listing tokens"));
  }
}

domain::Result<std::optional<TokenRecord>> TokenStore::find_active(const std::string& sha256_hex) {
  try {
    auto lease = db_.acquire();
    return select_one(*lease, token_sql(db_.backend()).select_active_by_hash, "sha", sha256_hex);
  } catch (...) {
    return std::unexpected(map_current_exception("looking a token up"));
  }
}

}  // namespace pactwatch::store
