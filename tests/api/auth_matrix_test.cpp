// The authorization matrix over real HTTP: every role (and anonymous, and a region-scoped supervisor)
// against every route the executable serves, allowed or denied as DESIGN §1 says. The expected matrix is
// written here from the design, independently of server/auth.cpp and of the handlers' own choices.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "server/routes.hpp"
#include "tests/api/api_fixture.hpp"

namespace pactwatch::testing {
namespace {

/** Who may call a route (DESIGN §1). */
enum class Access {
  everyone,      ///< public: /healthz, /readyz, /metrics, version, /openapi.json
  ledger_read,   ///< supervisor, auditor
  ledger_write,  ///< supervisor only ("write ledger records"); auditors never write; platform only facts
  fact_append,   ///< supervisor and platform ("push facts")
  trail_read,    ///< unscoped supervisor, auditor, admin (the whole trail is prefecture-wide: scoped tokens
                 ///< 403)
  trail_scoped,  ///< supervisor, auditor, admin, scoped or not (a scoped token sees its region's entries
                 ///< only)
  breach_read,   ///< supervisor, auditor: breaches and the answers computed from them
  breach_work,   ///< supervisor only: detection runs and lifecycle transitions
  sync_read,     ///< supervisor, platform, auditor, admin: sync runs and quarantine
  sync_write,    ///< platform and admin: re-process quarantined records
  any_token,     ///< every valid token whatever its role: GET /api/v1/whoami
  outbox_read,   ///< auditor and admin: the credit-platform outbox (operators and auditors, not the workflow)
  outbox_write,  ///< admin only: retry a failed outbox row
};

const std::set<std::string> kReaders{"supervisor", "scoped_supervisor", "auditor"};
const std::set<std::string> kWriters{"supervisor", "scoped_supervisor"};
const std::set<std::string> kFactWriters{"supervisor", "scoped_supervisor", "platform"};
const std::set<std::string> kTrailReaders{"supervisor", "auditor", "admin"};
const std::set<std::string> kScopedTrailReaders{"supervisor", "scoped_supervisor", "auditor", "admin"};
const std::set<std::string> kSyncReaders{"supervisor", "scoped_supervisor", "platform", "auditor", "admin"};
const std::set<std::string> kSyncWriters{"platform", "admin"};
const std::set<std::string> kOutboxReaders{"auditor", "admin"};

/** Every route the service serves and who may use it. A route missing here fails the test. */
const std::map<std::string, Access>& expected_matrix() {
  static const std::map<std::string, Access> m{
      {"GET /healthz", Access::everyone},
      {"GET /readyz", Access::everyone},
      {"GET /metrics", Access::everyone},
      {"GET /api/v1/version", Access::everyone},
      {"GET /openapi.json", Access::everyone},
      {"GET /api/v1/whoami", Access::any_token},
      {"GET /api/v1/regions", Access::ledger_read},
      {"GET /api/v1/regions/{code}", Access::ledger_read},
      {"GET /api/v1/bodies", Access::ledger_read},
      {"POST /api/v1/bodies", Access::ledger_write},
      {"GET /api/v1/bodies/{id}", Access::ledger_read},
      {"PATCH /api/v1/bodies/{id}", Access::ledger_write},
      {"GET /api/v1/officials", Access::ledger_read},
      {"POST /api/v1/officials", Access::ledger_write},
      {"GET /api/v1/officials/{id}", Access::ledger_read},
      {"PATCH /api/v1/officials/{id}", Access::ledger_write},
      {"POST /api/v1/officials/{id}/posts", Access::ledger_write},
      {"PATCH /api/v1/officials/{id}/posts/{seq}", Access::ledger_write},
      {"GET /api/v1/organizations", Access::ledger_read},
      {"POST /api/v1/organizations", Access::ledger_write},
      {"GET /api/v1/organizations/{id}", Access::ledger_read},
      {"GET /api/v1/export/ocds", Access::ledger_read},
      {"PATCH /api/v1/organizations/{id}", Access::ledger_write},
      {"GET /api/v1/agreements", Access::ledger_read},
      {"POST /api/v1/agreements", Access::ledger_write},
      {"GET /api/v1/agreements/{id}", Access::ledger_read},
      {"PATCH /api/v1/agreements/{id}", Access::ledger_write},
      {"POST /api/v1/agreements/{id}/stages/{kind}/assignments", Access::ledger_write},
      {"GET /api/v1/commitments", Access::ledger_read},
      {"POST /api/v1/commitments", Access::ledger_write},
      {"GET /api/v1/commitments/{id}", Access::ledger_read},
      {"PATCH /api/v1/commitments/{id}", Access::ledger_write},
      {"GET /api/v1/facts", Access::ledger_read},
      {"POST /api/v1/facts", Access::fact_append},
      {"GET /api/v1/facts/{id}", Access::ledger_read},
      {"GET /api/v1/trail", Access::trail_read},
      {"GET /api/v1/trail.csv", Access::trail_read},
      {"GET /api/v1/trail/entries/{seq}", Access::trail_scoped},
      {"GET /api/v1/trail/entries/{seq}/proof", Access::trail_scoped},
      {"GET /api/v1/trail/consistency", Access::trail_scoped},
      {"GET /api/v1/trail/checkpoints", Access::trail_scoped},
      {"GET /api/v1/trail/public-key", Access::trail_scoped},
      {"GET /api/v1/trail/entities/{type}/{id}", Access::trail_scoped},
      {"GET /api/v1/trail/verify", Access::trail_read},
      {"GET /api/v1/breaches", Access::breach_read},
      {"GET /api/v1/breaches/{id}", Access::breach_read},
      {"POST /api/v1/breaches/{id}/actions/{action}", Access::breach_work},
      {"POST /api/v1/detection-runs", Access::breach_work},
      {"GET /api/v1/officials/{id}/eligibility", Access::breach_read},
      {"GET /api/v1/bodies/{id}/eligibility", Access::breach_read},
      {"GET /api/v1/officials/{id}/accountability", Access::breach_read},
      {"GET /api/v1/organizations/{id}/performance", Access::breach_read},
      {"GET /api/v1/integrity", Access::breach_read},
      {"GET /api/v1/warnings", Access::breach_read},
      {"POST /api/v1/public/complaints", Access::everyone},
      {"GET /api/v1/public/breaches", Access::everyone},
      {"GET /api/v1/public/complaints/{code}", Access::everyone},
      {"GET /api/v1/sync/runs", Access::sync_read},
      {"GET /api/v1/sync/quarantine", Access::sync_read},
      {"POST /api/v1/sync/quarantine/{id}/reprocess", Access::sync_write},
      {"GET /api/v1/outbox", Access::outbox_read},
      {"POST /api/v1/outbox/{id}/retry", Access::outbox_write},
  };
  return m;
}

/** The callers: role name → token (empty: anonymous). */
const std::map<std::string, std::string>& callers() {
  static const std::map<std::string, std::string> c{
      {"anonymous", ""},     {"supervisor", kSupervisor}, {"scoped_supervisor", kChuxiongCity},
      {"auditor", kAuditor}, {"platform", kPlatform},     {"admin", kAdmin},
  };
  return c;
}

bool allowed(Access access, const std::string& who) {
  switch (access) {
    case Access::everyone:
      return true;
    case Access::ledger_read:
      return kReaders.contains(who);
    case Access::ledger_write:
      return kWriters.contains(who);
    case Access::fact_append:
      return kFactWriters.contains(who);
    case Access::trail_read:
      return kTrailReaders.contains(who);
    case Access::trail_scoped:
      return kScopedTrailReaders.contains(who);
    case Access::breach_read:
      return kReaders.contains(who);
    case Access::breach_work:
      return kWriters.contains(who);
    case Access::sync_read:
      return kSyncReaders.contains(who);
    case Access::sync_write:
      return kSyncWriters.contains(who);
    case Access::any_token:
      return who != "anonymous";
    case Access::outbox_read:
      return kOutboxReaders.contains(who);
    case Access::outbox_write:
      return who == "admin";
  }
  return false;
}

/** "/api/v1/bodies/{id}" → "/api/v1/bodies/bod_missing": concrete values for path parameters. */
std::string concrete(std::string path) {
  const std::map<std::string, std::string> values{{"{id}", "x_missing"}, {"{code}", "532301"},
                                                  {"{seq}", "1"},        {"{kind}", "implementation"},
                                                  {"{type}", "body"},    {"{action}", "verify"}};
  for (const auto& [param, value] : values) {
    for (auto at = path.find(param); at != std::string::npos; at = path.find(param))
      path.replace(at, param.size(), value);
  }
  return path;
}

class AuthMatrixTest : public ApiFixture {
 protected:
  /** The very router the executable builds. */
  void register_routes(server::Router& router) override {
    server::build_router(router, metrics_, server::SystemProbes{}, *auth_, *database_);
  }
};

// Verifies the matrix names exactly the routes the server serves, so a new route cannot skip this test.
TEST_F(AuthMatrixTest, MatrixCoversEveryServedRoute) {
  std::set<std::string> served, listed;
  for (const auto& r : router_->routes())
    served.insert(std::string(server::method_name(r.method)) + " " + r.path_template);
  for (const auto& [route, access] : expected_matrix())
    listed.insert(route);
  EXPECT_EQ(served, listed);
}

// Verifies every caller against every route: anonymous gets 401 with a Bearer challenge on protected routes,
// a role without the permission gets 403, an allowed role gets neither (whatever the handler then says).
TEST_F(AuthMatrixTest, EveryRoleAgainstEveryRoute) {
  for (const auto& [route, access] : expected_matrix()) {
    const auto space = route.find(' ');
    const std::string method = route.substr(0, space);
    const std::string target = concrete(route.substr(space + 1));
    for (const auto& [who, token] : callers()) {
      std::vector<std::pair<std::string, std::string>> headers;
      if (method == "PATCH") headers.emplace_back("If-Match", "\"v1\"");
      const std::string body = method == "GET" ? "" : "{}";
      const auto r = call(method, target, token, body, headers);
      const std::string where = who + " " + route + " -> " + std::to_string(r.status) + " " + r.body;
      if (allowed(access, who)) {
        EXPECT_NE(r.status, 401) << where;
        EXPECT_NE(r.status, 403) << where;
        EXPECT_LT(r.status, 500) << where;
      } else if (token.empty()) {
        EXPECT_EQ(r.status, 401) << where;
        EXPECT_THAT(r.header("www-authenticate"), ::testing::StartsWith("Bearer realm=\"pactwatch\""))
            << where;
      } else {
        EXPECT_EQ(r.status, 403) << where;
        EXPECT_EQ(r.header("content-type"), "application/problem+json") << where;
      }
    }
  }
}

// Verifies an unknown token is 401 invalid_token on a protected route, and a public route ignores it.
TEST_F(AuthMatrixTest, UnknownTokenIsInvalidToken) {
  const auto r = call("GET", "/api/v1/bodies", "pw_not_a_real_token");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"pactwatch\", error=\"invalid_token\"");
  EXPECT_EQ(call("GET", "/healthz", "pw_not_a_real_token").status, 200);
}

// Verifies GET /api/v1/whoami tells each token its own name, role, region scope and permissions (what the
// dashboard shows as its scope and uses to offer actions), and an unknown token still gets 401.
TEST_F(AuthMatrixTest, WhoamiTellsTheTokensScopeAndPermissions) {
  const auto scoped = get("/api/v1/whoami", kChuxiongCity);
  ASSERT_EQ(scoped.status, 200) << scoped.body;
  EXPECT_EQ(scoped.json().at("name"), "楚雄市财政局");
  EXPECT_EQ(scoped.json().at("role"), "supervisor");
  EXPECT_EQ(scoped.json().at("region"), "532301");
  EXPECT_THAT(scoped.json().at("permissions"), ::testing::Contains("breach_workflow"));

  const auto auditor = get("/api/v1/whoami", kAuditor);
  ASSERT_EQ(auditor.status, 200) << auditor.body;
  EXPECT_TRUE(auditor.json().at("region").is_null());
  EXPECT_THAT(auditor.json().at("permissions"), ::testing::Contains("trail_read"));
  EXPECT_THAT(auditor.json().at("permissions"), ::testing::Not(::testing::Contains("breach_workflow")));
  EXPECT_EQ(auditor.body.find("tok-auditor"), std::string::npos) << "the secret is never answered";

  EXPECT_EQ(call("GET", "/api/v1/whoami", "pw_not_a_real_token").status, 401);
}

}  // namespace
}  // namespace pactwatch::testing
