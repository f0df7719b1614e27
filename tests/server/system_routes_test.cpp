#include "server/system_routes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "server/http_server.hpp"
#include "tests/server/test_client.hpp"

namespace pactwatch::server {
namespace {

using testing::fetch;
using ::testing::HasSubstr;

/** The real server with only the system routes, and probes the test controls. */
class SystemRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router = std::make_shared<Router>();
    SystemProbes probes;
    probes.ready = [this]() -> domain::Result<void> {
      if (!ready_)
        return domain::fail(domain::ErrorCode::unavailable, "migration 0002_ledger is not applied");
      return {};
    };
    probes.pool_stats = [] { return store::PoolStats{4, 1, 2}; };
    register_system_routes(*router, metrics_, probes);
    HttpOptions options;
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<HttpServer>(options, router, metrics_);
    server_->start();
  }

  std::atomic<bool> ready_{true};
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

// Verifies that /healthz answers 200 {"status":"ok"}.
TEST_F(SystemRoutesTest, HealthzSaysOk) {
  auto response = fetch(server_->port(), "GET", "/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.json(), nlohmann::json({{"status", "ok"}}));
}

// Verifies that /readyz is 200 when the probe passes and 503 problem+json with its reason when not.
TEST_F(SystemRoutesTest, ReadyzReflectsTheProbe) {
  EXPECT_EQ(fetch(server_->port(), "GET", "/readyz").status, 200);
  ready_ = false;
  auto response = fetch(server_->port(), "GET", "/readyz");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.header("content-type"), "application/problem+json");
  EXPECT_EQ(response.json().at("detail"), "migration 0002_ledger is not applied");
  EXPECT_FALSE(response.header("retry-after").empty());
}

// Verifies /api/v1/version names the service, its compiled-in version and the API level.
TEST_F(SystemRoutesTest, VersionNamesServiceAndApi) {
  auto body = fetch(server_->port(), "GET", "/api/v1/version").json();
  EXPECT_EQ(body.at("name"), "pactwatch");
  EXPECT_EQ(body.at("version"), std::string(service_version()));
  EXPECT_FALSE(body.at("version").get<std::string>().empty());
  EXPECT_EQ(body.at("api"), "v1");
}

// Verifies /metrics is Prometheus text with the request counters, in-flight, connections and pool gauges.
TEST_F(SystemRoutesTest, MetricsExposesPrometheusText) {
  testing::TestClient client(server_->port());
  client.request("GET", "/healthz");
  auto response = client.request("GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.header("content-type"), HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(response.body,
              HasSubstr("pactwatch_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"));
  EXPECT_THAT(response.body, HasSubstr("# TYPE pactwatch_http_request_duration_seconds histogram"));
  // The scrape itself is in flight, on the one open connection.
  EXPECT_THAT(response.body, HasSubstr("pactwatch_http_requests_in_flight 1"));
  EXPECT_THAT(response.body, HasSubstr("pactwatch_http_open_connections 1"));
  EXPECT_THAT(response.body, HasSubstr("pactwatch_db_pool_size 4"));
  EXPECT_THAT(response.body, HasSubstr("pactwatch_db_pool_in_use 1"));
  EXPECT_THAT(response.body, HasSubstr("pactwatch_db_pool_waiting 2"));
}

// Verifies the route table: healthz, version and metrics inline; readyz on the worker pool.
TEST(SystemRoutesTableTest, ReadyzIsTheOnlyBlockingSystemRoute) {
  Router router;
  Metrics metrics;
  register_system_routes(router, metrics, {});
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 4u);
  for (const auto& route : routes) {
    EXPECT_EQ(route.method, Method::get);
    EXPECT_EQ(route.execution == Execution::blocking, route.path_template == "/readyz")
        << route.path_template;
  }
}

}  // namespace
}  // namespace pactwatch::server
