// HTTP tests of the commitments list's computed status (issue #4): `status` and `as_of` filters, the
// `status`/`status_as_of` members of list items, pagination through a filtered list, and validation.
#include <gmock/gmock.h>

#include <algorithm>

#include "domain/identifiers.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/fakes/simulated_clock.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAre;

json cny(const std::string& amount) {
  return json{{"amount", amount}, {"currency", "CNY"}};
}

/** The four members that make a change by the government lawful (seed 三(四)). */
json lawful(json fact) {
  fact["legal_basis"] = "《政府采购法》第五十条";
  fact["competent_authority"] = "楚雄州财政局";
  fact["procedure_reference"] = "楚财采〔2026〕12号";
  fact["compensation_decision"] = "不涉及补偿";
  return fact;
}

/**
 * Commitments of a 楚雄市 and a 禄丰市 agreement whose statuses differ by date; "today" is 2026-07-15.
 * As of 2026-07-15: open_ and amended_ are open; paid_ and late_ fulfilled; overdue_, part_ and lufeng_
 * overdue; revoked_ excused.
 */
class CommitmentStatusTest : public ApiFixture {
 protected:
  void SetUp() override {
    options_.clock = pactwatch::testing::clock_on(domain::Date{std::chrono::year{2026} / 7 / 15});
    ApiFixture::SetUp();
    chuxiong_ = create("bodies", body_json("楚雄市财政局", "532301"))["id"];
    lufeng_body_ = create("bodies", body_json("禄丰市财政局", "532302"))["id"];
    const std::string code = "91532301MA6K1234X";
    supplier_ =
        create("organizations", {{"name", "云南彝信科技有限公司"},
                                 {"credit_code", code + domain::credit_code_check_character(code)}})["id"];
    const std::string cx = create("agreements", agreement("楚雄市智慧政务平台采购", chuxiong_))["id"];
    const std::string lf = create("agreements", agreement("禄丰市校舍维修采购", lufeng_body_))["id"];
    open_ = commitment(cx, chuxiong_, "2026-09-30");
    paid_ = commitment(cx, chuxiong_, "2026-06-30");
    fact(paid_, "fulfilled", "2026-06-20", {{"amount", cny("384000.00")}});
    overdue_ = commitment(cx, chuxiong_, "2026-06-30");
    late_ = commitment(cx, chuxiong_, "2026-05-31");
    fact(late_, "fulfilled", "2026-07-10", {{"amount", cny("384000.00")}});
    part_ = commitment(cx, chuxiong_, "2026-06-10");
    fact(part_, "fulfilled", "2026-06-01", {{"amount", cny("100000.00")}});
    lufeng_ = commitment(lf, lufeng_body_, "2026-06-30");
    revoked_ = commitment(cx, chuxiong_, "2026-08-31");
    fact(revoked_, "revoked", "2026-06-01", lawful({{"reason", "public_interest"}}));
    amended_ = commitment(cx, chuxiong_, "2026-06-30");
    fact(amended_, "amended", "2026-06-15", lawful({{"new_due", "2026-12-31"}}));
  }
  json agreement(const std::string& title, const std::string& body_id) {
    return json{{"kind", "procurement"},      {"title", title},
                {"body_id", body_id},         {"counterparty_id", supplier_},
                {"value", cny("1280000.00")}, {"signed_on", "2026-03-02"}};
  }
  std::string commitment(const std::string& agreement_id, const std::string& obligor,
                         const std::string& due) {
    return create("commitments", {{"agreement_id", agreement_id},
                                  {"obligor_side", "government"},
                                  {"obligor_id", obligor},
                                  {"kind", "payment"},
                                  {"title", "合同款"},
                                  {"due", due},
                                  {"amount", cny("384000.00")},
                                  {"grace_days", 5}})["id"];
  }
  void fact(const std::string& commitment_id, const std::string& kind, const std::string& on, json extra) {
    extra["commitment_id"] = commitment_id;
    extra["kind"] = kind;
    extra["on"] = on;
    create("facts", extra);
  }
  std::string agreement_of(const std::string& commitment_id) {
    return get("/api/v1/commitments/" + commitment_id).json().at("agreement_id");
  }
  /** The ids of every item of a list walked with `limit`. */
  std::vector<std::string> ids(const std::string& target, int limit = 50,
                               const std::string& token = kSupervisor) {
    std::vector<std::string> out;
    for (const auto& item : walk(target, limit, token))
      out.push_back(item.at("id").get<std::string>());
    return out;
  }
  std::string chuxiong_, lufeng_body_, supplier_;
  std::string open_, paid_, overdue_, late_, part_, lufeng_, revoked_, amended_;
};

// Verifies which commitments each status selects as of today (the default) and as of other dates: a late
// payment is overdue until it is made, a lawfully postponed one is open, a lawfully revoked one excused.
TEST_F(CommitmentStatusTest, StatusAsOfDates) {
  const std::string list = "/api/v1/commitments?status=";
  EXPECT_THAT(ids(list + "open"), ElementsAre(open_, amended_));
  EXPECT_THAT(ids(list + "fulfilled"), ElementsAre(paid_, late_));
  EXPECT_THAT(ids(list + "overdue"), ElementsAre(overdue_, part_, lufeng_));
  EXPECT_THAT(ids(list + "excused"), ElementsAre(revoked_));
  EXPECT_EQ(ids(list + "open&as_of=2026-07-15"), ids(list + "open"));
  // Before the late payment it is overdue; before anything fell due or happened, everything is open.
  EXPECT_THAT(ids(list + "overdue&as_of=2026-07-01"), ElementsAre(overdue_, late_, part_, lufeng_));
  EXPECT_THAT(ids(list + "fulfilled&as_of=2026-07-01"), ElementsAre(paid_));
  // Due on the day itself is not yet overdue.
  EXPECT_THAT(ids(list + "overdue&as_of=2026-06-30"), ElementsAre(late_, part_));
  EXPECT_THAT(ids(list + "open&as_of=2026-05-01"),
              ElementsAre(open_, paid_, overdue_, late_, part_, lufeng_, revoked_, amended_));
  EXPECT_THAT(ids(list + "excused,fulfilled&as_of=2026-06-01"), ElementsAre(revoked_));
  // The postponed commitment is overdue once its new due date 2026-12-31 has passed.
  EXPECT_THAT(ids(list + "overdue&as_of=2027-01-01"), ElementsAre(open_, overdue_, part_, lufeng_, amended_));
  EXPECT_THAT(ids(list + "open,overdue,fulfilled,excused"),
              ElementsAre(open_, paid_, overdue_, late_, part_, lufeng_, revoked_, amended_));
}

// Verifies every list item carries its computed status and the date it was judged at, with or without a
// status filter; the entity itself (GET by id) does not, so its ETag stays the row's version.
TEST_F(CommitmentStatusTest, ItemsCarryTheirStatus) {
  auto items = walk("/api/v1/commitments?as_of=2026-07-01", 3);
  ASSERT_EQ(items.size(), 8u);
  std::map<std::string, std::string> status;
  for (const auto& item : items) {
    EXPECT_EQ(item.at("status_as_of"), "2026-07-01");
    status[item.at("id")] = item.at("status");
  }
  EXPECT_EQ(status[late_], "overdue");
  EXPECT_EQ(status[paid_], "fulfilled");
  EXPECT_EQ(status[open_], "open");
  EXPECT_EQ(status[revoked_], "excused");
  auto today = get("/api/v1/commitments?status=fulfilled");
  ASSERT_EQ(today.status, 200) << today.body;
  EXPECT_EQ(today.json().at("items").at(1).at("status_as_of"), "2026-07-15");
  EXPECT_EQ(today.json().at("items").at(1).at("status"), "fulfilled");

  auto one = get("/api/v1/commitments/" + late_);
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(one.json().contains("status"));
  EXPECT_FALSE(one.json().contains("status_as_of"));
  EXPECT_EQ(one.headers.at("etag"), "\"v1\"");
}

// Verifies the computed members are never accepted on a write: 422 on POST and on PATCH.
TEST_F(CommitmentStatusTest, StatusIsNotWritable) {
  auto read = get("/api/v1/commitments/" + open_).json();
  json body = read;
  for (const char* server_set : {"id", "version", "created_at", "updated_at"})
    body.erase(server_set);
  body["status"] = "fulfilled";
  auto created = post("/api/v1/commitments", body);
  EXPECT_EQ(created.status, 422);
  EXPECT_THAT(error_fields(created), ElementsAre("status"));
  auto patched = patch("/api/v1/commitments/" + open_,
                       {{"status", "fulfilled"}, {"status_as_of", "2026-07-15"}}, "\"v1\"");
  EXPECT_EQ(patched.status, 422);
  EXPECT_THAT(error_fields(patched), UnorderedElementsAre("status", "status_as_of"));
}

// Verifies status combines with the other filters (all must hold) and with a region-scoped token.
TEST_F(CommitmentStatusTest, CombinedWithOtherFilters) {
  const std::string overdue = "/api/v1/commitments?status=overdue";
  EXPECT_THAT(ids(overdue + "&region=532301"), ElementsAre(overdue_, part_));
  EXPECT_THAT(ids(overdue + "&region=532302"), ElementsAre(lufeng_));
  EXPECT_THAT(ids(overdue + "&obligor=" + lufeng_body_), ElementsAre(lufeng_));
  EXPECT_THAT(ids(overdue + "&due_before=2026-06-15"), ElementsAre(part_));
  EXPECT_THAT(ids(overdue + "&due_after=2026-06-15&region=532301"), ElementsAre(overdue_));
  EXPECT_THAT(ids("/api/v1/commitments?status=open&due_before=2026-06-30"), ElementsAre(amended_));
  EXPECT_THAT(ids(overdue, 50, kLufeng), ElementsAre(lufeng_));
  EXPECT_THAT(ids(overdue, 50, kChuxiongCity), ElementsAre(overdue_, part_));
  EXPECT_THAT(ids("/api/v1/commitments?status=fulfilled,excused", 50, kLufeng), ElementsAre());
}

// Verifies limit=1 through a filtered list returns every matching commitment exactly once, in id order,
// and that each page holds at most one item.
TEST_F(CommitmentStatusTest, PaginationThroughAFilteredList) {
  EXPECT_THAT(ids("/api/v1/commitments?status=overdue", 1), ElementsAre(overdue_, part_, lufeng_));
  EXPECT_THAT(ids("/api/v1/commitments?status=fulfilled,excused", 1), ElementsAre(paid_, late_, revoked_));
  EXPECT_THAT(ids("/api/v1/commitments?status=open&as_of=2026-07-01", 1), ElementsAre(open_, amended_));
  EXPECT_THAT(ids("/api/v1/commitments?status=overdue&as_of=2026-07-01", 2),
              ElementsAre(overdue_, late_, part_, lufeng_));
  auto last = get("/api/v1/commitments?status=excused&limit=1");
  ASSERT_EQ(last.status, 200);
  EXPECT_TRUE(last.json().at("next_cursor").is_null()) << "one match, one page";
}

/** The same ledger with a scan budget of 2 rows per page, so that pages end early. */
class CommitmentStatusScanTest : public CommitmentStatusTest {
 protected:
  void SetUp() override {
    options_.max_status_scan = 2;
    CommitmentStatusTest::SetUp();
  }
};

// Verifies a page that stops at the scan budget resumes after the last row it judged: walking still
// returns every match exactly once and in order, though some pages are short or empty.
TEST_F(CommitmentStatusScanTest, PagesStopAtTheScanBudgetWithoutSkipping) {
  // Three more commitments due after today but paid in full (open candidates the domain drops), then an
  // open one: with limit=1 a page judges two candidates, and the one judging two paid ones is empty.
  std::vector<std::string> paid_early;
  for (int i = 0; i < 3; ++i) {
    paid_early.push_back(commitment(agreement_of(open_), chuxiong_, "2026-09-30"));
    fact(paid_early.back(), "fulfilled", "2026-06-20", {{"amount", cny("384000.00")}});
  }
  const std::string last_open = commitment(agreement_of(open_), chuxiong_, "2026-09-30");
  EXPECT_THAT(ids("/api/v1/commitments?status=open", 1), ElementsAre(open_, amended_, last_open));
  EXPECT_THAT(ids("/api/v1/commitments?status=fulfilled", 1),
              ElementsAre(paid_, late_, paid_early[0], paid_early[1], paid_early[2]));
  EXPECT_THAT(ids("/api/v1/commitments?status=excused", 1), ElementsAre(revoked_));
  EXPECT_THAT(ids("/api/v1/commitments?status=fulfilled,excused", 1),
              ElementsAre(paid_, late_, revoked_, paid_early[0], paid_early[1], paid_early[2]));
  EXPECT_THAT(ids("/api/v1/commitments?status=overdue&as_of=2026-07-01", 1),
              ElementsAre(overdue_, late_, part_, lufeng_));
  // With limit=2 the budget is 3 rows: the first page judges paid_ (fulfilled), overdue_ and late_
  // (fulfilled) and ends with one item and a cursor; without the budget it holds two.
  auto first = get("/api/v1/commitments?status=overdue&limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("items").size(), 1u);
  EXPECT_FALSE(first.json().at("next_cursor").is_null());
  EXPECT_THAT(ids("/api/v1/commitments?status=overdue", 2), ElementsAre(overdue_, part_, lufeng_));
}

// Verifies a bad status or as_of is a 422 naming the parameter, and that the lists without a status
// reject the parameter like any unknown filter.
TEST_F(CommitmentStatusTest, Validation) {
  auto bad = get("/api/v1/commitments?status=late&as_of=2026-02-30");
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(error_fields(bad), UnorderedElementsAre("status", "as_of"));
  EXPECT_THAT(error_fields(get("/api/v1/commitments?status=open,,overdue")), ElementsAre("status"));
  EXPECT_THAT(error_fields(get("/api/v1/commitments?status=")), ElementsAre("status"));
  EXPECT_THAT(error_fields(get("/api/v1/commitments?status=OPEN")), ElementsAre("status"));
  EXPECT_THAT(error_fields(get("/api/v1/commitments?as_of=15.07.2026")), ElementsAre("as_of"));
  for (const char* list : {"agreements", "bodies", "officials", "organizations", "facts"}) {
    auto r = get(std::string("/api/v1/") + list + "?status=open");
    EXPECT_EQ(r.status, 422) << list;
    EXPECT_THAT(error_fields(r), ElementsAre("status")) << list;
  }
}

}  // namespace
}  // namespace pactwatch::testing
