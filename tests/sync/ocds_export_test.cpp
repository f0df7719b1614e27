// GET /api/v1/export/ocds (docs/OCDS_MAPPING.md, "Export"): release packages valid against the official
// release-package and PPP release schemas (ajv through node, tests/ocds_schema), paged, region-scoped, and
// imported back into a fresh database as the same agreements, commitments and facts.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "adapters/store/ledger_store.hpp"
#include "adapters/sync/file_import.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/workflow_support.hpp"
#include "tests/cli/process.hpp"
#include "tests/sync/sync_test_support.hpp"

namespace pactwatch::sync::testing {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

d::Date day(int y, unsigned m, unsigned dd) {
  return d::Date{std::chrono::year{y} / m / dd};
}
d::Money yuan(const char* text) {
  return *d::Money::parse(text);
}

store::WriteContext at(const std::string& now) {
  return store::WriteContext{"", "test", "admin", "req-export", "seed", now};
}

/** Runs `work` in one ledger transaction of `db` stamped `now`. */
void write(SyncDb& db, const std::string& now, const std::function<void(store::LedgerTransaction&)>& work) {
  store::LedgerStore ledger(*db.db);
  auto written = ledger.write(at(now), std::nullopt,
                              [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
                                work(tx);
                                return store::StoredResponse{};
                              });
  ASSERT_TRUE(written.has_value()) << written.error().message;
}

template <class T>
void ok(const d::Result<T>& r) {
  ASSERT_TRUE(r.has_value()) << r.error().message;
}

d::Commitment commitment(std::string id, std::string agreement, d::ObligorSide side, std::string obligor,
                         d::CommitmentKind kind, std::string title, d::Date due,
                         std::optional<d::Money> amount) {
  d::Commitment c;
  c.id = std::move(id);
  c.agreement_id = std::move(agreement);
  c.obligor_side = side;
  c.obligor_id = std::move(obligor);
  c.kind = kind;
  c.title = std::move(title);
  c.due = due;
  c.amount = amount;
  return c;
}

d::Fact fact(std::string id, std::string commitment, d::FactKind kind, d::Date on,
             std::optional<d::Money> amount, std::string note) {
  d::Fact f;
  f.id = std::move(id);
  f.commitment_id = std::move(commitment);
  f.kind = kind;
  f.on = on;
  f.amount = amount;
  f.note = std::move(note);
  return f;
}

/**
 * Agreements OCDS has a place for (procurement with payments in two parts, a pledge with no counterparty and
 * no value, an investment terminated after a partial delivery, a payment the counterparty owes), in two
 * counties, plus one fact OCDS has no object for (a revocation).
 */
void seed(SyncDb& db) {
  using K = d::CommitmentKind;
  using S = d::ObligorSide;
  using F = d::FactKind;
  write(db, "2026-03-02T08:00:00.000Z", [](store::LedgerTransaction& tx) {
    ok(tx.insert_body({"bod_a", "楚雄市财政局", "532301", d::BodyKind::department, ""}));
    ok(tx.insert_body({"bod_b", "元谋县教育体育局", "532328", d::BodyKind::department, ""}));
    ok(tx.insert_organization(
        {"org_s", "云南某建设有限公司", *d::CreditCode::parse("91532301MA6K0000RY"), true}));
    ok(tx.insert_official({"off_li", "李明", {}}));
    d::Agreement a1{"agr_1",
                    d::AgreementKind::procurement,
                    "办公楼维修工程",
                    "bod_a",
                    "org_s",
                    yuan("120000.00"),
                    day(2025, 1, 5),
                    {},
                    {}};
    ok(tx.insert_agreement(a1));
    auto c1 = commitment("com_1", "agr_1", S::government, "bod_a", K::payment, "支付工程款", day(2025, 3, 1),
                         yuan("120000.00"));
    c1.grace_days = 5;
    c1.payment_term_days = 30;
    c1.committing_official_id = "off_li";
    ok(tx.insert_commitment(c1));
    ok(tx.insert_commitment(commitment("com_2", "agr_1", S::counterparty, "org_s", K::delivery, "完成维修",
                                       day(2025, 2, 1), yuan("120000.00"))));
    ok(tx.insert_commitment(commitment("com_3", "agr_1", S::government, "bod_a", K::acceptance, "组织验收",
                                       day(2025, 2, 15), std::nullopt)));
    ok(tx.insert_fact(fact("fct_1", "com_1", F::fulfilled, day(2025, 3, 1), yuan("60000.50"), "第一笔")));
    ok(tx.insert_fact(fact("fct_2", "com_1", F::fulfilled, day(2025, 3, 20), yuan("59999.50"), "")));
    ok(tx.insert_fact(fact("fct_3", "com_2", F::fulfilled, day(2025, 1, 30), yuan("120000.00"), "交付完成")));
    auto revoked = fact("fct_4", "com_3", F::revoked, day(2025, 2, 10), std::nullopt, "换届");
    revoked.reason = d::ReasonCode::government_turnover;
    ok(tx.insert_fact(revoked));

    d::Agreement a2{
        "agr_2", d::AgreementKind::pledge, "校舍改造公开承诺", "bod_b", "", std::nullopt, day(2025, 6, 1), {},
        {}};
    ok(tx.insert_agreement(a2));
    ok(tx.insert_commitment(commitment("com_4", "agr_2", S::government, "bod_b", K::pledge, "年底前完成改造",
                                       day(2025, 12, 31), std::nullopt)));
    ok(tx.insert_commitment(commitment("com_5", "agr_2", S::government, "bod_b", K::milestone, "完成设计",
                                       day(2025, 9, 30), std::nullopt)));
    ok(tx.insert_fact(fact("fct_5", "com_5", F::fulfilled, day(2025, 9, 1), std::nullopt, "已完成")));
    // One amendment of two commitments, each to its own new date, with its legal basis, authority,
    // procedure and compensation decision.
    auto postponed = fact("fct_6", "com_4", F::amended, day(2025, 8, 1), std::nullopt, "因汛期延期");
    postponed.new_due = day(2026, 3, 31);
    postponed.legal_basis = "合同第十二条（不可抗力）";
    postponed.competent_authority = "元谋县人民政府";
    postponed.procedure_reference = "元政复〔2025〕8号";
    postponed.compensation_decision = "无需补偿";
    ok(tx.insert_fact(postponed));
    postponed.id = "fct_7";
    postponed.commitment_id = "com_5";
    postponed.new_due = day(2025, 10, 31);
    ok(tx.insert_fact(postponed));
    auto failed = fact("fct_8", "com_4", F::not_performed, day(2026, 1, 2), std::nullopt, "暴雨停工");
    failed.reason = d::ReasonCode::force_majeure;
    ok(tx.insert_fact(failed));

    d::Agreement a3{"agr_3", d::AgreementKind::investment, "招商引资项目",  "bod_a",
                    "org_s", yuan("5000000.00"),           day(2024, 5, 1), {},
                    {}};
    ok(tx.insert_agreement(a3));
    auto c6 = commitment("com_6", "agr_3", S::counterparty, "org_s", K::delivery, "投资到位",
                         day(2025, 6, 30), yuan("5000000.00"));
    c6.stage = d::StageKind::implementation;
    ok(tx.insert_commitment(c6));
    ok(tx.insert_commitment(commitment("com_7", "agr_3", S::counterparty, "org_s", K::payment,
                                       "缴纳履约保证金", day(2025, 7, 1), yuan("10000.00"))));
    ok(tx.insert_fact(fact("fct_9", "com_6", F::fulfilled, day(2025, 5, 1), yuan("2000000.00"), "部分到位")));
    ok(tx.insert_fact(fact("fct_10", "com_7", F::fulfilled, day(2025, 7, 5), yuan("10000.00"), "")));
    auto reduced = fact("fct_14", "com_6", F::amended, day(2025, 4, 1), std::nullopt, "调减投资额");
    reduced.new_amount = yuan("3000000.00");
    ok(tx.insert_fact(reduced));
    // The investor ended it: the side travels, so BC08 (the government's unlawful termination) stays off.
    auto ended = fact("fct_11", "com_6", F::terminated, day(2025, 10, 1), std::nullopt, "企业退出");
    ended.terminated_by = S::counterparty;
    ok(tx.insert_fact(ended));
    ended.id = "fct_12";
    ended.commitment_id = "com_7";
    ok(tx.insert_fact(ended));
  });
}

/** Every OCDS reference file, through `pactwatch import`'s code path (the ones that cannot be stored are
 * quarantined, as the reference-import test states). */
void import_reference_files(SyncDb& db) {
  std::vector<std::string> paths;
  for (const char* name :
       {"ppp-full-release-package.json", "change_history-contract.json", "change_history-implementation.json",
        "change_history-contractAmendment.json", "amendments-contract-record-package.json",
        "milestones-implementation_milestones_met.json",
        "milestones-implementation_milestones_partially_met.json",
        "milestones-implementation_milestones_scheduled.json"})
    paths.push_back(ocds_data(name));
  SyncStore store(*db.db);
  auto report = import_ocds_files(store, paths, ImportOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().message;
}

/** Every page of a list. */
template <class T, class List>
std::vector<store::Stored<T>> all(List list) {
  std::vector<store::Stored<T>> out;
  store::Window w{"", 500};
  for (;;) {
    auto page = list(w);
    EXPECT_TRUE(page.has_value()) << page.error().message;
    if (!page || page->items.empty()) break;
    for (auto& item : page->items)
      out.push_back(std::move(item));
    if (!page->more) break;
    w.after = out.back().entity.id;
  }
  return out;
}

std::string money_text(const std::optional<d::Money>& m) {
  return m ? m->to_decimal() + " " + std::string(m->currency.code()) : "null";
}

/**
 * The ledger of `db` as lines of content, ids replaced by what they name: agreements by ocid (the export's
 * ocid when they had none: "ocds-pactwatch-" + id) and title, parties by name (and region, credit code), so
 * that two databases compare modulo ids. Facts a later fact corrects are left out (the export sends the
 * current ones).
 */
std::vector<std::string> ledger_lines(SyncDb& db) {
  store::LedgerStore ledger(*db.db);
  const d::Scope everywhere{};
  std::map<std::string, std::string> names, agreement_of, commitment_of;
  for (auto& b : all<d::Body>([&](auto w) { return ledger.bodies(everywhere, {}, w); }))
    names[b.entity.id] = b.entity.name + " [" + b.entity.region + "]";
  for (auto& o : all<d::Organization>([&](auto w) { return ledger.organizations({}, w); }))
    names[o.entity.id] = o.entity.name + " [" + (o.entity.credit_code ? o.entity.credit_code->str() : "") +
                         (o.entity.sme ? " sme]" : "]");
  for (auto& o : all<d::Official>([&](auto w) { return ledger.officials(everywhere, {}, w); }))
    names[o.entity.id] = o.entity.name;
  std::vector<std::string> lines;
  for (auto& s : all<d::Agreement>([&](auto w) { return ledger.agreements(everywhere, {}, w); })) {
    const auto& a = s.entity;
    const std::string ocid = a.refs.ocid.empty() ? "ocds-pactwatch-" + a.id : a.refs.ocid;
    agreement_of[a.id] = ocid + " " + a.title;
    lines.push_back("agreement " + agreement_of[a.id] + " | " + std::string(d::to_string(a.kind)) + " | " +
                    money_text(a.value) + " | " + d::format_date(a.signed_on) + " | " + names[a.body_id] +
                    " | " + names[a.counterparty_id]);
  }
  for (auto& s : all<d::Commitment>([&](auto w) { return ledger.commitments(everywhere, {}, w); })) {
    const auto& c = s.entity;
    commitment_of[c.id] = agreement_of[c.agreement_id] + " / " + c.title + " " + d::format_date(c.due);
    lines.push_back("commitment " + commitment_of[c.id] + " | " + std::string(d::to_string(c.kind)) + " | " +
                    std::string(d::to_string(c.obligor_side)) + " " + names[c.obligor_id] + " | " +
                    money_text(c.amount) + " | grace " + std::to_string(c.grace_days) + " | term " +
                    (c.payment_term_days ? std::to_string(*c.payment_term_days) : "-") + " | stage " +
                    (c.stage ? std::string(d::to_string(*c.stage)) : "-") + " | by " +
                    names[c.committing_official_id]);
  }
  const auto facts = all<d::Fact>([&](auto w) { return ledger.facts(everywhere, {}, w); });
  std::set<std::string> corrected;
  for (const auto& f : facts)
    if (!f.entity.corrects.empty()) corrected.insert(f.entity.corrects);
  for (const auto& s : facts) {
    const auto& f = s.entity;
    if (corrected.contains(f.id)) continue;
    lines.push_back("fact " + commitment_of[f.commitment_id] + " | " + std::string(d::to_string(f.kind)) +
                    " " + d::format_date(f.on) + " | " + money_text(f.amount) + " | " +
                    std::string(d::to_string(f.reason)) + " | " + f.note + " | new " +
                    (f.new_due ? d::format_date(*f.new_due) : "-") + " " + money_text(f.new_amount) + " | " +
                    f.legal_basis + " / " + f.competent_authority + " / " + f.procedure_reference + " / " +
                    f.compensation_decision + " | by " +
                    (f.terminated_by ? std::string(d::to_string(*f.terminated_by)) : "-"));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

/**
 * Detection over all of `db` as of 2026-06-30, its breaches as "rule | agreement title | commitment title
 * due", sorted: what the office would see, modulo ids.
 */
std::vector<std::string> breach_lines(SyncDb& db) {
  server::WorkflowOptions options;
  server::api::Workflow wf(*db.db, options);
  auto run = server::api::run_detection(wf, at("2026-06-30T08:00:00.000Z"), d::Scope{}, day(2026, 6, 30));
  EXPECT_TRUE(run.has_value()) << run.error().message;
  return joined_rows(db,
                     "SELECT b.rule, a.title, c.title, c.due FROM breaches b JOIN commitments c ON "
                     "c.id = b.commitment_id JOIN agreements a ON a.id = c.agreement_id "
                     "ORDER BY b.rule, a.title, c.title, c.due");
}

class OcdsExportTest : public ::testing::Test {
 protected:
  SyncDb source;
  server::Router router;
  std::string region;  // the calling token's scope
  server::Authenticator auth{[this](std::string_view) -> std::optional<server::Principal> {
    return server::Principal{"tok_1", "州审计局", server::Role::auditor, region};
  }};
  std::filesystem::path dir = pactwatch::testing::make_temp_dir("pactwatch-ocds-export");

  OcdsExportTest() { server::add_ledger_routes(router, auth, *source.db); }
  ~OcdsExportTest() override { std::filesystem::remove_all(dir); }

  server::Response get(std::map<std::string, std::string, std::less<>> query) {
    const std::string path = "/api/v1/export/ocds";
    auto match = router.resolve(server::Method::get, path);
    EXPECT_EQ(match.kind, server::RouteMatch::Kind::matched);
    server::Request r;
    r.path = r.target = path;
    r.query = std::move(query);
    r.route = match.route;
    r.headers.set("Authorization", "Bearer secret");
    r.headers.set("Host", "pactwatch.example:8080");
    return (*match.handler)(r);
  }

  /** Every page of the export, following X-Next-Cursor, each written to a file. */
  std::vector<std::string> export_all(std::map<std::string, std::string, std::less<>> query) {
    std::vector<std::string> files;
    for (;;) {
      const auto r = get(query);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      files.push_back(write_file(dir, "export-" + std::to_string(files.size()) + ".json", r.body));
      const auto next = r.headers.get("X-Next-Cursor");
      // The package names the next one as OCDS's pagination extension does: links.next, an absolute URL.
      const json package = json::parse(r.body);
      if (!next) {
        EXPECT_FALSE(package.contains("links"));
        break;
      }
      EXPECT_TRUE(r.headers.get("Link").has_value());
      EXPECT_EQ(package["links"]["next"].get<std::string>(),
                "http://pactwatch.example:8080/api/v1/export/ocds?limit=" +
                    (query.contains("limit") ? query["limit"] : "100") + "&cursor=" + std::string(*next) +
                    (query.contains("since") ? "&since=" + query["since"] : ""));
      query["cursor"] = std::string(*next);
    }
    return files;
  }

  /** ajv (tests/ocds_schema/validate.js) over `files`: the exit code, with its output on failure. */
  pactwatch::testing::ProcessResult validate(const std::vector<std::string>& files) {
    std::vector<std::string> args{PACTWATCH_NODE, PACTWATCH_OCDS_VALIDATOR, ocds_data("")};
    args.insert(args.end(), files.begin(), files.end());
    return pactwatch::testing::run_process(args, {}, dir);
  }
};

std::vector<std::string> releases_of(const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) {
    std::ifstream in(file);
    const json package = json::parse(in);
    for (const auto& r : package["releases"])
      out.push_back(r["contracts"][0]["title"].get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Verifies the round trip: the seeded agreements and the real OCDS files, exported two agreements per page,
// are valid release packages (official schema and PPP profile, checked by ajv), and importing them into a
// fresh database gives the same agreements, commitments and facts — amendments with their new due dates,
// amounts and legality, terminations with their side — all but the revocation, which OCDS has no object for
// and the release names under pactwatch.notExported.
TEST_F(OcdsExportTest, ExportImportsBackAsTheSameLedger) {
  seed(source);
  import_reference_files(source);
  const auto files = export_all({{"limit", "2"}});
  ASSERT_GT(files.size(), 2u);
  const auto valid = validate(files);
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;

  SyncDb target;
  SyncStore store(*target.db);
  auto report = import_ocds_files(store, files, ImportOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->total.quarantine_entries, 0u);

  auto expected = ledger_lines(source);
  const std::string revoked =
      "fact ocds-pactwatch-agr_1 办公楼维修工程 / 组织验收 2025-02-15 | revoked 2025-02-10 | null | "
      "government_turnover | 换届 | new - null |  /  /  /  | by -";
  ASSERT_EQ(std::erase(expected, revoked), 1u);
  const auto actual = ledger_lines(target);
  std::vector<std::string> missing, extra;
  std::ranges::set_difference(expected, actual, std::back_inserter(missing));
  std::ranges::set_difference(actual, expected, std::back_inserter(extra));
  for (const auto& line : missing)
    ADD_FAILURE() << "not imported back: " << line;
  for (const auto& line : extra)
    ADD_FAILURE() << "imported but not exported: " << line;
  EXPECT_EQ(actual.size(), expected.size());
  EXPECT_GT(actual.size(), 60u);

  // The same breaches come out of both (the revoked acceptance apart): a lawful amendment stays lawful
  // (no BC04), a postponed date is not overdue, and the investor's termination is no BC08.
  auto source_breaches = breach_lines(source);
  auto target_breaches = breach_lines(target);
  const auto on_revoked = [](const std::string& line) { return line.find("组织验收") != std::string::npos; };
  std::erase_if(source_breaches, on_revoked);
  std::erase_if(target_breaches, on_revoked);
  EXPECT_EQ(target_breaches, source_breaches);
  EXPECT_FALSE(source_breaches.empty());

  std::ifstream first(files.front());
  const json package = json::parse(first);
  EXPECT_EQ(package["publisher"]["name"], "pactwatch");
  for (const auto& r : package["releases"]) {
    if (r["contracts"][0]["id"] == "agr_1") {
      EXPECT_EQ(r["pactwatch"]["notExported"]["fact revoked"], 1);
    } else if (r["contracts"][0]["id"] == "agr_2" || r["contracts"][0]["id"] == "agr_3") {
      // Amendments' new dates, amounts and legality, and the termination's side, all travel.
      EXPECT_FALSE(r.contains("pactwatch")) << r.dump();
    }
  }
}

// Verifies the validator can fail: a release without its required `tag` and a milestone with a status outside
// the closed codelist are reported, and the exit code says so.
TEST_F(OcdsExportTest, TheSchemaCheckRejectsAnInvalidPackage) {
  seed(source);
  const auto files = export_all({});
  ASSERT_EQ(files.size(), 1u);
  ASSERT_EQ(validate(files).exit_code, 0);
  std::ifstream in(files.front());
  json package = json::parse(in);
  package["releases"][0].erase("tag");
  package["releases"][1]["contracts"][0]["implementation"]["milestones"][0]["status"] = "done";
  const auto broken = write_file(dir, "broken.json", package.dump());
  const auto r = validate({broken});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("must have required property 'tag'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/releases/1/contracts/0/implementation/milestones/0/status"), std::string::npos)
      << r.out;
}

// Verifies `since`: only agreements written since the instant, or with a commitment written or a fact
// appended since, are exported; a malformed instant is a 422 naming the parameter.
TEST_F(OcdsExportTest, SinceSelectsAgreementsChangedAfterIt) {
  seed(source);
  EXPECT_EQ(releases_of(export_all({{"since", "2026-03-02T08:00:00Z"}})).size(), 3u);
  EXPECT_TRUE(releases_of(export_all({{"since", "2026-03-02T16:00:01+08:00"}})).empty());
  write(source, "2026-03-05T09:00:00.000Z", [](store::LedgerTransaction& tx) {
    ok(tx.insert_fact(
        fact("fct_13", "com_5", d::FactKind::fulfilled, day(2025, 9, 20), std::nullopt, "验收")));
  });
  EXPECT_EQ(releases_of(export_all({{"since", "2026-03-04T00:00:00Z"}})),
            std::vector<std::string>{"校舍改造公开承诺"});
  const auto bad = get({{"since", "yesterday"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("\"since\""), std::string::npos) << bad.body;
  EXPECT_EQ(get({{"sicne", "2026-03-04T00:00:00Z"}}).status, 422);
}

// Verifies the token's region scope: a 元谋县 (532328) token exports its county's pledge only.
TEST_F(OcdsExportTest, RegionScopeOfTheTokenApplies) {
  seed(source);
  region = "532328";
  EXPECT_EQ(releases_of(export_all({})), std::vector<std::string>{"校舍改造公开承诺"});
  region = "532301";
  EXPECT_EQ(releases_of(export_all({})), (std::vector<std::string>{"办公楼维修工程", "招商引资项目"}));
}

}  // namespace
}  // namespace pactwatch::sync::testing
