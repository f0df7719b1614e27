#pragma once
// Trail entries and their hash chain (docs/TRAIL.md §2): hash = SHA-256(prev_hash || canonical JSON of the
// entry without "hash"), with prev_hash of the first entry 32 zero bytes.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/trail/hash.hpp"
#include "domain/date.hpp"
#include "domain/result.hpp"

namespace pactwatch::trail {

/** Who made a change: the API token's id and name ("" id for the anonymous public). */
struct TrailActor {
  std::string token_id;
  std::string name;
  friend bool operator==(const TrailActor&, const TrailActor&) = default;
};

/** The entity a change applies to, e.g. {"breach", "br_8f3a"}. */
struct EntityRef {
  std::string type;
  std::string id;
  friend bool operator==(const EntityRef&, const EntityRef&) = default;
};

/**
 * One entry of the accountability trail (问责留痕) as stored: the hashed fields, prev_hash and hash. The
 * patch is kept as its canonical JSON text so that the stored bytes are exactly the hashed bytes and
 * verification needs no JSON parsing.
 */
struct TrailEntry {
  std::uint64_t seq = 0;  ///< 1, 2, 3 ... without gaps; Merkle leaf index seq - 1
  std::string time;       ///< RFC 3339 UTC with milliseconds, "2026-11-26T05:29:13.000Z"
  TrailActor actor;
  std::string role;  ///< supervisor, platform, auditor, admin, anonymous, system
  std::string action;
  EntityRef entity;
  std::string request_id;
  std::string reason;
  std::string patch;  ///< canonical JSON of the RFC 6902 patch array against the previous state
  Hash prev_hash{};
  Hash hash{};
  friend bool operator==(const TrailEntry&, const TrailEntry&) = default;
};

/** What a write path supplies for a new entry; seq, prev_hash and hash come from the chain. */
struct EntryDraft {
  domain::Instant time;
  TrailActor actor;
  std::string role;
  std::string action;
  EntityRef entity;
  std::string request_id;
  std::string reason;
  nlohmann::json patch = nlohmann::json::array();
  /**
   * When not empty, the patch as canonical JSON text, taken as it is instead of `patch`: a change set whose
   * changes canonical_change (change_set.hpp) wrote and checked, joined as "[c1,c2,…]".
   */
  std::string canonical_patch;
};

/**
 * The next entry of a chain whose head is (seq - 1, prev_hash): canonicalises the patch, formats the time
 * and computes the hash. ErrorCode::invalid when the patch is not an array of RFC 6902 operations or of
 * changes (§2.4) or holds floats, a text field is not UTF-8, or action or entity is empty.
 */
domain::Result<TrailEntry> seal_entry(const EntryDraft& draft, std::uint64_t seq, const Hash& prev_hash);

/** Whether the canonical writer checks that text fields are UTF-8. */
enum class Utf8Check {
  strict,  ///< sealing: reject text that is not UTF-8
  skip,    ///< verifying: copy bytes as stored; a byte changed since sealing changes the hash anyway
};

/**
 * Appends the canonical JSON of `entry` without "hash" - the bytes that are hashed - to `out`, writing the
 * fields directly (the stored patch text verbatim). Returns false when a text field is not valid UTF-8
 * (only with Utf8Check::strict).
 */
bool append_entry_canonical(const TrailEntry& entry, std::string& out, Utf8Check check = Utf8Check::strict);

/**
 * An entry as the store holds it: views of its column text, the hashes as their stored hex. The verifier
 * reads rows in this form straight from the database's buffers (no copy, no hex parse on the good path).
 */
struct StoredEntryView {
  std::uint64_t seq = 0;
  std::string_view time, token_id, name, role, action, entity_type, entity_id, request_id, reason, patch,
      prev_hash_hex, hash_hex;
};

/**
 * Appends the canonical JSON of a stored entry (as append_entry_canonical with Utf8Check::skip), writing
 * `prev_hash` as its stored text: the same bytes as the entry's when that text is the lower-case hex of
 * its prev_hash.
 */
void append_stored_entry_canonical(const StoredEntryView& entry, std::string& out);

/** The entry with owned text and parsed hashes; a hash text that is not 64 hex digits becomes all 0xff. */
TrailEntry to_entry(const StoredEntryView& entry);

/** Computes entry hashes with a reused buffer and digest context; one per thread. */
class EntryHasher {
 public:
  explicit EntryHasher(Utf8Check check = Utf8Check::strict) : check_(check) {}
  /** SHA-256(prev_hash || canonical JSON); nullopt when a text field is not valid UTF-8 (strict only). */
  std::optional<Hash> hash(const TrailEntry& entry);

 private:
  Utf8Check check_;
  std::string buffer_;
  Sha256 sha_;
};

/** The entry as JSON for the API and for export: fields as in the canonical form, patch parsed, hex hashes.
 */
nlohmann::json entry_to_json(const TrailEntry& entry, bool with_hash = true);

/** An entry from entry_to_json's form (for verifying exported trails); ErrorCode::invalid on bad shape. */
domain::Result<TrailEntry> entry_from_json(const nlohmann::json& json);

}  // namespace pactwatch::trail
