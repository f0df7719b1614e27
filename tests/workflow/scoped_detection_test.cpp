// Detection for given commitments (a fact POST, a sync batch) reads only the part of the ledger their
// findings depend on (LedgerStore::load_ledger_for), on SQLite and MariaDB. On the demo data set and on a
// synthetic ledger whose agreements share bodies, officials and counterparties, it finds and opens exactly
// what detection over the whole ledger finds for those commitments: same findings, same breaches, placed at
// the same body and region with the same officials traced back.
#include <gmock/gmock.h>

#include <filesystem>
#include <set>

#include "domain/detection.hpp"
#include "server/api/workflow_support.hpp"
#include "server/cli_seed.hpp"
#include "tests/workflow/workflow_fixture.hpp"

namespace pactwatch::testing {
namespace {

namespace d = pactwatch::domain;
using ::testing::IsEmpty;
using ::testing::SizeIs;

/** What an opened breach tells the user: which finding, where it belongs, who answers for it. */
struct Opened {
  std::string key, body_id, region;
  std::vector<std::string> officials;  ///< "official_id role basis title", sorted
  auto operator<=>(const Opened&) const = default;
};

void PrintTo(const Opened& o, std::ostream* out) {
  *out << o.key << " @" << o.body_id << "/" << o.region << " [";
  for (const auto& s : o.officials)
    *out << s << "; ";
  *out << "]";
}

std::vector<std::string> official_lines(const std::vector<store::TracedOfficial>& officials) {
  std::vector<std::string> out;
  for (const auto& o : officials)
    out.push_back(o.official_id + " " + o.role + " " + o.basis + " " + o.title);
  std::sort(out.begin(), out.end());
  return out;
}

/**
 * What detection over the whole ledger in `scope` finds about `only` and would open for them, as
 * run_detection without a commitment list reads and places it: the reference the scoped read must match.
 */
struct Reference {
  std::vector<d::Finding> findings;  ///< about `only`, new or already on file
  std::set<Opened> to_open;
  std::size_t all_findings = 0;  ///< about any commitment
};

/** The detection options the workflow tests use: the official calendar, the default rule policy. */
server::WorkflowOptions options_with_calendar(d::Date today) {
  std::ifstream in(std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv");
  std::ostringstream text;
  text << in.rdbuf();
  server::WorkflowOptions options;
  options.calendar = *d::WorkingCalendar::parse_csv(text.str());
  options.clock = pactwatch::testing::clock_on(today);
  return options;
}

Reference full_detection(server::api::Workflow& wf, d::Date as_of, const std::set<std::string>& only,
                         const d::Scope& scope = {}) {
  Reference r;
  auto ledger = wf.ledger.load_ledger(scope);
  auto bodies = wf.ledger.all_bodies({});
  auto officials = wf.ledger.all_officials({});
  auto stored = wf.breaches.all(scope);
  EXPECT_TRUE(ledger && bodies && officials && stored);
  if (!ledger || !bodies || !officials || !stored) return r;
  const auto existing = server::api::plain(*stored);
  const auto result =
      d::detect_breaches(*ledger, existing, wf.options.calendar, wf.options.policy.rules, as_of);
  r.all_findings = result.findings.size();
  for (const auto& f : result.findings)
    if (only.contains(f.commitment_id)) r.findings.push_back(f);
  for (const auto& f : d::new_findings(result.findings, existing)) {
    if (!only.contains(f.commitment_id)) continue;
    const auto c = std::ranges::find(ledger->commitments, f.commitment_id, &d::Commitment::id);
    const auto a = std::ranges::find(ledger->agreements, c->agreement_id, &d::Agreement::id);
    Opened o;
    o.key = f.key();
    o.body_id = c->obligor_side == d::ObligorSide::government ? c->obligor_id : a->body_id;
    o.region = std::ranges::find(*bodies, o.body_id, &d::Body::id)->region;
    o.officials = official_lines(store::traced_officials(*c, *a, *officials, f.due));
    r.to_open.insert(o);
  }
  return r;
}

/** The findings about `only` of detection over the slice load_ledger_for(scope, ids) reads. */
std::vector<d::Finding> sliced_findings(server::api::Workflow& wf, const d::Scope& scope, d::Date as_of,
                                        const std::vector<std::string>& ids) {
  auto slice = wf.ledger.load_ledger_for(scope, ids);
  EXPECT_TRUE(slice) << slice.error().message;
  auto stored = wf.breaches.all(scope);
  EXPECT_TRUE(stored);
  if (!slice || !stored) return {};
  const auto existing = server::api::plain(*stored);
  const std::set<std::string> only(ids.begin(), ids.end());
  std::vector<d::Finding> out;
  for (auto& f :
       d::detect_breaches(slice->ledger, existing, wf.options.calendar, wf.options.policy.rules, as_of)
           .findings)
    if (only.contains(f.commitment_id)) out.push_back(std::move(f));
  return out;
}

/** Runs detection for `ids` and returns what it opened, read back from the store. */
std::set<Opened> run_for(server::api::Workflow& wf, const d::Scope& scope, d::Date as_of,
                         const std::vector<std::string>& ids, int* findings = nullptr) {
  const store::WriteContext context{"", "test", "platform", "req-scoped", "", "2026-06-30T00:00:00.000Z"};
  auto summary = server::api::run_detection(wf, context, scope, as_of, &ids);
  EXPECT_TRUE(summary) << summary.error().message;
  if (!summary) return {};
  if (findings) *findings = summary->findings;
  std::set<Opened> out;
  for (const auto& id : summary->opened_ids) {
    auto b = wf.breaches.breach({}, id);
    EXPECT_TRUE(b) << b.error().message;
    if (b) out.insert(Opened{b->breach.key, b->body_id, b->region, official_lines(b->officials)});
  }
  EXPECT_EQ(out.size(), summary->opened_ids.size());
  return out;
}

/** Full detection (POST /detection-runs' path) and the commitments of the breaches it opened. */
std::set<std::string> full_run_commitments(server::api::Workflow& wf, d::Date as_of) {
  const store::WriteContext context{"", "test", "supervisor", "req-full", "", "2026-06-30T00:00:00.000Z"};
  auto summary = server::api::run_detection(wf, context, {}, as_of);
  EXPECT_TRUE(summary) << summary.error().message;
  std::set<std::string> out;
  if (!summary) return out;
  for (const auto& id : summary->opened_ids)
    out.insert(wf.breaches.breach({}, id)->breach.commitment_id);
  return out;
}

class ScopedDetectionDemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tdb_.open(2);
    auto migrated = db_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
    auto data = server::load_demo_data(std::filesystem::path(PACTWATCH_SOURCE_DIR) / "config/demo");
    ASSERT_TRUE(data) << data.error().message;
    data_ = std::move(*data);
    ASSERT_TRUE(server::seed_demo(*db_, data_, "2026-11-26T00:00:00.000Z"));
    wf_ = std::make_unique<server::api::Workflow>(*db_, options_with_calendar(data_.as_of));
  }
  TestDatabase tdb_;
  std::unique_ptr<store::Database> db_;
  server::DemoData data_;
  std::unique_ptr<server::api::Workflow> wf_;
};

// Verifies that on the demo data set, for each commitment alone, detection over its slice finds exactly
// what detection over the whole ledger finds about it (both ways: same list, same order).
TEST_F(ScopedDetectionDemoTest, EachCommitmentAloneFindsWhatFullDetectionFinds) {
  std::size_t with_findings = 0;
  std::set<d::RuleCode> rules;
  for (const auto& c : data_.commitments) {
    const auto reference = full_detection(*wf_, data_.as_of, {c.id});
    EXPECT_EQ(sliced_findings(*wf_, {}, data_.as_of, {c.id}), reference.findings) << c.id;
    with_findings += reference.findings.empty() ? 0 : 1;
    for (const auto& f : reference.findings)
      rules.insert(f.rule);
  }
  // The comparison means something: many commitments have findings, of every commitment rule.
  EXPECT_GE(with_findings, 10u);
  EXPECT_EQ(rules.size(), 9u) << "BC01-BC08 and BC10";
}

// Verifies that detection for half of the demo commitments (siblings split between the halves) opens exactly
// the breaches full detection would open for them, with the same body, region and officials; that full
// detection afterwards opens nothing more about them; and that a second run for them opens nothing.
TEST_F(ScopedDetectionDemoTest, HalfTheCommitmentsOpenWhatFullDetectionWould) {
  std::vector<std::string> half;
  for (std::size_t i = 0; i < data_.commitments.size(); i += 2)
    half.push_back(data_.commitments[i].id);
  const std::set<std::string> only(half.begin(), half.end());
  const auto reference = full_detection(*wf_, data_.as_of, only);
  ASSERT_GE(reference.to_open.size(), 5u);

  int findings = 0;
  EXPECT_EQ(run_for(*wf_, {}, data_.as_of, half, &findings), reference.to_open);
  EXPECT_EQ(findings, static_cast<int>(reference.findings.size()));

  for (const auto& c : full_run_commitments(*wf_, data_.as_of))
    EXPECT_FALSE(only.contains(c)) << "full detection opened a breach of " << c << " that the run missed";
  EXPECT_THAT(run_for(*wf_, {}, data_.as_of, half), IsEmpty());
}

// Verifies detection for a scoped supervisor's commitments: a commitment outside the scope is ignored, one
// inside is judged as full detection of the whole ledger judges it.
TEST_F(ScopedDetectionDemoTest, CommitmentsOutsideTheScopeAreIgnored) {
  std::vector<std::string> ids;
  for (const auto& c : data_.commitments)
    ids.push_back(c.id);
  const std::set<std::string> only(ids.begin(), ids.end());
  const d::Scope lufeng{"532302"};
  const auto everywhere = full_detection(*wf_, data_.as_of, only);
  const auto inside = full_detection(*wf_, data_.as_of, only, lufeng);
  ASSERT_FALSE(inside.to_open.empty());
  ASSERT_LT(inside.to_open.size(), everywhere.to_open.size());
  EXPECT_EQ(run_for(*wf_, lufeng, data_.as_of, ids), inside.to_open);
}

/** The synthetic ledger: two bodies in two counties, heads, officials, counterparties shared by agreements.
 */
class ScopedDetectionTest : public WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    make_ledger();
    other_head_ =
        create("officials", {{"name", "赵局长"},
                             {"posts",
                              {{{"body_id", other_body_},
                                {"title", "局长"},
                                {"from", "2023-01-01"},
                                {"to", "2025-12-31"},
                                {"head", true}},
                               {{"body_id", body_}, {"title", "副局长"}, {"from", "2026-01-01"}}}}})["id"];
    next_head_ = create(
        "officials",
        {{"name", "钱局长"},
         {"posts",
          {{{"body_id", other_body_}, {"title", "局长"}, {"from", "2026-01-01"}, {"head", true}}}}})["id"];
    second_supplier_ = create("organizations", {{"name", "楚雄某物流有限公司"}, {"sme", false}})["id"];
    // Procurement: a counterparty delivery completed in January starts the SME's statutory payment term, so
    // the unpaid government payment due at the end of the year is already in arrears (BC03 reads a sibling).
    procurement_ = new_agreement("procurement", body_, supplier_, "PRJ-2025-101");
    delivery_ = commitment("counterparty", "delivery", "2026-01-31", {}, procurement_);
    fact(delivery_, "fulfilled", "2026-01-10");
    payment_ = commitment("government", "payment", "2026-12-31",
                          {{"amount", {{"amount", "200000.00"}, {"currency", "CNY"}}}}, procurement_);
    // An investment agreement of this county's body with the same supplier and no stage assignee: a promise
    // whose obligor is the other county's body (so that body's head on the due date answers for it, who
    // has since moved here), and a counterparty milestone of the shared supplier, performed in part.
    shared_ = create("agreements", {{"kind", "investment"},
                                    {"title", "招商引资协议 PRJ-2025-104"},
                                    {"body_id", body_},
                                    {"counterparty_id", supplier_},
                                    {"value", {{"amount", "3000000.00"}, {"currency", "CNY"}}},
                                    {"signed_on", "2025-06-01"},
                                    {"stages", {"implementation"}}})["id"];
    cross_ = commitment("government", "policy_promise", "2025-07-15", {{"obligor_id", other_body_}}, shared_);
    supplier_late_ = commitment("counterparty", "milestone", "2026-03-31",
                                {{"amount", {{"amount", "1000000.00"}, {"currency", "CNY"}}}}, shared_);
    fact(supplier_late_, "fulfilled", "2026-03-20",
         {{"amount", {{"amount", "400000.00"}, {"currency", "CNY"}}}});
    // The other county's agreement with the same supplier, and one with another supplier.
    other_ = new_agreement("investment", other_body_, supplier_, "PRJ-2025-102");
    other_promise_ =
        commitment("government", "policy_promise", "2026-02-28", {{"obligor_id", other_body_}}, other_);
    third_ = new_agreement("procurement", other_body_, second_supplier_, "PRJ-2025-103");
    third_payment_ = commitment(
        "government", "payment", "2026-04-30",
        {{"obligor_id", other_body_}, {"amount", {{"amount", "80000.00"}, {"currency", "CNY"}}}}, third_);
    wf_ = std::make_unique<server::api::Workflow>(*database_, options_with_calendar(workflow_today()));
  }
  std::vector<std::string> all_commitments() const {
    return {delivery_, payment_, cross_, supplier_late_, other_promise_, third_payment_};
  }

  std::string other_head_, next_head_, second_supplier_, procurement_, shared_, delivery_, payment_, cross_,
      supplier_late_, other_, other_promise_, third_, third_payment_;
  std::unique_ptr<server::api::Workflow> wf_;
};

// Verifies the synthetic ledger gives the comparison its cases: BC03 through a sibling delivery, a
// cross-county obligor traced to the head in post on the due date, counterparty-side and partial findings.
TEST_F(ScopedDetectionTest, FullDetectionFindsTheCasesCompared) {
  const auto all = all_commitments();
  const auto reference = full_detection(*wf_, workflow_today(), {all.begin(), all.end()});
  std::set<std::string> keys;
  for (const auto& f : reference.findings)
    keys.insert(f.key());
  EXPECT_TRUE(keys.contains("BC03|" + payment_)) << ::testing::PrintToString(keys);
  EXPECT_TRUE(keys.contains("BC01|" + cross_));
  EXPECT_TRUE(keys.contains("BC02|" + supplier_late_));
  EXPECT_TRUE(keys.contains("BC01|" + other_promise_));
  EXPECT_TRUE(keys.contains("BC01|" + third_payment_) || keys.contains("BC03|" + third_payment_));
}

// Verifies each commitment alone and every pair of commitments: detection over the slice finds exactly what
// detection over the whole ledger finds about them.
TEST_F(ScopedDetectionTest, EverySetOfOneOrTwoFindsWhatFullDetectionFinds) {
  const auto all = all_commitments();
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i; j < all.size(); ++j) {
      const std::vector<std::string> ids = i == j ? std::vector{all[i]} : std::vector{all[i], all[j]};
      const auto reference = full_detection(*wf_, workflow_today(), {ids.begin(), ids.end()});
      EXPECT_EQ(sliced_findings(*wf_, {}, workflow_today(), ids), reference.findings)
          << all[i] << " " << all[j];
    }
  }
}

// Verifies detection for the payment alone opens its BC03 breach (the sibling delivery was read) and for
// the cross-county promise opens BC01 at the other county's body with the head in post on the due date,
// as full detection would; commitment ids that do not exist are ignored, however many.
TEST_F(ScopedDetectionTest, OpensWhatFullDetectionWouldAndIgnoresUnknownIds) {
  std::vector<std::string> ids{payment_, cross_, "cmt_does_not_exist"};
  const auto reference = full_detection(*wf_, workflow_today(), {ids.begin(), ids.end()});
  for (int i = 0; i < 1200; ++i)  // more ids than one IN list holds
    ids.push_back("com_missing_" + std::to_string(i));
  ASSERT_THAT(reference.to_open, SizeIs(2));
  const auto opened = run_for(*wf_, {}, workflow_today(), ids);
  EXPECT_EQ(opened, reference.to_open);

  const auto cross = std::ranges::find_if(opened, [&](const Opened& o) { return o.key == "BC01|" + cross_; });
  ASSERT_NE(cross, opened.end());
  EXPECT_EQ(cross->body_id, other_body_);
  EXPECT_EQ(cross->region, "532302");
  EXPECT_THAT(cross->officials,
              ::testing::Contains(::testing::StartsWith(other_head_ + " performing body_head")));

  const auto rest = full_run_commitments(*wf_, workflow_today());
  EXPECT_FALSE(rest.contains(payment_));
  EXPECT_FALSE(rest.contains(cross_));
  EXPECT_TRUE(rest.contains(other_promise_));

  int findings = -1;
  EXPECT_THAT(run_for(*wf_, {}, workflow_today(), {"cmt_does_not_exist"}, &findings), IsEmpty());
  EXPECT_EQ(findings, 0);
}

// Verifies a scoped run ignores a commitment outside its scope (the payment is in 楚雄市, not 禄丰市) and
// judges one inside it.
TEST_F(ScopedDetectionTest, ScopedRunIgnoresCommitmentsOutsideIt) {
  const std::vector<std::string> ids{payment_, other_promise_};
  const auto reference = full_detection(*wf_, workflow_today(), {other_promise_});
  ASSERT_THAT(reference.to_open, SizeIs(1));
  EXPECT_EQ(run_for(*wf_, d::Scope{"532302"}, workflow_today(), ids), reference.to_open);
  EXPECT_THAT(sliced_findings(*wf_, d::Scope{"532302"}, workflow_today(), {payment_}), IsEmpty());
}

class ScopedFactHookTest : public ScopedDetectionTest {
 public:
  ScopedFactHookTest() { fact_hook_ = true; }
};

// Verifies a fact POST still opens its breach through the scoped read: a refusal citing turnover of a
// promise of the other county's body, in an agreement without stage assignees, opens BC05 at that body,
// traced to the head in post there on the due date (who has since moved to another body).
TEST_F(ScopedFactHookTest, FactPostOpensItsBreach) {
  const auto c =
      commitment("government", "policy_promise", "2025-07-20", {{"obligor_id", other_body_}}, shared_);
  EXPECT_TRUE(breaches_of(c).empty());
  fact(c, "refused", "2025-07-01", {{"reason", "government_turnover"}});
  auto found = breaches_of(c);
  const auto bc05 = std::ranges::find_if(found, [](const json& b) { return b["rule"] == "BC05"; });
  ASSERT_NE(bc05, found.end()) << ::testing::PrintToString(found);
  EXPECT_EQ((*bc05)["body_id"], other_body_);
  EXPECT_EQ((*bc05)["region"], "532302");
  auto one = get("/api/v1/breaches/" + (*bc05)["id"].get<std::string>());
  ASSERT_EQ(one.status, 200) << one.body;
  const json breach = one.json();
  std::vector<std::string> performing;
  for (const auto& o : breach["officials"])
    if (o["role"] == "performing") performing.push_back(o["official_id"]);
  EXPECT_EQ(performing, std::vector<std::string>{other_head_});
}

}  // namespace
}  // namespace pactwatch::testing
