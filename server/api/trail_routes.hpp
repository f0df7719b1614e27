#pragma once
// The accountability trail's routes under /api/v1/trail (DESIGN §6, docs/TRAIL.md §8), for the roles with
// Permission::trail_read (auditor, supervisor, admin), and the background task that signs checkpoints
// every N entries or T seconds.
//
//   GET /api/v1/trail                           entries by entity, official, actor, action, time; cursor
//   GET /api/v1/trail.csv                       the same as CSV (also GET /api/v1/trail, Accept: text/csv)
//   GET /api/v1/trail/entries/{seq}             one entry
//   GET /api/v1/trail/entries/{seq}/proof       inclusion proof (?tree_size=N)
//   GET /api/v1/trail/consistency               consistency proof (?from=M&to=N)
//   GET /api/v1/trail/checkpoints               signed checkpoints, newest first
//   GET /api/v1/trail/public-key                the Ed25519 key checkpoints verify with
//   GET /api/v1/trail/entities/{type}/{id}      an entity's history; ?as_of= rebuilds its state then
//   GET /api/v1/trail/verify                    chain, tree and signatures: ok, or the first bad seq

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/store/database.hpp"
#include "adapters/trail/checkpoint.hpp"
#include "domain/date.hpp"
#include "server/auth.hpp"
#include "server/router.hpp"

namespace pactwatch::store {
struct TrailVerification;
}

namespace pactwatch::server {

/** User-visible limits of the trail routes, and the key they verify with. */
struct TrailOptions {
  /** The service's checkpoint key (public part). Without one, /public-key is 503 and checkpoints do not
   * verify (verify reports bad_signature). */
  std::shared_ptr<const trail::PublicKey> public_key;
  int default_limit = 50;            ///< entries or checkpoints per page when `limit` is absent
  int max_limit = 500;               ///< larger `limit` values are a 422
  int max_csv_rows = 50'000;         ///< rows per CSV response; the next page's cursor is in X-Next-Cursor
  std::size_t max_history = 10'000;  ///< entries one entity's history may return
};

/** The answer of GET /api/v1/trail/verify (and `trail verify --json`): ok, counts, root, first finding. */
nlohmann::json verification_json(const store::TrailVerification& result, const trail::PublicKey* key);

/** Adds the trail routes. `database` must outlive the router. */
void add_trail_routes(Router& router, const Authenticator& auth, store::Database& database,
                      TrailOptions options = {});

/** When checkpoints are signed. */
struct CheckpointPolicy {
  std::uint64_t every_entries = 1000;    ///< sign once this many entries follow the last checkpoint
  std::chrono::seconds every{60};        ///< or once this long has passed with any new entry
  std::chrono::milliseconds poll{1000};  ///< how often the task looks (so N is honoured within `poll`)
};

/**
 * Signs checkpoints in the background: every `poll` it compares the chain head with the latest checkpoint
 * and signs the head when `every_entries` new entries or `every` time have accumulated. Several instances
 * may run it: the first to store a tree size wins, the others skip it.
 */
class CheckpointScheduler {
 public:
  CheckpointScheduler(store::Database& database, std::shared_ptr<const trail::SigningKey> key,
                      CheckpointPolicy policy);
  ~CheckpointScheduler();
  CheckpointScheduler(const CheckpointScheduler&) = delete;
  CheckpointScheduler& operator=(const CheckpointScheduler&) = delete;

  /** One look at `now`: signs and returns true when the policy says so. Also what the thread runs. */
  domain::Result<bool> tick(domain::Instant now);
  void start();
  /** Stops the thread (and signs what is pending, so a shutdown leaves the head checkpointed). */
  void stop();

 private:
  store::Database& database_;
  std::shared_ptr<const trail::SigningKey> key_;
  CheckpointPolicy policy_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pactwatch::server
