// Tests of the message catalogue: which language a request prefers, and the Chinese of the service's
// English texts (templates with variable parts, a reordered summary, an unknown text left as it is).
#include <algorithm>

#include "server/messages.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pactwatch::server {
namespace {

// Verifies Chinese is the default and English is chosen only when preferred (by q-value, then order).
TEST(Messages, PreferredLanguage) {
  EXPECT_EQ(preferred_language(std::nullopt), Language::zh);
  EXPECT_EQ(preferred_language(""), Language::zh);
  EXPECT_EQ(preferred_language("en"), Language::en);
  EXPECT_EQ(preferred_language("EN-us"), Language::en);
  EXPECT_EQ(preferred_language("zh-CN,zh;q=0.9,en;q=0.8"), Language::zh);
  EXPECT_EQ(preferred_language("zh;q=0.5, en;q=0.9"), Language::en);
  EXPECT_EQ(preferred_language("fr, de"), Language::zh);
  EXPECT_EQ(preferred_language("fr, en;q=0.1"), Language::en);
  EXPECT_EQ(preferred_language("en;q=0"), Language::zh);
}

// Verifies templates fill their variable parts, a validation detail translates its message, the BC09
// summary reorders its parts, English stays as given and an unknown text is returned unchanged.
TEST(Messages, LocalizedTexts) {
  EXPECT_EQ(localized("no agreement agr_1", Language::zh), "没有协议 agr_1");
  EXPECT_EQ(localized("no agreement agr_1", Language::en), "no agreement agr_1");
  EXPECT_EQ(localized("as_of: must be a date YYYY-MM-DD", Language::zh), "as_of：必须是日期（YYYY-MM-DD）");
  EXPECT_EQ(localized("3 fields are invalid", Language::zh), "3 个字段不合法");
  EXPECT_EQ(
      localized("BC01 未按期履约: not performed by due date + grace (com_1, due 2026-01-10, 50 days late)",
                Language::zh),
      "BC01 未按期履约：到期（含宽限期）未履行（com_1，应于 2026-01-10 履行，逾期 50 天）");
  EXPECT_EQ(
      localized("BC09 多次失信: 3 recorded breaches of org_1 within 365 days up to 2026-05-01", Language::zh),
      "BC09 多次失信：org_1 在截至 2026-05-01 的 365 天内有 3 次失信记录");
  EXPECT_EQ(localized("something new", Language::zh), "something new");
}

// Verifies a problem+json answer is put into Chinese (title, detail, field messages) and says so, while
// English leaves the body alone and a non-JSON answer is not touched.
TEST(Messages, LocalizeProblem) {
  Request request;
  request.path = "/api/v1/x";
  Response zh = validation_problem(request, {{"limit", "must be a positive integer"}});
  localize_problem(zh, Language::zh);
  const auto body = nlohmann::json::parse(zh.body);
  EXPECT_EQ(body["title"], "参数校验失败");
  EXPECT_EQ(body["detail"], "limit：必须是正整数");
  EXPECT_EQ(body["errors"][0]["field"], "limit");
  EXPECT_EQ(body["errors"][0]["message"], "必须是正整数");
  EXPECT_EQ(zh.headers.get("Content-Language"), "zh-CN");
  Response en = problem_response(request, 404, "no body bod_1");
  const std::string before = en.body;
  localize_problem(en, Language::en);
  EXPECT_EQ(en.body, before);
  EXPECT_EQ(en.headers.get("Content-Language"), "en");
  Response not_found = problem_response(request, 404, "no body bod_1");
  localize_problem(not_found, Language::zh);
  EXPECT_EQ(nlohmann::json::parse(not_found.body)["title"], "未找到");
  Response page;
  page.content_type = "text/html; charset=utf-8";
  page.body = "<p>no body</p>";
  localize_problem(page, Language::zh);
  EXPECT_EQ(page.body, "<p>no body</p>");
  EXPECT_FALSE(page.headers.contains("Content-Language"));
}

}  // namespace
// Verifies an English problem text the catalogue does not know is remembered (once) when it is left in a
// Chinese answer, so that the HTTP suites can fail on it, while ids, English answers and known texts are not.
TEST(Messages, UntranslatedTextsAreRemembered) {
  Request request;
  request.path = "/api/v1/x";
  const auto count = [](const std::string& text) {
    const auto texts = untranslated_texts();
    return std::count(texts.begin(), texts.end(), text);
  };
  for (int i = 0; i < 2; ++i) {
    Response r = problem_response(request, 409, "a brand new english sentence");
    localize_problem(r, Language::zh);
  }
  EXPECT_EQ(count("a brand new english sentence"), 1);
  Response english = problem_response(request, 409, "another new english sentence");
  localize_problem(english, Language::en);
  EXPECT_EQ(count("another new english sentence"), 0);
  Response known = problem_response(request, 404, "no body bod_1");
  localize_problem(known, Language::zh);
  EXPECT_EQ(count("no body bod_1"), 0);
  Response id_only = problem_response(request, 409, "agr_01");
  localize_problem(id_only, Language::zh);
  EXPECT_EQ(count("agr_01"), 0);
}

}  // namespace pactwatch::server
