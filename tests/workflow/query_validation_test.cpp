// Query parameters of the evaluation routes that were read leniently (issue 13): std::stoi took "1abc" for 1,
// an unknown `format` silently answered JSON, and a region code that names no region answered an empty list.
// Each is now a 422 naming the parameter.
#include <gmock/gmock.h>

#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

class QueryValidationTest : public WorkflowFixture {};

void expect_field(const ClientResponse& r, const std::string& field) {
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), field) << r.body;
}

// Verifies `months` and `within_days` must be whole numbers in range, digits only.
TEST_F(QueryValidationTest, IntegerParametersAreDigitsOnly) {
  for (const std::string months :
       {"1abc", "12.5", "%2B12", "+12", "-1", "0", "61", "", "99999999999", "1%00"}) {
    expect_field(get("/api/v1/integrity?as_of=2026-03-01&months=" + months), "months");
  }
  EXPECT_EQ(get("/api/v1/integrity?as_of=2026-03-01&months=6").status, 200);
  for (const std::string days : {"5x", "251", "-3"}) {
    expect_field(get("/api/v1/warnings?as_of=2026-03-01&within_days=" + days), "within_days");
  }
  EXPECT_EQ(get("/api/v1/warnings?as_of=2026-03-01&within_days=5").status, 200);
}

// Verifies `format` is csv or json on every route that takes it.
TEST_F(QueryValidationTest, UnknownFormatIs422) {
  expect_field(get("/api/v1/integrity?as_of=2026-03-01&format=xml"), "format");
  expect_field(get("/api/v1/breaches?format=xml"), "format");
  EXPECT_EQ(get("/api/v1/integrity?as_of=2026-03-01&format=json").status, 200);
  EXPECT_EQ(get("/api/v1/integrity?as_of=2026-03-01&format=csv").status, 200);
}

// Verifies a well-formed region code that names no region (a typo) is a 422 naming the parameter on every
// list that filters by region, rather than an empty list that reads as "nothing there".
TEST_F(QueryValidationTest, UnknownRegionIs422) {
  for (const std::string list : {"agreements", "commitments", "facts", "breaches", "bodies", "officials"}) {
    expect_field(get("/api/v1/" + list + "?region=532399"), "region");
    EXPECT_EQ(get("/api/v1/" + list + "?region=532301").status, 200) << list;
  }
  expect_field(get("/api/v1/regions?within=999999"), "within");
  const auto r = get("/api/v1/breaches?region=532399");
  EXPECT_THAT(r.json().at("errors").at(0).at("message").get<std::string>(), ::testing::HasSubstr("532399"));
}

}  // namespace
}  // namespace pactwatch::testing
