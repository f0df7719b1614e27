// /api/v1/sync routes (server/api/sync_routes.hpp), called through the router with a stub token lookup.

#include "server/api/sync_routes.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/sync/file_import.hpp"
#include "domain/identifiers.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

using nlohmann::json;

class SyncRoutesTest : public ::testing::Test {
 protected:
  SyncDb db;
  server::Authenticator auth{[](std::string_view) -> std::optional<server::Principal> {
    return server::Principal{"tok_1", "platform gateway", server::Role::platform, ""};
  }};
  server::Router router;
  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-sync-routes");

  SyncRoutesTest() { server::add_sync_routes(router, auth, *db.db); }
  ~SyncRoutesTest() override { std::filesystem::remove_all(dir); }

  server::Response call(server::Method method, const std::string& path,
                        std::map<std::string, std::string, std::less<>> query = {}) {
    auto match = router.resolve(method, path);
    EXPECT_EQ(match.kind, server::RouteMatch::Kind::matched) << path;
    server::Request r;
    r.method = method;
    r.path = r.target = path;
    r.query = std::move(query);
    r.path_params = match.params;
    r.route = match.route;
    r.headers.set("Authorization", "Bearer secret");
    return (*match.handler)(r);
  }
};

// Verifies the runs list reports an import's counts and cursor, and the quarantine list its reasons.
TEST_F(SyncRoutesTest, RunsAndQuarantineAreListed) {
  SyncStore store(*db.db);
  const std::string bad = R"({"ocid":"ocds-test-0002","date":"2025-01-10T00:00:00Z"})";
  const auto path = write_file(dir, "a.jsonl", release_json("r1", "met", "2025-02-20") + "\n" + bad + "\n");
  const std::vector<std::string> paths{path};
  ImportOptions options;
  auto report = import_ocds_files(store, paths, options);
  ASSERT_TRUE(report.has_value()) << report.error().message;

  const auto runs = call(server::Method::get, "/api/v1/sync/runs", {{"source", "file"}});
  ASSERT_EQ(runs.status, 200) << runs.body;
  const json r = json::parse(runs.body);
  ASSERT_EQ(r["items"].size(), 1u);
  EXPECT_EQ(r["items"][0]["status"], "succeeded");
  EXPECT_EQ(r["items"][0]["fetched"], 2);
  EXPECT_EQ(r["items"][0]["quarantined"], 1);
  EXPECT_EQ(r["items"][0]["reasons"]["missing_id"], 1);
  EXPECT_EQ(r["items"][0]["cursor_after"], "file:" + path + "#2");

  const auto q = call(server::Method::get, "/api/v1/sync/quarantine", {{"reason", "missing_id"}});
  ASSERT_EQ(q.status, 200) << q.body;
  const json entries = json::parse(q.body)["items"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["raw_text"], bad);
  EXPECT_EQ(entries[0]["status"], "open");
  EXPECT_EQ(call(server::Method::get, "/api/v1/sync/quarantine", {{"status", "bogus"}}).status, 400);
}

// Verifies re-processing an entry whose cause was fixed (the agreement's buyer arrived in a later release)
// stores the quarantined record and marks the entry resolved; an unknown entry is a 404.
TEST_F(SyncRoutesTest, ReprocessResolvesAFixedEntry) {
  SyncStore store(*db.db);
  // A release whose only party is the supplier: the agreement cannot be stored without its buyer.
  std::string no_buyer = release_json("r1", "met", "2025-02-20");
  const std::string buyer = R"({"id":"B1","name":"楚雄州机关事务管理局","roles":["buyer"]},)";
  no_buyer.erase(no_buyer.find(buyer), buyer.size());
  const std::vector<std::string> first{write_file(dir, "1.json", package_json({no_buyer}))};
  ASSERT_TRUE(import_ocds_files(store, first, ImportOptions{}).has_value());
  EXPECT_EQ(db.count("agreements"), 0);
  auto open = store.quarantine(QuarantineFilter{"file", "open", "unresolved_party", 0, 10});
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1u);

  // The buyer is published (another release of the same ocid names it); the entry can now be placed.
  const std::vector<std::string> second{
      write_file(dir, "2.json", package_json({release_json("r2", "scheduled", "")}))};
  ASSERT_TRUE(import_ocds_files(store, second, ImportOptions{}).has_value());

  const auto answer = call(server::Method::post,
                           "/api/v1/sync/quarantine/" + std::to_string(open->front().id) + "/reprocess");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["status"], "resolved");
  auto entry = store.quarantine_entry(open->front().id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->status, "resolved");
  EXPECT_EQ(db.count("facts"), 1);
  EXPECT_EQ(call(server::Method::post, "/api/v1/sync/quarantine/999999/reprocess").status, 404);
}

/** A release of `ocid` whose buyer is a body of `region` (its credit code says so) and whose only milestone
 * has an impossible due date, so that storing it quarantines an entry. */
std::string release_in(const std::string& region, const std::string& ocid) {
  const std::string first17 = "11" + region + "MB0000001";
  const std::string code = first17 + domain::credit_code_check_character(first17);
  std::string text = release_json("r1", "scheduled", "");
  text.replace(text.find("ocds-test-0001"), 14, ocid);
  const std::string buyer = R"({"id":"B1","name":"楚雄州机关事务管理局","roles":["buyer"]})";
  text.replace(text.find(buyer), buyer.size(),
               R"({"id":"B1","name":"机关事务管理局 )" + region +
                   R"(","roles":["buyer"],"identifier":{"scheme":"CN-USCC","id":")" + code + R"("}})");
  text.replace(text.find("2025-03-01"), 10, "2025-02-30");
  return text;
}

/** The sync routes with one token per role and region, over imports in 楚雄市 and 禄丰市. */
class SyncScopeTest : public ::testing::Test {
 protected:
  SyncDb db;
  std::map<std::string, server::Principal> tokens{
      {"platform", {"t_p", "平台", server::Role::platform, ""}},
      {"platform-532301", {"t_p1", "平台(楚雄市)", server::Role::platform, "532301"}},
      {"auditor-532301", {"t_a1", "楚雄市审计局", server::Role::auditor, "532301"}},
      {"auditor-532302", {"t_a2", "禄丰市审计局", server::Role::auditor, "532302"}},
      {"auditor-532300", {"t_a0", "州审计局", server::Role::auditor, "532300"}},
  };
  server::Authenticator auth{[this](std::string_view hash) -> std::optional<server::Principal> {
    for (const auto& [token, principal] : tokens)
      if (server::token_hash_hex(token) == hash) return principal;
    return std::nullopt;
  }};
  server::Router router;
  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-sync-scope");

  SyncScopeTest() { server::add_sync_routes(router, auth, *db.db); }
  ~SyncScopeTest() override { std::filesystem::remove_all(dir); }

  server::Response call(server::Method method, const std::string& path, const std::string& token) {
    auto match = router.resolve(method, path);
    server::Request r;
    r.method = method;
    r.path = r.target = path;
    r.path_params = match.params;
    r.route = match.route;
    r.headers.set("Authorization", "Bearer " + token);
    return (*match.handler)(r);
  }
  /** The `field` of every item a GET lists for `token`. */
  std::vector<std::string> listed(const std::string& path, const std::string& token,
                                  const std::string& field) {
    const auto answer = call(server::Method::get, path, token);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> out;
    const json body = json::parse(answer.body);
    for (const auto& item : body.at("items")) {
      const json value = item.value(field, json());
      out.push_back(value.is_null() ? "-" : value.get<std::string>());
    }
    return out;
  }
  void import(const std::string& name, const std::string& text) {
    SyncStore store(*db.db);
    const std::vector<std::string> paths{write_file(dir, name, text)};
    ASSERT_TRUE(import_ocds_files(store, paths, ImportOptions{}).has_value());
  }
};

// Verifies quarantine entries and runs are filed under the region of the bodies they touch and a
// region-scoped token lists only its own (issue 13: a 532301 token read 禄丰市's raw records); an entry or
// run of no single region (an unreadable line, a run across counties) is left to unscoped tokens and wider
// scopes.
TEST_F(SyncScopeTest, ScopedTokensListOnlyTheirRegion) {
  import("cx.jsonl", release_in("532301", "ocds-cx-1") + "\n");
  import("lf.jsonl", release_in("532302", "ocds-lf-1") + "\n{not json\n");
  import("both.jsonl", release_in("532301", "ocds-cx-2") + "\n" + release_in("532302", "ocds-lf-2") + "\n");

  using V = std::vector<std::string>;
  const std::string q = "/api/v1/sync/quarantine";
  EXPECT_EQ(listed(q, "auditor-532301", "region"), (V{"532301", "532301"}));
  EXPECT_EQ(listed(q, "auditor-532302", "region"), (V{"532302", "532302"}));
  EXPECT_EQ(listed(q, "auditor-532300", "region").size(), 4u);
  EXPECT_EQ(listed(q, "platform", "region").size(), 5u);  // and the unreadable line, filed under no region
  for (const auto& key : listed(q, "auditor-532301", "external_key"))
    EXPECT_EQ(key.find("ocds-lf-"), std::string::npos) << "a 禄丰市 record shown to 楚雄市: " << key;

  const std::string runs = "/api/v1/sync/runs";
  EXPECT_EQ(listed(runs, "platform", "region"), (V{"532300", "532302", "532301"}));
  EXPECT_EQ(listed(runs, "auditor-532301", "region"), (V{"532301"}));
  EXPECT_EQ(listed(runs, "auditor-532302", "region"), (V{"532302"}));
  EXPECT_EQ(listed(runs, "auditor-532300", "region").size(), 3u);
}

// Verifies re-processing takes an unscoped platform (or admin) token: a scoped one gets 404 for another
// region's entry and 403 for its own.
TEST_F(SyncScopeTest, ReprocessNeedsAnUnscopedToken) {
  import("cx.jsonl", release_in("532301", "ocds-cx-1") + "\n");
  import("lf.jsonl", release_in("532302", "ocds-lf-1") + "\n");
  SyncStore store(*db.db);
  auto entries = store.quarantine(QuarantineFilter{});
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  const auto path = [](const QuarantineRow& row) {
    return "/api/v1/sync/quarantine/" + std::to_string(row.id) + "/reprocess";
  };
  const bool first_is_cx = entries->at(0).entry.external_key.find("ocds-cx-1") != std::string::npos;
  const auto& cx = entries->at(first_is_cx ? 0 : 1);
  const auto& lf = entries->at(first_is_cx ? 1 : 0);
  ASSERT_NE(lf.entry.external_key.find("ocds-lf-1"), std::string::npos) << lf.entry.external_key;
  EXPECT_EQ(call(server::Method::post, path(lf), "platform-532301").status, 404);
  EXPECT_EQ(call(server::Method::post, path(cx), "platform-532301").status, 403);
  // The unscoped token passes the scope check; the entry (a milestone's text) holds no release: 422.
  EXPECT_EQ(call(server::Method::post, path(lf), "platform").status, 422);
}

}  // namespace
}  // namespace pactwatch::sync::testing
