#pragma once
// The shared harness of the HTTP API tests: a fresh, migrated TestDatabase (SQLite or MariaDB, as
// PACTWATCH_TEST_BACKEND says), the real HttpServer on port 0 with the ledger routes, and bearer tokens
// resolved by a TokenLookup lambda (the real Authenticator with a test lookup, not a mock).
//
//   class MyTest : public pactwatch::testing::ApiFixture {};
//   TEST_F(MyTest, X) { auto r = post("/api/v1/bodies", body_json, kSupervisor); ... }

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store/database.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/auth.hpp"
#include "server/http_server.hpp"
#include "server/metrics.hpp"
#include "tests/server/test_client.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::testing {

using nlohmann::json;
using server::testing::ClientResponse;

/** Test tokens; each maps to a Principal in ApiFixture::principals(). */
inline constexpr const char* kSupervisor = "tok-supervisor";           ///< unscoped supervisor
inline constexpr const char* kChuxiongCity = "tok-supervisor-532301";  ///< supervisor scoped to 楚雄市
inline constexpr const char* kLufeng = "tok-supervisor-532302";        ///< supervisor scoped to 禄丰市
inline constexpr const char* kAuditor = "tok-auditor";
inline constexpr const char* kChuxiongAuditor = "tok-auditor-532301";  ///< auditor scoped to 楚雄市
inline constexpr const char* kPlatform = "tok-platform";
inline constexpr const char* kAdmin = "tok-admin";

/** Starts the server over a migrated database before each test and stops it after. */
class ApiFixture : public ::testing::Test {
 protected:
  /** token text → Principal; tests may add to it before SetUp() via a subclass constructor. */
  static std::map<std::string, server::Principal> principals() {
    using server::Role;
    return {
        {kSupervisor, {"t_sup", "州财政局采购监管科", Role::supervisor, ""}},
        {kChuxiongCity, {"t_cx", "楚雄市财政局", Role::supervisor, "532301"}},
        {kLufeng, {"t_lf", "禄丰市财政局", Role::supervisor, "532302"}},
        {kAuditor, {"t_aud", "州审计局", Role::auditor, ""}},
        {kChuxiongAuditor, {"t_cxa", "楚雄市审计局", Role::auditor, "532301"}},
        {kPlatform, {"t_plat", "公共资源交易平台", Role::platform, ""}},
        {kAdmin, {"t_adm", "运维", Role::admin, ""}},
    };
  }

  /**
   * GB/T 2260 rows of 云南省, 楚雄州 and its ten counties and cities (config/regions/532300.csv): a body's
   * region must be in the regions table. Inserted directly, without trail entries, like test data.
   */
  static const std::vector<std::array<const char*, 4>>& chuxiong_regions() {
    static const std::vector<std::array<const char*, 4>> rows{
        {"530000", "云南省", nullptr, "province"}, {"532300", "楚雄彝族自治州", "530000", "prefecture"},
        {"532301", "楚雄市", "532300", "county"},  {"532302", "禄丰市", "532300", "county"},
        {"532322", "双柏县", "532300", "county"},  {"532323", "牟定县", "532300", "county"},
        {"532324", "南华县", "532300", "county"},  {"532325", "姚安县", "532300", "county"},
        {"532326", "大姚县", "532300", "county"},  {"532327", "永仁县", "532300", "county"},
        {"532328", "元谋县", "532300", "county"},  {"532329", "武定县", "532300", "county"},
    };
    return rows;
  }

  void seed_regions() {
    auto lease = database_->acquire();
    for (const auto& [code, name, parent, level] : chuxiong_regions()) {
      std::string c = code, n = name, p = parent ? parent : "", l = level;
      soci::indicator parent_ind = parent ? soci::i_ok : soci::i_null;
      *lease << "INSERT INTO regions (code, name, parent_code, level) VALUES (:c, :n, :p, :l)", soci::use(c),
          soci::use(n), soci::use(p, parent_ind), soci::use(l);
    }
  }

  void SetUp() override {
    database_ = test_database_.open(4);
    auto migrated = database_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
    seed_regions();
    std::map<std::string, server::Principal> by_hash;
    for (const auto& [token, principal] : principals())
      by_hash[server::token_hash_hex(token)] = principal;
    auth_ = std::make_unique<server::Authenticator>(
        [by_hash](std::string_view hash) -> std::optional<server::Principal> {
          auto it = by_hash.find(std::string(hash));
          if (it == by_hash.end()) return std::nullopt;
          return it->second;
        });
    router_ = std::make_shared<server::Router>();
    register_routes(*router_);
    server::HttpOptions options;
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<server::HttpServer>(options, router_, metrics_);
    server_->start();
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
      server_->wait();
    }
  }

  /** The routes under test; the authorization-matrix test may add more. */
  virtual void register_routes(server::Router& router) {
    server::add_ledger_routes(router, *auth_, *database_, options_);
  }

  /** One request with a bearer token (none when `token` is empty) and extra headers. */
  ClientResponse call(const std::string& method, const std::string& target, const std::string& token,
                      const std::string& body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return server::testing::fetch(server_->port(), method, target, headers, body);
  }
  ClientResponse get(const std::string& target, const std::string& token = kSupervisor) {
    return call("GET", target, token);
  }
  ClientResponse post(const std::string& target, const json& body, const std::string& token = kSupervisor,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call("POST", target, token, body.dump(), std::move(headers));
  }
  ClientResponse patch(const std::string& target, const json& body, const std::string& if_match,
                       const std::string& token = kSupervisor) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!if_match.empty()) headers.emplace_back("If-Match", if_match);
    return call("PATCH", target, token, body.dump(), std::move(headers));
  }

  /** POSTs and asserts 201; returns the created entity. */
  json create(const std::string& collection, const json& body, const std::string& token = kSupervisor) {
    auto r = post("/api/v1/" + collection, body, token);
    EXPECT_EQ(r.status, 201) << collection << ": " << r.body;
    return r.status == 201 ? r.json() : json::object();
  }

  /** Walks every page of a list and returns all items (failing the test on a duplicate id). */
  std::vector<json> walk(const std::string& target, int limit, const std::string& token = kSupervisor) {
    std::vector<json> items;
    std::set<std::string> seen;
    std::string cursor;
    const std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    for (int pages = 0; pages < 1000; ++pages) {
      std::string url = target + sep + "limit=" + std::to_string(limit);
      if (!cursor.empty()) url += "&cursor=" + cursor;
      auto r = get(url, token);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto body = r.json();
      EXPECT_LE(body.at("items").size(), static_cast<std::size_t>(limit));
      for (auto& item : body.at("items")) {
        const std::string key =
            item.contains("id") ? item.at("id").get<std::string>() : item.at("code").get<std::string>();
        EXPECT_TRUE(seen.insert(key).second) << "duplicate " << key;
        items.push_back(item);
      }
      if (body.at("next_cursor").is_null()) break;
      cursor = body.at("next_cursor").get<std::string>();
    }
    return items;
  }

  /** The `field` names of a 422 problem's errors, in order. */
  static std::vector<std::string> error_fields(const ClientResponse& r) {
    std::vector<std::string> fields;
    auto body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("errors")) return fields;
    for (const auto& e : body.at("errors"))
      fields.push_back(e.at("field").get<std::string>());
    return fields;
  }

  store::Database& database() { return *database_; }

  TestDatabase test_database_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<server::Authenticator> auth_;
  std::shared_ptr<server::Router> router_;
  server::Metrics metrics_;
  server::api::ApiOptions options_;
  std::unique_ptr<server::HttpServer> server_;
};

/** A body in a region: {"name", "region", "kind"}. */
inline json body_json(const std::string& name, const std::string& region,
                      const std::string& kind = "department") {
  return json{{"name", name}, {"region", region}, {"kind", kind}};
}

}  // namespace pactwatch::testing
