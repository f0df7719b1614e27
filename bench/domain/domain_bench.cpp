// Detection and the integrity index over 1,000,000 commitments with about 3 facts each, on one core.
// The ledger is synthetic, generated once with a fixed seed: most commitments kept, some late, partly
// performed, amended (lawfully or not), revoked citing turnover, or failing acceptance.

#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "domain/detection.hpp"
#include "domain/integrity.hpp"

namespace {

using namespace pactwatch::domain;

constexpr std::uint32_t kCommitments = 1'000'000;
constexpr std::uint32_t kPerAgreement = 8;
constexpr std::uint32_t kBodies = 400;
constexpr std::uint32_t kOrganizations = 20'000;
const Date kAsOf = std::chrono::year{2026} / 6 / 30;

struct Synthetic {
  Ledger ledger;
  std::vector<Body> bodies;
  std::vector<std::string> regions;
};

Fact make_fact(std::uint32_t commitment, std::uint32_t n, FactKind kind, Date on) {
  Fact f;
  f.id = "f" + std::to_string(commitment) + "-" + std::to_string(n);
  f.kind = kind;
  f.on = on;
  f.source = FactSource::platform;
  return f;
}

/** Appends the facts of one commitment according to its fate. */
void add_facts(Ledger& l, std::uint32_t ci, std::mt19937_64& rng) {
  const Commitment& c = l.commitments[ci];
  const std::int64_t fen = c.amount ? c.amount->fen : 0;
  const int fate = static_cast<int>(rng() % 1000);
  auto push = [&](Fact f) {
    f.commitment_id = c.id;
    l.facts.push_back(std::move(f));
    l.fact_commitment.push_back(ci);
  };
  auto pay = [&](std::uint32_t n, int day_offset, std::int64_t part) {
    Fact f = make_fact(ci, n, FactKind::fulfilled, add_days(c.due, day_offset));
    if (c.amount) f.amount = Money{part, c.amount->currency};
    push(std::move(f));
  };
  if (fate < 800) {  // kept: three instalments (or delivery, acceptance, a platform status fact)
    pay(0, -20, fen / 3);
    pay(1, -10, fen / 3);
    pay(2, 0, fen - 2 * (fen / 3));
  } else if (fate < 870) {  // late
    pay(0, -15, fen / 2);
    pay(1, 5 + static_cast<int>(rng() % 200), fen - fen / 2);
    push(make_fact(ci, 2, FactKind::acceptance_passed, add_days(c.due, 210)));
  } else if (fate < 920) {  // partial
    pay(0, -15, fen / 4);
    pay(1, -5, fen / 4);
    push(make_fact(ci, 2, FactKind::acceptance_passed, add_days(c.due, -1)));
  } else if (fate < 960) {  // amended, lawfully or not, then performed
    Fact a = make_fact(ci, 0, FactKind::amended, add_days(c.due, -30));
    a.new_due = add_days(c.due, 60);
    if (fate < 950) {
      a.legal_basis = "优化营商环境条例";
      a.competent_authority = "州人民政府";
      a.procedure_reference = "楚政复〔2026〕1号";
    }
    push(std::move(a));
    pay(1, 30, fen / 2);
    pay(2, 55, fen - fen / 2);
  } else if (fate < 970) {  // revoked citing turnover
    pay(0, -40, fen / 5);
    Fact r = make_fact(ci, 1, FactKind::revoked, add_days(c.due, -20));
    r.reason = ReasonCode::government_turnover;
    push(std::move(r));
  } else if (fate < 985) {  // acceptance failed, then passed
    push(make_fact(ci, 0, FactKind::acceptance_failed, add_days(c.due, -5)));
    push(make_fact(ci, 1, FactKind::acceptance_passed, add_days(c.due, 10)));
    pay(2, 12, fen);
  } else {  // open: nothing yet, or one fact dated after as_of
    pay(0, 400, fen);
  }
}

Synthetic generate() {
  Synthetic s;
  std::mt19937_64 rng(20260630);
  for (std::uint32_t b = 0; b < kBodies; ++b) {
    const char* counties[] = {"532301", "532302", "532322", "532323", "532324",
                              "532325", "532326", "532327", "532328", "532329"};
    s.bodies.push_back(Body{"g" + std::to_string(b), "body", counties[b % 10], BodyKind::department, ""});
  }
  s.regions = {"532300", "532301", "532302", "532322", "532323", "532324",
               "532325", "532326", "532327", "532328", "532329"};
  Ledger& l = s.ledger;
  for (std::uint32_t o = 0; o < kOrganizations; ++o) {
    l.organizations.push_back(Organization{"o" + std::to_string(o), "org", std::nullopt, o % 3 != 0});
  }
  const Date start = std::chrono::year{2024} / 1 / 1;
  const std::uint32_t agreements = kCommitments / kPerAgreement;
  l.commitments.reserve(kCommitments);
  l.facts.reserve(kCommitments * 3);
  l.fact_commitment.reserve(kCommitments * 3);
  for (std::uint32_t a = 0; a < agreements; ++a) {
    Agreement ag;
    ag.id = "a" + std::to_string(a);
    ag.kind = static_cast<AgreementKind>(rng() % 4);
    ag.body_id = s.bodies[rng() % kBodies].id;
    const std::uint32_t org = static_cast<std::uint32_t>(rng() % kOrganizations);
    ag.counterparty_id = ag.kind == AgreementKind::pledge ? "" : l.organizations[org].id;
    ag.signed_on = add_days(start, static_cast<int>(rng() % 600));
    ag.value = Money::yuan(static_cast<std::int64_t>(100'000 + rng() % 20'000'000));
    l.agreement_counterparty.push_back(ag.kind == AgreementKind::pledge ? kNoIndex : org);
    for (std::uint32_t k = 0; k < kPerAgreement; ++k) {
      const std::uint32_t ci = static_cast<std::uint32_t>(l.commitments.size());
      Commitment c;
      c.id = "c" + std::to_string(ci);
      c.agreement_id = ag.id;
      const bool government = ag.kind == AgreementKind::pledge || k % 2 == 0;
      c.obligor_side = government ? ObligorSide::government : ObligorSide::counterparty;
      c.obligor_id = government ? ag.body_id : ag.counterparty_id;
      c.kind = ag.kind == AgreementKind::pledge ? CommitmentKind::pledge
               : government                     ? CommitmentKind::payment
                                                : CommitmentKind::delivery;
      c.due = add_days(ag.signed_on, 30 + static_cast<int>(k * 45 + rng() % 30));
      c.amount = Money::yuan(static_cast<std::int64_t>(10'000 + rng() % 2'000'000));
      c.grace_days = static_cast<int>(rng() % 3) * 5;
      if (rng() % 4 == 0) c.payment_term_days = 30 + static_cast<int>(rng() % 60);
      l.commitments.push_back(std::move(c));
      l.commitment_agreement.push_back(a);
      add_facts(l, ci, rng);
    }
    l.agreements.push_back(std::move(ag));
  }
  // Facts arrive in any order: shuffle them (with their commitment links) as a sync would deliver them.
  std::vector<std::uint32_t> perm(l.facts.size());
  for (std::uint32_t i = 0; i < perm.size(); ++i)
    perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<Fact> facts(l.facts.size());
  std::vector<std::uint32_t> links(l.facts.size());
  for (std::uint32_t i = 0; i < perm.size(); ++i) {
    facts[i] = std::move(l.facts[perm[i]]);
    links[i] = l.fact_commitment[perm[i]];
  }
  l.facts = std::move(facts);
  l.fact_commitment = std::move(links);
  return s;
}

const Synthetic& data() {
  static const Synthetic s = generate();
  return s;
}

void BM_Detect_1000000(benchmark::State& state) {
  const Synthetic& s = data();
  const WorkingCalendar cal = WorkingCalendar::plain();
  std::size_t findings = 0;
  for (auto _ : state) {
    DetectionResult r = detect_breaches(s.ledger, {}, cal, RulePolicy{}, kAsOf);
    findings = r.findings.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["commitments"] = static_cast<double>(s.ledger.commitments.size());
  state.counters["facts"] = static_cast<double>(s.ledger.facts.size());
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_Detect_1000000)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_IntegrityIndex_1000000(benchmark::State& state) {
  const Synthetic& s = data();
  for (auto _ : state) {
    IntegrityReport r = integrity_index(s.bodies, s.ledger, {}, s.regions, EvaluationPolicy{}, kAsOf);
    benchmark::DoNotOptimize(r);
  }
  state.counters["commitments"] = static_cast<double>(s.ledger.commitments.size());
}
BENCHMARK(BM_IntegrityIndex_1000000)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
