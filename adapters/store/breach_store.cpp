#include "adapters/store/breach_store.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <tuple>
#include <utility>

#include "adapters/store/breach_json.hpp"
#include "adapters/store/breach_sql.hpp"
#include "adapters/store/credit_outbox.hpp"
#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_rows.hpp"
#include "adapters/store/soci_errors.hpp"
#include "adapters/store/statement_cache.hpp"
#include "adapters/store/trail_state.hpp"
#include "domain/responsibility.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
namespace q = breach_sql;
using d::ErrorCode;
using d::Result;
using detail::Query;
using nlohmann::json;

namespace {

/** NULL for an empty text. */
struct Nullable {
  std::string value;
  soci::indicator ind;
  explicit Nullable(std::string text)
      : value(std::move(text)), ind(value.empty() ? soci::i_null : soci::i_ok) {}
};

/** The columns of PW_BREACH_COLS, bound with soci::into. */
struct BreachRow {
  std::string id, record, created_at, updated_at, body_id, region, complaint_id;
  long long version = 0;
  soci::indicator complaint_ind = soci::i_null;
  void bind(soci::details::prepare_temp_type& prep) {
    prep, soci::into(id), soci::into(record), soci::into(version), soci::into(created_at),
        soci::into(updated_at), soci::into(body_id), soci::into(region),
        soci::into(complaint_id, complaint_ind);
  }
  Result<StoredBreach> get() const {
    auto parsed = json::parse(record, nullptr, false);
    if (parsed.is_discarded()) return d::fail(ErrorCode::invalid, "stored breach " + id + " is not JSON");
    auto breach = breach_from_json(parsed);
    if (!breach) return std::unexpected(breach.error());
    StoredBreach s;
    s.breach = std::move(*breach);
    s.body_id = body_id;
    s.region = region;
    s.complaint_id = complaint_ind == soci::i_null ? std::string{} : complaint_id;
    s.version = version;
    s.created_at = created_at;
    s.updated_at = updated_at;
    return s;
  }
};

Result<std::vector<StoredBreach>> read_rows(Query& query) {
  BreachRow row;
  auto st = query.into(row).run();
  std::vector<StoredBreach> out;
  while (st.fetch()) {
    auto stored = row.get();
    if (!stored) return std::unexpected(stored.error());
    out.push_back(std::move(*stored));
    row.complaint_ind = soci::i_null;
  }
  return out;
}

/** The officials traced to each of `breach_ids`, in one query per 500 ids; by breach id. */
std::map<std::string, std::vector<TracedOfficial>, std::less<>> read_officials_of(
    soci::session& sql, const std::vector<std::string>& breach_ids) {
  std::map<std::string, std::vector<TracedOfficial>, std::less<>> out;
  constexpr std::size_t kChunk = 500;
  for (std::size_t first = 0; first < breach_ids.size(); first += kChunk) {
    const std::size_t n = std::min(kChunk, breach_ids.size() - first);
    std::string text =
        "SELECT breach_id, official_id, role, basis, title FROM breach_officials WHERE breach_id IN (";
    for (std::size_t i = 0; i < n; ++i)
      text += (i ? ", :b" : ":b") + std::to_string(i);
    text += ") ORDER BY breach_id, role DESC, official_id";
    std::string breach_id;
    TracedOfficial o;
    soci::statement st(sql);
    st.alloc();
    st.prepare(text);
    for (std::size_t i = 0; i < n; ++i)
      st.exchange(soci::use(breach_ids[first + i], "b" + std::to_string(i)));
    st.exchange(soci::into(breach_id));
    st.exchange(soci::into(o.official_id));
    st.exchange(soci::into(o.role));
    st.exchange(soci::into(o.basis));
    st.exchange(soci::into(o.title));
    st.define_and_bind();
    st.execute(false);
    while (st.fetch())
      out[breach_id].push_back(o);
  }
  return out;
}

/** The columns of history_of_breaches, bound with soci::into. */
struct HistoryRow {
  std::string breach_id;
  HistoryEntry h;
  soci::indicator from_ind = soci::i_null;
  void bind(soci::details::prepare_temp_type& prep) {
    prep, soci::into(breach_id), soci::into(h.seq), soci::into(h.action), soci::into(h.actor),
        soci::into(h.reason), soci::into(h.from_state, from_ind), soci::into(h.to_state), soci::into(h.as_of),
        soci::into(h.at), soci::into(h.note);
  }
  HistoryEntry get() const {
    HistoryEntry e = h;
    if (from_ind == soci::i_null) e.from_state.clear();
    return e;
  }
};

/** The history of each of `breach_ids`, in one query per 500 ids; by breach id. */
std::map<std::string, std::vector<HistoryEntry>, std::less<>> read_histories_of(
    soci::session& sql, const std::vector<std::string>& breach_ids) {
  std::map<std::string, std::vector<HistoryEntry>, std::less<>> out;
  constexpr std::size_t kChunk = 500;
  for (std::size_t first = 0; first < breach_ids.size(); first += kChunk) {
    std::vector<const std::string*> chunk;
    for (std::size_t i = first; i < std::min(first + kChunk, breach_ids.size()); ++i)
      chunk.push_back(&breach_ids[i]);
    HistoryRow row;
    Query query(sql, detail::expand_ids(q::history_of_breaches, chunk.size()));
    detail::use_ids(query, chunk);
    auto st = query.into(row).run();
    while (st.fetch())
      out[row.breach_id].push_back(row.get());
  }
  return out;
}

void read_details(soci::session& sql, StoredBreach& b) {
  {
    TracedOfficial o;
    soci::statement st =
        (sql.prepare << std::string(q::officials_of), soci::use(b.breach.id, "id"), soci::into(o.official_id),
         soci::into(o.role), soci::into(o.basis), soci::into(o.title));
    st.execute(false);
    while (st.fetch())
      b.officials.push_back(o);
  }
  HistoryEntry h;
  soci::indicator from_ind = soci::i_null;
  int seq = 0;
  soci::statement st =
      (sql.prepare << std::string(q::history_of), soci::use(b.breach.id, "id"), soci::into(seq),
       soci::into(h.action), soci::into(h.actor), soci::into(h.reason), soci::into(h.from_state, from_ind),
       soci::into(h.to_state), soci::into(h.as_of), soci::into(h.at), soci::into(h.note));
  st.execute(false);
  while (st.fetch()) {
    HistoryEntry e = h;
    e.seq = seq;
    if (from_ind == soci::i_null) e.from_state.clear();
    b.history.push_back(std::move(e));
  }
}

Result<StoredBreach> read_one(soci::session& sql, const std::string& scope_like, const std::string& id) {
  Query query(sql, q::select_breach);
  query.use(id, "id").use(scope_like, "scope");
  auto rows = read_rows(query);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return d::fail(ErrorCode::not_found, "no breach " + id, "id");
  StoredBreach b = std::move(rows->front());
  read_details(sql, b);
  return b;
}

/**
 * Appends `h` to the breach's history; `h.seq` 0: after its last entry (a new breach's first entry is 1).
 * Through the transaction's statement cache: a detection run opens thousands of breaches.
 */
void append_history(StatementCache& statements, const std::string& breach_id, const HistoryEntry& h) {
  long long seq = h.seq;
  if (seq == 0) statements(q::next_history_seq).use(breach_id, "id").into(seq).one();
  const int seq_int = static_cast<int>(seq);
  const Nullable from(h.from_state);
  statements(q::insert_history)
      .use(breach_id, "breach_id")
      .use(seq_int, "seq")
      .use(h.action, "action")
      .use(h.actor, "actor")
      .use(h.reason, "reason")
      .use(from.value, from.ind, "from_state")
      .use(h.to_state, "to_state")
      .use(h.as_of, "as_of")
      .use(h.at, "at")
      .use(h.note, "detail")
      .exec();
}

/**
 * What read_one gives for a breach insert() has just written, without reading it back (a detection run opens
 * thousands): the record as the row stores it (through its JSON), version 1, the officials in the order
 * officials_of reads them, the one history entry. Nullopt when that order is not certain (two officials with
 * the same role and id), and the caller reads the row instead. tests/trail_db/breach_store_test.cpp checks it
 * against read_one.
 */
std::optional<StoredBreach> as_inserted(const d::Breach& b, const FindingToOpen& where,
                                        const std::string& complaint_id, const std::string& now,
                                        HistoryEntry opening) {
  auto breach = breach_from_json(breach_to_json(b));
  if (!breach) return std::nullopt;
  StoredBreach s;
  s.breach = std::move(*breach);
  s.body_id = where.body_id;
  s.region = where.region;
  s.complaint_id = complaint_id;
  s.version = 1;
  s.created_at = s.updated_at = now;
  s.officials = where.officials;
  const auto order = [](const TracedOfficial& o) { return std::tie(o.role, o.official_id); };
  std::ranges::sort(s.officials, [&](const TracedOfficial& x, const TracedOfficial& y) {
    return x.role != y.role ? x.role > y.role : x.official_id < y.official_id;
  });
  if (std::ranges::adjacent_find(s.officials, {}, order) != s.officials.end()) return std::nullopt;
  s.history.push_back(std::move(opening));
  return s;
}

/** Inserts the breach row with its evidence, officials and opening history entry; records the change. */
Result<StoredBreach> insert(LedgerTransaction& tx, const d::Breach& b, const FindingToOpen& where,
                            const std::string& complaint_id, const std::string& opening_action,
                            const std::string& opening_reason) {
  soci::session& sql = tx.session();
  const WriteContext& ctx = tx.context();
  Nullable key(b.key), commitment(b.commitment_id), agreement(b.agreement_id), complaint(complaint_id);
  long long committed_fen = b.committed ? b.committed->fen : 0;
  long long shortfall_fen = b.shortfall ? b.shortfall->fen : 0;
  soci::indicator committed_ind = b.committed ? soci::i_ok : soci::i_null;
  soci::indicator shortfall_ind = b.shortfall ? soci::i_ok : soci::i_null;
  Nullable currency(b.committed ? std::string(b.committed->currency.code()) : std::string{});
  const std::string rule(to_string(b.rule)), severity(to_string(b.severity)), state(to_string(b.state)),
      side(to_string(b.obligor_side)), due = d::format_date(b.due), detected = d::format_date(b.detected_on);
  const std::string record = breach_to_json(b).dump();
  const int days_late = b.days_late;
  StatementCache& statements = tx.statements();
  statements(q::insert_breach)
      .use(b.id, "id")
      .use(key.value, key.ind, "breach_key")
      .use(rule, "rule")
      .use(severity, "severity")
      .use(state, "state")
      .use(side, "obligor_side")
      .use(b.obligor_id, "obligor_id")
      .use(where.body_id, "body_id")
      .use(where.region, "region")
      .use(commitment.value, commitment.ind, "commitment_id")
      .use(agreement.value, agreement.ind, "agreement_id")
      .use(committed_fen, committed_ind, "committed_fen")
      .use(shortfall_fen, shortfall_ind, "shortfall_fen")
      .use(currency.value, currency.ind, "currency")
      .use(due, "due")
      .use(days_late, "days_late")
      .use(detected, "detected_on")
      .use(complaint.value, complaint.ind, "complaint_id")
      .use(record, "record")
      .use(ctx.now, "now")
      .use(ctx.now, "now_")
      .exec();
  for (const auto& fact_id : b.evidence)
    statements(q::insert_evidence).use(b.id, "breach_id").use(fact_id, "fact_id").exec();
  for (const auto& o : where.officials) {
    statements(q::insert_official)
        .use(b.id, "breach_id")
        .use(o.official_id, "official_id")
        .use(o.role, "role")
        .use(o.basis, "basis")
        .use(o.title, "title")
        .exec();
  }
  HistoryEntry h;
  h.seq = 1;
  h.action = opening_action;
  h.actor = ctx.actor_name;
  h.reason = opening_reason;
  h.to_state = state;
  h.as_of = detected;
  h.at = ctx.now;
  h.note = b.summary;
  append_history(statements, b.id, h);
  auto known = as_inserted(b, where, complaint_id, ctx.now, std::move(h));
  Result<StoredBreach> stored = known ? Result<StoredBreach>(std::move(*known)) : read_one(sql, "%", b.id);
  if (!stored) return stored;
  if (auto r = tx.record_external_change({opening_action, "breach", b.id, nullptr, to_json(*stored)}); !r)
    return std::unexpected(r.error());
  return stored;
}

std::string_view basis_name(d::ResponsibilityBasis basis) {
  switch (basis) {
    case d::ResponsibilityBasis::stage_assignment:
      return "stage_assignment";
    case d::ResponsibilityBasis::body_head:
      return "body_head";
    case d::ResponsibilityBasis::committed:
      return "committed";
  }
  return "committed";
}

}  // namespace

std::vector<TracedOfficial> traced_officials(const d::Commitment& commitment, const d::Agreement& agreement,
                                             std::span<const d::Official> officials, d::Date due) {
  return traced_officials(d::trace_responsibility(commitment, agreement, officials, due));
}

std::vector<TracedOfficial> traced_officials(const d::Responsibility& r) {
  std::vector<TracedOfficial> out;
  for (const auto& p : r.performing)
    out.push_back({p.official_id, "performing", std::string(basis_name(p.basis)), p.role});
  for (const auto& c : r.committing)
    out.push_back({c.official_id, "committing", std::string(basis_name(c.basis)), c.role});
  return out;
}

json to_json(const StoredBreach& s) {
  json j = breach_to_json(s.breach);
  j["body_id"] = s.body_id;
  j["region"] = s.region;
  j["complaint_id"] = s.complaint_id.empty() ? json(nullptr) : json(s.complaint_id);
  j["version"] = s.version;
  j["created_at"] = s.created_at;
  j["updated_at"] = s.updated_at;
  if (!s.officials.empty() || !s.history.empty()) {
    auto officials = json::array();
    for (const auto& o : s.officials)
      officials.push_back(
          {{"official_id", o.official_id}, {"role", o.role}, {"basis", o.basis}, {"title", o.title}});
    auto history = json::array();
    for (const auto& h : s.history) {
      history.push_back({{"seq", h.seq},
                         {"action", h.action},
                         {"actor", h.actor},
                         {"reason", h.reason},
                         {"from", h.from_state.empty() ? json(nullptr) : json(h.from_state)},
                         {"to", h.to_state},
                         {"as_of", h.as_of},
                         {"at", h.at},
                         {"note", h.note}});
    }
    j["officials"] = std::move(officials);
    j["history"] = std::move(history);
  }
  return j;
}

Result<OpenOutcome> BreachStore::open_findings(LedgerTransaction& tx, std::span<const FindingToOpen> findings,
                                               const std::function<std::string()>& new_id,
                                               d::Date detected_on) {
  OpenOutcome outcome;
  // Region by region (in order of first appearance), each region's breaches sealed into an entry of its own.
  std::vector<std::size_t> order(findings.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::map<std::string_view, std::size_t> first_of_region;
  for (std::size_t i = 0; i < findings.size(); ++i)
    first_of_region.try_emplace(findings[i].region, i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return first_of_region[findings[a].region] < first_of_region[findings[b].region];
  });
  std::vector<std::optional<d::Breach>> opened(findings.size());
  const std::string* region = nullptr;
  for (const std::size_t i : order) {
    const auto& f = findings[i];
    const std::string key = f.finding.key();
    std::string existing;
    if (tx.statements()(q::select_by_key).use(key, "key").into(existing).one()) {
      ++outcome.already_open;
      continue;
    }
    if (region && *region != f.region) {
      if (auto sealed = tx.end_change_set(); !sealed) return std::unexpected(sealed.error());
    }
    region = &f.region;
    d::Breach b = d::open_breach(f.finding, new_id(), detected_on);
    for (const auto& o : f.officials) {
      if (o.role == "performing") b.performing_officials.push_back(o.official_id);
      if (o.role == "committing" && b.committing_official.empty()) b.committing_official = o.official_id;
    }
    auto stored = insert(tx, b, f, {}, "detect", "rule " + std::string(to_string(b.rule)) + " found " + key);
    if (!stored) return std::unexpected(stored.error());
    opened[i] = stored->breach;
  }
  if (region) {
    if (auto sealed = tx.end_change_set(); !sealed) return std::unexpected(sealed.error());
  }
  for (auto& b : opened) {
    if (b) outcome.opened.push_back(std::move(*b));
  }
  return outcome;
}

std::vector<ScannedRow> scan_breach_rows(soci::session& sql, const std::string& after, int limit) {
  // The columns that repeat fields of the record (for filters): an edit of either is a difference.
  static constexpr std::array<const char*, 7> kRepeated{
      "rule", "severity", "state", "obligor_side", "obligor_id", "due", "detected_on"};
  std::vector<ScannedRow> out;
  std::vector<StoredBreach> stored;
  std::vector<std::array<std::string, kRepeated.size()>> repeated;
  std::vector<std::size_t> at;
  {
    BreachRow row;
    std::array<std::string, kRepeated.size()> columns;
    std::array<soci::indicator, kRepeated.size()> inds{};
    Query query(sql, q::scan_breaches);
    query.use(after, "after").use(limit, "limit").into(row);
    for (std::size_t i = 0; i < columns.size(); ++i)
      query.into_value(columns[i], inds[i]);
    auto st = query.run();
    while (st.fetch()) {
      ScannedRow r;
      r.id = row.id;
      if (auto s = row.get(); s) {
        stored.push_back(std::move(*s));
        repeated.push_back(columns);
        at.push_back(out.size());
      } else {
        r.problem = s.error().message;
      }
      out.push_back(std::move(r));
      row.complaint_ind = soci::i_null;
    }
  }
  // The page's officials and histories in one query each, not two per breach.
  std::vector<std::string> ids;
  for (const auto& b : stored)
    ids.push_back(b.breach.id);
  auto officials = read_officials_of(sql, ids);
  auto histories = read_histories_of(sql, ids);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    stored[i].officials = std::move(officials[stored[i].breach.id]);
    stored[i].history = std::move(histories[stored[i].breach.id]);
    out[at[i]].state = to_json(stored[i]);
    for (std::size_t c = 0; c < kRepeated.size(); ++c)
      out[at[i]].columns.emplace_back(kRepeated[c], std::move(repeated[i][c]));
  }
  return out;
}

Result<StoredBreach> BreachStore::open_complaint(LedgerTransaction& tx, const Complaint& c,
                                                 const FindingToOpen& candidate,
                                                 const std::string& breach_id) {
  soci::session& sql = tx.session();
  d::Breach b = d::open_breach(candidate.finding, breach_id, candidate.finding.occurred_on);
  b.key.clear();  // a complaint is no rule finding: it never blocks or duplicates detection
  b.summary = "投诉举报 " + c.id + ": " + c.subject;
  Nullable ref(c.agreement_ref), name(c.contact_name), phone(c.contact_phone), email(c.contact_email);
  Query(sql, q::insert_complaint)
      .use(c.id, "id")
      .use(breach_id, "breach_id")
      .use(c.subject, "subject")
      .use(c.description, "description")
      .use(ref.value, ref.ind, "agreement_ref")
      .use(name.value, name.ind, "contact_name")
      .use(phone.value, phone.ind, "contact_phone")
      .use(email.value, email.ind, "contact_email")
      .use(c.client_address, "client_address")
      .use(c.created_at, "created_at")
      .use(c.receipt_code, "receipt_code")
      .exec();
  return insert(tx, b, candidate, c.id, "complaint", "complaint " + c.id + " filed by the public");
}

Result<StoredBreach> BreachStore::read(LedgerTransaction& tx, const d::Scope& scope, const std::string& id) {
  return read_one(tx.session(), region_like(scope.region), id);
}

Result<StoredBreach> BreachStore::save_transition(LedgerTransaction& tx, const d::Transition& t,
                                                  d::BreachState expected_state,
                                                  std::int64_t expected_version,
                                                  const d::LifecyclePolicy& policy) {
  soci::session& sql = tx.session();
  const d::Breach& b = t.breach;
  auto before = read_one(sql, "%", b.id);
  if (!before) return before;
  const std::string severity(to_string(b.severity)), state(to_string(b.state)),
      expected(to_string(expected_state)), record = breach_to_json(b).dump();
  Nullable deadline(b.rectification_deadline ? d::format_date(*b.rectification_deadline) : std::string{});
  Nullable recorded(b.recorded_on ? d::format_date(*b.recorded_on) : std::string{});
  Nullable repaired(b.repaired_on ? d::format_date(*b.repaired_on) : std::string{});
  Nullable objection(b.objection_from ? std::string(to_string(*b.objection_from)) : std::string{});
  const long long version = expected_version;
  const long long changed = Query(sql, q::update_breach)
                                .use(severity, "severity")
                                .use(state, "state")
                                .use(deadline.value, deadline.ind, "deadline")
                                .use(recorded.value, recorded.ind, "recorded_on")
                                .use(repaired.value, repaired.ind, "repaired_on")
                                .use(objection.value, objection.ind, "objection_from")
                                .use(record, "record")
                                .use(tx.context().now, "now")
                                .use(b.id, "id")
                                .use(expected, "expected_state")
                                .use(version, "version")
                                .exec();
  if (changed != 1)
    return d::fail(ErrorCode::stale, "breach " + b.id + " was changed by another request meanwhile");
  HistoryEntry h;
  h.action = std::string(to_string(t.change.action));
  h.actor = t.change.actor;
  h.reason = t.change.reason;
  h.from_state = std::string(to_string(t.change.from));
  h.to_state = std::string(to_string(t.change.to));
  h.as_of = d::format_date(t.change.as_of);
  h.at = tx.context().now;
  h.note = t.change.note;
  append_history(tx.statements(), b.id, h);
  auto after = read_one(sql, "%", b.id);
  if (!after) return after;
  if (auto r = tx.record_external_change({h.action, "breach", b.id, to_json(*before), to_json(*after)}); !r)
    return std::unexpected(r.error());
  // The credit platform's copy (issue 14): its outbox row commits or rolls back with the transition.
  if (auto r = OutboxStore::enqueue_transition(tx, before->breach, t, after->region, policy); !r)
    return std::unexpected(r.error());
  return after;
}

Result<StoredBreach> BreachStore::breach(const d::Scope& scope, const std::string& id) {
  return guarded(database_, "reading a breach",
                 [&](soci::session& sql) { return read_one(sql, region_like(scope.region), id); });
}

Result<Page<d::Breach>> BreachStore::list(const d::Scope& scope, const BreachFilter& f, const Window& w,
                                          std::vector<StoredBreach>* rows) {
  return guarded(database_, "listing breaches", [&](soci::session& sql) -> Result<Page<d::Breach>> {
    const std::string scope_like = region_like(scope.region), region = region_like(f.region);
    const int limit = w.limit + 1;
    Query query(sql, q::list_breaches);
    query.use(scope_like, "scope").use(region, "region");
    // Both names carry the same value: `(:x = '' OR col = :x_)`.
    const std::array<std::tuple<const char*, const char*, const std::string*>, 8> binds{{
        {"state", "state_", &f.state},
        {"severity", "severity_", &f.severity},
        {"rule", "rule_", &f.rule},
        {"obligor", "obligor_", &f.obligor_id},
        {"body", "body_", &f.body_id},
        {"official", "official_", &f.official_id},
        {"dfrom", "dfrom_", &f.detected_from},
        {"dto", "dto_", &f.detected_to},
    }};
    for (const auto& [name, second, value] : binds)
      query.use(*value, name).use(*value, second);
    query.use(w.after, "after").use(limit, "limit");
    auto all = read_rows(query);
    if (!all) return std::unexpected(all.error());
    Page<d::Breach> page;
    if (static_cast<int>(all->size()) > w.limit) {
      page.more = true;
      all->resize(static_cast<std::size_t>(w.limit));
    }
    for (const auto& s : *all)
      page.items.push_back({s.breach, s.version, s.created_at, s.updated_at});
    if (rows) *rows = std::move(*all);
    return page;
  });
}

Result<std::vector<StoredBreach>> BreachStore::all(const d::Scope& scope) {
  return guarded(database_, "reading breaches", [&](soci::session& sql) -> Result<std::vector<StoredBreach>> {
    const std::string scope_like = region_like(scope.region);
    Query query(sql, q::all_breaches);
    query.use(scope_like, "scope");
    return read_rows(query);
  });
}

Result<std::vector<StoredBreach>> BreachStore::of_commitments(
    const d::Scope& scope, const std::vector<std::string>& commitment_ids) {
  return guarded(database_, "reading breaches of commitments",
                 [&](soci::session& sql) -> Result<std::vector<StoredBreach>> {
                   const std::string scope_like = region_like(scope.region);
                   std::vector<StoredBreach> out;
                   constexpr std::size_t kChunk = 500;  // placeholders per statement
                   for (std::size_t at = 0; at < commitment_ids.size(); at += kChunk) {
                     std::vector<const std::string*> chunk;
                     for (std::size_t i = at; i < std::min(at + kChunk, commitment_ids.size()); ++i)
                       chunk.push_back(&commitment_ids[i]);
                     Query query(sql, detail::expand_ids(q::breaches_of_commitments, chunk.size()));
                     query.use(scope_like, "scope");
                     detail::use_ids(query, chunk);
                     auto rows = read_rows(query);
                     if (!rows) return rows;
                     std::move(rows->begin(), rows->end(), std::back_inserter(out));
                   }
                   return out;
                 });
}

Result<std::map<std::string, std::vector<TracedOfficial>, std::less<>>> BreachStore::officials_of(
    const std::vector<std::string>& breach_ids) {
  using Traced = std::map<std::string, std::vector<TracedOfficial>, std::less<>>;
  return guarded(database_, "reading the officials of breaches",
                 [&](soci::session& sql) -> Result<Traced> { return read_officials_of(sql, breach_ids); });
}

Result<std::vector<StoredBreach>> BreachStore::traced_to(const d::Scope& scope,
                                                         const std::string& official_id) {
  return guarded(database_, "reading breaches of an official",
                 [&](soci::session& sql) -> Result<std::vector<StoredBreach>> {
                   const std::string scope_like = region_like(scope.region);
                   Query query(sql, q::traced_to);
                   query.use(scope_like, "scope").use(official_id, "official");
                   auto rows = read_rows(query);
                   if (!rows) return rows;
                   // The officials of all of them in one query, not one per breach.
                   std::vector<std::string> ids;
                   for (const auto& b : *rows)
                     ids.push_back(b.breach.id);
                   auto officials = read_officials_of(sql, ids);
                   for (auto& b : *rows)
                     if (auto it = officials.find(b.breach.id); it != officials.end())
                       b.officials = std::move(it->second);
                   return rows;
                 });
}

Result<ComplaintReceipt> BreachStore::complaint_by_receipt(const std::string& receipt_code) {
  return guarded(database_, "reading a complaint", [&](soci::session& sql) -> Result<ComplaintReceipt> {
    ComplaintReceipt r;
    sql << std::string(q::complaint_by_receipt), soci::use(receipt_code, "code"), soci::into(r.filed_at),
        soci::into(r.state), soci::into(r.updated_at);
    if (!sql.got_data()) return d::fail(ErrorCode::not_found, "No complaint has this receipt code.");
    return r;
  });
}

Result<int> BreachStore::complaints_since(const std::string& client_address, const std::string& since) {
  return guarded(database_, "counting complaints", [&](soci::session& sql) -> Result<int> {
    long long count = 0;
    sql << std::string(q::count_complaints), soci::use(client_address, "address"), soci::use(since, "since"),
        soci::into(count);
    return static_cast<int>(count);
  });
}

}  // namespace pactwatch::store
