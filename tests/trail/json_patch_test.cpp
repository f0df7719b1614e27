#include "adapters/trail/json_patch.hpp"

#include <gtest/gtest.h>

namespace pactwatch::trail::json_patch {
namespace {

using nlohmann::json;

json applied(const json& doc, const char* patch) {
  auto r = json_patch::apply(doc, json::parse(patch));
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r.value_or(json());
}

domain::Error failure(const json& doc, const char* patch) {
  auto r = json_patch::apply(doc, json::parse(patch));
  EXPECT_FALSE(r.has_value()) << r.value_or(json()).dump();
  return r ? domain::Error{} : r.error();
}

// Verifies RFC 6901 parsing: "~1" is "/", "~0" is "~" (decoded in that order), and bad escapes fail.
TEST(JsonPointer, ParsesEscapes) {
  EXPECT_EQ(parse_pointer(""), std::vector<std::string>{});
  EXPECT_EQ(parse_pointer("/"), std::vector<std::string>{""});
  EXPECT_EQ(parse_pointer("/a~1b/m~0n/~01"), (std::vector<std::string>{"a/b", "m~n", "~1"}));
  EXPECT_FALSE(parse_pointer("a").has_value());
  EXPECT_FALSE(parse_pointer("/a~2").has_value());
  EXPECT_FALSE(parse_pointer("/a~").has_value());
  EXPECT_EQ(format_pointer({"a/b", "m~n"}), "/a~1b/m~0n");
}

// Verifies "add" on objects (new and existing member), arrays (insert, append with "-") and the root.
TEST(JsonPatchApply, Add) {
  EXPECT_EQ(applied(json::parse(R"({"foo":"bar"})"), R"([{"op":"add","path":"/baz","value":"qux"}])"),
            json::parse(R"({"foo":"bar","baz":"qux"})"));
  EXPECT_EQ(
      applied(json::parse(R"({"foo":["bar","baz"]})"), R"([{"op":"add","path":"/foo/1","value":"qux"}])"),
      json::parse(R"({"foo":["bar","qux","baz"]})"));
  EXPECT_EQ(applied(json::parse(R"({"foo":[1]})"), R"([{"op":"add","path":"/foo/-","value":[2]}])"),
            json::parse(R"({"foo":[1,[2]]})"));
  EXPECT_EQ(applied(json::parse(R"({"foo":1})"), R"([{"op":"add","path":"/foo","value":2}])"),
            json::parse(R"({"foo":2})"));
  EXPECT_EQ(applied(json::parse(R"({"foo":1})"), R"([{"op":"add","path":"","value":[3]}])"),
            json::parse("[3]"));
  EXPECT_EQ(applied(json::parse(R"({})"), R"([{"op":"add","path":"/a~1b","value":null}])"),
            json::parse(R"({"a/b":null})"));
}

// Verifies that "add" refuses a missing parent and an array index past the end or with a leading zero.
TEST(JsonPatchApply, AddErrors) {
  EXPECT_EQ(
      failure(json::parse(R"({"foo":"bar"})"), R"([{"op":"add","path":"/baz/bat","value":"qux"}])").field,
      "/0/path");
  failure(json::parse(R"({"a":[1,2]})"), R"([{"op":"add","path":"/a/3","value":0}])");
  failure(json::parse(R"({"a":[1,2]})"), R"([{"op":"add","path":"/a/01","value":0}])");
  failure(json::parse(R"({"a":"s"})"), R"([{"op":"add","path":"/a/x","value":0}])");
  EXPECT_EQ(failure(json::parse("{}"), R"([{"op":"add","path":"/a"}])").field, "/0/value");
}

// Verifies "remove" of members and array elements, and that removing what is not there fails.
TEST(JsonPatchApply, Remove) {
  EXPECT_EQ(applied(json::parse(R"({"baz":"qux","foo":"bar"})"), R"([{"op":"remove","path":"/baz"}])"),
            json::parse(R"({"foo":"bar"})"));
  EXPECT_EQ(applied(json::parse(R"({"foo":["bar","qux","baz"]})"), R"([{"op":"remove","path":"/foo/1"}])"),
            json::parse(R"({"foo":["bar","baz"]})"));
  failure(json::parse(R"({"foo":1})"), R"([{"op":"remove","path":"/bar"}])");
  failure(json::parse(R"({"foo":[1]})"), R"([{"op":"remove","path":"/foo/-"}])");
  failure(json::parse(R"({"foo":1})"), R"([{"op":"remove","path":""}])");
}

// Verifies "replace" of a member, an element and the whole document, and that a missing target fails.
TEST(JsonPatchApply, Replace) {
  EXPECT_EQ(applied(json::parse(R"({"baz":"qux","foo":"bar"})"),
                    R"([{"op":"replace","path":"/baz","value":"boo"}])"),
            json::parse(R"({"baz":"boo","foo":"bar"})"));
  EXPECT_EQ(applied(json::parse(R"([1,2])"), R"([{"op":"replace","path":"/1","value":{"a":1}}])"),
            json::parse(R"([1,{"a":1}])"));
  EXPECT_EQ(applied(json::parse(R"([1])"), R"([{"op":"replace","path":"","value":"x"}])"), json("x"));
  failure(json::parse(R"({"foo":1})"), R"([{"op":"replace","path":"/bar","value":1}])");
}

// Verifies "move" between members and within an array, a no-op move, and the ban on moving into a child.
TEST(JsonPatchApply, Move) {
  EXPECT_EQ(applied(json::parse(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})"),
                    R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])"),
            json::parse(R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"));
  EXPECT_EQ(applied(json::parse(R"({"foo":["all","grass","cows","eat"]})"),
                    R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])"),
            json::parse(R"({"foo":["all","cows","eat","grass"]})"));
  EXPECT_EQ(applied(json::parse(R"({"a":1})"), R"([{"op":"move","from":"/a","path":"/a"}])"),
            json::parse(R"({"a":1})"));
  EXPECT_EQ(failure(json::parse(R"({"a":{"b":1}})"), R"([{"op":"move","from":"/a","path":"/a/b/c"}])").field,
            "/0/from");
  failure(json::parse(R"({"a":1})"), R"([{"op":"move","from":"/b","path":"/c"}])");
}

// Verifies "copy" duplicates a value (a deep copy, later changes do not alias) and needs an existing source.
TEST(JsonPatchApply, Copy) {
  EXPECT_EQ(applied(json::parse(R"({"a":{"x":[1]}})"),
                    R"([{"op":"copy","from":"/a","path":"/b"},{"op":"add","path":"/b/x/-","value":2}])"),
            json::parse(R"({"a":{"x":[1]},"b":{"x":[1,2]}})"));
  failure(json::parse(R"({"a":1})"), R"([{"op":"copy","from":"/nope","path":"/b"}])");
}

// Verifies "test": success leaves the document alone, a difference is a conflict, and ~0/~1 paths resolve.
TEST(JsonPatchApply, Test) {
  const json doc = json::parse(R"({"baz":"qux","foo":["a",2,"c"],"/":9,"~":10})");
  EXPECT_EQ(
      applied(doc, R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2},
                            {"op":"test","path":"/~1","value":9},{"op":"test","path":"/~0","value":10}])"),
      doc);
  const domain::Error e = failure(doc, R"([{"op":"test","path":"/baz","value":"bar"}])");
  EXPECT_EQ(e.code, domain::ErrorCode::conflict);
  failure(doc, R"([{"op":"test","path":"/foo/1","value":"2"}])");
}

// Verifies that a patch applies all or nothing: a failing later operation leaves the input untouched and
// the error names the failing operation's index.
TEST(JsonPatchApply, AtomicAndNamesTheFailingOperation) {
  const json doc = json::parse(R"({"a":1})");
  const domain::Error e =
      failure(doc, R"([{"op":"replace","path":"/a","value":2},{"op":"remove","path":"/zzz"}])");
  EXPECT_EQ(e.field, "/1/path");
  EXPECT_NE(e.message.find("operation 1 (remove)"), std::string::npos);
  EXPECT_EQ(doc, json::parse(R"({"a":1})"));
  EXPECT_EQ(failure(doc, R"([{"op":"frobnicate","path":"/a"}])").field, "/0/op");
  failure(doc, R"({"op":"add"})");
  failure(doc, R"([{"op":"add","path":3,"value":1}])");
}

// Verifies apply(before, diff(before, after)) == after over a range of documents, including Chinese keys,
// keys needing pointer escapes, type changes, arrays and whole-document replacement.
TEST(JsonPatchDiff, RoundTrips) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"{}", "{}"},
      {"{}", R"({"a":1})"},
      {R"({"a":1})", "{}"},
      {R"({"a":1,"b":2})", R"({"a":1,"b":3})"},
      {R"({"a":{"b":{"c":1,"d":2}}})", R"({"a":{"b":{"c":1,"e":[1,2]}}})"},
      {R"({"a/b":1,"m~n":2})", R"({"a/b":2,"~":3})"},
      {R"({"状态":"已认定","金额":{"amount":"100.00","currency":"CNY"}})",
       R"({"状态":"已修复","金额":{"amount":"100.50","currency":"CNY"}})"},
      {R"({"a":[1,2,3]})", R"({"a":[1,3]})"},
      {R"({"a":[1,2,3]})", R"({"a":{"0":1}})"},
      {R"({"a":null})", R"({"a":false})"},
      {R"([1,2])", R"({"x":1})"},
      {R"("text")", "7"},
      {"null", R"({"a":1})"},
      {R"({"a":{"b":1}})", R"({"a":"flat"})"},
  };
  for (const auto& [before_text, after_text] : cases) {
    const json before = json::parse(before_text);
    const json after = json::parse(after_text);
    const json patch = diff(before, after);
    auto result = json_patch::apply(before, patch);
    ASSERT_TRUE(result.has_value()) << before_text << " -> " << after_text << ": " << result.error().message;
    EXPECT_EQ(*result, after) << before_text << " -> " << after_text << " via " << patch.dump();
  }
}

// Verifies the shape of a diff: member-level operations in key order, arrays replaced whole, nothing for
// equal documents.
TEST(JsonPatchDiff, ProducesMemberLevelOperations) {
  EXPECT_EQ(diff(json::parse(R"({"a":1,"b":[1],"c":3,"d":{"e":1}})"),
                 json::parse(R"({"b":[1,2],"c":3,"d":{"e":2},"f":0})")),
            json::parse(R"([{"op":"remove","path":"/a"},{"op":"replace","path":"/b","value":[1,2]},
                            {"op":"replace","path":"/d/e","value":2},{"op":"add","path":"/f","value":0}])"));
  EXPECT_EQ(diff(json::parse(R"({"x":[1,2]})"), json::parse(R"({"x":[1,2]})")), json::array());
  EXPECT_EQ(diff(json(1), json(2)), json::parse(R"([{"op":"replace","path":"","value":2}])"));
}

}  // namespace
}  // namespace pactwatch::trail::json_patch
