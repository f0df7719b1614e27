// The /api/v1/trail routes over real HTTP on SQLite and MariaDB, `pactwatch trail verify`, tamper
// detection at the exact sequence number by both, and the write paths: every non-GET route the executable's
// router serves, and the token commands, append exactly one entry.
#include "server/api/trail_routes.hpp"

#include <gmock/gmock.h>
#include <soci/soci.h>

#include <fstream>
#include <functional>
#include <ostream>
#include <thread>

#include "adapters/store/token_store.hpp"
#include "adapters/sync/file_import.hpp"
#include "adapters/trail/change_set.hpp"
#include "adapters/trail/merkle.hpp"
#include "domain/identifiers.hpp"
#include "server/cli_token.hpp"
#include "server/routes.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/sync/sync_test_support.hpp"
#include "tests/trail_db/trail_db_support.hpp"

namespace pactwatch::testing {
namespace {

using trail::Hash;

Hash hex_hash(const json& j) {
  return trail::hash_from_hex(j.get<std::string>()).value();
}
std::vector<Hash> hex_hashes(const json& j) {
  std::vector<Hash> out;
  for (const auto& h : j)
    out.push_back(hex_hash(h));
  return out;
}

/** The executable's router (build_router) with a checkpoint key, over the fixture's database. */
class TrailApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    temp_ = make_temp_dir("pactwatch-trail");
    key_file_ = temp_ / "checkpoint-key.pem";
    trail::KeyFileOptions options;
    options.path = key_file_;
    key_ = std::make_shared<const trail::SigningKey>(trail::load_or_create_signing_key(options).value());
    ApiFixture::SetUp();
  }
  void TearDown() override {
    ApiFixture::TearDown();
    std::filesystem::remove_all(temp_);
  }
  void register_routes(server::Router& router) override {
    server::TrailOptions trail;
    trail.public_key = std::make_shared<const trail::PublicKey>(key_->public_key());
    server::build_router(router, metrics_, server::SystemProbes{}, *auth_, *database_, trail);
  }
  std::uint64_t head() { return store::TrailStore(*database_).head().value().seq; }
  void checkpoint() {
    auto taken = store::TrailStore(*database_)
                     .take_checkpoint(*key_, std::chrono::time_point_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now()));
    ASSERT_TRUE(taken) << taken.error().message;
  }
  std::string new_body(const std::string& name, const std::string& region = "532301") {
    return create("bodies", body_json(name, region))["id"];
  }
  /** Walks every page of a trail list; returns the seqs, checking they rise. */
  std::vector<std::uint64_t> seqs(const std::string& target, int limit) {
    std::vector<std::uint64_t> out;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = get(target + (target.find('?') == std::string::npos ? "?" : "&") +
                       "limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor),
                   kAuditor);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      const json body = r.json();  // kept: a range-for over a temporary's member would dangle
      for (const auto& item : body.at("items")) {
        if (!out.empty()) {
          EXPECT_GT(item.at("seq").get<std::uint64_t>(), out.back());
        }
        out.push_back(item.at("seq"));
      }
      if (body.at("next_cursor").is_null()) break;
      cursor = body.at("next_cursor");
    }
    return out;
  }
  std::filesystem::path temp_, key_file_;
  std::shared_ptr<const trail::SigningKey> key_;
};

// Verifies ledger writes over HTTP are in the trail with actor, role, request id and reason, and the list's
// filters by entity, actor and action.
TEST_F(TrailApiTest, LedgerWritesAreListedWithWhoAndWhy) {
  const std::string id = new_body("楚雄市财政局");
  auto changed =
      call("PATCH", "/api/v1/bodies/" + id, kSupervisor, json{{"name", "楚雄市财政局（新）"}}.dump(),
           {{"If-Match", "*"}, {"X-Request-Id", "req-trail-1"}, {"X-Reason", "更名"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  new_body("禄丰市财政局", "532302");
  auto r = get("/api/v1/trail?entity=body:" + id, kAuditor);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto items = r.json().at("items");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("action"), "body.create");
  EXPECT_EQ(items[1].at("action"), "body.update");
  EXPECT_EQ(items[1].at("actor"), (json{{"token_id", "t_sup"}, {"name", "州财政局采购监管科"}}));
  EXPECT_EQ(items[1].at("role"), "supervisor");
  EXPECT_EQ(items[1].at("request_id"), "req-trail-1");
  EXPECT_THAT(items[1].at("patch").dump(),
              ::testing::HasSubstr(R"("path":"/name","value":"楚雄市财政局（新）")"));
  EXPECT_EQ(seqs("/api/v1/trail?action=body.create", 1).size(), 2u);
  EXPECT_EQ(seqs("/api/v1/trail?actor=t_sup", 2).size(), 3u);
  EXPECT_EQ(seqs("/api/v1/trail?actor=nobody", 2).size(), 0u);
  EXPECT_EQ(get("/api/v1/trail?entyti=body", kAuditor).status, 422);
  EXPECT_EQ(get("/api/v1/trail?from=yesterday", kAuditor).status, 422);
  EXPECT_EQ(get("/api/v1/trail?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z", kAuditor)
                .json()
                .at("items")
                .size(),
            0u);
}

// Verifies a region-scoped token is refused the whole trail, and roles without trail_read everything.
TEST_F(TrailApiTest, ScopedTokensAndPlatformAreRefused) {
  EXPECT_EQ(get("/api/v1/trail", kChuxiongCity).status, 403);
  EXPECT_EQ(get("/api/v1/trail/verify", kPlatform).status, 403);
  EXPECT_EQ(get("/api/v1/trail", "").status, 401);
  EXPECT_EQ(get("/api/v1/trail", kAdmin).status, 200);
}

// Verifies a county-scoped auditor reads the trail of its county's entities — the history, the entry and its
// inclusion proof — and gets 404 for another county's, exactly as for an id that does not exist (a 403 would
// confirm the id), while the whole-trail routes stay 403 and the hash-only ones answer.
TEST_F(TrailApiTest, CountyAuditorReadsItsCountysTrailOnly) {
  const std::string own = new_body("楚雄市财政局");
  const std::string other = new_body("禄丰市财政局", "532302");
  checkpoint();

  auto history = get("/api/v1/trail/entities/body/" + own, kChuxiongAuditor);
  ASSERT_EQ(history.status, 200) << history.body;
  const json own_history = history.json();
  ASSERT_EQ(own_history.at("entries").size(), 1u);
  EXPECT_EQ(own_history.at("entries_withheld"), 0);
  EXPECT_EQ(own_history.at("state").at("name"), "楚雄市财政局");
  const std::string own_seq = std::to_string(own_history.at("entries")[0].at("seq").get<std::uint64_t>());
  const std::string other_seq = std::to_string(get("/api/v1/trail/entities/body/" + other, kAuditor)
                                                   .json()
                                                   .at("entries")[0]
                                                   .at("seq")
                                                   .get<std::uint64_t>());

  auto entry = get("/api/v1/trail/entries/" + own_seq, kChuxiongAuditor);
  ASSERT_EQ(entry.status, 200) << entry.body;
  EXPECT_EQ(entry.json().at("entity").at("id"), own);
  auto proof = get("/api/v1/trail/entries/" + own_seq + "/proof", kChuxiongAuditor);
  ASSERT_EQ(proof.status, 200) << proof.body;
  const json p = proof.json();
  EXPECT_TRUE(trail::verify_inclusion(trail::merkle_leaf_hash(hex_hash(p.at("entry_hash"))),
                                      p.at("leaf_index"), p.at("tree_size"), hex_hashes(p.at("audit_path")),
                                      hex_hash(p.at("root_hash"))));
  EXPECT_EQ(get("/api/v1/trail/checkpoints", kChuxiongAuditor).status, 200);
  EXPECT_EQ(get("/api/v1/trail/public-key", kChuxiongAuditor).status, 200);
  EXPECT_EQ(get("/api/v1/trail/consistency?from=1", kChuxiongAuditor).status, 200);

  // Another county's body: 404 everywhere, with the answer an id that never existed gets.
  const auto missing = get("/api/v1/trail/entities/body/bod_missing", kChuxiongAuditor);
  EXPECT_EQ(missing.status, 404);
  const auto refused = get("/api/v1/trail/entities/body/" + other, kChuxiongAuditor);
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(refused.json().at("title"), missing.json().at("title"));
  EXPECT_THAT(refused.body, ::testing::Not(::testing::HasSubstr("禄丰")));
  EXPECT_EQ(get("/api/v1/trail/entries/" + other_seq, kChuxiongAuditor).status, 404);
  EXPECT_EQ(get("/api/v1/trail/entries/" + other_seq + "/proof", kChuxiongAuditor).status, 404);
  EXPECT_EQ(get("/api/v1/trail/entries/999999", kChuxiongAuditor).status, 404);

  // The other county's scoped token sees the mirror image; unscoped readers see both.
  EXPECT_EQ(get("/api/v1/trail/entities/body/" + other, kLufeng).status, 200);
  EXPECT_EQ(get("/api/v1/trail/entries/" + own_seq, kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/trail/entries/" + other_seq, kAuditor).status, 200);
  EXPECT_EQ(get("/api/v1/trail/entries/" + own_seq + "/proof", kAuditor).status, 200);

  // The whole trail stays refused to a scoped token.
  EXPECT_EQ(get("/api/v1/trail", kChuxiongAuditor).status, 403);
  EXPECT_EQ(get("/api/v1/trail.csv", kChuxiongAuditor).status, 403);
  EXPECT_EQ(get("/api/v1/trail?entity=body:" + own, kChuxiongAuditor).status, 403);
  EXPECT_EQ(get("/api/v1/trail/verify", kChuxiongAuditor).status, 403);
}

// Verifies an entry that changed entities of two counties is shown to a county's token only when ALL of its
// entities are in that county: it is withheld from both counties' histories (and counted), 404 by seq, and
// shown to an unscoped auditor; an organization belongs to the counties whose agreements name it.
TEST_F(TrailApiTest, EntrySpanningCountiesIsWithheldFromEach) {
  store::LedgerStore ledger(*database_);
  const store::WriteContext context{"t_sup", "州财政局采购监管科",      "supervisor", "req-two-counties",
                                    "",      "2026-11-26T05:29:13.042Z"};
  auto written = ledger.write(
      context, std::nullopt, [](store::LedgerTransaction& tx) -> domain::Result<store::StoredResponse> {
        for (const auto& [id, region] :
             {std::pair{"bod_cx_joint", "532301"}, std::pair{"bod_lf_joint", "532302"}}) {
          domain::Body b;
          b.id = id;
          b.name = std::string("联合") + region;
          b.region = region;
          if (auto r = tx.insert_body(b); !r) return std::unexpected(r.error());
        }
        return store::StoredResponse{};
      });
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_EQ(patch("/api/v1/bodies/bod_cx_joint", {{"name", "楚雄市联合办"}}, "*").status, 200);

  const auto all = get("/api/v1/trail/entities/body/bod_cx_joint", kAuditor).json();
  ASSERT_EQ(all.at("entries").size(), 2u);
  const std::string joint_seq = std::to_string(all.at("entries")[0].at("seq").get<std::uint64_t>());
  EXPECT_EQ(all.at("entries_withheld"), 0);

  const auto scoped = get("/api/v1/trail/entities/body/bod_cx_joint", kChuxiongAuditor);
  ASSERT_EQ(scoped.status, 200) << scoped.body;
  EXPECT_EQ(scoped.json().at("entries").size(), 1u);  // only the rename, which changed this body alone
  EXPECT_EQ(scoped.json().at("entries_withheld"), 1);
  EXPECT_EQ(scoped.json().at("state").at("name"), "楚雄市联合办");
  EXPECT_EQ(get("/api/v1/trail/entries/" + joint_seq, kChuxiongAuditor).status, 404);
  EXPECT_EQ(get("/api/v1/trail/entries/" + joint_seq, kLufeng).status, 404);
  EXPECT_EQ(get("/api/v1/trail/entries/" + joint_seq, kAuditor).status, 200);
}

// Verifies one detection run that opens breaches in two counties records one entry per county, so that each
// county's auditor reads the entry that opened its own breach (and only that one).
TEST_F(TrailApiTest, DetectionOpensEachCountysBreachesInAnEntryOfItsOwn) {
  const auto overdue_in = [&](const std::string& body_name, const std::string& region) {
    const std::string body_id = new_body(body_name, region);
    const std::string agreement = create("agreements", {{"kind", "pledge"},
                                                        {"title", body_name + "公开承诺"},
                                                        {"body_id", body_id},
                                                        {"signed_on", "2026-01-05"}})["id"];
    return create("commitments", {{"agreement_id", agreement},
                                  {"obligor_side", "government"},
                                  {"obligor_id", body_id},
                                  {"kind", "pledge"},
                                  {"title", "年中前完成"},
                                  {"due", "2026-04-30"}})["id"]
        .get<std::string>();
  };
  const std::string chuxiong = overdue_in("楚雄市住建局", "532301");
  const std::string lufeng = overdue_in("禄丰市住建局", "532302");
  const std::uint64_t before = head();
  const auto detected = post("/api/v1/detection-runs", {{"as_of", "2026-06-01"}});
  ASSERT_EQ(detected.status, 200) << detected.body;
  ASSERT_EQ(detected.json().at("opened_ids").size(), 2u) << detected.body;
  EXPECT_EQ(head(), before + 2);  // one change set per county

  for (const auto& id : detected.json().at("opened_ids")) {
    const std::string breach = id.get<std::string>();
    const auto all = get("/api/v1/trail/entities/breach/" + breach, kAuditor).json();
    ASSERT_EQ(all.at("entries").size(), 1u);
    const std::string seq = std::to_string(all.at("entries")[0].at("seq").get<std::uint64_t>());
    const bool in_chuxiong = all.at("state").at("commitment_id") == chuxiong;
    EXPECT_EQ(in_chuxiong || all.at("state").at("commitment_id") == lufeng, true);
    const auto& own = in_chuxiong ? kChuxiongAuditor : kLufeng;
    const auto& other = in_chuxiong ? kLufeng : kChuxiongAuditor;
    const auto scoped = get("/api/v1/trail/entities/breach/" + breach, own);
    ASSERT_EQ(scoped.status, 200) << scoped.body;
    EXPECT_EQ(scoped.json().at("entries").size(), 1u);
    EXPECT_EQ(scoped.json().at("entries_withheld"), 0);
    EXPECT_EQ(get("/api/v1/trail/entries/" + seq, own).status, 200);
    EXPECT_EQ(get("/api/v1/trail/entries/" + seq, other).status, 404);
  }
}

// Verifies the entity history and ?as_of: the state is rebuilt from the patches as it was at that instant.
TEST_F(TrailApiTest, EntityStateAsOfIsRebuiltFromPatches) {
  const std::string id = new_body("旧名");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(patch("/api/v1/bodies/" + id, {{"name", "新名"}}, "*").status, 200);
  auto full = get("/api/v1/trail/entities/body/" + id, kAuditor);
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_EQ(full.json().at("entries").size(), 2u);
  EXPECT_EQ(full.json().at("state").at("name"), "新名");
  EXPECT_EQ(full.json().at("state"), get("/api/v1/bodies/" + id).json());
  const std::string created_at = full.json().at("entries")[0].at("time");
  auto then = get("/api/v1/trail/entities/body/" + id + "?as_of=" + created_at, kAuditor);
  ASSERT_EQ(then.status, 200) << then.body;
  EXPECT_EQ(then.json().at("state").at("name"), "旧名");
  EXPECT_EQ(get("/api/v1/trail/entities/body/" + id + "?as_of=2000-01-01T00:00:00Z", kAuditor).status, 404);
  EXPECT_EQ(get("/api/v1/trail/entities/body/bod_nothing", kAuditor).status, 404);
}

// Verifies the CSV export: UTF-8 BOM, header, one CRLF row per entry, Chinese text as UTF-8, quotes doubled;
// also through Accept: text/csv.
TEST_F(TrailApiTest, CsvExport) {
  new_body("楚雄州\"审计\"局");
  new_body("双柏县财政局", "532322");
  auto r = get("/api/v1/trail.csv", kAuditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.header("content-type"), ::testing::StartsWith("text/csv"));
  ASSERT_TRUE(r.body.starts_with("\xEF\xBB\xBFseq,time,actor_token_id,"));
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 3);
  // In the patch column the name is JSON text (\" escapes), then CSV-quoted (" doubled).
  EXPECT_THAT(r.body, ::testing::HasSubstr(R"(楚雄州\""审计\""局)"));
  auto accept = call("GET", "/api/v1/trail?limit=1", kAuditor, "", {{"Accept", "text/csv"}});
  EXPECT_EQ(accept.status, 200);
  EXPECT_EQ(std::count(accept.body.begin(), accept.body.end(), '\n'), 2);
  EXPECT_FALSE(accept.header("x-next-cursor").empty());
}

// Verifies that trail.csv goes through the one CSV writer with formula-cell defusing: a reason "=1+1" (and
// ones starting with @ or -) comes out with a leading apostrophe, so a spreadsheet shows it as text
// instead of running it; the hashes and the sequence number are left as they are.
TEST_F(TrailApiTest, CsvExportDefusesFormulaCells) {
  for (const char* reason : {"=1+1", "@SUM(A1)", "-2+3"}) {
    auto r = post("/api/v1/bodies", body_json(std::string("楚雄州审计局 ") + reason, "532301"), kSupervisor,
                  {{"X-Reason", reason}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto r = get("/api/v1/trail.csv", kAuditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, ::testing::HasSubstr(",'=1+1,"));
  EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr(",=1+1,")));
  EXPECT_THAT(r.body, ::testing::HasSubstr(",'@SUM(A1),"));
  EXPECT_THAT(r.body, ::testing::HasSubstr(",'-2+3,"));
  EXPECT_THAT(r.body, ::testing::HasSubstr("\r\n1,"));  // the first entry's seq, not defused or quoted
}

// Verifies proofs over HTTP: the inclusion proof verifies against the signed checkpoint's root, with the key
// from /public-key; the consistency proof between two checkpoints verifies; a flipped bit is rejected.
TEST_F(TrailApiTest, ProofsVerifyAgainstSignedCheckpoints) {
  for (int i = 0; i < 5; ++i)
    new_body("机关" + std::to_string(i));
  checkpoint();
  for (int i = 5; i < 11; ++i)
    new_body("机关" + std::to_string(i));
  checkpoint();
  auto key_json = get("/api/v1/trail/public-key", kAuditor).json();
  const auto key = trail::PublicKey::from_pem(key_json.at("public_key_pem").get<std::string>()).value();
  EXPECT_EQ(key_json.at("key_id"), key.key_id());
  auto checkpoints = get("/api/v1/trail/checkpoints", kAuditor).json().at("items");
  ASSERT_EQ(checkpoints.size(), 2u);
  EXPECT_EQ(checkpoints[0].at("tree_size"), 11);  // newest first
  for (const auto& c : checkpoints)
    EXPECT_TRUE(key.verify(trail::checkpoint_from_json(c).value()));

  auto proof = get("/api/v1/trail/entries/3/proof", kAuditor);
  ASSERT_EQ(proof.status, 200) << proof.body;
  const auto p = proof.json();
  EXPECT_EQ(p.at("tree_size"), 11);
  EXPECT_EQ(p.at("checkpoint").at("root_hash"), p.at("root_hash"));
  const auto leaf = trail::merkle_leaf_hash(hex_hash(p.at("entry_hash")));
  auto path = hex_hashes(p.at("audit_path"));
  EXPECT_TRUE(trail::verify_inclusion(leaf, 2, 11, path, hex_hash(p.at("root_hash"))));
  path[1][0] ^= 0x04;
  EXPECT_FALSE(trail::verify_inclusion(leaf, 2, 11, path, hex_hash(p.at("root_hash"))));
  EXPECT_EQ(get("/api/v1/trail/entries/3/proof?tree_size=5", kAuditor).json().at("tree_size"), 5);
  EXPECT_EQ(get("/api/v1/trail/entries/3/proof?tree_size=99", kAuditor).status, 422);
  EXPECT_EQ(get("/api/v1/trail/entries/99/proof", kAuditor).status, 404);

  auto consistency = get("/api/v1/trail/consistency?from=5&to=11", kAuditor);
  ASSERT_EQ(consistency.status, 200) << consistency.body;
  const auto c = consistency.json();
  EXPECT_EQ(c.at("from_checkpoint").at("root_hash"), c.at("from_root"));
  EXPECT_EQ(c.at("to_checkpoint").at("root_hash"), c.at("to_root"));
  auto hashes = hex_hashes(c.at("proof"));
  EXPECT_TRUE(
      trail::verify_consistency(5, 11, hex_hash(c.at("from_root")), hex_hash(c.at("to_root")), hashes));
  hashes[0][31] ^= 0x01;
  EXPECT_FALSE(
      trail::verify_consistency(5, 11, hex_hash(c.at("from_root")), hex_hash(c.at("to_root")), hashes));
  EXPECT_EQ(get("/api/v1/trail/consistency?to=3", kAuditor).status, 422);
}

/** One way of tampering, by SQL, with a trail of 12 entries (checkpoint at 4), and what must be found. */
struct Tamper {
  std::string name;
  std::vector<std::string> statements;
  std::string kind;
  std::uint64_t seq;
};

/** Names a case in test output (ctest lists parameterised tests by their printed parameter). */
void PrintTo(const Tamper& tamper, std::ostream* out) {
  *out << tamper.name;
}

std::vector<Tamper> tampers() {
  const std::string copy_row_5 =
      "INSERT INTO trail_entries (seq, time, actor_token_id, actor_name, role, action, entity_type, "
      "entity_id, "
      "request_id, reason, patch, prev_hash, hash) SELECT 7, time, actor_token_id, actor_name, role, action, "
      "entity_type, entity_id, request_id, 'forged', patch, prev_hash, hash FROM trail_entries WHERE seq = 5";
  return {
      {"edit", {"UPDATE trail_entries SET reason = '篡改' WHERE seq = 7"}, "edited", 7},
      {"edit_patch", {"UPDATE trail_entries SET patch = '[]' WHERE seq = 9"}, "edited", 9},
      {"delete", {"DELETE FROM trail_entries WHERE seq = 7"}, "deleted", 7},
      {"delete_last", {"DELETE FROM trail_entries WHERE seq = 12"}, "deleted", 12},
      {"insert",
       {"UPDATE trail_entries SET seq = seq + 1000 WHERE seq >= 7",
        "UPDATE trail_entries SET seq = seq - 999 WHERE seq > 1000", copy_row_5},
       "inserted",
       7},
      {"swap",
       {"UPDATE trail_entries SET seq = 1000 WHERE seq = 7", "UPDATE trail_entries SET seq = 7 WHERE seq = 8",
        "UPDATE trail_entries SET seq = 8 WHERE seq = 1000"},
       "reordered",
       7},
      {"bad_signature",
       {"UPDATE trail_checkpoints SET time = '2030-01-01T00:00:00.000Z' WHERE tree_size = 4"},
       "bad_signature",
       4},
  };
}

class TrailTamperTest : public TrailApiTest, public ::testing::WithParamInterface<Tamper> {};

// Verifies each tampering done directly in the database is found at the exact sequence number, with its
// kind, by GET /api/v1/trail/verify and by `pactwatch trail verify` (exit 3); the intact trail passes both.
TEST_P(TrailTamperTest, FoundAtTheExactSeqByRouteAndCommand) {
  for (int i = 0; i < 4; ++i)
    new_body("机关" + std::to_string(i));
  checkpoint();
  for (int i = 4; i < 12; ++i)
    new_body("机关" + std::to_string(i));
  ASSERT_EQ(head(), 12u);
  auto intact = get("/api/v1/trail/verify", kAuditor);
  ASSERT_EQ(intact.status, 200) << intact.body;
  EXPECT_EQ(intact.json().at("ok"), true) << intact.body;
  EXPECT_EQ(intact.json().at("entries_verified"), 12);
  EXPECT_EQ(intact.json().at("checkpoints_verified"), 1);
  auto cli_intact = run_trail_cli(test_database_, key_file_, {"verify"});
  EXPECT_EQ(cli_intact.code, 0) << cli_intact.out << cli_intact.err;

  for (const auto& statement : GetParam().statements)
    run_sql(*database_, statement);

  auto found = get("/api/v1/trail/verify", kAuditor);
  ASSERT_EQ(found.status, 200) << found.body;
  const auto body = found.json();
  EXPECT_EQ(body.at("ok"), false);
  ASSERT_TRUE(body.at("finding").is_object()) << found.body;
  EXPECT_EQ(body.at("finding").at("kind"), GetParam().kind) << found.body;
  EXPECT_EQ(body.at("finding").at("seq"), GetParam().seq) << found.body;
  auto cli = run_trail_cli(test_database_, key_file_, {"verify"});
  EXPECT_EQ(cli.code, server::kExitTrailTampered) << cli.out << cli.err;
  EXPECT_THAT(cli.out, ::testing::HasSubstr("first bad seq " + std::to_string(GetParam().seq) + " (" +
                                            GetParam().kind + ")"));
}

INSTANTIATE_TEST_SUITE_P(Kinds, TrailTamperTest, ::testing::ValuesIn(tampers()),
                         [](const auto& info) { return info.param.name; });

// Verifies an auditor's saved checkpoint catches a truncation the database alone no longer shows: the last
// entries deleted, the head moved back and the stored checkpoint removed.
TEST_F(TrailApiTest, SavedCheckpointCatchesATruncatedTail) {
  for (int i = 0; i < 6; ++i)
    new_body("机关" + std::to_string(i));
  checkpoint();
  const auto saved = get("/api/v1/trail/checkpoints", kAuditor).json();
  const auto file = temp_ / "saved.json";
  std::ofstream(file) << saved.dump();
  auto five = store::TrailStore(*database_).entry(5).value();
  run_sql(*database_, "DELETE FROM trail_entries WHERE seq = 6");
  run_sql(*database_, "DELETE FROM trail_checkpoints");
  run_sql(*database_,
          "UPDATE trail_head SET seq = 5, hash = '" + trail::to_hex(five.hash) + "' WHERE id = 1");
  EXPECT_EQ(run_trail_cli(test_database_, key_file_, {"verify"}).code, 0);  // consistent without the copy
  auto cli = run_trail_cli(test_database_, key_file_, {"verify", "--checkpoint", file.string()});
  EXPECT_EQ(cli.code, server::kExitTrailTampered) << cli.out << cli.err;
  EXPECT_THAT(cli.out, ::testing::HasSubstr("first bad seq 6 (deleted)"));
  EXPECT_EQ(run_trail_cli(test_database_, key_file_, {"verify", "--checkpoint", "/nonexistent"}).code, 2);
  EXPECT_EQ(run_trail_cli(test_database_, key_file_, {"prove"}).code, 2);
}

/** A request that makes a successful write on a route, given the ids made so far. */
struct WriteRecipe {
  std::string method, target;
  std::function<json()> body;
  std::string if_match;
  std::string token = kSupervisor;
  /**
   * The entities the write changes, from its answer (each must get exactly one entry); by default the
   * answer's "id". A route that changes entities it does not name (a complaint opens a breach) answers
   * an empty list: then it must append at least one entry.
   */
  std::function<std::vector<std::string>(const json&)> entities = [](const json& answer) {
    return std::vector<std::string>{answer.at("id")};
  };
  /** The writes (LedgerStore::write, one change set each) the request makes: its entries. */
  std::uint64_t writes = 1;
};

// Verifies no write without its entry: every non-GET route of the executable's router has a recipe here (a
// new write route fails this test until it gets one), each successful write appends exactly one entry — its
// change set — listing every entity it names once, found by entity, and the token commands append one each.
TEST_F(TrailApiTest, EveryWriteRouteAndCommandAppendsExactlyOneEntry) {
  const std::string body_id = new_body("楚雄市财政局");
  const std::string org_id = create(
      "organizations", {{"name", "云南彝信科技有限公司"},
                        {"credit_code", std::string("91532301MA6K1234X") +
                                            domain::credit_code_check_character("91532301MA6K1234X")}})["id"];
  const json official = create(
      "officials",
      {{"name", "张建国"}, {"posts", {{{"body_id", body_id}, {"title", "局长"}, {"from", "2024-01-01"}}}}});
  const json agreement = create("agreements", {{"kind", "procurement"},
                                               {"title", "智慧政务平台采购"},
                                               {"body_id", body_id},
                                               {"counterparty_id", org_id},
                                               {"value", {{"amount", "1280000.00"}, {"currency", "CNY"}}},
                                               {"signed_on", "2026-03-02"}});
  const json commitment = create("commitments", {{"agreement_id", agreement["id"]},
                                                 {"obligor_side", "government"},
                                                 {"obligor_id", body_id},
                                                 {"kind", "payment"},
                                                 {"title", "首期款"},
                                                 {"due", "2026-06-30"},
                                                 {"amount", {{"amount", "384000.00"}, {"currency", "CNY"}}},
                                                 {"grace_days", 5}});
  const std::string oid = official["id"], aid = agreement["id"], cid = commitment["id"];
  // A breach to act on: a payment overdue since April, detected as of June.
  const auto overdue_payment = [&](const std::string& title, const std::string& due) {
    return create("commitments", {{"agreement_id", aid},
                                  {"obligor_side", "government"},
                                  {"obligor_id", body_id},
                                  {"kind", "payment"},
                                  {"title", title},
                                  {"due", due},
                                  {"amount", {{"amount", "5000.00"}, {"currency", "CNY"}}}})["id"];
  };
  (void)overdue_payment("进度款", "2026-04-30");
  const auto detected = post("/api/v1/detection-runs", {{"as_of", "2026-06-01"}});
  ASSERT_EQ(detected.status, 200) << detected.body;
  ASSERT_FALSE(detected.json().at("opened_ids").empty()) << detected.body;
  const std::string breach_id = detected.json().at("opened_ids").at(0);
  const std::string breach_etag = get("/api/v1/breaches/" + breach_id).header("etag");
  // Another payment falls due in August: detection as of October opens its breach.
  (void)overdue_payment("验收款", "2026-08-31");
  // A quarantined sync record whose cause is then fixed (as tests/sync/sync_routes_test.cpp): a release
  // without its buyer, then a release of the same ocid that names the buyer.
  const auto sync_dir = temp_ / "sync";
  std::filesystem::create_directories(sync_dir);
  sync::SyncStore sync_store(*database_);
  std::string no_buyer = sync::testing::release_json("r1", "met", "2025-02-20");
  const std::string buyer = R"({"id":"B1","name":"楚雄州机关事务管理局","roles":["buyer"]},)";
  no_buyer.erase(no_buyer.find(buyer), buyer.size());
  ASSERT_TRUE(sync::import_ocds_files(sync_store,
                                      std::vector<std::string>{sync::testing::write_file(
                                          sync_dir, "1.json", sync::testing::package_json({no_buyer}))},
                                      sync::ImportOptions{})
                  .has_value());
  auto quarantined = sync_store.quarantine(sync::QuarantineFilter{"file", "open", "unresolved_party", 0, 10});
  ASSERT_TRUE(quarantined.has_value());
  ASSERT_EQ(quarantined->size(), 1u);
  ASSERT_TRUE(sync::import_ocds_files(
                  sync_store,
                  std::vector<std::string>{sync::testing::write_file(
                      sync_dir, "2.json",
                      sync::testing::package_json({sync::testing::release_json("r2", "scheduled", "")}))},
                  sync::ImportOptions{})
                  .has_value());
  const std::string quarantine_id = std::to_string(quarantined->front().id);
  // A credit-outbox row the platform refused (docs/CREDIT_PUSH.md), for an operator to retry; the row alone
  // is enough here (tests/credit holds the transitions that queue rows and the dispatcher that fails them).
  const std::string outbox_id = breach_id + "-record";
  {
    auto session = database_->acquire();
    const std::string at = "2026-06-02T00:00:00.000Z";
    *session << "INSERT INTO credit_outbox (id, breach_id, event, region, payload, state, attempts,"
                " next_attempt_at, last_status, last_error, claim_epoch, created_at, updated_at) VALUES (:id,"
                " :breach, 'record', '532301', '{}', 'failed', 1, :at, 422, 'refused', 1, :at_, :at__)",
        soci::use(outbox_id, "id"), soci::use(breach_id, "breach"), soci::use(at, "at"), soci::use(at, "at_"),
        soci::use(at, "at__");
  }
  const auto none = [](const json&) { return std::vector<std::string>{}; };

  const std::map<std::string, WriteRecipe> recipes{
      {"POST /api/v1/bodies",
       {"POST", "/api/v1/bodies", [] { return body_json("南华县财政局", "532324"); }, ""}},
      {"PATCH /api/v1/bodies/{id}",
       {"PATCH", "/api/v1/bodies/" + body_id,
        [] {
          return json{{"name", "楚雄市财政局（改）"}};
        },
        "*"}},
      {"POST /api/v1/officials",
       {"POST", "/api/v1/officials",
        [&] {
          return json{{"name", "李明"},
                      {"posts", {{{"body_id", body_id}, {"title", "科长"}, {"from", "2025-01-01"}}}}};
        },
        ""}},
      {"PATCH /api/v1/officials/{id}",
       {"PATCH", "/api/v1/officials/" + oid,
        [] {
          return json{{"name", "张建國"}};
        },
        "*"}},
      {"POST /api/v1/officials/{id}/posts",
       {"POST", "/api/v1/officials/" + oid + "/posts",
        [&] {
          return json{{"body_id", body_id}, {"title", "副局长"}, {"from", "2026-05-01"}};
        },
        ""}},
      {"PATCH /api/v1/officials/{id}/posts/{seq}",
       {"PATCH", "/api/v1/officials/" + oid + "/posts/1",
        [] {
          return json{{"to", "2026-04-30"}};
        },
        "*"}},
      {"POST /api/v1/organizations",
       {"POST", "/api/v1/organizations",
        [] {
          return json{{"name", "楚雄建工集团"},
                      {"credit_code", std::string("91532300MA6K0001X") +
                                          domain::credit_code_check_character("91532300MA6K0001X")}};
        },
        ""}},
      {"PATCH /api/v1/organizations/{id}",
       {"PATCH", "/api/v1/organizations/" + org_id,
        [] {
          return json{{"name", "云南彝信科技股份有限公司"}};
        },
        "*"}},
      {"POST /api/v1/agreements",
       {"POST", "/api/v1/agreements",
        [&] {
          return json{{"kind", "procurement"},
                      {"title", "校舍维修"},
                      {"body_id", body_id},
                      {"counterparty_id", org_id},
                      {"value", {{"amount", "5000.00"}, {"currency", "CNY"}}},
                      {"signed_on", "2026-01-05"}};
        },
        ""}},
      {"PATCH /api/v1/agreements/{id}",
       {"PATCH", "/api/v1/agreements/" + aid,
        [] {
          return json{{"title", "智慧政务平台采购（一期）"}};
        },
        "*"}},
      {"POST /api/v1/agreements/{id}/stages/{kind}/assignments",
       {"POST", "/api/v1/agreements/" + aid + "/stages/implementation/assignments",
        [&] {
          return json{{"official_id", oid}, {"role", "项目负责人"}, {"from", "2026-03-02"}};
        },
        ""}},
      {"POST /api/v1/commitments",
       {"POST", "/api/v1/commitments",
        [&] {
          return json{{"agreement_id", aid},
                      {"obligor_side", "government"},
                      {"obligor_id", body_id},
                      {"kind", "payment"},
                      {"title", "尾款"},
                      {"due", "2026-09-30"},
                      {"amount", {{"amount", "100.00"}, {"currency", "CNY"}}}};
        },
        ""}},
      {"PATCH /api/v1/commitments/{id}",
       {"PATCH", "/api/v1/commitments/" + cid,
        [] {
          return json{{"title", "首期款（预付）"}};
        },
        "*"}},
      {"POST /api/v1/facts",
       {"POST", "/api/v1/facts",
        [&] {
          return json{{"commitment_id", cid}, {"kind", "fulfilled"}, {"on", "2026-06-20"}};
        },
        "", kPlatform, [](const json& answer) { return std::vector<std::string>{answer.at("id")}; },
        2}},  // the fact's write, then the write of the breach its detection opens
      {"POST /api/v1/breaches/{id}/actions/{action}",
       {"POST", "/api/v1/breaches/" + breach_id + "/actions/verify",
        [] {
          return json{{"reason", "核实：逾期未付进度款"}};
        },
        breach_etag}},
      {"POST /api/v1/detection-runs",
       {"POST", "/api/v1/detection-runs",
        [] {
          return json{{"as_of", "2026-10-01"}};
        },
        "", kSupervisor,
        [](const json& answer) {
          EXPECT_FALSE(answer.at("opened_ids").empty()) << answer.dump();
          return answer.at("opened_ids").get<std::vector<std::string>>();
        }}},
      {"POST /api/v1/public/complaints",
       {"POST", "/api/v1/public/complaints",
        [&] {
          return json{
              {"subject", "工程款拖欠"}, {"description", "施工方反映首期款逾期未付"}, {"agreement_ref", aid}};
        },
        "", "", none}},
      {"POST /api/v1/outbox/{id}/retry",
       {"POST", "/api/v1/outbox/" + outbox_id + "/retry",
        [] {
          return json{{"reason", "平台已恢复"}};
        },
        "", kAdmin}},
      {"POST /api/v1/sync/quarantine/{id}/reprocess",
       {"POST", "/api/v1/sync/quarantine/" + quarantine_id + "/reprocess", [] { return json::object(); }, "",
        kPlatform,
        [](const json& answer) {
          EXPECT_EQ(answer.at("status"), "resolved") << answer.dump();
          EXPECT_GE(answer.at("created").get<int>(), 1) << answer.dump();
          return std::vector<std::string>{};
        }}},
  };
  std::set<std::string> uncovered;
  for (const auto& route : router_->routes()) {
    if (route.method == server::Method::get || route.method == server::Method::head) continue;
    const std::string key = std::string(server::method_name(route.method)) + " " + route.path_template;
    const auto it = recipes.find(key);
    if (it == recipes.end()) {
      uncovered.insert(key);
      continue;
    }
    const WriteRecipe& w = it->second;
    const std::uint64_t before = head();
    std::vector<std::pair<std::string, std::string>> headers;
    if (!w.if_match.empty()) headers.emplace_back("If-Match", w.if_match);
    auto r = call(w.method, w.target, w.token, w.body().dump(), headers);
    ASSERT_LT(r.status, 300) << key << ": " << r.status << " " << r.body;
    // One write, one change set: exactly one entry per write of the request (of the same request id),
    // listing each entity the route names exactly once, and found by that entity.
    ASSERT_EQ(head(), before + w.writes) << key << " must append exactly " << w.writes << " trail entries";
    std::vector<std::pair<std::uint64_t, json>> changes;  // (seq, change) of every new entry
    for (std::uint64_t seq = before + 1; seq <= head(); ++seq) {
      const auto entry = store::TrailStore(*database_).entry(seq).value();
      EXPECT_EQ(entry.request_id, store::TrailStore(*database_).entry(before + 1)->request_id) << key;
      const json set = json::parse(entry.patch);
      ASSERT_TRUE(trail::is_change_set(set)) << key << ": " << entry.patch;
      for (const auto& c : set)
        changes.emplace_back(seq, c);
    }
    for (const std::string& id : w.entities(r.json())) {
      std::string type;
      std::uint64_t at = 0;
      int own = 0;
      for (const auto& [seq, c] : changes) {
        if (c.at("id") != id) continue;
        ++own;
        type = c.at("type");
        at = seq;
      }
      EXPECT_EQ(own, 1) << key << " must list " << id << " exactly once in its entries";
      if (own == 1) {
        EXPECT_THAT(seqs("/api/v1/trail?entity=" + type + ":" + id, 50), ::testing::Contains(at))
            << key << ": the entry is not found by its entity " << id;
      }
    }
  }
  EXPECT_THAT(uncovered, ::testing::IsEmpty()) << "write routes without a trail check";

  // The CLI's write commands: token create and revoke.
  const server::Environment env{{"PACTWATCH_DATABASE", test_database_.url_text()},
                                {"PACTWATCH_SQL_DIR", source_sql_dir()}};
  std::ostringstream out, err;
  std::uint64_t before = head();
  ASSERT_EQ(server::run_token_command(
                std::vector<std::string>{"create", "--role", "auditor", "--name", "州审计局"}, env, out, err),
            0)
      << err.str();
  EXPECT_EQ(head(), before + 1);
  const auto created = store::TrailStore(*database_).entry(before + 1).value();
  EXPECT_EQ(created.entity.type, "token");
  EXPECT_EQ(created.action, "token.create");
  EXPECT_THAT(created.patch, ::testing::Not(::testing::HasSubstr("pw_")));  // never the secret
  ASSERT_EQ(server::run_token_command(std::vector<std::string>{"revoke", created.entity.id}, env, out, err),
            0)
      << err.str();
  EXPECT_EQ(head(), before + 2);
  EXPECT_EQ(store::TrailStore(*database_).entry(before + 2)->action, "token.revoke");
  EXPECT_TRUE(get("/api/v1/trail/verify", kAuditor).json().at("ok").get<bool>());
}

}  // namespace
}  // namespace pactwatch::testing
