// The ledger's lists (keyset pagination by id) and the whole-scope reads detection uses.
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <climits>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "adapters/store/guarded.hpp"
#include "adapters/store/ledger_rows.hpp"
#include "adapters/store/ledger_sql.hpp"
#include "adapters/store/ledger_store.hpp"
#include "adapters/store/soci_errors.hpp"

namespace pactwatch::store {

namespace d = pactwatch::domain;
using d::Result;
using detail::Query;

namespace {

/** Reads up to limit + 1 rows to learn whether another page follows. */
template <class T, class Row>
Page<T> read_page(Query& query, Row& row, int limit) {
  Page<T> page;
  auto st = query.into(row).run();
  while (st.fetch()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.more = true;
      break;
    }
    page.items.push_back(row.get());
  }
  return page;
}

/** Fills the posts of a page of officials with one range query. */
void attach_posts(soci::session& sql, const LedgerSql& text, std::vector<Stored<d::Official>>& officials) {
  if (officials.empty()) return;
  auto posts = detail::read_posts(sql, text, officials.front().entity.id, officials.back().entity.id);
  for (auto& o : officials)
    o.entity.posts = std::move(posts[o.entity.id]);
}

/**
 * Fills the stages and assignments of a page of agreements with two queries for the page's ids (a range
 * from the first to the last id would also read the stages of every agreement the filters left out).
 */
void attach_stages(soci::session& sql, const LedgerSql& text, std::vector<Stored<d::Agreement>>& agreements) {
  std::vector<Stored<d::Agreement>*> pointers;
  for (auto& a : agreements)
    pointers.push_back(&a);
  detail::read_stages_of(sql, text, pointers);
}

}  // namespace

Result<Page<d::Body>> LedgerStore::bodies(const d::Scope& scope, const BodyFilter& f, const Window& w) {
  return guarded(database_, "listing bodies", [&](soci::session& sql) -> Result<Page<d::Body>> {
    const std::string scope_like = region_like(scope.region), region = region_like(f.region);
    const int limit = w.limit + 1;
    detail::BodyRow row;
    Query q(sql, ledger_sql(database_.backend()).list_bodies);
    q.use(scope_like, "scope")
        .use(region, "region")
        .use(f.kind, "kind")
        .use(f.kind, "kind_")
        .use(f.parent_id, "parent")
        .use(f.parent_id, "parent_")
        .use(w.after, "after")
        .use(limit, "limit");
    return read_page<d::Body>(q, row, w.limit);
  });
}

Result<Page<d::Official>> LedgerStore::officials(const d::Scope& scope, const OfficialFilter& f,
                                                 const Window& w) {
  return guarded(database_, "listing officials", [&](soci::session& sql) -> Result<Page<d::Official>> {
    const auto& text = ledger_sql(database_.backend());
    const std::string scope_like = region_like(scope.region), region = region_like(f.region);
    const int limit = w.limit + 1;
    detail::OfficialRow row;
    Query q(sql, text.list_officials);
    q.use(scope_like, "scope")
        .use(scope_like, "scope_")
        .use(region, "region")
        .use(region, "region_")
        .use(f.body_id, "body")
        .use(f.body_id, "body_")
        .use(w.after, "after")
        .use(limit, "limit");
    auto page = read_page<d::Official>(q, row, w.limit);
    attach_posts(sql, text, page.items);
    return page;
  });
}

Result<Page<d::Organization>> LedgerStore::organizations(const OrganizationFilter& f, const Window& w) {
  return guarded(database_, "listing organizations",
                 [&](soci::session& sql) -> Result<Page<d::Organization>> {
                   const int sme = f.sme ? (*f.sme ? 1 : 0) : -1;
                   const int limit = w.limit + 1;
                   detail::OrganizationRow row;
                   Query q(sql, ledger_sql(database_.backend()).list_organizations);
                   q.use(f.credit_code, "code")
                       .use(f.credit_code, "code_")
                       .use(sme, "sme")
                       .use(sme, "sme_")
                       .use(w.after, "after")
                       .use(limit, "limit");
                   return read_page<d::Organization>(q, row, w.limit);
                 });
}

Result<Page<d::Agreement>> LedgerStore::agreements(const d::Scope& scope, const AgreementFilter& f,
                                                   const Window& w) {
  return guarded(database_, "listing agreements", [&](soci::session& sql) -> Result<Page<d::Agreement>> {
    const auto& text = ledger_sql(database_.backend());
    const std::string scope_like = region_like(scope.region), region = region_like(f.region);
    const int limit = w.limit + 1;
    detail::AgreementRow row;
    Query q(sql, text.list_agreements);
    q.use(scope_like, "scope").use(region, "region");
    q.use(f.kind, "kind").use(f.kind, "kind_").use(f.body_id, "body").use(f.body_id, "body_");
    q.use(f.counterparty_id, "counterparty").use(f.counterparty_id, "counterparty_");
    q.use(f.platform_project_code, "ppc").use(f.platform_project_code, "ppc_");
    q.use(f.unified_deal_code, "udc")
        .use(f.unified_deal_code, "udc_")
        .use(f.ocid, "ocid")
        .use(f.ocid, "ocid_");
    q.use(f.signed_after, "signed_after").use(f.signed_after, "signed_after_");
    q.use(f.signed_before, "signed_before").use(f.signed_before, "signed_before_");
    q.use(f.changed_since, "since").use(f.changed_since, "since_");
    q.use(f.changed_since, "since__").use(f.changed_since, "since___");
    q.use(w.after, "after").use(limit, "limit");
    auto page = read_page<d::Agreement>(q, row, w.limit);
    attach_stages(sql, text, page.items);
    return page;
  });
}

namespace {

/** Binds the filters of list_commitments (and list_commitments_by_status) except the page clause. */
void use_commitment_filter(Query& q, const std::string& scope_like, const std::string& region,
                           const CommitmentFilter& f) {
  q.use(scope_like, "scope").use(region, "region").use(f.kind, "kind").use(f.kind, "kind_");
  q.use(f.agreement_id, "agreement").use(f.agreement_id, "agreement_");
  q.use(f.obligor_side, "side").use(f.obligor_side, "side_").use(f.obligor_id, "obligor");
  q.use(f.obligor_id, "obligor_").use(f.stage, "stage").use(f.stage, "stage_");
  q.use(f.due_after, "due_after").use(f.due_after, "due_after_");
  q.use(f.due_before, "due_before").use(f.due_before, "due_before_");
}

/** The facts of `commitments` in one query, in any order. */
std::vector<d::Fact> facts_of(soci::session& sql, const LedgerSql& text,
                              const std::vector<Stored<d::Commitment>>& commitments) {
  std::vector<d::Fact> facts;
  if (commitments.empty()) return facts;
  std::vector<const std::string*> ids;
  for (const auto& c : commitments)
    ids.push_back(&c.entity.id);
  Query q(sql, detail::expand_ids(text.select_facts_of, ids.size()));
  detail::use_ids(q, ids);
  detail::FactRow row;
  auto st = q.into(row).run();
  while (st.fetch())
    facts.push_back(row.get().entity);
  return facts;
}

/**
 * The status of each of `commitments` as of `as_of`, from their facts (read with one query). The facts
 * are grouped by commitment and folded by the domain, as detection folds them.
 */
std::vector<d::CommitmentStatus> statuses_of(soci::session& sql, const LedgerSql& text,
                                             const std::vector<Stored<d::Commitment>>& commitments,
                                             d::Date as_of) {
  std::vector<d::CommitmentStatus> out;
  if (commitments.empty()) return out;
  const std::vector<d::Fact> facts = facts_of(sql, text, commitments);
  std::map<std::string_view, std::vector<std::uint32_t>> groups;
  for (std::uint32_t i = 0; i < facts.size(); ++i)
    groups[facts[i].commitment_id].push_back(i);
  std::vector<std::uint32_t> scratch;
  const std::vector<std::uint32_t> none;
  out.reserve(commitments.size());
  for (const auto& stored : commitments) {
    const auto& c = stored.entity;
    auto it = groups.find(c.id);
    out.push_back(d::commitment_status(c, it == groups.end() ? none : it->second, facts, as_of, scratch));
  }
  return out;
}

}  // namespace

Result<CommitmentPage> LedgerStore::commitments(const d::Scope& scope, const CommitmentFilter& f,
                                                const Window& w) {
  return guarded(database_, "listing commitments", [&](soci::session& sql) -> Result<CommitmentPage> {
    const auto& text = ledger_sql(database_.backend());
    const std::string scope_like = region_like(scope.region), region = region_like(f.region);
    CommitmentPage page;
    if (f.statuses.empty() || !f.as_of) {
      const int limit = w.limit + 1;
      detail::CommitmentRow row;
      Query q(sql, text.list_commitments);
      use_commitment_filter(q, scope_like, region, f);
      q.use(w.after, "after").use(limit, "limit");
      static_cast<Page<d::Commitment>&>(page) = read_page<d::Commitment>(q, row, w.limit);
      if (f.as_of) page.statuses = statuses_of(sql, text, page.items, *f.as_of);
      return page;
    }
    // SQL pre-selects the rows that may have a wanted status; the domain decides for each. Batches of
    // candidates are read in id order, each with its facts in one query, until the page holds limit + 1
    // matches (the last only tells that more follow) or the candidates or the scan budget run out.
    std::array<int, d::kCommitmentStatusCount> wanted{};
    for (d::CommitmentStatus s : f.statuses)
      wanted[static_cast<std::size_t>(s)] = 1;
    const std::string as_of = d::format_date(*f.as_of);
    const int budget = std::max(f.max_scan, w.limit + 1);
    int scanned = 0;
    int batch_size = w.limit + 1;
    std::string after = w.after;
    std::vector<Stored<d::Commitment>> batch;
    for (;;) {
      const int want = std::min(batch_size, budget - scanned);
      batch.clear();
      {
        detail::CommitmentRow row;
        Query q(sql, text.list_commitments_by_status);
        use_commitment_filter(q, scope_like, region, f);
        q.use(wanted[static_cast<std::size_t>(d::CommitmentStatus::open)], "open")
            .use(as_of, "open_as_of")
            .use(as_of, "open_moved");
        q.use(wanted[static_cast<std::size_t>(d::CommitmentStatus::overdue)], "overdue")
            .use(as_of, "overdue_as_of")
            .use(as_of, "overdue_moved");
        q.use(wanted[static_cast<std::size_t>(d::CommitmentStatus::fulfilled)], "fulfilled")
            .use(as_of, "fulfilled_as_of");
        q.use(wanted[static_cast<std::size_t>(d::CommitmentStatus::excused)], "excused")
            .use(as_of, "excused_as_of");
        q.use(after, "after").use(want, "limit");
        auto st = q.into(row).run();
        while (st.fetch())
          batch.push_back(row.get());
      }
      const auto statuses = statuses_of(sql, text, batch, *f.as_of);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        ++scanned;
        after = batch[i].entity.id;
        if (!wanted[static_cast<std::size_t>(statuses[i])]) continue;
        if (static_cast<int>(page.items.size()) == w.limit) {
          page.more = true;  // a match beyond the page: the next page starts after the last item
          return page;
        }
        page.items.push_back(std::move(batch[i]));
        page.statuses.push_back(statuses[i]);
      }
      if (static_cast<int>(batch.size()) < want) return page;  // no candidates left
      if (scanned >= budget) {
        // Every row up to `after` was judged (a match past a full page would have returned above): the
        // next page resumes after it, so that no row is judged twice.
        page.more = true;
        page.resume_after = after;
        return page;
      }
      batch_size = std::min(batch_size * 2, 1000);
    }
  });
}

Result<Page<d::Fact>> LedgerStore::facts(const d::Scope& scope, const FactFilter& f, const Window& w) {
  return guarded(database_, "listing facts", [&](soci::session& sql) -> Result<Page<d::Fact>> {
    const std::string scope_like = region_like(scope.region), region = region_like(f.region);
    const int limit = w.limit + 1;
    detail::FactRow row;
    Query q(sql, ledger_sql(database_.backend()).list_facts);
    q.use(scope_like, "scope").use(region, "region").use(f.kind, "kind").use(f.kind, "kind_");
    q.use(f.commitment_id, "commitment").use(f.commitment_id, "commitment_");
    q.use(f.agreement_id, "agreement").use(f.agreement_id, "agreement_");
    q.use(w.after, "after").use(limit, "limit");
    return read_page<d::Fact>(q, row, w.limit);
  });
}

Result<std::vector<RegionRow>> LedgerStore::regions(const std::string& within, const Window& w) {
  return guarded(database_, "listing regions", [&](soci::session& sql) -> Result<std::vector<RegionRow>> {
    const std::string like = region_like(within);
    const int limit = w.limit;
    RegionRow row;
    std::string parent;
    soci::indicator parent_ind = soci::i_ok;
    soci::statement st =
        (sql.prepare << std::string(ledger_sql(database_.backend()).list_regions), soci::use(like, "within"),
         soci::use(w.after, "after"), soci::use(limit, "limit"), soci::into(row.code), soci::into(row.name),
         soci::into(parent, parent_ind), soci::into(row.level));
    st.execute(false);
    std::vector<RegionRow> rows;
    while (st.fetch()) {
      row.parent_code = parent_ind == soci::i_null ? std::string{} : parent;
      rows.push_back(row);
    }
    return rows;
  });
}

namespace {
/** Walks every page of a list; detection reads whole scopes. */
template <class T, class List>
Result<std::vector<T>> all_of(List&& list) {
  std::vector<T> out;
  Window w;
  w.limit = 1000;
  for (;;) {
    auto page = list(w);
    if (!page) return std::unexpected(page.error());
    for (auto& s : page->items)
      out.push_back(std::move(s.entity));
    if (!page->more || out.empty()) return out;
    w.after = out.back().id;
  }
}
}  // namespace

Result<std::vector<d::Body>> LedgerStore::all_bodies(const d::Scope& scope) {
  return all_of<d::Body>([&](const Window& w) { return bodies(scope, {}, w); });
}

Result<std::vector<d::Official>> LedgerStore::all_officials(const d::Scope& scope) {
  return all_of<d::Official>([&](const Window& w) { return officials(scope, {}, w); });
}

Result<d::Ledger> LedgerStore::load_ledger(const d::Scope& scope) {
  auto agreement_list = all_of<d::Agreement>([&](const Window& w) { return agreements(scope, {}, w); });
  if (!agreement_list) return std::unexpected(agreement_list.error());
  auto commitment_list = all_of<d::Commitment>([&](const Window& w) { return commitments(scope, {}, w); });
  if (!commitment_list) return std::unexpected(commitment_list.error());
  auto fact_list = all_of<d::Fact>([&](const Window& w) { return facts(scope, {}, w); });
  if (!fact_list) return std::unexpected(fact_list.error());
  // Organizations are shared by all regions; only the ones these agreements name are needed, but the
  // set is small and link_ledger ignores the others.
  auto organization_list = all_of<d::Organization>([&](const Window& w) { return organizations({}, w); });
  if (!organization_list) return std::unexpected(organization_list.error());
  return d::link_ledger(std::move(*organization_list), std::move(*agreement_list),
                        std::move(*commitment_list), std::move(*fact_list));
}

namespace {

/** IN lists are read this many ids per query (SQLite binds at most 32,766 values, MySQL 65,535). */
constexpr std::size_t kIdsPerQuery = 500;

/** Runs `text` per chunk of `ids` (`(:ids)` expanded and bound); `read` binds the rest and fetches. */
template <class Read>
void for_id_chunks(soci::session& sql, std::string_view text, const std::vector<std::string>& ids,
                   const Read& read) {
  std::vector<const std::string*> chunk;
  for (std::size_t at = 0; at < ids.size(); at += kIdsPerQuery) {
    chunk.clear();
    for (std::size_t i = at; i < std::min(ids.size(), at + kIdsPerQuery); ++i)
      chunk.push_back(&ids[i]);
    Query q(sql, detail::expand_ids(text, chunk.size()));
    detail::use_ids(q, chunk);
    read(q);
  }
}

/** The rows of `text` for `ids` as stored entities. */
template <class T, class Row>
std::vector<Stored<T>> stored_of(soci::session& sql, std::string_view text,
                                 const std::vector<std::string>& ids) {
  std::vector<Stored<T>> out;
  for_id_chunks(sql, text, ids, [&](Query& q) {
    Row row;
    auto st = q.into(row).run();
    while (st.fetch())
      out.push_back(row.get());
  });
  return out;
}

/** The rows of `text` for `ids` as entities, in id order. */
template <class T, class Row>
std::vector<T> entities_of(soci::session& sql, std::string_view text, const std::vector<std::string>& ids) {
  std::vector<T> out;
  for (auto& s : stored_of<T, Row>(sql, text, ids))
    out.push_back(std::move(s.entity));
  std::sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.id < b.id; });
  return out;
}

/** The one text column of `text`'s rows for `ids` (with :scope bound when given), sorted and unique. */
std::vector<std::string> ids_of(soci::session& sql, std::string_view text,
                                const std::vector<std::string>& ids,
                                const std::string* scope_like = nullptr) {
  std::set<std::string> found;
  for_id_chunks(sql, text, ids, [&](Query& q) {
    std::string value;
    soci::indicator ind = soci::i_ok;
    if (scope_like) q.use(*scope_like, "scope");
    auto st = q.into_value(value, ind).run();
    while (st.fetch()) {
      if (ind == soci::i_ok) found.insert(value);
    }
  });
  return {found.begin(), found.end()};
}

std::vector<std::string> sorted_unique(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

Result<DetectionSlice> LedgerStore::load_ledger_for(const d::Scope& scope,
                                                    const std::vector<std::string>& commitment_ids) {
  auto loaded = guarded(
      database_, "reading the ledger of commitments",
      [&](soci::session& sql) -> Result<std::tuple<std::vector<d::Organization>, std::vector<d::Agreement>,
                                                   std::vector<d::Commitment>, std::vector<d::Fact>,
                                                   std::vector<d::Body>, std::vector<d::Official>>> {
        const auto& text = ledger_sql(database_.backend());
        const std::string scope_like = region_like(scope.region);
        const auto agreement_ids =
            ids_of(sql, text.agreement_ids_of_commitments, sorted_unique(commitment_ids), &scope_like);

        // The agreements with their stages, all their commitments (siblings: BC03 and W03) and those facts.
        auto stored_agreements =
            stored_of<d::Agreement, detail::AgreementRow>(sql, text.select_agreements_of, agreement_ids);
        for (std::size_t at = 0; at < stored_agreements.size(); at += kIdsPerQuery) {
          std::vector<Stored<d::Agreement>*> chunk;
          for (std::size_t i = at; i < std::min(stored_agreements.size(), at + kIdsPerQuery); ++i)
            chunk.push_back(&stored_agreements[i]);
          detail::read_stages_of(sql, text, chunk);
        }
        std::vector<d::Agreement> agreements;
        for (auto& a : stored_agreements)
          agreements.push_back(std::move(a.entity));
        std::sort(agreements.begin(), agreements.end(),
                  [](const d::Agreement& a, const d::Agreement& b) { return a.id < b.id; });
        auto commitments = entities_of<d::Commitment, detail::CommitmentRow>(
            sql, text.select_commitments_of_agreements, agreement_ids);
        auto facts =
            entities_of<d::Fact, detail::FactRow>(sql, text.select_facts_of_agreements, agreement_ids);

        // The counterparties the rules read (BC03 and W05 ask whether it is an SME).
        std::vector<std::string> organization_ids, body_ids;
        for (const auto& a : agreements) {
          if (!a.counterparty_id.empty()) organization_ids.push_back(a.counterparty_id);
          body_ids.push_back(a.body_id);
        }
        auto organizations = entities_of<d::Organization, detail::OrganizationRow>(
            sql, text.select_organizations_of, sorted_unique(std::move(organization_ids)));

        // Opening a breach places it at the obligor body (or the agreement's body) and traces back the
        // heads of that body on the due date: those bodies and everyone ever posted at them.
        for (const auto& c : commitments) {
          if (c.obligor_side == d::ObligorSide::government) body_ids.push_back(c.obligor_id);
        }
        body_ids = sorted_unique(std::move(body_ids));
        auto bodies = entities_of<d::Body, detail::BodyRow>(sql, text.select_bodies_of, body_ids);
        const auto official_ids = ids_of(sql, text.official_ids_posted_at, body_ids);
        auto officials =
            entities_of<d::Official, detail::OfficialRow>(sql, text.select_officials_of, official_ids);
        std::map<std::string, std::vector<d::Post>> posts;
        for_id_chunks(sql, text.select_posts_of, official_ids, [&](Query& q) {
          detail::PostRow row;
          auto st = q.into(row).run();
          while (st.fetch())
            posts[row.official_id].push_back(row.get());
        });
        for (auto& o : officials)
          o.posts = std::move(posts[o.id]);
        return std::tuple{std::move(organizations), std::move(agreements), std::move(commitments),
                          std::move(facts),         std::move(bodies),     std::move(officials)};
      });
  if (!loaded) return std::unexpected(loaded.error());
  auto& [organizations, agreements, commitments, facts, bodies, officials] = *loaded;
  auto ledger = d::link_ledger(std::move(organizations), std::move(agreements), std::move(commitments),
                               std::move(facts));
  if (!ledger) return std::unexpected(ledger.error());
  return DetectionSlice{std::move(*ledger), std::move(bodies), std::move(officials)};
}

Result<AgreementRecordPage> LedgerStore::agreement_records(const d::Scope& scope, const AgreementFilter& f,
                                                           const Window& w) {
  auto page = agreements(scope, f, w);
  if (!page) return std::unexpected(page.error());
  AgreementRecordPage out;
  out.more = page->more;
  if (page->items.empty()) return out;
  auto linked = guarded(database_, "reading agreements for export", [&](soci::session& sql) -> Result<bool> {
    const auto& text = ledger_sql(database_.backend());
    std::vector<std::string> agreement_ids, organization_ids, body_ids;
    for (const auto& a : page->items) {
      agreement_ids.push_back(a.entity.id);
      body_ids.push_back(a.entity.body_id);
      if (!a.entity.counterparty_id.empty()) organization_ids.push_back(a.entity.counterparty_id);
    }
    auto commitments = stored_of<d::Commitment, detail::CommitmentRow>(
        sql, text.select_commitments_of_agreements, sorted_unique(agreement_ids));
    auto facts = stored_of<d::Fact, detail::FactRow>(sql, text.select_facts_of_agreements,
                                                     sorted_unique(agreement_ids));
    std::vector<std::string> official_ids;
    for (const auto& c : commitments) {
      if (!c.entity.committing_official_id.empty()) official_ids.push_back(c.entity.committing_official_id);
    }
    auto bodies = entities_of<d::Body, detail::BodyRow>(sql, text.select_bodies_of, sorted_unique(body_ids));
    auto organizations = entities_of<d::Organization, detail::OrganizationRow>(
        sql, text.select_organizations_of, sorted_unique(organization_ids));
    auto officials = entities_of<d::Official, detail::OfficialRow>(sql, text.select_officials_of,
                                                                   sorted_unique(official_ids));
    const auto by_id = [](const auto& a, const auto& b) { return a.entity.id < b.entity.id; };
    std::sort(commitments.begin(), commitments.end(), by_id);
    std::sort(facts.begin(), facts.end(), by_id);
    std::map<std::string, std::size_t> index;
    for (auto& a : page->items) {
      index[a.entity.id] = out.items.size();
      AgreementRecord r;
      r.agreement = std::move(a);
      out.items.push_back(std::move(r));
    }
    std::map<std::string, std::string> agreement_of;
    for (auto& c : commitments) {
      agreement_of[c.entity.id] = c.entity.agreement_id;
      out.items[index.at(c.entity.agreement_id)].commitments.push_back(std::move(c));
    }
    for (auto& fact : facts)
      out.items[index.at(agreement_of.at(fact.entity.commitment_id))].facts.push_back(std::move(fact));
    for (auto& r : out.items) {
      const auto& a = r.agreement.entity;
      for (const auto& b : bodies)
        if (b.id == a.body_id) r.body = b;
      for (const auto& o : organizations)
        if (o.id == a.counterparty_id) r.counterparty = o;
      for (const auto& o : officials) {
        const bool named = std::any_of(r.commitments.begin(), r.commitments.end(), [&](const auto& c) {
          return c.entity.committing_official_id == o.id;
        });
        if (named) r.officials.push_back(o);
      }
    }
    return true;
  });
  if (!linked) return std::unexpected(linked.error());
  return out;
}

}  // namespace pactwatch::store
