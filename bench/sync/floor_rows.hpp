#pragma once
// The rows of an import for the floor benchmarks (import_floor_bench, import_floor_bench_mariadb;
// docs/PERFORMANCE.md, "Sync"): what N synthetic releases (bench/sync/synthetic_ocds.hpp) become once
// imported in the change-set model (migration 0009: one trail entry per release listing its changes, one
// trail_index row per change, time-ordered ids), with the real row sizes, ids of the real shape in creation
// order, and random keys and hashes, generated a batch at a time.

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pactwatch::bench::floor {

/** Random text of the shapes the importer stores. */
class Values {
 public:
  /** prefix_ + 26 Crockford base32 characters that sort by creation, as store::new_id (ULID layout). */
  std::string id(std::string_view prefix) {
    static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string s(prefix);
    s += '_';
    const std::uint64_t order = ++created_;  // the time part: rising, as the clock and the counter in it
    for (int i = 9; i >= 0; --i)
      s += kAlphabet[(order >> (5 * i)) & 31];
    for (int i = 0; i < 16; ++i)
      s += kAlphabet[rng_() % 32];
    return s;
  }
  std::string hex64() {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string s(64, '0');
    for (auto& c : s)
      c = kHex[rng_() % 16];
    return s;
  }
  /** Filler of `mean` +- 10 % characters (a trail patch, a key's tail). */
  std::string text(std::size_t mean) {
    const std::size_t n = mean - mean / 10 + rng_() % (mean / 5 + 1);
    std::string s(n, ' ');
    for (auto& c : s)
      c = static_cast<char>('a' + rng_() % 26);
    return s;
  }
  std::uint64_t next() { return rng_(); }
  bool chance(unsigned percent) { return rng_() % 100 < percent; }

 private:
  std::mt19937_64 rng_{42};
  std::uint64_t created_ = std::uint64_t{1} << 40;
};

inline std::string date(long long day) {  // 2024-01-01 + day
  const auto ymd = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1} +
                                               std::chrono::days{day}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

/**
 * One trail entry (trail_entries): a release's change set, with the Merkle nodes its append completes (its
 * `nodes` column) and its trail_index rows (every entity it changed).
 */
struct TrailRow {
  long long seq;
  std::string action, type, id, reason, patch, prev, hash;
  std::string nodes;  ///< levels 1, 2, … as 64 hex digits each (docs/TRAIL.md §8.1)
  std::vector<std::pair<std::string, std::string>> index;  ///< (entity type, id) of each change
};
struct KeyRow {
  std::string source, lookup, key, type, id, hash;  ///< lookup: the key itself (external_key.hpp)
};
struct CommitmentRow {
  std::string id, agreement, side, obligor, kind, title, due;
  bool amount;
  long long fen;
};
struct FactRow {
  std::string id, commitment, kind, on;
  bool amount;
  long long fen;
};
struct PartyRow {
  std::string id, name, code;
  bool body;
};
/** Everything one batch stores, generated before its transaction. */
struct Batch {
  std::vector<PartyRow> parties;
  std::vector<std::array<std::string, 6>> agreements;  // id, title, body, counterparty, signed_on, ocid
  std::vector<long long> agreement_fen;
  std::vector<CommitmentRow> commitments;
  std::vector<FactRow> facts;
  std::vector<TrailRow> trail;
  std::vector<KeyRow> keys;
  std::string cursor;
};

/** Generates batches with the shape of bench/sync/synthetic_ocds.cpp's releases once imported. */
class Generator {
 public:
  Batch batch(std::size_t first, std::size_t count) {
    Batch b;
    for (std::size_t r = first; r < first + count; ++r)
      release(b, r);
    b.cursor = "file:/tmp/releases.jsonl#" + std::to_string(first + count);
    return b;
  }
  long long trail_size() const { return seq_; }
  long long changes() const { return changes_total_; }

 private:
  const std::string& party(Batch& b, std::vector<std::string>& ids, std::size_t pick, bool body) {
    if (ids[pick].empty()) {
      ids[pick] = v_.id(body ? "bod" : "org");
      b.parties.push_back(
          {ids[pick], v_.text(12), v_.id("x").substr(2, 18), body});  // an 18-character credit code
      change(body ? "body" : "organization", ids[pick], 236);
      credit_code_key(b, body ? "body" : "organization", ids[pick]);
      if (body) credit_code_key(b, "body", ids[pick], "*");  // a credit-code body, for every source
    }
    key(b, body ? "body" : "organization", ids[pick], 34);  // the release's local alias
    return ids[pick];
  }
  void release(Batch& b, std::size_t r) {
    release_ = r;
    key(b, "record", "", 46);
    const std::string body = party(b, buyers_, v_.next() % buyers_.size(), true);
    const std::string supplier = party(b, suppliers_, v_.next() % suppliers_.size(), false);
    const std::string agreement = v_.id("agr");
    const long long start = static_cast<long long>(v_.next() % 600);
    b.agreements.push_back(
        {agreement, v_.text(13), body, supplier, date(start), "ocds-pw5323-" + std::to_string(r)});
    b.agreement_fen.push_back(static_cast<long long>(v_.next() % 9'000'000 + 1'000'000));
    change("agreement", agreement, 468);
    key(b, "agreement", agreement, 34);
    const std::size_t commitments = 3 + v_.next() % 6;
    const std::size_t first = b.commitments.size();
    for (std::size_t i = 0; i < commitments; ++i) {
      const bool payment = v_.chance(55);
      b.commitments.push_back({v_.id("com"), agreement, payment ? "government" : "counterparty",
                               payment ? body : supplier, payment ? "payment" : "delivery",
                               "第" + std::to_string(i + 1) + "期",
                               date(start + 30 * static_cast<long long>(i + 1)), payment,
                               static_cast<long long>(v_.next() % 5'000'000)});
      change("commitment", b.commitments.back().id, 450);
      key(b, "commitment", b.commitments.back().id, 48);
    }
    for (std::size_t i = first; i < b.commitments.size(); ++i) {
      const int facts = 1 + (v_.chance(56) ? 1 : 0);  // 1.56 per commitment: 8.6 per release
      for (int f = 0; f < facts; ++f) {
        const bool paid = v_.chance(13);
        b.facts.push_back({v_.id("fct"), b.commitments[i].id, paid ? "paid" : (f ? "met" : "amended"),
                           date(start + static_cast<long long>(v_.next() % 400)), paid,
                           static_cast<long long>(v_.next() % 5'000'000)});
        change("fact", b.facts.back().id, 526);
        key(b, "fact", b.facts.back().id, 71);
      }
    }
    trail(b, "ocds:ocds-pw5323-" + std::to_string(r) + "/ocds-pw5323-" + std::to_string(r) + "-impl-1");
  }
  /**
   * One change of the release's change set: its trail_index row, and its part of the entry's patch — the
   * entity's own patch (`patch` characters, as measured per entity in the layout before migration 0009)
   * and the change's wrapper {"id","op","patch","type"} (75 characters).
   */
  void change(std::string type, const std::string& id, std::size_t patch) {
    changes_.emplace_back(std::move(type), id);
    patch_ += patch + 75;
    ++changes_total_;
  }
  /** The release's trail entry (entity and action as docs/TRAIL.md §2.4), if it changed anything. */
  void trail(Batch& b, const std::string& record_key) {
    if (changes_.empty()) return;
    TrailRow t{++seq_,
               "sync.import",
               changes_.front().first,
               changes_.front().second,
               "platform sync of bench: " + record_key,
               v_.text(patch_),
               head_,
               v_.hex64(),
               {},
               std::move(changes_)};
    head_ = t.hash;
    // Every subtree of height >= 1 this leaf completes, in the entry's row (as trail_store's append stores
    // them; the leaf itself is the entry's hash).
    for (long long size = 2; seq_ % size == 0; size *= 2)
      t.nodes += v_.hex64();
    b.trail.push_back(std::move(t));
    changes_.clear();
    patch_ = 0;
  }
  /** A key of the release's ocid, `length` bytes or so: the platform hands ocids out in order. */
  void key(Batch& b, std::string type, std::string id, std::size_t length) {
    std::string text = "ocds:ocds-pw5323-" + std::to_string(release_) + ":";
    text += v_.text(length > text.size() + 10 ? length - text.size() : 10);
    b.keys.push_back({"bench", text, text, std::move(type), std::move(id), v_.hex64()});
  }
  /** A party's credit-code key: in no order. */
  void credit_code_key(Batch& b, std::string type, std::string id, std::string source = "bench") {
    const std::string text = "uscc:" + v_.hex64().substr(0, 18);
    b.keys.push_back({std::move(source), text, text, std::move(type), std::move(id), v_.hex64()});
  }
  Values v_;
  std::vector<std::string> buyers_ = std::vector<std::string>(270);
  std::vector<std::string> suppliers_ = std::vector<std::string>(3000);
  long long seq_ = 0;
  std::size_t release_ = 0;  ///< the release being generated
  std::string head_ = std::string(64, '0');
  std::vector<std::pair<std::string, std::string>> changes_;  ///< the release's changes so far
  std::size_t patch_ = 0;                                     ///< its patch length so far
  long long changes_total_ = 0;
};

inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
/** Bytes this process caused to be written to storage (/proc/self/io write_bytes). */
inline long long written_bytes() {
  std::ifstream io("/proc/self/io");
  std::string name;
  long long value = 0;
  while (io >> name >> value) {
    if (name == "write_bytes:") return value;
  }
  return 0;
}
inline long long file_bytes(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : 0;
}

/** The texts of a backend's migrations (`dir`/NNNN_*.sql), in the order the importer applies them. */
inline std::vector<std::string> migration_scripts(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".sql") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

/** The lease the batches check, as the syncer holds it. */
inline constexpr const char* kBenchLease =
    "INSERT INTO sync_leases (source, owner, epoch, expires_at, acquired_at) VALUES ('bench', 'sync-bench', "
    "1, "
    "'9999', '2026-11-26T00:00:00.000Z')";

/** What a floor run measured: the storing alone, and the generating of the values left out of it. */
struct FloorTotals {
  double wall = 0, cpu = 0, gen_wall = 0, gen_cpu = 0;
};

/**
 * Generates `releases` releases `batch` at a time and hands each batch with its time text to
 * `store(batch, now)` (one transaction); after every `every` releases and at the end calls
 * `progress(done, totals so far)`. Generating is timed apart and left out of the totals.
 */
template <class Store, class Progress>
FloorTotals run_batches(Generator& gen, std::size_t releases, std::size_t batch, std::size_t every,
                        Store&& store, Progress&& progress) {
  FloorTotals t;
  const auto start = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  std::size_t reported = 0;
  for (std::size_t done = 0; done < releases;) {
    const std::size_t n = std::min(batch, releases - done);
    const auto g0 = std::chrono::steady_clock::now();
    const double gc0 = cpu_seconds();
    const Batch b = gen.batch(done, n);
    char now[32];
    std::snprintf(now, sizeof now, "2026-11-26T10:%02zu:%02zu.%03zuZ", (done / 60'000) % 60,
                  (done / 1000) % 60, done % 1000);
    t.gen_cpu += cpu_seconds() - gc0;
    t.gen_wall += seconds_since(g0);
    store(b, std::string(now));
    done += n;
    t.wall = seconds_since(start) - t.gen_wall;
    t.cpu = cpu_seconds() - cpu0 - t.gen_cpu;
    if (done - reported >= every || done == releases) {
      reported = done;
      progress(done, t);
    }
  }
  return t;
}

}  // namespace pactwatch::bench::floor
