// SyncStore::write_batch: one transaction per batch that checks the lease, stores each record exactly once
// by (source, external key, content hash), keeps the quarantine and writes the cursor (docs/SYNC.md).

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "adapters/platform/ocds/values.hpp"
#include "adapters/store/ids.hpp"
#include "adapters/store/statement_cache.hpp"
#include "adapters/sync/external_key.hpp"
#include "adapters/sync/sync_sql.hpp"
#include "adapters/sync/sync_store.hpp"
#include "domain/fact_rules.hpp"
#include "domain/identifiers.hpp"

namespace pactwatch::sync {

namespace d = pactwatch::domain;
using d::ErrorCode;
using d::Result;

namespace {

const d::Scope kEverywhere{};

/** facts.note holds at most this many bytes (VARCHAR(2000) on MySQL counts characters, never fewer). */
constexpr std::size_t kMaxNoteBytes = 2000;

/** The longest prefix of `text` of at most `bytes` bytes that does not cut a UTF-8 sequence. */
std::string utf8_prefix(const std::string& text, std::size_t bytes) {
  std::size_t n = std::min(bytes, text.size());
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
    --n;
  return text.substr(0, n);
}

/** What an external key points at. */
struct KeyRow {
  std::string entity_id;
  std::string content_hash;
};

/** A failure that aborts the batch's transaction (LedgerStore::write rolls back on any exception). */
struct BatchAbort {
  d::Error error;
};

template <class T>
T value_or_abort(Result<T>&& r) {
  if (!r) throw BatchAbort{r.error()};
  return std::move(*r);
}

/** Stores one batch inside an open ledger transaction. */
class BatchApplier {
 public:
  BatchApplier(store::LedgerTransaction& tx, const std::string& source, const StoreOptions& options,
               const std::string& now, bool force, d::Date today)
      : tx_(tx),
        sql_(tx.statements()),
        source_(source),
        options_(options),
        now_(now),
        force_(force),
        today_(today) {}

  /**
   * Looks up every external key the records name, a hundred per SELECT, so that storing them asks the
   * database no more (keys an agreement-wide fact expands to are looked up when the fact is stored).
   */
  void prefetch(std::span<SyncRecord> records) {
    std::vector<std::string> keys;
    const auto add = [&keys](const std::string& key) {
      if (!key.empty()) keys.push_back(key);
    };
    // The records' own keys first: a record stored with the same hash is skipped without looking at its
    // entities (record()), so a re-import looks up one key per record instead of about eighteen.
    for (const auto& r : records)
      add(r.record_key);
    lookup(std::exchange(keys, {}));
    for (const auto& r : records) {
      if (unchanged(r)) continue;
      for (const auto& b : r.bodies) {
        add(b.key);
        add(b.local_key);
        add(b.value.parent_id);
      }
      for (const auto& o : r.organizations) {
        add(o.key);
        add(o.local_key);
      }
      for (const auto& o : r.officials)
        add(o.key);
      for (const auto& a : r.agreements) {
        add(a.key);
        add(a.value.body_id);
        add(a.value.counterparty_id);
      }
      for (const auto& c : r.commitments) {
        add(c.key);
        add(c.value.agreement_id);
        add(c.value.obligor_id);
        add(c.value.committing_official_id);
      }
      for (const auto& f : r.facts) {
        add(f.key);
        add(f.value.commitment_id);
        add(f.agreement_key);
      }
    }
    lookup(std::move(keys));
  }

  /** Writes the external keys the batch created (buffered: nothing else reads them in the batch). */
  void flush_keys() {
    for (std::size_t start = 0; start < pending_keys_.size(); start += kRowsPerStatement) {
      const std::size_t rows = std::min(kRowsPerStatement, pending_keys_.size() - start);
      auto call = sql_(store::multi_row_insert(sql::insert_key, rows));
      for (std::size_t i = 0; i < rows; ++i) {
        const PendingKey& k = pending_keys_[start + i];
        call.use_row(k.shared ? shared_source_ : source_, "source", i)
            .use_row(k.lookup, "lookup_key", i)
            .use_row(k.key, "external_key", i)
            .use_row(k.type, "entity_type", i)
            .use_row(k.id, "entity_id", i)
            .use_row(k.hash, "content_hash", i)
            .use_row(now_, "now", i);
      }
      call.exec();
    }
    pending_keys_.clear();
    pending_index_.clear();
  }

  void record(SyncRecord& r) {
    ++counts_.records;
    const auto seen = find_key(r.record_key);
    if (unchanged(r)) {
      ++counts_.unchanged;
      return;
    }
    for (const auto& [kind, n] : r.not_kept)
      counts_.not_kept[kind] += n;
    for (const auto& [kind, n] : r.warnings)
      counts_.warnings[kind] += n;
    const std::size_t changes_before = counts_.entities_created + counts_.entities_updated;
    const std::size_t agreements_lost_before = agreements_lost_;
    record_quarantine_ = r.raw_text;
    record_ = &r;
    record_as_of_ = options_.as_of ? *options_.as_of : r.date ? *r.date : today_;
    // One trail entry for what this record changes (docs/TRAIL.md §2.4), naming the record.
    tx_.begin_change_set("sync.import", "platform sync of " + source_ + ": " + r.record_key);
    current_region_.reset();
    for (auto& b : r.bodies)
      body(b);
    for (auto& o : r.organizations)
      organization(o);
    for (auto& o : r.officials)
      official(o);
    for (auto& a : r.agreements)
      agreement(a, earliest_due(r, a.key));
    for (auto& c : r.commitments)
      commitment(c);
    for (auto& f : r.facts)
      fact(f);
    for (auto& q : r.quarantine)
      quarantine(q);
    record_ = nullptr;
    value_or_abort(tx_.end_change_set());
    if (r.quarantined) {
      // Not remembered: a corrected version of the record must be mapped again.
      ++counts_.quarantined;
      return;
    }
    put_key(r.record_key, "record", "", r.content_hash, seen.has_value());
    const bool changed = counts_.entities_created + counts_.entities_updated > changes_before;
    // A record whose every contract was quarantined is not imported, whatever parties it stored; a record
    // never seen before is never "unchanged", even when all it states is stored already.
    const bool contracts_lost =
        !r.agreements.empty() && agreements_lost_ - agreements_lost_before == r.agreements.size();
    if (contracts_lost) {
      ++counts_.quarantined;
    } else if (changed || !seen) {
      ++counts_.created;
    } else {
      ++counts_.unchanged;
    }
  }

  void quarantine(const SyncQuarantine& q) {
    ++counts_.quarantine_entries;
    ++counts_.by_reason[q.reason];
    const std::string entry_sha =
        platform::ocds::sha256_hex(q.reason + '\n' + q.external_key + '\n' + q.location + '\n' + q.raw_text);
    long long exists = 0;
    sql_(sql::quarantine_exists).use(source_, "source").use(entry_sha, "entry_sha256").into(exists).one();
    if (exists > 0) return;
    sql_(sql::insert_quarantine)
        .use(source_, "source")
        .use(entry_sha, "entry_sha256")
        .use(q.external_key, "external_key")
        .use(q.reason, "reason")
        .use(q.message, "message")
        .use(q.location, "location")
        .use(q.raw_text, "raw_text")
        .use(now_, "now")
        .use(now_, "now2")
        .exec();
    // Issue 13: filed under the region of the record's bodies, so that region-scoped tokens see only theirs.
    if (const std::string region = record_region(); !region.empty()) {
      long long id = 0;
      if (!tx_.session().get_last_insert_id("sync_quarantine", id)) {
        throw BatchAbort{
            d::Error{ErrorCode::unavailable, "the database gave no id for a quarantine entry", ""}};
      }
      sql_(sql::insert_quarantine_region).use(id, "id").use(region, "region").exec();
    }
  }

  /** Adds the regions of the agreements and commitments the batch wrote to its counts (two IN lookups). */
  void collect_regions() {
    regions_in(sql::regions_of_agreements_in, touched_agreements_, counts_.regions);
    regions_in(sql::regions_of_commitments_in, counts_.touched_commitments, counts_.regions);
  }

  void cursor(const std::string& text, std::int64_t epoch_value) {
    std::string existing;
    const long long epoch = epoch_value;
    if (sql_(sql::select_cursor).use(source_, "source").into(existing).one()) {
      sql_(sql::update_cursor)
          .use(text, "cursor")
          .use(epoch, "epoch")
          .use(now_, "now")
          .use(source_, "source")
          .exec();
    } else {
      sql_(sql::insert_cursor)
          .use(source_, "source")
          .use(text, "cursor")
          .use(epoch, "epoch")
          .use(now_, "now")
          .exec();
    }
  }

  BatchCounts& counts() { return counts_; }

  /**
   * Detection pending: each touched commitment with the date to judge it as of (the latest record date that
   * touched it in this batch), written in the batch's transaction (docs/SYNC.md "Exactly once").
   */
  void pending_detection() {
    if (!options_.detection_pending || touched_as_of_.empty()) return;
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& [id, date] : touched_as_of_)
      rows.emplace_back(id, d::format_date(date));
    for (std::size_t start = 0; start < rows.size(); start += kRowsPerStatement) {
      const std::size_t n = std::min(kRowsPerStatement, rows.size() - start);
      auto call = sql_(store::multi_row_insert(sql::insert_detection_pending, n));
      for (std::size_t i = 0; i < n; ++i) {
        call.use_row(rows[start + i].first, "commitment_id", i)
            .use_row(rows[start + i].second, "as_of", i)
            .use_row(now_, "now", i);
      }
      call.exec();
    }
  }

 private:
  /** True when the record is stored with this content hash already (and not forced): nothing to do. */
  bool unchanged(const SyncRecord& r) {
    if (force_) return false;
    const auto seen = find_key(r.record_key);
    return seen && seen->content_hash == r.content_hash;
  }

  /** Looks up the keys not known yet, a hundred per SELECT; remembers the absent ones as absent. */
  void lookup(std::vector<std::string> keys) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::erase_if(keys, [this](const std::string& k) { return keys_.contains(k); });
    std::unordered_map<std::string, const std::string*> by_lookup;
    std::vector<std::string> lookups;
    for (const auto& key : keys) {
      lookups.push_back(external_key_lookup(key));
      by_lookup.emplace(lookups.back(), &key);
      keys_.emplace(key, std::nullopt);
    }
    std::string lookup, id, hash;
    for (std::size_t start = 0; start < lookups.size(); start += kRowsPerStatement) {
      const std::size_t rows = std::min(kRowsPerStatement, lookups.size() - start);
      std::string text(sql::select_keys_in);
      for (std::size_t i = 0; i < rows; ++i)
        text += (i ? ", :k_" : ":k_") + std::to_string(i);
      text += ")";
      auto call = sql_(text).use(source_, "source");
      for (std::size_t i = 0; i < rows; ++i)
        call.use_row(lookups[start + i], "k", i);
      call.into(lookup).into(id).into(hash).each([&] {
        if (auto it = by_lookup.find(lookup); it != by_lookup.end()) keys_[*it->second] = KeyRow{id, hash};
      });
    }
  }

  /** Adds the regions `prefix` (a regions_of_…_in statement) finds for `ids`, a hundred per SELECT. */
  void regions_in(std::string_view prefix, std::vector<std::string> ids, std::set<std::string>& out) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string region;
    for (std::size_t start = 0; start < ids.size(); start += kRowsPerStatement) {
      const std::size_t rows = std::min(kRowsPerStatement, ids.size() - start);
      std::string text(prefix);
      for (std::size_t i = 0; i < rows; ++i)
        text += (i ? ", :k_" : ":k_") + std::to_string(i);
      text += ")";
      auto call = sql_(text);
      for (std::size_t i = 0; i < rows; ++i)
        call.use_row(ids[start + i], "k", i);
      call.into(region).each([&] {
        if (!region.empty()) out.insert(region);  // unknown region: no scope to file under
      });
    }
  }

  /**
   * The region the record being stored is filed under when it quarantines something: the narrowest region
   * containing its bodies and the bodies of the stored agreements and commitments it names; "" when it
   * names none (then only unscoped tokens see the entry). Looked up only on this rare path.
   */
  std::string record_region() {
    if (record_ == nullptr) return "";
    if (current_region_) return *current_region_;
    std::set<std::string> regions;
    std::vector<std::string> agreements, commitments;
    for (const auto& b : record_->bodies) {
      const std::string& region =
          b.value.region.empty() && !b.outside ? options_.default_region : b.value.region;
      if (!region.empty()) regions.insert(region);  // a body abroad has no region
    }
    for (const auto& a : record_->agreements)
      agreements.push_back(resolve(a.key));
    for (const auto& c : record_->commitments) {
      agreements.push_back(resolve(c.value.agreement_id));
      commitments.push_back(resolve(c.key));
    }
    for (const auto& f : record_->facts) {
      if (f.scope == platform::ocds::FactScope::commitment) {
        commitments.push_back(resolve(f.value.commitment_id));
      } else {
        agreements.push_back(resolve(f.agreement_key));
      }
    }
    std::erase(agreements, std::string{});
    std::erase(commitments, std::string{});
    regions_in(sql::regions_of_agreements_in, std::move(agreements), regions);
    regions_in(sql::regions_of_commitments_in, std::move(commitments), regions);
    const std::vector<std::string> touched(regions.begin(), regions.end());
    const auto enclosing = d::enclosing_region(touched);
    current_region_ = enclosing ? enclosing->str() : std::string{};
    return *current_region_;
  }

  /** What the key points at: looked up once per batch, then kept up to date by put_key. */
  std::optional<KeyRow> find_key(const std::string& key) {
    if (auto it = keys_.find(key); it != keys_.end()) return it->second;
    KeyRow row;
    const std::string lookup = external_key_lookup(key);
    std::optional<KeyRow> found;
    if (sql_(sql::select_key)
            .use(source_, "source")
            .use(lookup, "lookup_key")
            .into(row.entity_id)
            .into(row.content_hash)
            .one()) {
      found = std::move(row);
    }
    keys_.emplace(key, found);
    return found;
  }

  void put_key(const std::string& key, const std::string& type, const std::string& id,
               const std::string& hash, bool exists) {
    keys_[key] = KeyRow{id, hash};
    if (auto pending = pending_index_.find(key); pending != pending_index_.end()) {
      PendingKey& k = pending_keys_[pending->second];  // created earlier in this batch, not written yet
      k.id = id;
      k.hash = hash;
      return;
    }
    const std::string lookup = external_key_lookup(key);
    if (exists) {
      sql_(sql::update_key)
          .use(id, "entity_id")
          .use(hash, "content_hash")
          .use(now_, "now")
          .use(source_, "source")
          .use(lookup, "lookup_key")
          .exec();
    } else {
      pending_index_.emplace(key, pending_keys_.size());
      pending_keys_.push_back(PendingKey{lookup, key, type, id, hash});
    }
  }

  /** The entity an external key (canonical or local) stands for; empty when unknown. */
  std::string resolve(const std::string& key) {
    if (key.empty()) return "";
    if (auto row = find_key(key)) return row->entity_id;
    return "";
  }

  /**
   * A party with a credit code (a uscc: key) is shared by every source: the first source to store it also
   * records its key under shared_source_, where the others find it. Returns the id stored there, if any.
   */
  std::string shared_entity(const std::string& key) {
    if (!key.starts_with("uscc:")) return "";
    if (auto it = shared_keys_.find(key); it != shared_keys_.end()) return it->second;
    std::string id, hash;
    const std::string lookup = external_key_lookup(key);
    if (!sql_(sql::select_key)
             .use(shared_source_, "source")
             .use(lookup, "lookup_key")
             .into(id)
             .into(hash)
             .one())
      id.clear();
    return shared_keys_[key] = id;
  }
  /** Records a new shared party's key under shared_source_ (see shared_entity). */
  void put_shared(const std::string& key, const std::string& type, const std::string& id) {
    if (!key.starts_with("uscc:") || !shared_entity(key).empty()) return;
    shared_keys_[key] = id;
    pending_keys_.push_back(PendingKey{external_key_lookup(key), key, type, id, "", true});
  }

  void count(bool created) { ++(created ? counts_.entities_created : counts_.entities_updated); }

  /** Counts an update: an update that changed nothing keeps its version and counts as unchanged. */
  template <class T>
  void count_update(const store::Stored<T>& before, const store::Stored<T>& after) {
    if (after.version == before.version) {
      ++counts_.entities_unchanged;
    } else {
      count(false);
    }
  }

  /** A commitment this batch created, changed or gave a fact: detection judges it as of the record's date. */
  void touched(const std::string& commitment_id) {
    counts_.touched_commitments.push_back(commitment_id);
    auto [it, inserted] = touched_as_of_.emplace(commitment_id, record_as_of_);
    if (!inserted && it->second < record_as_of_) it->second = record_as_of_;
  }

  /** Records the party's local alias (agreements refer to it) next to its canonical key. */
  template <class T>
  void alias(const KeyedParty<T>& p, const std::string& type, const std::string& id) {
    if (p.local_key.empty() || p.local_key == p.key) return;
    const auto row = find_key(p.local_key);
    if (!row || row->entity_id != id || row->content_hash != p.content_hash) {
      put_key(p.local_key, type, id, p.content_hash, row.has_value());
    }
  }

  void body(KeyedParty<d::Body>& p) {
    d::Body b = p.value;
    if (b.region.empty() && !p.outside) b.region = options_.default_region;
    if (!b.region.empty()) counts_.regions.insert(b.region);
    const auto row = find_key(p.key);
    if (row && row->content_hash == p.content_hash) {
      ++counts_.entities_unchanged;
      alias(p, "body", row->entity_id);
      return;
    }
    b.id = row ? row->entity_id : shared_entity(p.key);
    b.parent_id = resolve(b.parent_id);
    if (row) {
      auto before = value_or_abort(tx_.body(kEverywhere, b.id));
      if (!b.credit_code) b.credit_code = before.entity.credit_code;  // one entered by hand stays
      count_update(before, value_or_abort(tx_.update_body(before, b)));
    } else if (!b.id.empty()) {
      ++counts_.entities_unchanged;  // stored by another source already
    } else {
      b.id = store::new_id("bod");
      value_or_abort(tx_.insert_body(b));
      count(true);
      put_shared(p.key, "body", b.id);
    }
    put_key(p.key, "body", b.id, p.content_hash, row.has_value());
    alias(p, "body", b.id);
  }

  void organization(KeyedParty<d::Organization>& p) {
    d::Organization o = p.value;
    const auto row = find_key(p.key);
    if (row && row->content_hash == p.content_hash) {
      ++counts_.entities_unchanged;
      alias(p, "organization", row->entity_id);
      return;
    }
    o.id = row ? row->entity_id : std::string();
    if (row) {
      auto before = value_or_abort(tx_.organization(o.id));
      count_update(before, value_or_abort(tx_.update_organization(before, o)));
    } else {
      // The same supplier may be stored already, by another source or by hand: its credit code says so.
      std::string existing;
      if (o.credit_code) {
        const std::string code = o.credit_code->str();
        sql_(sql::organization_by_credit_code).use(code, "credit_code").into(existing).one();
      }
      if (!existing.empty()) {
        o.id = existing;
        ++counts_.entities_unchanged;
      } else {
        o.id = store::new_id("org");
        value_or_abort(tx_.insert_organization(o));
        count(true);
      }
    }
    put_key(p.key, "organization", o.id, p.content_hash, row.has_value());
    alias(p, "organization", o.id);
  }

  void official(Keyed<d::Official>& k) {
    const auto row = find_key(k.key);
    if (row && row->content_hash == k.content_hash) {
      ++counts_.entities_unchanged;
      return;
    }
    d::Official o = k.value;
    o.id = row ? row->entity_id : store::new_id("off");
    if (row) {
      auto before = value_or_abort(tx_.official(kEverywhere, o.id));
      o.posts = before.entity.posts;  // posts come from personnel records, never from the platform
      count_update(before, value_or_abort(tx_.update_official(before, o)));
    } else {
      value_or_abort(tx_.insert_official(o));
      count(true);
    }
    put_key(k.key, "official", o.id, k.content_hash, row.has_value());
  }

  /** Clears an external reference another agreement holds already (the columns are unique). */
  void unique_ref(std::string_view statement, std::string& value, const std::string& id) {
    if (value.empty()) return;
    std::string holder;
    if (sql_(statement).use(value, "value").into(holder).one() && holder != id) value.clear();
  }

  /** The earliest due date of the record's commitments of agreement `key`: the stand-in signature date. */
  static d::Date earliest_due(const SyncRecord& r, const std::string& key) {
    d::Date best{};
    for (const auto& c : r.commitments) {
      if (c.value.agreement_id == key && c.value.due.ok() && (!best.ok() || c.value.due < best))
        best = c.value.due;
    }
    return best;
  }

  void agreement(MappedAgreement& m, d::Date fallback_signed_on) {
    const auto row = find_key(m.key);
    if (row && row->content_hash == m.content_hash) {
      ++counts_.entities_unchanged;
      return;
    }
    d::Agreement a = m.value;
    a.id = row ? row->entity_id : store::new_id("agr");
    a.body_id = resolve(a.body_id);
    a.counterparty_id = resolve(a.counterparty_id);
    std::optional<store::Stored<d::Agreement>> before;
    if (row) before = value_or_abort(tx_.agreement(kEverywhere, a.id));
    if (before) {
      // OCDS releases are partial: what this release does not state keeps its stored value.
      const d::Agreement& s = before->entity;
      if (!m.stated.contains("title")) a.title = s.title;
      if (!m.stated.contains("value")) a.value = s.value;
      if (!m.stated.contains("signed_on")) a.signed_on = s.signed_on;
      if (!m.stated.contains("body_id") || a.body_id.empty()) a.body_id = s.body_id;
      if (!m.stated.contains("counterparty_id") || a.counterparty_id.empty())
        a.counterparty_id = s.counterparty_id;
      if (!m.stated.contains("kind")) a.kind = s.kind;
      if (a.refs.ocid.empty()) a.refs.ocid = s.refs.ocid;
      a.stages = s.stages;
    }
    if (a.body_id.empty()) a.body_id = options_.default_body_id;
    if (a.body_id.empty()) {
      ++agreements_lost_;
      quarantine({"unresolved_party",
                  "agreement " + m.key +
                      " names no government party (buyer, procuringEntity) that is stored; "
                      "set the source's default_body or publish the party, then re-process",
                  m.key, "agreement", record_quarantine_});
      return;
    }
    // OCDS implementation releases often omit dateSigned: the contract existed by its first due date.
    if (!a.signed_on.ok()) a.signed_on = fallback_signed_on;
    if (!a.signed_on.ok()) {
      ++agreements_lost_;
      quarantine({"missing_date", "agreement " + m.key + " has no signature date (dateSigned)", m.key,
                  "agreement", record_quarantine_});
      return;
    }
    unique_ref(sql::agreement_by_ocid, a.refs.ocid, a.id);
    unique_ref(sql::agreement_by_deal_code, a.refs.unified_deal_code, a.id);
    unique_ref(sql::agreement_by_project_code, a.refs.platform_project_code, a.id);
    if (before) {
      // The value it had, for the amendment facts of this record ("value before: …").
      if (before->entity.value && before->entity.value != a.value) {
        value_before_[a.id] =
            before->entity.value->to_decimal() + " " + std::string(before->entity.value->currency.code());
      }
      count_update(*before, value_or_abort(tx_.update_agreement(*before, a)));
    } else {
      value_or_abort(tx_.insert_agreement(a));
      count(true);
    }
    parties_[a.id] = Parties{a.body_id, a.counterparty_id};
    touched_agreements_.push_back(a.id);
    put_key(m.key, "agreement", a.id, m.content_hash, row.has_value());
  }

  void commitment(Keyed<d::Commitment>& k) {
    const auto row = find_key(k.key);
    if (row && row->content_hash == k.content_hash) {
      ++counts_.entities_unchanged;
      return;
    }
    d::Commitment c = k.value;
    c.id = row ? row->entity_id : store::new_id("com");
    const std::string agreement_key = c.agreement_id;
    c.agreement_id = resolve(agreement_key);
    if (c.agreement_id.empty()) {
      quarantine({"unresolved_agreement",
                  "commitment " + k.key + " belongs to agreement " + agreement_key + ", which is not stored",
                  k.key, "commitment", record_quarantine_});
      return;
    }
    const Parties& agreement = parties_of(c.agreement_id);
    c.obligor_id = resolve(c.obligor_id);
    if (c.obligor_id.empty()) {
      c.obligor_id =
          c.obligor_side == d::ObligorSide::government ? agreement.body_id : agreement.counterparty_id;
    }
    // A payment record whose payer was not a party of its release: the side is the payer's, as stored.
    if (record_ && record_->side_from_obligor.contains(k.key) && !c.obligor_id.empty()) {
      long long is_body = 0;
      sql_(sql::body_exists).use(c.obligor_id, "id").into(is_body).one();
      c.obligor_side = is_body > 0 ? d::ObligorSide::government : d::ObligorSide::counterparty;
    }
    c.committing_official_id = resolve(c.committing_official_id);
    if (row) {
      auto before = value_or_abort(tx_.commitment(kEverywhere, c.id));
      count_update(before, value_or_abort(tx_.update_commitment(before, c)));
    } else {
      value_or_abort(tx_.insert_commitment(c));
      count(true);
    }
    touched(c.id);
    put_key(k.key, "commitment", c.id, k.content_hash, row.has_value());
  }

  /** An agreement-wide fact becomes one fact per commitment of the agreement (of its side, when given). */
  void fact(MappedFact& m) {
    // The same definition of a valid fact as the API's (domain/fact_rules.hpp, the platform rule set): a
    // platform fact that breaks it is quarantined with the rules it breaks, never stored as it is and never
    // silently dropped.
    const auto draft = d::draft_of(m.value);
    auto broken = d::fact_rule_errors(draft, {}, d::FactRuleSet::platform);
    for (auto& e : d::fact_amount_errors(draft))
      broken.push_back(std::move(e));
    if (!broken.empty()) {
      std::string why;
      for (const auto& e : broken)
        why += (why.empty() ? "" : "; ") + e.field + " " + e.message;
      quarantine(
          {"invalid_fact",
           "fact " + m.key + " (" + std::string(d::to_string(m.value.kind)) + ") is not a valid fact: " + why,
           m.key, "fact", record_quarantine_});
      return;
    }
    if (m.scope == platform::ocds::FactScope::commitment) {
      const std::string commitment_id = resolve(m.value.commitment_id);
      if (commitment_id.empty()) {
        quarantine(
            {"unresolved_commitment",
             "fact " + m.key + " concerns commitment " + m.value.commitment_id + ", which is not stored",
             m.key, "fact", record_quarantine_});
        return;
      }
      one_fact(m, m.key, commitment_id, m.note);
      return;
    }
    const std::string agreement_id = resolve(m.agreement_key);
    std::vector<std::pair<std::string, std::string>> targets;
    if (!agreement_id.empty()) {
      std::string id, side, due;
      const std::string from = m.period_start ? d::format_date(*m.period_start) : std::string{};
      const std::string to = m.period_end ? d::format_date(*m.period_end) : std::string{};
      sql_(sql::commitments_of_agreement)
          .use(agreement_id, "agreement_id")
          .into(id)
          .into(side)
          .into(due)
          .each([&] {
            if (m.applies_to && side != d::to_string(*m.applies_to)) return;
            if ((!from.empty() && due < from) || (!to.empty() && due > to)) return;  // not due in the period
            targets.emplace_back(id, side);
          });
      // A failure of performance is not a failure of what was performed: met commitments are left out.
      if (m.only_unfulfilled) {
        std::erase_if(targets, [&](const auto& t) {
          long long fulfilled = 0;
          sql_(sql::fulfilled_facts_of).use(t.first, "commitment_id").into(fulfilled).one();
          return fulfilled > 0;
        });
      }
      if (targets.empty() && m.fallback) {
        Keyed<d::Commitment> own = *m.fallback;
        commitment(own);
        if (const std::string id = resolve(own.key); !id.empty()) targets.emplace_back(id, "");
      }
    }
    std::vector<std::string> keys;
    for (const auto& [commitment_id, side] : targets)
      keys.push_back(m.key + "@" + commitment_id);
    lookup(std::move(keys));
    if (targets.empty()) {
      quarantine({"unresolved_commitment",
                  "fact " + m.key + " applies to the commitments of agreement " + m.agreement_key +
                      ", which has none stored" + (m.applies_to ? " on that side" : ""),
                  m.key, "fact", record_quarantine_});
      return;
    }
    std::string note = m.note;
    if (auto was = value_before_.find(agreement_id);
        m.value.kind == d::FactKind::amended && was != value_before_.end()) {
      note += (note.empty() ? "" : "; ") + std::string("value before: ") + was->second;
    }
    for (const auto& [commitment_id, side] : targets)
      one_fact(m, m.key + "@" + commitment_id, commitment_id, note);
  }

  void one_fact(const MappedFact& m, const std::string& key, const std::string& commitment_id,
                const std::string& note) {
    const auto row = find_key(key);
    if (row && row->content_hash == m.content_hash) {
      ++counts_.entities_unchanged;
      return;
    }
    d::Fact f = m.value;
    f.commitment_id = commitment_id;
    f.source = d::FactSource::platform;
    if (f.note.empty()) f.note = note;
    if (f.note.size() > kMaxNoteBytes) f.note = utf8_prefix(f.note, kMaxNoteBytes);
    // Facts are append-only: a changed fact is a new one that corrects the stored one.
    f.id = store::new_id("fct");
    if (row) f.corrects = row->entity_id;
    value_or_abort(tx_.insert_fact(f));
    count(!row);
    touched(commitment_id);
    put_key(key, "fact", f.id, m.content_hash, row.has_value());
  }

  /** The parties of an agreement, for its commitments' obligors. */
  struct Parties {
    std::string body_id, counterparty_id;
  };

  /** The parties of a stored agreement: as written in this batch, else read once. */
  const Parties& parties_of(const std::string& agreement_id) {
    if (auto it = parties_.find(agreement_id); it != parties_.end()) return it->second;
    const auto agreement = value_or_abort(tx_.agreement(kEverywhere, agreement_id));
    return parties_[agreement_id] = Parties{agreement.entity.body_id, agreement.entity.counterparty_id};
  }

  store::LedgerTransaction& tx_;
  store::StatementCache& sql_;
  const std::string& source_;
  const StoreOptions& options_;
  const std::string& now_;
  bool force_;
  std::string record_quarantine_;       ///< raw text of the record being stored, for store-level quarantine
  const SyncRecord* record_ = nullptr;  ///< the record being stored
  d::Date today_;                       ///< the clock's date in Asia/Shanghai: as-of of undated records
  d::Date record_as_of_{};              ///< the date detection judges the current record's changes as of
  std::size_t agreements_lost_ = 0;     ///< agreements quarantined by the store in this batch
  std::map<std::string, d::Date> touched_as_of_;               ///< commitment id -> detection as-of
  std::unordered_map<std::string, std::string> value_before_;  ///< agreement id -> value before its update
  std::optional<std::string> current_region_;    ///< its region, once record_region() looked it up
  std::vector<std::string> touched_agreements_;  ///< agreement ids written, for the batch's regions
  BatchCounts counts_;
  /** An external key created in this batch, written by flush_keys(). */
  struct PendingKey {
    std::string lookup, key, type, id, hash;
    bool shared = false;  ///< under shared_source_ rather than this batch's source
  };
  /** The pseudo-source under which shared parties' keys are recorded once for every source. */
  const std::string shared_source_ = "*";
  static constexpr std::size_t kRowsPerStatement = 100;

  std::unordered_map<std::string, std::optional<KeyRow>> keys_;  ///< external key -> row, this batch
  std::vector<PendingKey> pending_keys_;
  std::unordered_map<std::string, std::size_t> pending_index_;  ///< key -> index in pending_keys_
  std::unordered_map<std::string, std::string> shared_keys_;    ///< uscc: key -> shared id ("": none)
  std::unordered_map<std::string, Parties> parties_;            ///< agreement id -> parties, this batch
};

}  // namespace

Result<BatchCounts> SyncStore::write_batch(const Lease& lease, std::span<SyncRecord> records,
                                           std::span<const SyncQuarantine> problems,
                                           const std::string& cursor_after, const StoreOptions& options,
                                           bool force) {
  const d::Instant now = clock_->now();
  const std::string now_text = d::format_instant(now);
  const std::string expires = d::format_instant(now + options.lease_ttl);
  store::WriteContext context{
      "",      "sync:" + lease.source, "platform", "sync-" + lease.owner, "platform sync of " + lease.source,
      now_text};
  BatchCounts counts;
  std::optional<d::Error> aborted;
  auto written = ledger_.write(
      context, std::nullopt, [&](store::LedgerTransaction& tx) -> Result<store::StoredResponse> {
        if (database_.backend() == store::Backend::sqlite) {
          // Per-connection settings (they stay with the pooled session); the values are numbers, never text.
          if (options.sqlite_cache_mib > 0) {
            tx.session() << "PRAGMA cache_size = -" +
                                std::to_string(static_cast<long long>(options.sqlite_cache_mib) * 1024);
          }
          if (options.sqlite_checkpoint_mib > 0) {
            long long page_size = 4096;
            tx.session() << "PRAGMA page_size", soci::into(page_size);
            const long long pages = static_cast<long long>(options.sqlite_checkpoint_mib) * 1024 * 1024 /
                                    std::max(page_size, 512LL);
            tx.session() << "PRAGMA wal_autocheckpoint = " + std::to_string(pages);
          }
        }
        // Fencing: only the holder of the current epoch, before its lease ran out, may write.
        const long long epoch = lease.epoch;
        const long long checked = tx.statements()(sql::check_lease)
                                      .use(expires, "expires_at")
                                      .use(lease.source, "source")
                                      .use(lease.owner, "owner")
                                      .use(epoch, "epoch")
                                      .use(now_text, "now")
                                      .exec();
        if (checked != 1) {
          return d::fail(ErrorCode::conflict, "the lease of " + lease.source + " (epoch " +
                                                  std::to_string(lease.epoch) + ", owner " + lease.owner +
                                                  ") was lost or taken over; nothing written");
        }
        // Asia/Shanghai (UTC+8, no DST): the calendar the ledger's dates are in.
        const d::Date today{std::chrono::floor<std::chrono::days>(now + std::chrono::hours{8})};
        BatchApplier applier(tx, lease.source, options, now_text, force, today);
        try {
          for (const auto& p : problems)
            applier.quarantine(p);
          applier.prefetch(records);
          for (auto& r : records)
            applier.record(r);
          applier.flush_keys();
          applier.pending_detection();
          applier.collect_regions();
        } catch (const BatchAbort& a) {
          aborted = a.error;
          return std::unexpected(a.error);
        }
        applier.cursor(cursor_after, lease.epoch);
        counts = std::move(applier.counts());
        return store::StoredResponse{};
      });
  if (!written) return std::unexpected(written.error());
  std::sort(counts.touched_commitments.begin(), counts.touched_commitments.end());
  counts.touched_commitments.erase(
      std::unique(counts.touched_commitments.begin(), counts.touched_commitments.end()),
      counts.touched_commitments.end());
  return counts;
}

}  // namespace pactwatch::sync
