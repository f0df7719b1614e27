#pragma once
// The harness of the workflow tests: ApiFixture (server on port 0 over a fresh SQLite or MariaDB) with the
// workflow routes added, the official 2025-2026 calendar, "today" fixed at 2026-06-30 and a small ledger in
// 楚雄市 (532301): a body with its head, an investment agreement with a stage assignee, and helpers to add
// commitments and facts, run detection and act on breaches.

#include <fstream>
#include <sstream>

#include "domain/date.hpp"
#include "server/api/workflow_routes.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/fakes/simulated_clock.hpp"

namespace pactwatch::testing {

/** 2026-06-30: the fixed "today" of the workflow tests. */
inline domain::Date workflow_today() {
  return *domain::parse_date("2026-06-30");
}

class WorkflowFixture : public ApiFixture {
 protected:
  void register_routes(server::Router& router) override {
    std::ifstream in(std::string(PACTWATCH_SOURCE_DIR) + "/config/calendar/cn-2025-2026.csv");
    std::ostringstream text;
    text << in.rdbuf();
    auto calendar = domain::WorkingCalendar::parse_csv(text.str());
    ASSERT_TRUE(calendar) << calendar.error().message;
    server::WorkflowOptions options;
    options.calendar = *calendar;
    options.clock = pactwatch::testing::clock_on(workflow_today());
    options.complaints_per_hour = 2;
    options.publish_official_names = publish_names_;
    if (fact_hook_) {
      // As main.cpp wires it: detection after each appended fact (set before the ledger routes are added).
      options_.after_fact = server::fact_detection_hook(*database_, options);
      server::add_ledger_routes(router, *auth_, *database_, options_);
    } else {
      ApiFixture::register_routes(router);
    }
    server::add_workflow_routes(router, *auth_, *database_, options);
  }

  /** Builds the shared ledger: body, head, assignee, committing official, supplier, agreement. */
  void make_ledger() {
    body_ = create("bodies", body_json("楚雄市商务局", "532301"))["id"];
    other_body_ = create("bodies", body_json("禄丰市财政局", "532302"))["id"];
    head_ = create(
        "officials",
        {{"name", "王局长"},
         {"posts", {{{"body_id", body_}, {"title", "局长"}, {"from", "2024-01-01"}, {"head", true}}}}})["id"];
    assignee_ = create("officials",
                       {{"name", "张建国"},
                        {"posts", {{{"body_id", body_}, {"title", "科长"}, {"from", "2024-01-01"}}}}})["id"];
    committer_ = create(
        "officials", {{"name", "李明"},
                      {"posts", {{{"body_id", body_}, {"title", "副局长"}, {"from", "2024-01-01"}}}}})["id"];
    supplier_ = create("organizations", {{"name", "云南某建设有限公司"}, {"sme", true}})["id"];
    agreement_ = new_agreement("investment", body_, supplier_, "PRJ-2025-001");
  }

  std::string new_agreement(const std::string& kind, const std::string& body, const std::string& counterparty,
                            const std::string& project_code) {
    json a{{"kind", kind},
           {"title", "招商引资协议 " + project_code},
           {"body_id", body},
           {"value", {{"amount", "5000000.00"}, {"currency", "CNY"}}},
           {"signed_on", "2025-06-01"},
           {"platform_project_code", project_code},
           {"stages", {"implementation"}}};
    if (!counterparty.empty()) a["counterparty_id"] = counterparty;
    const std::string id = create("agreements", a)["id"];
    auto r = post("/api/v1/agreements/" + id + "/stages/implementation/assignments",
                  {{"official_id", assignee_}, {"role", "项目负责人"}, {"from", "2025-06-01"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return id;
  }

  /** A commitment of the shared agreement; `extra` overrides fields. */
  std::string commitment(const std::string& side, const std::string& kind, const std::string& due,
                         json extra = json::object(), const std::string& agreement = {}) {
    json c{{"agreement_id", agreement.empty() ? agreement_ : agreement},
           {"obligor_side", side},
           {"obligor_id", side == "government" ? body_ : supplier_},
           {"kind", kind},
           {"title", "承诺 " + kind},
           {"due", due},
           {"stage", "implementation"},
           {"committing_official_id", committer_}};
    for (auto& [k, v] : extra.items())
      c[k] = v;
    return create("commitments", c)["id"];
  }

  std::string fact(const std::string& commitment_id, const std::string& kind, const std::string& on,
                   json extra = json::object()) {
    json f{{"commitment_id", commitment_id}, {"kind", kind}, {"on", on}};
    for (auto& [k, v] : extra.items())
      f[k] = v;
    return create("facts", f)["id"];
  }

  json detect(const std::string& as_of, const std::string& token = kSupervisor) {
    auto r = post("/api/v1/detection-runs", {{"as_of", as_of}}, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json() : json::object();
  }

  /** The breaches of a commitment. */
  std::vector<json> breaches_of(const std::string& commitment_id) {
    std::vector<json> out;
    for (auto& b : walk("/api/v1/breaches", 100))
      if (b["commitment_id"] == commitment_id) out.push_back(b);
    return out;
  }

  /** Acts on a breach with its current ETag; returns the response. */
  ClientResponse act(const std::string& id, const std::string& action, json body,
                     const std::string& token = kSupervisor) {
    auto current = get("/api/v1/breaches/" + id, token);
    return call("POST", "/api/v1/breaches/" + id + "/actions/" + action, token, body.dump(),
                {{"If-Match", current.header("etag")}});
  }

  bool publish_names_ = true;
  bool fact_hook_ = false;
  std::string body_, other_body_, head_, assignee_, committer_, supplier_, agreement_;
};

}  // namespace pactwatch::testing
