#include "adapters/sync/sync_store.hpp"

#include <soci/soci.h>

#include <array>
#include <nlohmann/json.hpp>

#include "adapters/clock/system_clock.hpp"
#include "adapters/platform/ocds/values.hpp"
#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/store/soci_errors.hpp"
#include "adapters/sync/sync_sql.hpp"
#include "domain/identifiers.hpp"

namespace pactwatch::sync {

namespace d = pactwatch::domain;
using d::ErrorCode;
using d::Result;

namespace {

long long affected(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

std::string reasons_json(const std::map<std::string, std::size_t>& reasons) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [reason, count] : reasons)
    j[reason] = count;
  return j.dump();
}

std::map<std::string, std::size_t> reasons_from(const std::string& text) {
  std::map<std::string, std::size_t> out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [reason, count] : j.items()) {
    if (count.is_number_unsigned()) out[reason] = count.get<std::size_t>();
  }
  return out;
}

}  // namespace

void RunReport::set_counts(const BatchCounts& total) {
  fetched = static_cast<std::int64_t>(total.records);
  created = static_cast<std::int64_t>(total.entities_created);
  updated = static_cast<std::int64_t>(total.entities_updated);
  unchanged = static_cast<std::int64_t>(total.unchanged);
  quarantined = static_cast<std::int64_t>(total.quarantine_entries);
  reasons = total.by_reason;
  const std::vector<std::string> touched(total.regions.begin(), total.regions.end());
  const auto enclosing = d::enclosing_region(touched);
  region = enclosing ? enclosing->str() : std::string{};
}

void BatchCounts::add(const BatchCounts& o) {
  records += o.records;
  created += o.created;
  unchanged += o.unchanged;
  quarantined += o.quarantined;
  entities_created += o.entities_created;
  entities_updated += o.entities_updated;
  entities_unchanged += o.entities_unchanged;
  quarantine_entries += o.quarantine_entries;
  for (const auto& [reason, n] : o.by_reason)
    by_reason[reason] += n;
  for (const auto& [kind, n] : o.not_kept)
    not_kept[kind] += n;
  for (const auto& [kind, n] : o.warnings)
    warnings[kind] += n;
  regions.insert(o.regions.begin(), o.regions.end());
  touched_commitments.insert(touched_commitments.end(), o.touched_commitments.begin(),
                             o.touched_commitments.end());
}

std::string BatchCounts::describe() const {
  std::string text = std::to_string(records) + " records: " + std::to_string(created) + " imported, " +
                     std::to_string(unchanged) + " unchanged, " + std::to_string(quarantined) +
                     " quarantined; " + std::to_string(entities_created) + " entities created, " +
                     std::to_string(entities_updated) + " updated; " + std::to_string(quarantine_entries) +
                     " entries quarantined";
  if (!by_reason.empty()) {
    text += " (";
    bool first = true;
    for (const auto& [reason, n] : by_reason) {
      text += (first ? "" : ", ") + reason + ": " + std::to_string(n);
      first = false;
    }
    text += ")";
  }
  return text;
}

SyncStore::SyncStore(store::Database& database, const d::Clock& clock)
    : database_(database), ledger_(database), clock_(&clock) {}

std::string SyncStore::now_text() const {
  return d::format_instant(clock_->now());
}

Result<Lease> SyncStore::acquire_lease(const std::string& source, const std::string& owner,
                                       std::chrono::seconds ttl) {
  const d::Instant now = clock_->now();
  const std::string now_text = d::format_instant(now);
  const std::string expires = d::format_instant(now + ttl);
  return guarded(database_, "taking the sync lease", [&](soci::session& sql) -> Result<Lease> {
    soci::transaction tr(sql);
    soci::statement take =
        (sql.prepare << std::string(sql::take_lease), soci::use(owner, "owner"),
         soci::use(expires, "expires_at"), soci::use(now_text, "now"), soci::use(source, "source"),
         soci::use(now_text, "now2"), soci::use(owner, "owner2"));
    if (affected(take) == 0) {
      std::string holder, holder_expires;
      long long epoch = 0;
      sql << std::string(sql::select_lease), soci::use(source, "source"), soci::into(holder),
          soci::into(epoch), soci::into(holder_expires);
      if (sql.got_data()) {
        return d::fail(ErrorCode::conflict, "source " + source + " is being synced by " + holder +
                                                " (lease epoch " + std::to_string(epoch) + " until " +
                                                holder_expires + ")");
      }
      sql << std::string(sql::insert_lease), soci::use(source, "source"), soci::use(owner, "owner"),
          soci::use(expires, "expires_at"), soci::use(now_text, "now");
    }
    Lease lease{source, owner, 0, expires};
    std::string holder, holder_expires;
    long long epoch = 0;
    sql << std::string(sql::select_lease), soci::use(source, "source"), soci::into(holder), soci::into(epoch),
        soci::into(holder_expires);
    tr.commit();
    lease.epoch = epoch;
    return lease;
  });
}

Result<void> SyncStore::release_lease(const Lease& lease) {
  const std::string now = now_text();
  const long long epoch = lease.epoch;
  return guarded(database_, "releasing the sync lease", [&](soci::session& sql) -> Result<void> {
    sql << std::string(sql::release_lease), soci::use(now, "now"), soci::use(lease.source, "source"),
        soci::use(lease.owner, "owner"), soci::use(epoch, "epoch");
    return {};
  });
}

Result<std::optional<Lease>> SyncStore::lease(const std::string& source) {
  return guarded(database_, "reading the sync lease",
                 [&](soci::session& sql) -> Result<std::optional<Lease>> {
                   Lease l{source, "", 0, ""};
                   long long epoch = 0;
                   sql << std::string(sql::select_lease), soci::use(source, "source"), soci::into(l.owner),
                       soci::into(epoch), soci::into(l.expires_at);
                   if (!sql.got_data()) return std::optional<Lease>{};
                   l.epoch = epoch;
                   return std::optional<Lease>{l};
                 });
}

Result<std::string> SyncStore::cursor(const std::string& source) {
  return guarded(database_, "reading the sync cursor", [&](soci::session& sql) -> Result<std::string> {
    std::string text;
    sql << std::string(sql::select_cursor), soci::use(source, "source"), soci::into(text);
    return sql.got_data() ? text : std::string{};
  });
}

Result<std::vector<PendingDetection>> SyncStore::pending_detection(std::size_t limit) {
  return guarded(database_, "reading detection_pending",
                 [&](soci::session& sql) -> Result<std::vector<PendingDetection>> {
                   std::vector<PendingDetection> out;
                   long long id = 0;
                   std::string commitment, as_of;
                   const long long n = static_cast<long long>(limit);
                   soci::statement st =
                       (sql.prepare << std::string(sql::select_detection_pending), soci::use(n, "limit"),
                        soci::into(id), soci::into(commitment), soci::into(as_of));
                   st.execute(false);
                   while (st.fetch()) {
                     auto date = d::parse_date(as_of);
                     if (!date) continue;  // cannot happen: the batch writes format_date()
                     out.push_back({id, commitment, *date});
                   }
                   return out;
                 });
}

Result<void> SyncStore::delete_pending_detection(store::LedgerTransaction& tx,
                                                 std::span<const std::int64_t> ids) {
  constexpr std::size_t kPerStatement = 100;
  for (std::size_t start = 0; start < ids.size(); start += kPerStatement) {
    const std::size_t n = std::min(kPerStatement, ids.size() - start);
    std::string text = "DELETE FROM detection_pending WHERE id IN (";
    for (std::size_t i = 0; i < n; ++i)
      text += (i ? ", " : "") + std::to_string(ids[start + i]);  // integers from the table: no injection
    tx.session() << text + ")";
  }
  return {};
}

Result<std::int64_t> SyncStore::start_run(const Lease& lease, const std::string& cursor_before) {
  const std::string now = now_text();
  const long long epoch = lease.epoch;
  return guarded(database_, "opening a sync run", [&](soci::session& sql) -> Result<std::int64_t> {
    soci::transaction tr(sql);
    sql << std::string(sql::insert_run), soci::use(lease.source, "source"), soci::use(lease.owner, "owner"),
        soci::use(epoch, "epoch"), soci::use(now, "now"), soci::use(cursor_before, "cursor_before"),
        soci::use(cursor_before, "cursor_after");
    long long id = 0;
    if (!sql.get_last_insert_id("sync_runs", id)) {
      return d::fail(ErrorCode::unavailable, "the database gave no id for the new sync run");
    }
    tr.commit();
    return static_cast<std::int64_t>(id);
  });
}

Result<void> SyncStore::finish_run(const RunReport& r) {
  const std::string ended = r.ended_at.empty() ? now_text() : r.ended_at;
  const std::string reasons = reasons_json(r.reasons);
  const long long id = r.id, fetched = r.fetched, created = r.created, updated = r.updated,
                  unchanged = r.unchanged, quarantined = r.quarantined, errors = r.errors;
  long long lag = r.lag_seconds.value_or(0);
  soci::indicator lag_ind = r.lag_seconds ? soci::i_ok : soci::i_null;
  return guarded(database_, "closing a sync run", [&](soci::session& sql) -> Result<void> {
    soci::transaction tr(sql);
    sql << std::string(sql::finish_run), soci::use(ended, "ended_at"), soci::use(r.status, "status"),
        soci::use(fetched, "fetched"), soci::use(created, "created"), soci::use(updated, "updated"),
        soci::use(unchanged, "unchanged"), soci::use(quarantined, "quarantined"), soci::use(errors, "errors"),
        soci::use(r.cursor_after, "cursor_after"), soci::use(lag, lag_ind, "lag_seconds"),
        soci::use(reasons, "reasons"), soci::use(r.message, "message"), soci::use(id, "id");
    sql << std::string(sql::delete_run_region), soci::use(id, "run_id");
    if (!r.region.empty())
      sql << std::string(sql::insert_run_region), soci::use(id, "run_id"), soci::use(r.region, "region");
    tr.commit();
    return {};
  });
}

Result<std::vector<RunReport>> SyncStore::runs(const std::string& source, std::int64_t before_id, int limit,
                                               const std::string& scope) {
  const long long before = before_id;
  const std::string scope_like = store::region_like(scope);
  return guarded(database_, "listing sync runs", [&](soci::session& sql) -> Result<std::vector<RunReport>> {
    std::vector<RunReport> out;
    RunReport r;
    long long id = 0, epoch = 0, fetched = 0, created = 0, updated = 0, unchanged = 0, quarantined = 0,
              errors = 0, lag = 0;
    std::string ended, reasons;
    soci::indicator ended_ind = soci::i_ok, lag_ind = soci::i_ok;
    soci::statement st =
        (sql.prepare << std::string(sql::select_runs), soci::use(source, "source"),
         soci::use(source, "source2"), soci::use(before, "before_id"), soci::use(before, "before_id2"),
         soci::use(scope_like, "scope"), soci::use(scope_like, "scope2"), soci::use(limit, "limit"),
         soci::into(id), soci::into(r.source), soci::into(r.owner), soci::into(epoch),
         soci::into(r.started_at), soci::into(ended, ended_ind), soci::into(r.status), soci::into(fetched),
         soci::into(created), soci::into(updated), soci::into(unchanged), soci::into(quarantined),
         soci::into(errors), soci::into(r.cursor_before), soci::into(r.cursor_after),
         soci::into(lag, lag_ind), soci::into(reasons), soci::into(r.message), soci::into(r.region));
    st.execute(false);
    while (st.fetch()) {
      RunReport row = r;
      row.id = id;
      row.epoch = epoch;
      row.ended_at = ended_ind == soci::i_null ? "" : ended;
      row.fetched = fetched;
      row.created = created;
      row.updated = updated;
      row.unchanged = unchanged;
      row.quarantined = quarantined;
      row.errors = errors;
      if (lag_ind != soci::i_null) row.lag_seconds = lag;
      row.reasons = reasons_from(reasons);
      out.push_back(std::move(row));
    }
    return out;
  });
}

namespace {

struct QuarantineFetch {
  long long id = 0;
  QuarantineRow row;
};

}  // namespace

Result<std::vector<QuarantineRow>> SyncStore::quarantine(const QuarantineFilter& f) {
  const long long after = f.after_id;
  const std::string scope_like = store::region_like(f.scope);
  return guarded(
      database_, "listing the quarantine", [&](soci::session& sql) -> Result<std::vector<QuarantineRow>> {
        std::vector<QuarantineRow> out;
        QuarantineFetch q;
        auto& e = q.row.entry;
        soci::statement st =
            (sql.prepare << std::string(sql::select_quarantine), soci::use(after, "after_id"),
             soci::use(f.source, "source"), soci::use(f.source, "source2"), soci::use(f.status, "status"),
             soci::use(f.status, "status2"), soci::use(f.reason, "reason"), soci::use(f.reason, "reason2"),
             soci::use(scope_like, "scope"), soci::use(scope_like, "scope2"), soci::use(f.limit, "limit"),
             soci::into(q.id), soci::into(q.row.source), soci::into(e.external_key), soci::into(e.reason),
             soci::into(e.message), soci::into(e.location), soci::into(e.raw_text), soci::into(q.row.status),
             soci::into(q.row.created_at), soci::into(q.row.updated_at), soci::into(q.row.region));
        st.execute(false);
        while (st.fetch()) {
          q.row.id = q.id;
          out.push_back(q.row);
        }
        return out;
      });
}

Result<QuarantineRow> SyncStore::quarantine_entry(std::int64_t id_value) {
  const long long wanted = id_value;
  return guarded(database_, "reading a quarantine entry", [&](soci::session& sql) -> Result<QuarantineRow> {
    QuarantineFetch q;
    auto& e = q.row.entry;
    sql << std::string(sql::select_quarantine_entry), soci::use(wanted, "id"), soci::into(q.id),
        soci::into(q.row.source), soci::into(e.external_key), soci::into(e.reason), soci::into(e.message),
        soci::into(e.location), soci::into(e.raw_text), soci::into(q.row.status),
        soci::into(q.row.created_at), soci::into(q.row.updated_at), soci::into(q.row.region);
    if (!sql.got_data()) {
      return d::fail(ErrorCode::not_found, "no quarantine entry " + std::to_string(id_value));
    }
    q.row.id = q.id;
    return q.row;
  });
}

Result<void> SyncStore::set_quarantine_status(std::int64_t id_value, const std::string& status) {
  const long long id = id_value;
  const std::string now = now_text();
  return guarded(database_, "updating a quarantine entry", [&](soci::session& sql) -> Result<void> {
    sql << std::string(sql::update_quarantine_status), soci::use(status, "status"), soci::use(now, "now"),
        soci::use(id, "id");
    return {};
  });
}

}  // namespace pactwatch::sync
