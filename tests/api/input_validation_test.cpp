// Request bodies that were accepted although they should not have been (issue 13): a wrong Content-Type,
// a member named twice, `null` where the representation never has null, control characters in one-line
// text, amounts beyond the bound, facts in another currency than their commitment, and nesting deep enough
// to exhaust a thread's stack. Every one is a problem+json naming the field in `errors`.
#include <gmock/gmock.h>

#include "domain/identifiers.hpp"
#include "tests/api/api_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::HasSubstr;

json cny(const std::string& amount) {
  return json{{"amount", amount}, {"currency", "CNY"}};
}

class InputValidationTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    body_ = create("bodies", body_json("楚雄市财政局", "532301"))["id"];
    supplier_ = create("organizations", {{"name", "云南彝信科技有限公司"}, {"sme", true}})["id"];
    agreement_ = create("agreements", {{"kind", "procurement"},
                                       {"title", "楚雄市智慧政务平台采购"},
                                       {"body_id", body_},
                                       {"counterparty_id", supplier_},
                                       {"value", cny("1280000.00")},
                                       {"signed_on", "2026-03-02"}})["id"];
    commitment_ = create("commitments", {{"agreement_id", agreement_},
                                         {"obligor_side", "government"},
                                         {"obligor_id", body_},
                                         {"kind", "payment"},
                                         {"title", "首期款"},
                                         {"due", "2026-06-30"},
                                         {"amount", cny("384000.00")}})["id"];
  }

  /** A POST with the raw body and headers given (no Content-Type unless in `headers`). */
  ClientResponse raw_post(const std::string& target, const std::string& body,
                          std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Authorization", std::string("Bearer ") + kSupervisor);
    return server::testing::fetch(server_->port(), "POST", target, headers, body);
  }

  /** A second commitment of the agreement (尾款), without an amount. */
  json final_payment() const {
    return {{"agreement_id", agreement_},
            {"obligor_side", "government"},
            {"obligor_id", body_},
            {"kind", "payment"},
            {"title", "尾款"},
            {"due", "2026-09-30"}};
  }

  /** Asserts a problem of `status` whose errors name `field`. */
  static void expect_field(const ClientResponse& r, int status, const std::string& field) {
    ASSERT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    const auto errors = r.json().at("errors");
    ASSERT_FALSE(errors.empty()) << r.body;
    EXPECT_EQ(errors.at(0).at("field"), field) << r.body;
  }

  std::string body_, supplier_, agreement_, commitment_;
};

// Verifies a body that is not declared as JSON is a 415 naming Content-Type, whatever it holds.
TEST_F(InputValidationTest, WrongContentTypeIs415) {
  const std::string body = body_json("双柏县财政局", "532322").dump();
  for (const auto& type : {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=gbk",
                           "application/jsonx", "multipart/form-data; boundary=x"}) {
    expect_field(raw_post("/api/v1/bodies", body, {{"Content-Type", type}}), 415, "Content-Type");
  }
  expect_field(raw_post("/api/v1/bodies", body, {}), 415, "Content-Type");
  for (const auto& type :
       {"application/json", "Application/JSON; charset=UTF-8", "application/merge-patch+json"}) {
    EXPECT_EQ(raw_post("/api/v1/bodies", body, {{"Content-Type", type}}).status, 201) << type;
  }
}

// Verifies a member named twice in one object, at the top or nested, is a 400 naming it (nlohmann::json kept
// the last one silently; a proxy or another parser may keep the first).
TEST_F(InputValidationTest, DuplicateKeysAre400) {
  const std::vector<std::pair<std::string, std::string>> json_type{{"Content-Type", "application/json"}};
  expect_field(
      raw_post("/api/v1/bodies",
               R"({"name": "双柏县财政局", "region": "532322", "kind": "department", "region": "532301"})",
               json_type),
      400, "region");
  expect_field(raw_post("/api/v1/officials",
                        R"({"name": "李明", "posts": [{"body_id": "x", "title": "t", "from": "2024-01-01"},
                            {"body_id": "x", "title": "t", "from": "2024-01-01", "title": "u"}]})",
                        json_type),
               400, "posts[1].title");
  expect_field(
      raw_post("/api/v1/agreements",
               R"({"value": {"amount": "1.00", "amount": "9999.00"}, "n\u0061me": 1, "name": 2})", json_type),
      400, "value.amount");
}

// Verifies `null` is refused where the representation never shows null (POST and PATCH), while a nullable
// member (an organization's credit_code, a commitment's amount) may still be sent as null or removed.
TEST_F(InputValidationTest, NullForNonNullableFieldsIs422) {
  expect_field(post("/api/v1/organizations", {{"name", "某公司"}, {"sme", nullptr}}), 422, "sme");
  expect_field(post("/api/v1/bodies", {{"name", nullptr}, {"region", "532301"}, {"kind", "department"}}), 422,
               "name");
  json c = final_payment();
  c["grace_days"] = nullptr;
  expect_field(post("/api/v1/commitments", c), 422, "grace_days");
  c.erase("grace_days");
  c["amount"] = nullptr;
  EXPECT_EQ(post("/api/v1/commitments", c).status, 201);
  EXPECT_EQ(post("/api/v1/organizations", {{"name", "另一公司"}, {"credit_code", nullptr}}).status, 201);

  const std::string org = "/api/v1/organizations/" + supplier_;
  expect_field(patch(org, {{"sme", nullptr}}, "\"v1\""), 422, "sme");
  expect_field(patch(org, {{"name", nullptr}}, "\"v1\""), 422, "name");
  EXPECT_EQ(get(org).json().at("sme"), true) << "a refused null must not reset sme to false";
  EXPECT_EQ(patch(org, {{"credit_code", nullptr}}, "\"v1\"").status, 200);
}

// Verifies control characters are refused in one-line text (names, titles) and accepted as line breaks only
// where free text may span lines (a fact's legal basis).
TEST_F(InputValidationTest, ControlCharactersInOneLineTextAre422) {
  for (const std::string& name : {std::string("楚雄市\n财政局"), std::string("a\tb"),
                                  std::string("a\x01"
                                              "b"),
                                  std::string("a\x7f"),
                                  std::string("a\xc2\x85"
                                              "b"),
                                  std::string("a\xe2\x80\xa8")}) {
    expect_field(post("/api/v1/bodies", body_json(name, "532301")), 422, "name");
  }
  json f{{"commitment_id", commitment_},
         {"kind", "amended"},
         {"on", "2026-05-01"},
         {"new_due", "2026-08-01"},
         {"legal_basis", "《政府采购法》第五十条\n第二款"},
         {"competent_authority", "楚雄州财政局"},
         {"procedure_reference", "楚财采〔2026〕12号"}};
  EXPECT_EQ(post("/api/v1/facts", f).status, 201);
  f["procedure_reference"] = "楚财采\n〔2026〕12号";
  expect_field(post("/api/v1/facts", f), 422, "procedure_reference");
}

// Verifies an amount above 10^15 fen is refused on every money field, and below it accepted.
TEST_F(InputValidationTest, AmountsBeyondTheBoundAre422) {
  json c = final_payment();
  c["amount"] = cny("10000000000000.01");
  expect_field(post("/api/v1/commitments", c), 422, "amount");
  json f{{"commitment_id", commitment_},
         {"kind", "fulfilled"},
         {"on", "2026-05-01"},
         {"amount", cny("92233720368547758.07")}};
  auto r = post("/api/v1/facts", f);
  expect_field(r, 422, "amount");
  EXPECT_THAT(r.body, HasSubstr("too large"));
  c["amount"] = cny("10000000000000.00");
  EXPECT_EQ(post("/api/v1/commitments", c).status, 201);
}

// Verifies a fact whose amount is in another currency than its commitment is a 422 on that amount (the fold
// would leave it out of every total without a word).
TEST_F(InputValidationTest, FactInAnotherCurrencyIs422) {
  json f{{"commitment_id", commitment_},
         {"kind", "fulfilled"},
         {"on", "2026-05-01"},
         {"amount", {{"amount", "384000.00"}, {"currency", "USD"}}}};
  expect_field(post("/api/v1/facts", f), 422, "amount");
  f["kind"] = "amended";
  f.erase("amount");
  f["new_amount"] = {{"amount", "1.00"}, {"currency", "EUR"}};
  expect_field(post("/api/v1/facts", f), 422, "new_amount");
  EXPECT_TRUE(walk("/api/v1/facts?commitment_id=" + commitment_, 10).empty());
}

// Verifies a body nested deeper than any resource needs is a 400 before it reaches the merge-patch (which
// recurses: a PATCH of 170,000 nested objects, within the 1 MiB body limit, overflowed a worker's stack and
// killed the server, issue 13) and the validators.
TEST_F(InputValidationTest, DeepNestingIs400) {
  std::string deep = R"({"name": )" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  expect_field(raw_post("/api/v1/bodies", deep, {{"Content-Type", "application/json"}}), 400, "body");
  std::string value = R"({"value":)";
  for (int i = 0; i < 170'000; ++i)
    value += R"({"a":)";
  value += "1" + std::string(170'000, '}') + "}";
  ASSERT_LT(value.size(), 1024u * 1024u) << "within the default body limit";
  auto r = server::testing::fetch(server_->port(), "PATCH", "/api/v1/agreements/" + agreement_,
                                  {{"Authorization", std::string("Bearer ") + kSupervisor},
                                   {"Content-Type", "application/json"},
                                   {"If-Match", "*"}},
                                  value);
  expect_field(r, 400, "body");
  EXPECT_EQ(get("/api/v1/agreements/" + agreement_).status, 200) << "the server survived";
}

// Verifies an X-Reason the trail cannot record (not UTF-8, too long) is a 422 naming it, not a 500 after the
// write failed, and that nothing was written.
TEST_F(InputValidationTest, UnrecordableReasonIs422) {
  const std::string body = body_json("双柏县财政局", "532322").dump();
  for (const std::string& reason :
       {std::string("\xff\xfe 无效"), std::string("a\xc0\x80"), std::string(1001, 'r')}) {
    auto r = raw_post("/api/v1/bodies", body, {{"Content-Type", "application/json"}, {"X-Reason", reason}});
    expect_field(r, 422, "X-Reason");
  }
  EXPECT_EQ(walk("/api/v1/bodies?region=532322", 10).size(), 0u);
  auto ok = raw_post("/api/v1/bodies", body,
                     {{"Content-Type", "application/json"}, {"X-Reason", "依据州政府会议纪要"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

// Verifies bytes that are not UTF-8 in a path or a filter are a plain 404 or an empty list on every backend
// (MariaDB refuses to compare them with utf8mb4 columns), never a 500.
TEST_F(InputValidationTest, NonUtf8IdsAndFiltersAreNotServerErrors) {
  EXPECT_EQ(get("/api/v1/bodies/%FF%FE").status, 404);
  EXPECT_EQ(get("/api/v1/agreements/agr_%C0%80").status, 404);
  for (const std::string target :
       {"/api/v1/bodies?parent_id=%FF", "/api/v1/agreements?ocid=%FF%FE", "/api/v1/facts?commitment_id=%FF",
        "/api/v1/organizations?credit_code=%FF"}) {
    auto r = get(target);
    EXPECT_TRUE(r.status == 200 || r.status == 422) << target << ": " << r.status << " " << r.body;
  }
}

// Verifies that a text as long as the API accepts (max_text_length, 500 bytes)
// is stored on both backends: an official's name, an agreement's ocid and platform codes, an assignment's
// role. MariaDB's columns were narrower (100 or 200) than what the API let through.
TEST_F(InputValidationTest, TextsAtTheLengthLimitAreStoredOnEveryBackend) {
  const std::string long_text(500, 'x');
  auto official = post("/api/v1/officials", {{"name", long_text}});
  EXPECT_EQ(official.status, 201) << official.body;
  auto agreement = post("/api/v1/agreements", {{"kind", "procurement"},
                                               {"title", long_text},
                                               {"body_id", body_},
                                               {"counterparty_id", supplier_},
                                               {"value", cny("1000.00")},
                                               {"signed_on", "2026-03-02"},
                                               {"ocid", "ocds-" + long_text.substr(0, 495)},
                                               {"platform_project_code", long_text},
                                               {"unified_deal_code", long_text}});
  EXPECT_EQ(agreement.status, 201) << agreement.body;
  if (agreement.status == 201) {
    EXPECT_EQ(agreement.json()["unified_deal_code"], long_text);
  }
}

}  // namespace
}  // namespace pactwatch::testing
