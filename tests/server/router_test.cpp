#include "server/router.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace pactwatch::server {
namespace {

Handler returns(int status) {
  return [status](const Request&) {
    Response r;
    r.status = status;
    return r;
  };
}

int call(const RouteMatch& match) {
  return (*match.handler)(Request{}).status;
}

// Verifies that literal and parameterised templates match and parameters come out decoded.
TEST(RouterTest, MatchesTemplatesAndDecodesParameters) {
  Router router;
  router.get("/api/v1/bodies/{id}", returns(1));
  router.get("/api/v1/trail/entries/{seq}/proof", returns(2));
  auto match = router.resolve(Method::get, "/api/v1/bodies/%E6%A5%9A%20x");
  ASSERT_EQ(match.kind, RouteMatch::Kind::matched);
  EXPECT_EQ(match.route, "/api/v1/bodies/{id}");
  EXPECT_EQ(match.params.at("id"), "楚 x");
  auto proof = router.resolve(Method::get, "/api/v1/trail/entries/42/proof");
  ASSERT_EQ(proof.kind, RouteMatch::Kind::matched);
  EXPECT_EQ(proof.params.at("seq"), "42");
  EXPECT_EQ(call(proof), 2);
}

// Verifies that unknown paths, extra segments, empty parameters and trailing slashes are not found.
TEST(RouterTest, UnknownPathsAreNotFound) {
  Router router;
  router.get("/api/v1/bodies/{id}", returns(1));
  for (auto path : {"/api/v1/bodies", "/api/v1/bodies/", "/api/v1/bodies/1/x", "/other", "/"}) {
    auto match = router.resolve(Method::get, path);
    EXPECT_EQ(match.kind, RouteMatch::Kind::not_found) << path;
    EXPECT_EQ(match.route, kUnmatchedRoute) << path;
  }
}

// Verifies that a known path with another method is 405 material, with the allowed methods listed.
TEST(RouterTest, WrongMethodListsAllowedMethods) {
  Router router;
  router.get("/things/{id}", returns(1));
  router.add(Method::delete_, "/things/{id}", returns(2));
  auto match = router.resolve(Method::post, "/things/7");
  EXPECT_EQ(match.kind, RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(match.allow, "DELETE, GET, HEAD");
  EXPECT_EQ(match.route, "/things/{id}");
}

// Verifies that HEAD is served by the GET route unless a HEAD route exists.
TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  router.get("/a", returns(1));
  router.get("/b", returns(2));
  router.add(Method::head, "/b", returns(3));
  EXPECT_EQ(call(router.resolve(Method::head, "/a")), 1);
  EXPECT_EQ(call(router.resolve(Method::head, "/b")), 3);
  EXPECT_EQ(router.resolve(Method::head, "/c").kind, RouteMatch::Kind::not_found);
}

// Verifies that a literal segment wins over a parameter, whatever the order of registration.
TEST(RouterTest, LiteralSegmentBeatsParameter) {
  Router router;
  router.get("/bodies/{id}", returns(1));
  router.get("/bodies/search", returns(2));
  router.get("/{kind}/search", returns(3));
  EXPECT_EQ(call(router.resolve(Method::get, "/bodies/search")), 2);
  EXPECT_EQ(call(router.resolve(Method::get, "/bodies/b-1")), 1);
  EXPECT_EQ(call(router.resolve(Method::get, "/firms/search")), 3);
}

// Verifies that routes record how they execute and can be listed in order.
TEST(RouterTest, RoutesAreListable) {
  Router router;
  router.get("/healthz", returns(1), Execution::inline_io);
  router.post("/api/v1/commitments", returns(2));
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, Method::get);
  EXPECT_EQ(routes[0].path_template, "/healthz");
  EXPECT_EQ(routes[0].execution, Execution::inline_io);
  EXPECT_EQ(routes[1].method, Method::post);
  EXPECT_EQ(routes[1].execution, Execution::blocking);
  EXPECT_EQ(router.resolve(Method::get, "/healthz").execution, Execution::inline_io);
}

// Verifies that malformed templates and duplicates are rejected at registration.
TEST(RouterTest, RejectsMalformedAndDuplicateTemplates) {
  Router router;
  router.get("/a/{id}", returns(1));
  EXPECT_THROW(router.get("/a/{other}", returns(1)), std::invalid_argument);
  EXPECT_THROW(router.get("no-slash", returns(1)), std::invalid_argument);
  EXPECT_THROW(router.get("/a//b", returns(1)), std::invalid_argument);
  EXPECT_THROW(router.get("/a/{}", returns(1)), std::invalid_argument);
  EXPECT_THROW(router.get("/a/{x}/{x}/c", returns(1)), std::invalid_argument);
  EXPECT_NO_THROW(router.post("/a/{id}", returns(1)));
}

// Verifies that a malformed percent-escape in the path is reported as a bad path, not a 404.
TEST(RouterTest, MalformedEscapeIsBadPath) {
  Router router;
  router.get("/a/{id}", returns(1));
  EXPECT_EQ(router.resolve(Method::get, "/a/%zz").kind, RouteMatch::Kind::bad_path);
  EXPECT_EQ(router.resolve(Method::get, "/a/%4").kind, RouteMatch::Kind::bad_path);
  EXPECT_EQ(router.resolve(Method::get, "*").kind, RouteMatch::Kind::bad_path);
}

// Verifies query-string parsing: '+' and %XX decode, the first value of a repeated key wins and the repeat
// is reported (the server refuses it), also when spelt differently ("%6Cimit").
TEST(RouterTest, ParsesQueryStrings) {
  std::string repeated;
  auto query = parse_query("q=a+b%2Bc&limit=50&%6Cimit=10&flag&=x", &repeated);
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(query->at("q"), "a b+c");
  EXPECT_EQ(query->at("limit"), "50");
  EXPECT_EQ(query->at("flag"), "");
  EXPECT_EQ(repeated, "limit");
  EXPECT_FALSE(parse_query("q=%G1").has_value());
}

}  // namespace
}  // namespace pactwatch::server
