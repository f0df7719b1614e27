#pragma once
// In-memory implementations of the domain ports for tests: a ledger that reads and writes plain vectors,
// and a clock that only moves when the test says so.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/identifiers.hpp"
#include "domain/ports.hpp"
#include "domain/responsibility.hpp"
#include "tests/fakes/simulated_clock.hpp"

namespace pactwatch::testing {

using namespace pactwatch::domain;

/** The whole ledger in vectors; scope filtering by the region of the government body. */
class FakeLedger final : public LedgerReader, public BreachWriter {
 public:
  std::vector<Body> body_list;
  std::vector<Official> official_list;
  std::vector<Organization> organizations;
  std::vector<Agreement> agreements;
  std::vector<Commitment> commitments;
  std::vector<Fact> facts;
  std::vector<Breach> breach_list;
  std::vector<Transition> saved_transitions;

  Result<Ledger> load_ledger(const Scope& scope) override {
    std::vector<Agreement> as;
    std::set<std::string> ids;
    for (const Agreement& a : agreements) {
      if (in_scope(scope, a.body_id)) {
        as.push_back(a);
        ids.insert(a.id);
      }
    }
    std::vector<Commitment> cs;
    std::set<std::string> cids;
    for (const Commitment& c : commitments) {
      if (ids.contains(c.agreement_id)) {
        cs.push_back(c);
        cids.insert(c.id);
      }
    }
    std::vector<Fact> fs;
    for (const Fact& f : facts) {
      if (cids.contains(f.commitment_id)) fs.push_back(f);
    }
    return link_ledger(organizations, std::move(as), std::move(cs), std::move(fs));
  }
  Result<std::vector<Body>> bodies(const Scope& scope) override {
    std::vector<Body> out;
    for (const Body& b : body_list) {
      if (in_scope(scope, b.id)) out.push_back(b);
    }
    return out;
  }
  Result<std::vector<Official>> officials(const Scope&) override { return official_list; }
  Result<std::vector<Breach>> breaches(const Scope& scope) override {
    std::vector<Breach> out;
    for (const Breach& b : breach_list) {
      if (scope.region.empty() || in_scope(scope, agreement_body(b))) out.push_back(b);
    }
    return out;
  }
  Result<Breach> breach(const Scope& scope, const std::string& id) override {
    for (const Breach& b : breach_list) {
      if (b.id == id && (scope.region.empty() || in_scope(scope, agreement_body(b)))) return b;
    }
    return fail(ErrorCode::not_found, "no breach " + id);
  }

  Result<std::vector<Breach>> open_breaches(std::span<const Finding> findings, Date detected_on,
                                            const std::string&) override {
    std::set<std::string> keys;
    for (const Breach& b : breach_list)
      keys.insert(b.key);
    std::vector<Breach> opened;
    for (const Finding& f : findings) {
      if (!keys.insert(f.key()).second) continue;
      Breach b = open_breach(f, "B" + std::to_string(breach_list.size() + 1), detected_on);
      trace(b);
      breach_list.push_back(b);
      opened.push_back(std::move(b));
    }
    return opened;
  }
  Result<void> save_transition(const Transition& t, BreachState expected_state) override {
    for (Breach& b : breach_list) {
      if (b.id != t.breach.id) continue;
      if (b.state != expected_state) return fail(ErrorCode::stale, "breach " + b.id + " has moved");
      b = t.breach;
      saved_transitions.push_back(t);
      return {};
    }
    return fail(ErrorCode::not_found, "no breach " + t.breach.id);
  }

 private:
  bool in_scope(const Scope& scope, const std::string& body_id) const {
    if (scope.region.empty()) return true;
    const auto region = RegionCode::parse(scope.region);
    for (const Body& b : body_list) {
      if (b.id != body_id) continue;
      const auto r = RegionCode::parse(b.region);
      return region && r && region->contains(*r);
    }
    return false;
  }
  std::string agreement_body(const Breach& b) const {
    for (const Agreement& a : agreements) {
      if (a.id == b.agreement_id) return a.body_id;
    }
    return b.obligor_id;
  }
  void trace(Breach& b) const {
    const Commitment* c = nullptr;
    for (const Commitment& x : commitments) {
      if (x.id == b.commitment_id) c = &x;
    }
    const Agreement* a = nullptr;
    for (const Agreement& x : agreements) {
      if (x.id == b.agreement_id) a = &x;
    }
    if (!c || !a) return;
    const Responsibility r = trace_responsibility(*c, *a, official_list, b.due);
    for (const auto& o : r.performing)
      b.performing_officials.push_back(o.official_id);
    if (!r.committing.empty()) b.committing_official = r.committing.front().official_id;
  }
};

}  // namespace pactwatch::testing
