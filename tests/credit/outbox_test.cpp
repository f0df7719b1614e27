// The credit-platform outbox (adapters/store/credit_outbox.hpp) as the breach workflow fills it, and
// GET /api/v1/outbox: one row per credit event (recorded, repaired, voided after recording) written in the
// transition's transaction, none for the other transitions, and none when the transition fails.

#include "adapters/store/credit_outbox.hpp"

#include <gmock/gmock.h>

#include "adapters/store/breach_store.hpp"
#include "tests/credit/credit_fixture.hpp"

namespace pactwatch::testing {
namespace {

namespace d = pactwatch::domain;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class OutboxTest : public CreditFixture {
 protected:
  static std::vector<std::string> ids(const std::vector<json>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows)
      out.push_back(r["id"]);
    return out;
  }
};

// Verifies recording, a granted repair and an upheld objection against a recorded breach each queue one row
// with its record (subject's name and credit code, conduct, basis, authority, dates), and that detection,
// verification, the order to rectify and voiding a breach that was never recorded queue nothing.
TEST_F(OutboxTest, EachCreditEventQueuesOneRowWithItsRecord) {
  auto body = get("/api/v1/bodies/" + body_);
  auto coded = patch("/api/v1/bodies/" + body_, {{"credit_code", "11532301MB0123456U"}}, body.header("etag"));
  ASSERT_EQ(coded.status, 200) << coded.body;
  EXPECT_EQ(coded.json()["credit_code"], "11532301MB0123456U");
  EXPECT_EQ(
      patch("/api/v1/bodies/" + body_, {{"credit_code", "11532301MB0123456A"}}, coded.header("etag")).status,
      422);

  const std::string first = detected_breach();
  EXPECT_EQ(act(first, "verify", {{"reason", "核实属实"}, {"as_of", "2026-03-02"}}).status, 200);
  EXPECT_EQ(act(first, "order_rectification",
                {{"reason", "限期整改"}, {"as_of", "2026-03-03"}, {"deadline_working_days", 10}})
                .status,
            200);
  EXPECT_TRUE(outbox().empty()) << "no credit event before recording";
  ASSERT_EQ(act(first, "record", {{"reason", "逾期未整改"}, {"as_of", "2026-03-20"}}).status, 200);

  auto rows = outbox();
  ASSERT_EQ(rows.size(), 1u);
  const json& row = rows[0];
  EXPECT_EQ(row["id"], first + "-record");
  EXPECT_EQ(row["breach_id"], first);
  EXPECT_EQ(row["event"], "record");
  EXPECT_EQ(row["event_zh"], "新增");
  EXPECT_EQ(row["region"], "532301");
  EXPECT_EQ(row["state"], "pending");
  EXPECT_EQ(row["attempts"], 0);
  EXPECT_FALSE(row["next_attempt_at"].is_null());
  const json& record = row["payload"];
  EXPECT_EQ(record["记录编号"], first + "-record");
  EXPECT_EQ(record["主体名称"], "楚雄市商务局");
  EXPECT_EQ(record["统一社会信用代码"], "11532301MB0123456U");
  EXPECT_THAT(record["失信行为"].get<std::string>(), HasSubstr("逾期未履行"));
  EXPECT_EQ(record["认定依据"], "合同约定 (contract terms)");
  EXPECT_EQ(record["认定机关"], "州财政局采购监管科");
  EXPECT_EQ(record["认定日期"], "2026-03-20");
  EXPECT_EQ(record["公示截止日期"], "2027-03-19");

  repair(first);
  const std::string voided = recorded_breach("2026-01-12");
  void_by_objection(voided);
  const std::string never_recorded = detected_breach("2026-01-14");
  void_by_objection(never_recorded);

  rows = outbox();
  EXPECT_THAT(ids(rows),
              ElementsAre(first + "-record", first + "-repair", voided + "-record", voided + "-revoke"));
  EXPECT_EQ(rows[1]["payload"]["修复日期"], "2026-06-25");
  EXPECT_EQ(rows[1]["payload"]["认定机关"], "州财政局采购监管科") << "the authority that recorded it";
  EXPECT_EQ(rows[3]["payload"]["撤销日期"], "2026-04-10");
  EXPECT_EQ(rows[3]["payload"]["撤销理由"], "异议成立");
  EXPECT_EQ(count("credit_outbox", "breach_id = '" + never_recorded + "'"), 0);
}

// Verifies the list's filters, pagination and permissions: admin and auditor read it, a supervisor may not,
// an unknown state is a 422.
TEST_F(OutboxTest, ListFiltersPagesAndIsForAdminsAndAuditors) {
  const std::string first = recorded_breach();
  repair(first);
  const std::string second = recorded_breach("2026-01-12");
  EXPECT_EQ(ids(outbox("breach_id=" + first)),
            (std::vector<std::string>{first + "-record", first + "-repair"}));
  EXPECT_EQ(outbox("state=pending").size(), 3u);
  EXPECT_TRUE(outbox("state=sent").empty());
  EXPECT_EQ(walk("/api/v1/outbox", 1, kAuditor).size(), 3u);
  EXPECT_EQ(get("/api/v1/outbox", kSupervisor).status, 403);
  EXPECT_EQ(get("/api/v1/outbox", "").status, 401);
  auto bad = get("/api/v1/outbox?state=lost", kAdmin);
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(error_fields(bad), ElementsAre("state"));
  EXPECT_EQ(get("/api/v1/outbox?cursor=bm90LWEtbnVtYmVy", kAdmin).status, 422);
  EXPECT_EQ(get("/api/v1/outbox?breach=" + second, kAdmin).status, 422) << "a typo in a filter name";
}

/**
 * Records breach `id` on 2026-03-20 in one write of its own: saved at its version minus `version_lag` (a
 * stale one when > 0); with `fail_after`, the write fails after the save. `rows_inside` gets the outbox's
 * row count as the transaction saw it after the save.
 */
d::Result<store::StoredResponse> record_in_one_write(store::Database& db, const std::string& id,
                                                     int version_lag, bool fail_after,
                                                     long long& rows_inside) {
  store::LedgerStore ledger(db);
  store::WriteContext context;
  context.actor_name = "测试";
  context.role = "supervisor";
  context.now = "2026-03-20T02:00:00.000Z";
  return ledger.write(
      context, std::nullopt, [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
        auto before = store::BreachStore::read(tx, d::Scope{}, id);
        if (!before) return std::unexpected(before.error());
        d::Command record;
        record.action = d::BreachAction::record;
        record.actor = "测试";
        record.reason = "逾期未整改";
        record.as_of = *d::parse_date("2026-03-20");
        auto t = d::apply_command(before->breach, record, d::WorkingCalendar::plain(), d::LifecyclePolicy{});
        if (!t) return std::unexpected(t.error());
        auto saved = store::BreachStore::save_transition(tx, *t, before->breach.state,
                                                         before->version - version_lag, d::LifecyclePolicy{});
        if (!saved) return std::unexpected(saved.error());
        tx.session() << "SELECT COUNT(*) FROM credit_outbox", soci::into(rows_inside);
        if (fail_after) return d::fail(d::ErrorCode::conflict, "a later step of the same write failed");
        return store::StoredResponse{};
      });
}

// Verifies the outbox row commits and rolls back with its transition: a write whose transition was saved
// (row queued inside the transaction) but which then fails leaves no row and the breach as it was; a
// transition refused for a stale version queues nothing; the same transition committed queues its row.
TEST_F(OutboxTest, AFailingTransitionLeavesNoRow) {
  const std::string id = detected_breach();
  ASSERT_EQ(act(id, "verify", {{"reason", "核实属实"}, {"as_of", "2026-03-02"}}).status, 200);
  ASSERT_EQ(act(id, "order_rectification",
                {{"reason", "限期整改"}, {"as_of", "2026-03-03"}, {"deadline_working_days", 10}})
                .status,
            200);
  long long rows_inside = -1;
  auto failed = record_in_one_write(database(), id, 0, true, rows_inside);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(rows_inside, 1) << "the row was queued inside the transaction";
  EXPECT_EQ(count("credit_outbox"), 0);
  EXPECT_EQ(get("/api/v1/breaches/" + id).json()["state"], "rectifying");

  rows_inside = -1;
  auto stale = record_in_one_write(database(), id, 1, false, rows_inside);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, d::ErrorCode::stale);
  EXPECT_EQ(rows_inside, -1) << "refused before anything was queued";
  EXPECT_EQ(count("credit_outbox"), 0);

  ASSERT_TRUE(record_in_one_write(database(), id, 0, false, rows_inside).has_value());
  EXPECT_EQ(count("credit_outbox", "id = '" + id + "-record'"), 1);
  EXPECT_EQ(get("/api/v1/breaches/" + id).json()["state"], "recorded");
}

}  // namespace
}  // namespace pactwatch::testing
