#include "domain/integrity.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "domain/identifiers.hpp"

namespace pactwatch::domain {

namespace {

/** Sets kept_rate and score from the counts; no score without anything due. */
void finish_score(IntegrityScore& s, const EvaluationPolicy& p) {
  std::sort(s.breaches.begin(), s.breaches.end());
  if (s.due == 0) return;
  s.kept_rate = static_cast<double>(s.kept) / s.due;
  s.score =
      p.kept_rate_weight * *s.kept_rate * 100.0 + p.penalty_weight * std::max(0.0, 100.0 - s.penalty_points);
}

void rank(std::vector<IntegrityScore>& list) {
  std::sort(list.begin(), list.end(), [](const IntegrityScore& a, const IntegrityScore& b) {
    if (a.score.has_value() != b.score.has_value()) return a.score.has_value();
    if (a.score && *a.score != *b.score) return *a.score > *b.score;
    return a.subject_id < b.subject_id;
  });
  for (std::size_t i = 0; i < list.size(); ++i)
    list[i].rank = list[i].score ? static_cast<int>(i) + 1 : 0;
}

/** True when `code` contains another code of `regions` (the prefecture among its counties). */
bool encloses_another(const RegionCode& code, std::span<const std::string> regions) {
  return std::any_of(regions.begin(), regions.end(), [&](const std::string& other) {
    const auto parsed = RegionCode::parse(other);
    return parsed && !(*parsed == code) && code.contains(*parsed);
  });
}

/** Due and kept counts per body from the government-side commitments due in the window. */
void count_commitments(const Ledger& l, const std::unordered_map<std::string_view, std::size_t>& body_index,
                       std::vector<IntegrityScore>& out, Date window_start, Date as_of) {
  const FactIndex ix = index_facts(l);
  std::vector<std::uint32_t> scratch;
  scratch.reserve(64);
  for (std::uint32_t i = 0; i < l.commitments.size(); ++i) {
    ix.prefetch(i + 8, l.facts);
    const Commitment& c = l.commitments[i];
    if (c.obligor_side != ObligorSide::government) continue;
    const CommitmentState s = evaluate_commitment(c, ix.of(i), l.facts, as_of, scratch);
    if (s.effective_due < window_start || s.effective_due > as_of) continue;
    const bool kept = s.completed_by(s.deadline) || s.excused_by(s.deadline);
    if (!kept && s.deadline >= as_of) continue;  // still within its grace
    auto it = body_index.find(c.obligor_id);
    if (it == body_index.end()) continue;
    ++out[it->second].due;
    if (kept) ++out[it->second].kept;
  }
}

}  // namespace

bool unrepaired_on(const Breach& b, Date as_of) {
  if (!b.recorded_on || *b.recorded_on > as_of) return false;
  if (b.repaired_on && *b.repaired_on <= as_of) return false;
  if (b.voided_on && *b.voided_on <= as_of) return false;
  return b.state != BreachState::dismissed;
}

IntegrityReport integrity_index(std::span<const Body> bodies, const Ledger& l,
                                std::span<const Breach> breaches, std::span<const std::string> regions,
                                const EvaluationPolicy& p, Date as_of) {
  IntegrityReport r;
  r.as_of = as_of;
  r.bodies.resize(bodies.size());
  std::unordered_map<std::string_view, std::size_t> body_index;
  body_index.reserve(bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    r.bodies[i].subject_id = bodies[i].id;
    body_index.emplace(bodies[i].id, i);
  }
  count_commitments(l, body_index, r.bodies, add_days(as_of, -p.window_days + 1), as_of);
  for (const Breach& b : breaches) {
    if (b.obligor_side != ObligorSide::government || !unrepaired_on(b, as_of)) continue;
    auto it = body_index.find(b.obligor_id);
    if (it == body_index.end()) continue;
    r.bodies[it->second].penalty_points += p.integrity_penalty_points[static_cast<int>(b.severity)];
    r.bodies[it->second].breaches.push_back(b.id);
  }
  for (IntegrityScore& s : r.bodies)
    finish_score(s, p);
  for (const std::string& code : regions) {
    const auto parsed = RegionCode::parse(code);
    if (!parsed) continue;  // an unknown region ("") is no region to rank
    IntegrityScore region;
    region.subject_id = code;
    int members = 0;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      const auto body_region = RegionCode::parse(bodies[i].region);
      if (!body_region || !parsed->contains(*body_region)) continue;
      ++members;
      region.due += r.bodies[i].due;
      region.kept += r.bodies[i].kept;
      region.penalty_points += r.bodies[i].penalty_points;
      region.breaches.insert(region.breaches.end(), r.bodies[i].breaches.begin(), r.bodies[i].breaches.end());
    }
    if (members > 0) region.penalty_points /= members;
    finish_score(region, p);
    (encloses_another(*parsed, regions) ? r.enclosing : r.regions).push_back(std::move(region));
  }
  rank(r.bodies);
  rank(r.regions);
  return r;
}

double one_decimal(double value) {
  return std::round(value * 10.0) / 10.0;
}

std::vector<IntegrityReport> integrity_series(std::span<const Body> bodies, const Ledger& l,
                                              std::span<const Breach> breaches,
                                              std::span<const std::string> regions, const EvaluationPolicy& p,
                                              Date as_of, int months) {
  using namespace std::chrono;
  std::vector<IntegrityReport> out;
  for (int k = months - 1; k >= 0; --k) {
    const year_month ym = year_month{as_of.year(), as_of.month()} - std::chrono::months{k};
    const Date month_end = k == 0 ? as_of : Date{ym / last};
    out.push_back(integrity_index(bodies, l, breaches, regions, p, month_end));
  }
  return out;
}

}  // namespace pactwatch::domain
