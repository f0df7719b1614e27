#include "adapters/store/credit_outbox.hpp"

#include <soci/soci.h>

#include "adapters/credit/credit_record.hpp"
#include "adapters/store/credit_outbox_sql.hpp"
#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_rows.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
namespace q = credit_outbox_sql;
using d::ErrorCode;
using d::Result;
using detail::Query;
using nlohmann::json;

namespace {

/** The columns of PW_OUTBOX_COLS, bound with soci::into. */
struct RowBinding {
  OutboxRow row;
  long long seq = 0, epoch = 0;
  int status = 0;
  soci::indicator status_ind = soci::i_null, error_ind = soci::i_null, claimed_ind = soci::i_null,
                  expires_ind = soci::i_null, sent_ind = soci::i_null;
  void bind(soci::details::prepare_temp_type& p) {
    p, soci::into(seq), soci::into(row.id), soci::into(row.breach_id), soci::into(row.event),
        soci::into(row.region), soci::into(row.payload), soci::into(row.state), soci::into(row.attempts),
        soci::into(row.next_attempt_at), soci::into(status, status_ind),
        soci::into(row.last_error, error_ind), soci::into(row.claimed_by, claimed_ind), soci::into(epoch),
        soci::into(row.claim_expires_at, expires_ind), soci::into(row.created_at), soci::into(row.updated_at),
        soci::into(row.sent_at, sent_ind);
  }
  OutboxRow get() const {
    OutboxRow r = row;
    r.seq = seq;
    r.claim_epoch = epoch;
    if (status_ind != soci::i_null) r.last_status = status;
    if (error_ind == soci::i_null) r.last_error.clear();
    if (claimed_ind == soci::i_null) r.claimed_by.clear();
    if (expires_ind == soci::i_null) r.claim_expires_at.clear();
    if (sent_ind == soci::i_null) r.sent_at.clear();
    return r;
  }
};

std::vector<OutboxRow> read_rows(Query& query) {
  RowBinding binding;
  auto st = query.into(binding).run();
  std::vector<OutboxRow> out;
  while (st.fetch()) {
    out.push_back(binding.get());
    binding = RowBinding{};
  }
  return out;
}

Result<OutboxRow> read_one(soci::session& sql, const std::string& scope_like, const std::string& id) {
  Query query(sql, q::select_row);
  query.use(id, "id").use(scope_like, "scope");
  auto rows = read_rows(query);
  if (rows.empty()) return d::fail(ErrorCode::not_found, "no outbox row " + id, "id");
  return rows.front();
}

/** The party the breach is about: its obligor, a body or an organization, with name and credit code. */
Result<credit::CreditSubject> subject_of(LedgerTransaction& tx, const d::Breach& b) {
  credit::CreditSubject s;
  s.government = b.obligor_side == d::ObligorSide::government;
  s.name = b.obligor_id;  // if the party cannot be read, the record still names it by id
  if (s.government) {
    auto body = tx.body(d::Scope{}, b.obligor_id);
    if (!body && body.error().code != ErrorCode::not_found) return std::unexpected(body.error());
    if (body) {
      s.name = body->entity.name;
      if (body->entity.credit_code) s.credit_code = body->entity.credit_code->str();
    }
  } else {
    auto organization = tx.organization(b.obligor_id);
    if (!organization && organization.error().code != ErrorCode::not_found)
      return std::unexpected(organization.error());
    if (organization) {
      s.name = organization->entity.name;
      if (organization->entity.credit_code) s.credit_code = organization->entity.credit_code->str();
    }
  }
  return s;
}

/** 认定机关 of the breach's record event, when one was queued (breaches recorded before 0012 have none). */
std::optional<std::string> recorded_authority(soci::session& sql, const std::string& breach_id) {
  const std::string event(credit::to_string(credit::CreditEvent::record));
  std::string payload;
  soci::indicator ind = soci::i_null;
  Query query(sql, q::payload_of_event);
  query.use(breach_id, "breach_id").use(event, "event").into_value(payload, ind);
  auto st = query.run();
  if (!st.fetch() || ind == soci::i_null) return std::nullopt;
  const auto record = json::parse(payload, nullptr, false);
  if (!record.is_object() || !record.contains("认定机关") || !record["认定机关"].is_string())
    return std::nullopt;
  return record["认定机关"].get<std::string>();
}

}  // namespace

json to_json(const OutboxRow& r) {
  auto payload = json::parse(r.payload, nullptr, false);
  const auto event = credit::parse_credit_event(r.event);
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"id", r.id},
          {"breach_id", r.breach_id},
          {"event", r.event},
          {"event_zh", event ? std::string(credit::chinese_name(*event)) : std::string{}},
          {"region", r.region},
          {"state", r.state},
          {"attempts", r.attempts},
          {"last_status", r.last_status ? json(*r.last_status) : json(nullptr)},
          {"last_error", text_or_null(r.last_error)},
          {"next_attempt_at", r.state == "pending" ? json(r.next_attempt_at) : json(nullptr)},
          {"claimed_by", text_or_null(r.claimed_by)},
          {"claim_expires_at", text_or_null(r.claim_expires_at)},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at},
          {"sent_at", text_or_null(r.sent_at)},
          {"payload", payload.is_discarded() ? json(r.payload) : payload}};
}

Result<void> OutboxStore::enqueue_transition(LedgerTransaction& tx, const d::Breach& before,
                                             const d::Transition& t, const std::string& region,
                                             const d::LifecyclePolicy& policy) {
  const auto event = credit::credit_event_of(before, t.change);
  if (!event) return {};
  auto subject = subject_of(tx, t.breach);
  if (!subject) return std::unexpected(subject.error());
  credit::CreditRecordInput in;
  in.event = *event;
  in.breach = t.breach;
  in.region = region;
  in.subject = std::move(*subject);
  in.reason = t.change.reason;
  in.policy = policy;
  const std::string& actor = tx.context().actor_name;
  if (*event == credit::CreditEvent::record) {
    in.authority = actor;
  } else {
    in.decided_by = actor;
    in.authority = recorded_authority(tx.session(), t.breach.id).value_or(actor);
  }
  const std::string id = credit::credit_record_id(t.breach.id, *event),
                    payload = credit::credit_record(in).dump();
  const std::string event_name(credit::to_string(*event));
  const std::string& now = tx.context().now;
  Query(tx.session(), q::insert_row)
      .use(id, "id")
      .use(t.breach.id, "breach_id")
      .use(event_name, "event")
      .use(region, "region")
      .use(payload, "payload")
      .use(now, "now")
      .use(now, "now_")
      .use(now, "now__")
      .exec();
  return {};
}

Result<OutboxRow> OutboxStore::retry(LedgerTransaction& tx, const d::Scope& scope, const std::string& id) {
  soci::session& sql = tx.session();
  auto before = read_one(sql, region_like(scope.region), id);
  if (!before) return before;
  if (before->state != "failed") {
    return d::fail(ErrorCode::conflict,
                   "outbox row " + id + " is " + before->state + "; only a failed row can be retried");
  }
  const std::string& now = tx.context().now;
  if (Query(sql, q::retry_row).use(now, "now").use(now, "now_").use(id, "id").exec() != 1)
    return d::fail(ErrorCode::stale, "outbox row " + id + " was changed meanwhile");
  auto after = read_one(sql, "%", id);
  if (!after) return after;
  if (auto r = tx.record_external_change({"retry", "credit_outbox", id, to_json(*before), to_json(*after)});
      !r)
    return std::unexpected(r.error());
  return after;
}

Result<std::vector<OutboxRow>> OutboxStore::list(const d::Scope& scope, const OutboxFilter& f) {
  return guarded(database_, "listing the credit outbox",
                 [&](soci::session& sql) -> Result<std::vector<OutboxRow>> {
                   const std::string scope_like = region_like(scope.region);
                   const long long after = f.after;
                   Query query(sql, q::list_rows);
                   query.use(scope_like, "scope")
                       .use(f.state, "state")
                       .use(f.state, "state_")
                       .use(f.breach_id, "breach")
                       .use(f.breach_id, "breach_")
                       .use(after, "after")
                       .use(f.limit, "limit");
                   return read_rows(query);
                 });
}

Result<OutboxRow> OutboxStore::row(const d::Scope& scope, const std::string& id) {
  return guarded(database_, "reading an outbox row",
                 [&](soci::session& sql) { return read_one(sql, region_like(scope.region), id); });
}

Result<std::optional<OutboxRow>> OutboxStore::claim(const std::string& owner, const std::string& now,
                                                    const std::string& until) {
  return guarded(
      database_, "claiming an outbox row", [&](soci::session& sql) -> Result<std::optional<OutboxRow>> {
        // A few candidates: when another instance wins one, the next is tried at once.
        constexpr int kCandidates = 8;
        std::vector<std::pair<long long, long long>> due;
        {
          long long seq = 0, epoch = 0;
          soci::statement st =
              (sql.prepare << std::string(q::due_rows), soci::use(now, "now"), soci::use(now, "now_"),
               soci::use(kCandidates, "limit"), soci::into(seq), soci::into(epoch));
          st.execute(false);
          while (st.fetch())
            due.emplace_back(seq, epoch);
        }
        for (const auto& [seq, epoch] : due) {
          const long long changed = Query(sql, q::claim_row)
                                        .use(owner, "owner")
                                        .use(until, "until")
                                        .use(now, "now")
                                        .use(seq, "seq")
                                        .use(epoch, "epoch")
                                        .exec();
          if (changed != 1) continue;  // claimed (or settled) by someone else since it was read
          Query query(sql, q::select_seq);
          query.use(seq, "seq");
          auto rows = read_rows(query);
          if (!rows.empty()) return std::optional<OutboxRow>(std::move(rows.front()));
        }
        return std::optional<OutboxRow>{};
      });
}

Result<bool> OutboxStore::settle(const OutboxRow& claimed, const OutboxOutcome& o, const std::string& now) {
  return guarded(database_, "settling an outbox row", [&](soci::session& sql) -> Result<bool> {
    const bool sent = o.state == "sent";
    int status = o.status.value_or(0);
    soci::indicator status_ind = o.status ? soci::i_ok : soci::i_null;
    soci::indicator error_ind = o.error.empty() ? soci::i_null : soci::i_ok;
    soci::indicator sent_ind = sent ? soci::i_ok : soci::i_null;
    const std::string& next = o.state == "pending" ? o.next_attempt_at : now;
    const long long seq = claimed.seq, epoch = claimed.claim_epoch;
    const long long changed = Query(sql, q::finish_row)
                                  .use(o.state, "state")
                                  .use(status, status_ind, "status")
                                  .use(o.error, error_ind, "error")
                                  .use(next, "next")
                                  .use(now, sent_ind, "sent_at")
                                  .use(now, "now")
                                  .use(seq, "seq")
                                  .use(epoch, "epoch")
                                  .exec();
    return changed == 1;
  });
}

Result<OutboxStats> OutboxStore::stats() {
  return guarded(database_, "reading outbox totals", [&](soci::session& sql) -> Result<OutboxStats> {
    OutboxStats s;
    std::string state, last_sent, oldest;
    long long rows = 0, attempts = 0;
    soci::indicator sent_ind = soci::i_null, oldest_ind = soci::i_null;
    soci::statement st =
        (sql.prepare << std::string(q::stats), soci::into(state), soci::into(rows), soci::into(attempts),
         soci::into(last_sent, sent_ind), soci::into(oldest, oldest_ind));
    st.execute(false);
    while (st.fetch()) {
      s.attempts += attempts;
      if (state == "pending") {
        s.pending = rows;
        if (oldest_ind != soci::i_null) s.oldest_pending_created = oldest;
      } else if (state == "sent") {
        s.sent = rows;
        if (sent_ind != soci::i_null) s.last_sent_at = last_sent;
      } else if (state == "failed") {
        s.failed = rows;
      }
    }
    return s;
  });
}

}  // namespace pactwatch::store
