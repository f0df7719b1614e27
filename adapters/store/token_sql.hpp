#pragma once
// The SQL text of the token store, one constant per statement and one definition per backend
// (token_sql.cpp), following sql_text.hpp. Values are always bound (":name"), never concatenated.

#include <string_view>

#include "adapters/store/database_url.hpp"

namespace pactwatch::store {

/** The statements TokenStore runs. Both backends fill every member. */
struct TokenSql {
  /** Binds :id, :name, :role, :region, :sha, :created_at, :mac. */
  std::string_view insert;
  /** id, name, role, region, created_at, revoked_at, token_sha256, row_mac of :id. */
  std::string_view select_by_id;
  /** The same columns of the unrevoked token whose hash is :sha. */
  std::string_view select_active_by_hash;
  /** The same columns of every token, oldest first (then by id). */
  std::string_view select_all;
  /** Binds :revoked_at, :mac, :id; touches only an unrevoked row. */
  std::string_view revoke;
  /** Binds :mac, :id: the seal `token reseal` writes. */
  std::string_view set_mac;
};

const TokenSql& token_sql(Backend backend);

}  // namespace pactwatch::store
