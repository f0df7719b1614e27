#include "server/logging.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pactwatch::server {
namespace {

// Verifies that an access line is one JSON object with the fields operators search by.
TEST(LoggingTest, AccessLineIsOneJsonObject) {
  AccessRecord record{"rid-9", "GET",        "/api/v1/bodies/{id}", 200, std::chrono::microseconds(1500),
                      42,      "127.0.0.1:5"};
  auto line = format_access(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.at("event"), "request");
  EXPECT_EQ(json.at("request_id"), "rid-9");
  EXPECT_EQ(json.at("method"), "GET");
  EXPECT_EQ(json.at("route"), "/api/v1/bodies/{id}");
  EXPECT_EQ(json.at("status"), 200);
  EXPECT_DOUBLE_EQ(json.at("duration_ms").get<double>(), 1.5);
  EXPECT_EQ(json.at("bytes"), 42);
  EXPECT_THAT(json.at("time").get<std::string>(),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
}

// Verifies that the hand-written access line escapes quotes, backslashes and control characters.
TEST(LoggingTest, AccessLineEscapesValues) {
  AccessRecord record{"id", "GET", "/a/\"x\"\\y\n\t", 404, std::chrono::nanoseconds(0), 0, ""};
  auto line = format_access(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.at("route"), "/a/\"x\"\\y\n\t");
  EXPECT_FALSE(json.contains("client"));
}

// Verifies that quotes, newlines and invalid UTF-8 in logged values cannot break the line.
TEST(LoggingTest, EventLineEscapesHostileValues) {
  auto line = format_event("warn", "x", {{"what", "a\"b\nc\xff"}, {"event", "spoofed"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.at("level"), "warn");
  EXPECT_EQ(json.at("event"), "x");  // fields cannot overwrite the event name
  EXPECT_THAT(json.at("what").get<std::string>(), ::testing::StartsWith("a\"b\nc"));
}

}  // namespace
}  // namespace pactwatch::server
