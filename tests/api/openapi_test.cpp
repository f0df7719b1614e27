// The OpenAPI document against the router the executable builds: every served route is documented, every
// documented route is served, and the document is well-formed where clients rely on it.
#include "server/openapi.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "server/routes.hpp"
#include "tests/support/test_database.hpp"

namespace pactwatch::server {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kMethods{"get",    "post", "put",    "patch",
                                                   "delete", "head", "options"};

class OpenApiTest : public ::testing::Test {
 protected:
  OpenApiTest()
      : db_(tdb_.open()), auth_([](std::string_view) -> std::optional<Principal> { return std::nullopt; }) {
    build_router(router_, metrics_, SystemProbes{}, auth_, *db_);
    doc_ = json::parse(openapi_document());
  }
  /** "GET /api/v1/bodies/{id}" for every route the router serves. */
  std::set<std::string> served() const {
    std::set<std::string> out;
    for (const auto& r : router_.routes())
      out.insert(std::string(method_name(r.method)) + " " + r.path_template);
    return out;
  }
  testing::TestDatabase tdb_;
  std::unique_ptr<store::Database> db_;
  Metrics metrics_;
  Authenticator auth_;
  Router router_;
  json doc_;
};

/** Method + path template of every operation in the document. */
std::set<std::string> operations(const json& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (auto m : kMethods) {
      if (!item.contains(std::string(m))) continue;
      std::string upper(m);
      for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(upper + " " + path);
    }
  }
  return out;
}

// Verifies every served route is in the document and the document names no route that is not served.
TEST_F(OpenApiTest, DocumentAndRouterAgree) {
  const auto in_doc = operations(doc_);
  const auto in_router = served();
  std::vector<std::string> undocumented, unserved;
  std::ranges::set_difference(in_router, in_doc, std::back_inserter(undocumented));
  std::ranges::set_difference(in_doc, in_router, std::back_inserter(unserved));
  EXPECT_THAT(undocumented, ::testing::IsEmpty()) << "served but missing from server/api/openapi.json";
  EXPECT_THAT(unserved, ::testing::IsEmpty()) << "in server/api/openapi.json but not served";
  EXPECT_GE(in_router.size(), 5u);
}

// Verifies the document is OpenAPI 3.1 with a bearer security scheme, and every $ref resolves.
TEST_F(OpenApiTest, IsOpenApi31WithResolvableRefs) {
  EXPECT_EQ(doc_.at("openapi"), "3.1.0");
  EXPECT_EQ(doc_.at("components").at("securitySchemes").at("bearer").at("scheme"), "bearer");
  std::vector<std::string> dangling;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      if (auto it = j.find("$ref"); it != j.end() && it->is_string()) {
        const std::string ref = *it;
        if (!ref.starts_with("#/") || !doc_.contains(json::json_pointer(ref.substr(1))))
          dangling.push_back(ref);
      }
      for (const auto& [k, v] : j.items())
        walk(v);
    } else if (j.is_array()) {
      for (const auto& v : j)
        walk(v);
    }
  };
  walk(doc_);
  EXPECT_THAT(dangling, ::testing::IsEmpty());
}

// Verifies the error responses clients rely on: protected operations document 401 and 403, updates 412 and
// 428, creations 409 and 422, reads of one record 404; public operations declare no security.
TEST_F(OpenApiTest, OperationsDocumentTheirErrors) {
  const std::set<std::string> public_paths{"/healthz",
                                           "/readyz",
                                           "/metrics",
                                           "/api/v1/version",
                                           "/openapi.json",
                                           "/api/v1/public/complaints",
                                           "/api/v1/public/breaches",
                                           "/api/v1/public/complaints/{code}"};
  for (const auto& [path, item] : doc_.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      const auto& responses = op.at("responses");
      const std::string where = method + " " + path;
      if (public_paths.contains(path)) {
        EXPECT_EQ(op.at("security"), json::array()) << where;
        continue;
      }
      // Every valid token may ask who it is (GET /api/v1/whoami): no role is refused, so no 403.
      EXPECT_TRUE(responses.contains("401") && (responses.contains("403") || path == "/api/v1/whoami"))
          << where;
      if (method == "patch") {
        EXPECT_TRUE(responses.contains("412") && responses.contains("428")) << where;
      }
      if (method == "post") {
        EXPECT_TRUE(responses.contains("409") && responses.contains("422")) << where;
      }
      if (path.find('{') != std::string::npos) {
        EXPECT_TRUE(responses.contains("404")) << where;
      }
      // The trail's proofs, verification, key and CSV export, whoami and the OCDS export (a release
      // package) are documents, not lists.
      static const std::set<std::string> not_lists{"/api/v1/trail.csv",    "/api/v1/trail/consistency",
                                                   "/api/v1/trail/verify", "/api/v1/trail/public-key",
                                                   "/api/v1/whoami",       "/api/v1/export/ocds"};
      if (method == "get" && path.find('{') == std::string::npos && !not_lists.contains(path)) {
        EXPECT_TRUE(responses.at("200")
                        .at("content")
                        .at("application/json")
                        .at("schema")
                        .at("$ref")
                        .get<std::string>()
                        .ends_with("List"))
            << where << " should answer a list envelope";
      }
    }
  }
}

// Verifies GET /openapi.json is routed without authentication and answers the built-in document.
TEST_F(OpenApiTest, RouteServesTheDocument) {
  const auto match = router_.resolve(Method::get, "/openapi.json");
  ASSERT_EQ(match.kind, RouteMatch::Kind::matched);
  Request request;
  request.path = "/openapi.json";
  const Response r = (*match.handler)(request);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(json::parse(r.body), doc_);
}

}  // namespace
}  // namespace pactwatch::server
