// /api/v1/sync routes (server/api/sync_routes.hpp), called through the router with a stub token lookup.

#include "server/api/sync_routes.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/sync/file_import.hpp"
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

}  // namespace
}  // namespace pactwatch::sync::testing
