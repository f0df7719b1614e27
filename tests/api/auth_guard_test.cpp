#include "server/auth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace pactwatch::server {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

Request request_with(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.path = "/api/v1/bodies";
  r.target = r.path;
  r.request_id = "req-1";
  for (auto& [n, v] : headers)
    r.headers.add(n, v);
  return r;
}

/** A token table of one supervisor token "pw_good" scoped to 楚雄市, recording what was asked. */
struct FakeTokens {
  std::vector<std::string> asked;
  TokenLookup lookup() {
    return [this](std::string_view hash) -> std::optional<Principal> {
      asked.emplace_back(hash);
      if (hash == token_hash_hex("pw_good"))
        return Principal{"tok_1", "楚雄市财政局", Role::supervisor, "532301"};
      if (hash == token_hash_hex("pw_platform")) return Principal{"tok_2", "交易平台", Role::platform, ""};
      return std::nullopt;
    };
  }
};

Response run(const Authenticator& auth, Permission p, const Request& req,
             std::optional<Principal>* seen = nullptr) {
  Handler h = auth.guard(p, [seen](const Request&, const Principal& who) {
    if (seen) *seen = who;
    return Response{200, "text/plain", "ok", {}};
  });
  return h(req);
}

// Verifies role_allows is exactly the matrix of DESIGN §1 as auth.hpp states it, permission by permission.
TEST(RoleAllows, MatchesTheDesignMatrix) {
  using P = Permission;
  const std::vector<P> all{P::ledger_read, P::ledger_write, P::fact_write, P::breach_read, P::breach_workflow,
                           P::trail_read,  P::export_data,  P::sync_write, P::sync_read,   P::admin};
  const std::map<Role, std::set<P>> expected{
      {Role::supervisor,
       {P::ledger_read, P::ledger_write, P::fact_write, P::breach_read, P::breach_workflow, P::trail_read,
        P::sync_read}},
      {Role::platform, {P::fact_write, P::sync_write, P::sync_read}},
      {Role::auditor, {P::ledger_read, P::breach_read, P::trail_read, P::export_data, P::sync_read}},
      {Role::admin, {P::admin, P::sync_read, P::sync_write, P::trail_read}},
  };
  for (const auto& [role, allowed] : expected) {
    for (P p : all) {
      EXPECT_EQ(role_allows(role, p), allowed.contains(p))
          << to_string(role) << " / permission " << static_cast<int>(p);
    }
  }
}

// Verifies role names round-trip and unknown names are refused.
TEST(RoleNames, ParseAndPrint) {
  for (Role r : {Role::supervisor, Role::platform, Role::auditor, Role::admin})
    EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_FALSE(parse_role("Supervisor"));
  EXPECT_FALSE(parse_role(""));
  EXPECT_FALSE(parse_role("root"));
}

// Verifies no Authorization header is a 401 problem with a bare Bearer challenge, and the handler never runs.
TEST(Authenticator, MissingHeaderIs401WithChallenge) {
  FakeTokens tokens;
  Authenticator auth(tokens.lookup());
  std::optional<Principal> seen;
  Response r = run(auth, Permission::ledger_read, request_with({}), &seen);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer realm=\"pactwatch\"");
  EXPECT_EQ(nlohmann::json::parse(r.body).at("status"), 401);
  EXPECT_FALSE(seen);
  EXPECT_TRUE(tokens.asked.empty());
}

// Verifies an unknown (or revoked) token is 401 with error="invalid_token", looked up by its SHA-256 only.
TEST(Authenticator, UnknownTokenIs401InvalidToken) {
  FakeTokens tokens;
  Authenticator auth(tokens.lookup());
  Response r = run(auth, Permission::ledger_read, request_with({{"Authorization", "Bearer pw_unknown"}}));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer realm=\"pactwatch\", error=\"invalid_token\"");
  ASSERT_EQ(tokens.asked.size(), 1u);
  EXPECT_EQ(tokens.asked[0], token_hash_hex("pw_unknown"));
}

// Verifies malformed headers (other scheme, two words, empty token, two Authorization fields) are 401s
// that never reach the token table.
TEST(Authenticator, MalformedHeadersAre401) {
  FakeTokens tokens;
  Authenticator auth(tokens.lookup());
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"Authorization", "Basic cHc6Z29vZA=="}},
           {{"Authorization", "Bearer pw_good extra"}},
           {{"Authorization", "Bearer"}},
           {{"Authorization", "Bearer "}},
           {{"Authorization", "pw_good"}},
           {{"Authorization", "Bearer pw_go\"od"}},
           {{"Authorization", "Bearer pw_good"}, {"Authorization", "Bearer pw_good"}},
       }) {
    Response r = run(auth, Permission::ledger_read, request_with(headers));
    EXPECT_EQ(r.status, 401) << headers[0].second;
    EXPECT_THAT(std::string(r.headers.get("WWW-Authenticate").value_or("")),
                HasSubstr("Bearer realm=\"pactwatch\""));
  }
  EXPECT_TRUE(tokens.asked.empty());
}

// Verifies the scheme is case-insensitive and the handler gets the token's Principal.
TEST(Authenticator, ValidTokenRunsHandlerWithPrincipal) {
  FakeTokens tokens;
  Authenticator auth(tokens.lookup());
  for (const char* scheme : {"Bearer", "bearer", "BEARER"}) {
    std::optional<Principal> seen;
    Response r = run(auth, Permission::ledger_write,
                     request_with({{"authorization", std::string(scheme) + " pw_good"}}), &seen);
    EXPECT_EQ(r.status, 200) << scheme;
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->token_id, "tok_1");
    EXPECT_EQ(seen->role, Role::supervisor);
    EXPECT_EQ(seen->region, "532301");
  }
}

// Verifies a known token whose role lacks the permission is a 403 problem (not 401, no challenge).
TEST(Authenticator, WrongRoleIs403) {
  FakeTokens tokens;
  Authenticator auth(tokens.lookup());
  std::optional<Principal> seen;
  Response r =
      run(auth, Permission::ledger_read, request_with({{"Authorization", "Bearer pw_platform"}}), &seen);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_FALSE(r.headers.contains("WWW-Authenticate"));
  EXPECT_FALSE(seen);
  EXPECT_EQ(run(auth, Permission::fact_write, request_with({{"Authorization", "Bearer pw_platform"}})).status,
            200);
}

// Verifies a token store that cannot be asked gives a 503 with Retry-After, not a 500 and not a 401.
TEST(Authenticator, LookupFailureIs503) {
  Authenticator auth(
      [](std::string_view) -> std::optional<Principal> { throw std::runtime_error("db down"); });
  Response r = run(auth, Permission::ledger_read, request_with({{"Authorization", "Bearer pw_good"}}));
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(r.headers.contains("Retry-After"));
}

// Verifies authenticate() answers the Principal for a good token and nullopt otherwise.
TEST(Authenticator, AuthenticateWithoutGuard) {
  FakeTokens tokens;
  Authenticator auth(tokens.lookup());
  EXPECT_EQ(auth.authenticate(request_with({{"Authorization", "Bearer pw_good"}}))->name, "楚雄市财政局");
  EXPECT_FALSE(auth.authenticate(request_with({})));
  EXPECT_FALSE(auth.authenticate(request_with({{"Authorization", "Bearer nope"}})));
}

// Verifies region scope: unscoped sees all; 532301 sees itself only; the prefecture sees its counties.
TEST(Principal, SeesRegionByContainment) {
  Principal all{"t", "n", Role::auditor, ""};
  EXPECT_TRUE(all.sees_region("532301"));
  EXPECT_TRUE(all.sees_region("110000"));
  Principal city{"t", "n", Role::supervisor, "532301"};
  EXPECT_TRUE(city.sees_region("532301"));
  EXPECT_FALSE(city.sees_region("532302"));
  EXPECT_FALSE(city.sees_region("532300"));
  EXPECT_FALSE(city.sees_region("garbage"));
  Principal prefecture{"t", "n", Role::supervisor, "532300"};
  EXPECT_TRUE(prefecture.sees_region("532329"));
  EXPECT_TRUE(prefecture.sees_region("532300"));
  EXPECT_FALSE(prefecture.sees_region("532501"));
}

// Verifies the stored hash is SHA-256 in lower-case hex (FIPS 180-2 test vector "abc").
TEST(TokenHash, IsSha256Hex) {
  EXPECT_EQ(token_hash_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Verifies tokens carry the pw_ prefix, 32 random bytes in base64url without padding, and differ.
TEST(GenerateToken, PrefixedBase64UrlOf32Bytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = generate_token();
    EXPECT_THAT(t, MatchesRegex("pw_[A-Za-z0-9_-]{43}"));
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

// Verifies the cache answers known tokens without asking again within the TTL, asks again after it (so a
// revocation takes effect), and never caches unknown tokens (so a new token works at once).
TEST(CachedTokenLookup, ExpiresAndDoesNotCacheMisses) {
  int calls = 0;
  bool revoked = false;
  TokenLookup inner = [&](std::string_view h) -> std::optional<Principal> {
    ++calls;
    if (h == "known" && !revoked) return Principal{"tok_1", "n", Role::auditor, ""};
    return std::nullopt;
  };
  auto t = std::chrono::steady_clock::time_point{};
  auto cached = cached_token_lookup(inner, {std::chrono::milliseconds(2000), 100}, [&] { return t; });
  EXPECT_TRUE(cached("known"));
  EXPECT_TRUE(cached("known"));
  EXPECT_EQ(calls, 1);
  revoked = true;
  t += std::chrono::milliseconds(1999);
  EXPECT_TRUE(cached("known"));  // still within the documented window
  t += std::chrono::milliseconds(2);
  EXPECT_FALSE(cached("known"));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(cached("unknown"));
  EXPECT_FALSE(cached("unknown"));
  EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace pactwatch::server
