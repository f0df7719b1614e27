#include "domain/ledger.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace pactwatch::domain {

namespace {

template <class T>
std::unordered_map<std::string_view, std::uint32_t> index_by_id(const std::vector<T>& items) {
  std::unordered_map<std::string_view, std::uint32_t> out;
  out.reserve(items.size());
  for (std::uint32_t i = 0; i < items.size(); ++i)
    out.emplace(items[i].id, i);
  return out;
}

bool same_currency(const Money& a, const std::optional<Money>& b) {
  return b && a.currency == b->currency;
}

/** Applies one amendment to the running due date and amount. */
void apply_amendment(const Fact& f, CommitmentState& s) {
  if (f.new_due) {
    if (*f.new_due > s.effective_due) ++s.extensions;
    s.effective_due = *f.new_due;
  }
  if (f.new_amount) {
    if (s.effective_amount && f.new_amount->currency == s.effective_amount->currency &&
        f.new_amount->fen > s.effective_amount->fen) {
      s.value_increase_fen =
          saturating_add_fen(s.value_increase_fen, f.new_amount->fen - s.effective_amount->fen);
    }
    s.effective_amount = f.new_amount;
  }
}

/** First pass: which facts count, and the effective due date and amount. */
void fold_changes(const Commitment& c, const std::vector<Fact>& facts, CommitmentState& s,
                  std::span<const std::uint32_t> effective) {
  const bool government = c.obligor_side == ObligorSide::government;
  for (std::uint32_t i : effective) {
    const Fact& f = facts[i];
    switch (f.kind) {
      case FactKind::amended:
        if (!government || is_lawful_change(f)) {
          apply_amendment(f, s);
        } else if (!s.unlawful_change_on) {
          s.unlawful_change_on = f.on;
        }
        break;
      case FactKind::revoked:
      case FactKind::refused:
      case FactKind::not_performed:
        if (government && is_turnover_reason(f.reason)) {
          if (!s.turnover_on) s.turnover_on = f.on;
        } else if (f.kind == FactKind::revoked && government && !is_lawful_change(f)) {
          if (!s.unlawful_change_on) s.unlawful_change_on = f.on;
        } else if (f.kind == FactKind::revoked && !s.excused_on) {
          s.excused_on = f.on;  // a lawful revocation (or the counterparty's, by agreement) ends it
        }
        break;
      case FactKind::terminated:
        if (is_lawful_termination(f)) {
          if (!s.excused_on) s.excused_on = f.on;
        } else if (f.terminated_by == ObligorSide::government && !s.unlawful_termination_on) {
          s.unlawful_termination_on = f.on;
        }
        break;
      case FactKind::judgment_issued:
        if (f.new_due) s.judgment_deadline = f.new_due;
        break;
      default:
        break;
    }
  }
}

/**
 * Second pass: performance against the effective amount. Payments are judged per day, after all of the
 * day's facts (a refund and a payment of one day count together, in whatever order they arrived), and
 * "paid in full" holds from the day the net total reached the amount for good: a refund that takes it
 * below again undoes it.
 */
void fold_performance(const Commitment& c, const std::vector<Fact>& facts, CommitmentState& s,
                      std::span<const std::uint32_t> effective) {
  std::optional<Date> paid_in_full_on;
  bool paid_today = false;
  for (std::size_t k = 0; k < effective.size(); ++k) {
    const Fact& f = facts[effective[k]];
    const bool by_deadline = f.on <= s.deadline;
    switch (f.kind) {
      case FactKind::fulfilled:
        s.any_fulfilment = true;
        paid_today = true;
        if (by_deadline) s.any_fulfilment_at_deadline = true;
        if (f.amount && same_currency(*f.amount, s.effective_amount)) {
          s.fulfilled_fen = saturating_add_fen(s.fulfilled_fen, f.amount->fen);
          if (by_deadline)
            s.fulfilled_fen_at_deadline = saturating_add_fen(s.fulfilled_fen_at_deadline, f.amount->fen);
        }
        break;
      case FactKind::acceptance_passed:
      case FactKind::acceptance_failed:
        s.acceptance_score = f.score;
        if (f.kind == FactKind::acceptance_passed) {
          if (!s.accepted_on) s.accepted_on = f.on;
        } else if (!s.acceptance_failed_on) {
          s.acceptance_failed_on = f.on;
        }
        // Holding the acceptance is what an acceptance commitment owes, whatever its outcome.
        if (c.kind == CommitmentKind::acceptance && !s.completed_on) s.completed_on = f.on;
        break;
      case FactKind::judgment_fulfilled:
        if (!s.completed_on) s.completed_on = f.on;
        break;
      default:
        break;
    }
    const bool day_ends = k + 1 == effective.size() || facts[effective[k + 1]].on != f.on;
    if (day_ends && paid_today) {
      paid_today = false;
      if (!s.effective_amount) {
        if (!paid_in_full_on) paid_in_full_on = f.on;  // no amount: any fulfilment performs it
      } else if (s.fulfilled_fen < s.effective_amount->fen) {
        paid_in_full_on.reset();
      } else if (!paid_in_full_on) {
        paid_in_full_on = f.on;
      }
    }
  }
  if (paid_in_full_on && (!s.completed_on || *paid_in_full_on < *s.completed_on))
    s.completed_on = paid_in_full_on;
}

/**
 * The order the fold reads facts in: by date, and facts of one date by what they say, never by their ids
 * (which follow arrival). Of two amendments of one day the stricter for the obligor is applied last and
 * wins: the earlier due date (new_due descending) and the larger amount (new_amount ascending); likewise
 * the earlier court deadline and, of two acceptances, the higher score. Ids only break ties between facts
 * that say the same thing, where the order cannot matter.
 */
bool canonical_before(const Fact& a, const Fact& b) {
  if (a.on != b.on) return a.on < b.on;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.new_due != b.new_due) return b.new_due < a.new_due;
  const auto fen_of = [](const std::optional<Money>& m) {
    return m ? std::optional<std::pair<std::string_view, std::int64_t>>{{m->currency.code(), m->fen}}
             : std::nullopt;
  };
  if (fen_of(a.new_amount) != fen_of(b.new_amount)) return fen_of(a.new_amount) < fen_of(b.new_amount);
  if (fen_of(a.amount) != fen_of(b.amount)) return fen_of(a.amount) < fen_of(b.amount);
  if (a.score != b.score) return a.score < b.score;
  return a.id < b.id;
}

}  // namespace

Result<Ledger> link_ledger(std::vector<Organization> organizations, std::vector<Agreement> agreements,
                           std::vector<Commitment> commitments, std::vector<Fact> facts) {
  Ledger l;
  l.organizations = std::move(organizations);
  l.agreements = std::move(agreements);
  l.commitments = std::move(commitments);
  l.facts = std::move(facts);
  const auto orgs = index_by_id(l.organizations);
  const auto agreements_by_id = index_by_id(l.agreements);
  const auto commitments_by_id = index_by_id(l.commitments);
  for (const Agreement& a : l.agreements) {
    if (a.counterparty_id.empty()) {
      l.agreement_counterparty.push_back(kNoIndex);
      continue;
    }
    auto it = orgs.find(a.counterparty_id);
    if (it == orgs.end()) {
      return fail(ErrorCode::not_found,
                  "agreement " + a.id + " names unknown organization " + a.counterparty_id,
                  "counterparty_id");
    }
    l.agreement_counterparty.push_back(it->second);
  }
  for (const Commitment& c : l.commitments) {
    auto it = agreements_by_id.find(c.agreement_id);
    if (it == agreements_by_id.end()) {
      return fail(ErrorCode::not_found, "commitment " + c.id + " names unknown agreement " + c.agreement_id,
                  "agreement_id");
    }
    l.commitment_agreement.push_back(it->second);
  }
  for (const Fact& f : l.facts) {
    auto it = commitments_by_id.find(f.commitment_id);
    if (it == commitments_by_id.end()) {
      return fail(ErrorCode::not_found, "fact " + f.id + " names unknown commitment " + f.commitment_id,
                  "commitment_id");
    }
    l.fact_commitment.push_back(it->second);
  }
  return l;
}

FactIndex index_facts(const Ledger& ledger) {
  // A counting sort by commitment; evaluate_commitment puts each (small) group in canonical order while
  // its facts are in cache.
  FactIndex ix;
  const std::size_t n = ledger.commitments.size();
  ix.offsets.assign(n + 1, 0);
  for (std::uint32_t c : ledger.fact_commitment)
    ++ix.offsets[c + 1];
  for (std::size_t i = 0; i < n; ++i)
    ix.offsets[i + 1] += ix.offsets[i];
  ix.order.resize(ledger.facts.size());
  std::vector<std::uint32_t> next(ix.offsets.begin(), ix.offsets.end() - 1);
  for (std::uint32_t f = 0; f < ledger.fact_commitment.size(); ++f)
    ix.order[next[ledger.fact_commitment[f]]++] = f;
  return ix;
}

void FactIndex::prefetch(std::uint32_t commitment, const std::vector<Fact>& facts) const {
  if (commitment + 1 >= offsets.size()) return;
  for (std::uint32_t k = offsets[commitment]; k < offsets[commitment + 1]; ++k) {
    // The fields the fold reads live in the first two cache lines of a Fact (see model.hpp).
    const char* p = reinterpret_cast<const char*>(&facts[order[k]]);
    __builtin_prefetch(p);
    __builtin_prefetch(p + 64);
  }
}

bool is_lawful_change(const Fact& f) {
  return !f.legal_basis.empty() && !f.competent_authority.empty() && !f.procedure_reference.empty() &&
         (!f.counterparty_loss || !f.compensation_decision.empty());
}

bool is_lawful_termination(const Fact& f) {
  if (f.terminated_by != ObligorSide::government) return !f.lawful_grounds.empty();
  return !f.lawful_grounds.empty() && !f.compensation_decision.empty();
}

bool is_turnover_reason(ReasonCode r) {
  return r == ReasonCode::government_turnover || r == ReasonCode::personnel_change ||
         r == ReasonCode::restructuring;
}

CommitmentState evaluate_commitment(const Commitment& c, std::span<const std::uint32_t> group,
                                    const std::vector<Fact>& facts, Date as_of,
                                    std::vector<std::uint32_t>& effective) {
  effective.clear();
  // A fact is superseded when a correction known by as_of names it. The corrected ids are collected first
  // (usually none), so that a commitment with many facts costs n log n, not n².
  std::vector<std::string_view> corrected;
  for (std::uint32_t j : group) {
    const Fact& g = facts[j];
    if (!g.corrects.empty() && g.on <= as_of && g.corrects != g.id) corrected.push_back(g.corrects);
  }
  std::sort(corrected.begin(), corrected.end());
  for (std::uint32_t i : group) {
    const Fact& f = facts[i];
    if (f.on > as_of) continue;
    if (!corrected.empty() && std::binary_search(corrected.begin(), corrected.end(), std::string_view(f.id)))
      continue;
    effective.push_back(i);
  }
  // The canonical order makes the fold independent of the order the facts arrived in, ids included.
  if (effective.size() > 1) {
    std::sort(effective.begin(), effective.end(),
              [&facts](std::uint32_t a, std::uint32_t b) { return canonical_before(facts[a], facts[b]); });
  }
  CommitmentState s;
  s.effective_due = c.due;
  s.effective_amount = c.amount;
  fold_changes(c, facts, s, effective);
  s.deadline = add_days(s.effective_due, c.grace_days);
  fold_performance(c, facts, s, effective);
  return s;
}

}  // namespace pactwatch::domain
