// HTTP tests of the Idempotency-Key retention (docs/API.md): a key older than the retention counts as
// new, a younger one still replays, and writes purge the expired records.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <chrono>

#include "domain/date.hpp"
#include "tests/api/api_fixture.hpp"

namespace pactwatch::testing {
namespace {

using ::testing::ElementsAre;

/** The ledger API with the default 24-hour retention and a purge on every write. */
class IdempotencyRetentionTest : public ApiFixture {
 protected:
  void SetUp() override {
    options_.idempotency.purge_every = std::chrono::seconds{0};
    ApiFixture::SetUp();
  }
  /** Moves the creation time of a stored key `age` into the past. */
  void age_key(const std::string& key, std::chrono::hours age) {
    const auto then = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()) - age;
    const std::string created = domain::format_instant(then);
    auto lease = database().acquire();
    *lease << "UPDATE idempotency_keys SET created_at = :created WHERE idem_key = :key", soci::use(created),
        soci::use(key);
  }
  int stored_keys(const std::string& key) {
    int n = -1;
    auto lease = database().acquire();
    *lease << "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = :key", soci::use(key), soci::into(n);
    return n;
  }
};

// Verifies a key older than the retention runs the request again (with another body too) and stores the
// new answer, which then replays; the old body is now the mismatch.
TEST_F(IdempotencyRetentionTest, ExpiredKeyIsTreatedAsNew) {
  const json first_body = body_json("楚雄市财政局", "532301");
  const json second_body = body_json("禄丰市财政局", "532302");
  auto first = post("/api/v1/bodies", first_body, kSupervisor, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  age_key("k-1", std::chrono::hours{25});
  auto second = post("/api/v1/bodies", second_body, kSupervisor, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_FALSE(second.has_header("idempotent-replayed"));
  EXPECT_NE(second.json().at("id"), first.json().at("id"));
  auto replay = post("/api/v1/bodies", second_body, kSupervisor, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.json().at("id"), second.json().at("id"));
  auto old_body = post("/api/v1/bodies", first_body, kSupervisor, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(old_body.status, 422);
  EXPECT_THAT(error_fields(old_body), ElementsAre("Idempotency-Key"));
  EXPECT_EQ(walk("/api/v1/bodies", 10).size(), 2u);
}

// Verifies a key younger than the retention still replays and still refuses another body.
TEST_F(IdempotencyRetentionTest, KeyWithinRetentionStillReplays) {
  const json body = body_json("楚雄市财政局", "532301");
  auto first = post("/api/v1/bodies", body, kSupervisor, {{"Idempotency-Key", "k-2"}});
  ASSERT_EQ(first.status, 201) << first.body;
  age_key("k-2", std::chrono::hours{23});
  auto replay = post("/api/v1/bodies", body, kSupervisor, {{"Idempotency-Key", "k-2"}});
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.json().at("id"), first.json().at("id"));
  auto other =
      post("/api/v1/bodies", body_json("禄丰市财政局", "532302"), kSupervisor, {{"Idempotency-Key", "k-2"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(walk("/api/v1/bodies", 10).size(), 1u);
}

// Verifies a write deletes the expired records of every token and keeps the others.
TEST_F(IdempotencyRetentionTest, WritesPurgeExpiredKeys) {
  ASSERT_EQ(
      post("/api/v1/bodies", body_json("楚雄市财政局", "532301"), kSupervisor, {{"Idempotency-Key", "old"}})
          .status,
      201);
  ASSERT_EQ(post("/api/v1/bodies", body_json("楚雄市教育局", "532301"), kChuxiongCity,
                 {{"Idempotency-Key", "young"}})
                .status,
            201);
  age_key("old", std::chrono::hours{48});
  EXPECT_EQ(stored_keys("old"), 1);
  ASSERT_EQ(post("/api/v1/bodies", body_json("禄丰市财政局", "532302")).status, 201);  // no key at all
  EXPECT_EQ(stored_keys("old"), 0);
  EXPECT_EQ(stored_keys("young"), 1);
}

}  // namespace
}  // namespace pactwatch::testing
