#include "server/http_message.hpp"

#include "server/api/api_support.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pactwatch::server {
namespace {

Request sample_request() {
  Request request;
  request.path = "/api/v1/commitments/c-1";
  request.request_id = "rid-1";
  return request;
}

// Verifies the RFC 9457 shape: type, title from the status, status, detail, instance and request_id.
TEST(HttpMessageTest, ProblemResponseHasRfc9457Shape) {
  auto response = problem_response(sample_request(), 404, "No commitment c-1.");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body.at("type"), "about:blank");
  EXPECT_EQ(body.at("title"), "Not Found");
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("detail"), "No commitment c-1.");
  EXPECT_EQ(body.at("instance"), "/api/v1/commitments/c-1");
  EXPECT_EQ(body.at("request_id"), "rid-1");
  EXPECT_FALSE(body.contains("errors"));
}

// Verifies that validation problems list each field with its message.
TEST(HttpMessageTest, ValidationProblemListsFields) {
  auto response =
      validation_problem(sample_request(), {{"amount", "must be positive"}, {"due", "not a date"}});
  EXPECT_EQ(response.status, 422);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body.at("type"), "/problems/validation");
  ASSERT_EQ(body.at("errors").size(), 2u);
  EXPECT_EQ(body.at("errors")[0].at("field"), "amount");
  EXPECT_EQ(body.at("errors")[0].at("message"), "must be positive");
}

// Verifies the mapping from domain errors to statuses and problem bodies.
TEST(HttpMessageTest, DomainErrorsMapToStatuses) {
  EXPECT_EQ(status_for(domain::ErrorCode::invalid), 422);
  EXPECT_EQ(status_for(domain::ErrorCode::not_found), 404);
  EXPECT_EQ(status_for(domain::ErrorCode::conflict), 409);
  EXPECT_EQ(status_for(domain::ErrorCode::illegal_transition), 409);
  EXPECT_EQ(status_for(domain::ErrorCode::unavailable), 503);
  EXPECT_EQ(status_for(domain::ErrorCode::stale), 409);

  auto invalid =
      error_response(sample_request(), domain::Error::invalid("amount.currency", "unknown currency"));
  auto body = nlohmann::json::parse(invalid.body);
  EXPECT_EQ(body.at("errors")[0].at("field"), "amount.currency");

  auto missing = error_response(sample_request(), domain::Error{domain::ErrorCode::not_found, "no such", ""});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body).at("type"), "/problems/not-found");
}

// Verifies that invalid UTF-8 in a detail does not throw but is replaced.
TEST(HttpMessageTest, InvalidUtf8DoesNotThrow) {
  Response response;
  EXPECT_NO_THROW(response = problem_response(sample_request(), 400, std::string("bad \xff byte")));
  EXPECT_TRUE(nlohmann::json::accept(response.body));
  EXPECT_EQ(response.status, 400);
}

// Verifies case-insensitive header lookup, set replacing every earlier field, and erase.
TEST(HttpMessageTest, HeadersAreCaseInsensitive) {
  Headers headers;
  headers.add("Content-Type", "a");
  headers.add("content-type", "b");
  EXPECT_EQ(headers.get("CONTENT-TYPE"), "a");
  headers.set("Content-TYPE", "c");
  EXPECT_EQ(headers.fields().size(), 1u);
  EXPECT_EQ(headers.get("content-type"), "c");
  headers.erase("CONTENT-type");
  EXPECT_FALSE(headers.contains("Content-Type"));
}

// Verifies method parsing is exact (RFC 9110 methods are case-sensitive).
TEST(HttpMessageTest, ParsesMethods) {
  EXPECT_EQ(parse_method("GET"), Method::get);
  EXPECT_EQ(parse_method("DELETE"), Method::delete_);
  EXPECT_EQ(parse_method("get"), Method::other);
  EXPECT_EQ(method_name(Method::patch), "PATCH");
}

// Verifies that a write which lost an optimistic-concurrency race is classified by the error's kind: a
// `stale` error is 412 on an update and 409 elsewhere whatever its text says, and a `conflict` whose text
// happens to end in "meanwhile" stays 409 (it used to be told apart by that suffix).
TEST(HttpMessageTest, StaleWriteMapsByKindNotText) {
  const domain::Error stale{domain::ErrorCode::stale, "the row moved under us", ""};
  EXPECT_EQ(api::update_error(sample_request(), stale).status, 412);
  EXPECT_EQ(api::read_error(sample_request(), stale).status, 409);
  EXPECT_EQ(error_response(sample_request(), stale).status, 409);
  EXPECT_EQ(nlohmann::json::parse(error_response(sample_request(), stale).body).at("type"),
            "/problems/conflict");

  const domain::Error duplicate{domain::ErrorCode::conflict, "a duplicate was created meanwhile", ""};
  EXPECT_EQ(api::update_error(sample_request(), duplicate).status, 409);
}

}  // namespace
}  // namespace pactwatch::server
