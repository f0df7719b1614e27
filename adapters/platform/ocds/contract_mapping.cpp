// Contracts and what hangs off them: agreement, signatories, milestones, transactions, amendments,
// termination and PPP performance failures. Rules: docs/OCDS_MAPPING.md.

#include <algorithm>

#include "adapters/platform/ocds/extension.hpp"
#include "adapters/platform/ocds/release_mapper.hpp"

namespace pactwatch::platform::ocds::detail {

using domain::FactKind;
using domain::ObligorSide;

void ReleaseMapper::map_contract(const json& contract, const std::string& path) {
  if (!contract.is_object()) {
    quarantine(QuarantineReason::malformed_field, "a contract is not an object", path, contract);
    return;
  }
  ContractContext c;
  c.source = &contract;
  c.path = path;
  c.id = identifier(contract).value_or("");
  if (c.id.empty()) {
    quarantine(QuarantineReason::missing_id, "a contract has no `id`", path, contract);
    return;
  }
  c.key = "ocds:" + ocid_ + ":contracts/" + c.id;
  if (!map_agreement(c)) return;
  map_signatories(c);
  const json* impl = member(contract, "implementation");
  const std::string impl_path = path + "/implementation";
  const json empty = json::object();
  const json& implementation = impl ? *impl : empty;
  for_each_in_array(implementation, "milestones", impl_path,
                    [&](const json& m, const std::string& p) { map_milestone(c, m, p); });
  // Transactions first: a milestone paid by linked transactions takes its fulfilment from them.
  for_each_in_array(implementation, "transactions", impl_path,
                    [&](const json& t, const std::string& p) { map_transaction(c, t, p); });
  map_milestone_facts(c);
  for_each_in_array(contract, "amendments", path,
                    [&](const json& a, const std::string& p) { map_amendment(c, a, p); });
  if (const json* single = member(contract, "amendment")) map_amendment(c, *single, path + "/amendment");
  map_termination(c);
  for_each_in_array(implementation, "performanceFailures", impl_path,
                    [&](const json& pf, const std::string& p) { map_performance_failure(c, pf, p); });
  if (const json* ms = member(contract, "milestones"); ms && ms->is_array() && !ms->empty()) {
    note("contract " + c.id + ": " + std::to_string(ms->size()) +
         " contract-level milestone(s) not mapped; only implementation.milestones become commitments");
    for (const json& m : *ms)
      ++out_.not_kept["contract milestone " + (text(m, "type").empty() ? "(no type)" : text(m, "type"))];
  }
}

bool ReleaseMapper::map_agreement(ContractContext& c) {
  const json& contract = *c.source;
  MappedAgreement a;
  a.key = c.key;
  a.content_hash = sha256_hex(canonical_json(contract));
  domain::Agreement& g = a.value;
  g.id = c.key;
  g.kind = ppp_ ? domain::AgreementKind::ppp : o_.default_kind;
  // An export of this service says the kind it had (a signatory does not make it a PPP then).
  if (const auto kind = extension_text(contract, "kind")) {
    const domain::AgreementKind all[] = {domain::AgreementKind::procurement, domain::AgreementKind::ppp,
                                         domain::AgreementKind::investment, domain::AgreementKind::pledge};
    if (const auto k = parse_enum_text(*kind, all)) g.kind = *k;
  }
  g.refs.ocid = ocid_;
  a.stated.insert("kind");
  if (const json* title = member(contract, "title"); title && title->is_string()) {
    g.title = title->get<std::string>();
    a.stated.insert("title");
  }
  if (const json* value = member(contract, "value"); value && member(*value, "amount")) {
    auto m = money(*value, c.path + "/value");
    if (!m) {
      quarantine(m.error(), c.path, contract);
      return false;
    }
    g.value = *m;
    a.stated.insert("value");
  }
  auto signed_on = date_member(contract, "dateSigned", c.path);
  if (!signed_on) {
    quarantine(signed_on.error(), c.path, contract);
    return false;
  }
  if (*signed_on) {
    g.signed_on = **signed_on;
    a.stated.insert("signed_on");
  }
  c.body_key = find_body();
  c.counterparty_key = find_counterparty(contract, c.id);
  if (!c.body_key.empty()) a.stated.insert("body_id");
  if (!c.counterparty_key.empty()) a.stated.insert("counterparty_id");
  g.body_id = c.body_key;
  g.counterparty_id = c.counterparty_key;
  a.ocds_status = text(contract, "status");
  a.final_status = text(contract, "finalStatus");
  out_.agreements.push_back(std::move(a));
  return true;
}

void ReleaseMapper::map_signatories(ContractContext& c) {
  const auto map_one = [&](const json& s, const std::string& path) {
    const std::string id = identifier(s).value_or("");
    const std::string name = text(s, "name");
    if (!id.empty() && parties_.contains(id)) return;  // an organization or body signing as itself
    if (!has_parties_) {
      note("contract " + c.id + ": signatory " + (id.empty() ? name : id) +
           " not resolvable: the release lists no parties");
      return;
    }
    if (name.empty()) {
      quarantine(QuarantineReason::missing_id, "a signatory names no party and no person", path, s);
      return;
    }
    // Not a party of the release: a person who signed for the government side (政府方签约代表).
    domain::Official official;
    official.id = c.key + "/signatories/" + (id.empty() ? name : id);
    official.name = name;
    if (c.committing_official.empty()) c.committing_official = official.id;
    c.signatories[id.empty() ? name : id] = official.id;
    out_.officials.push_back({official.id, sha256_hex(canonical_json(s)), std::move(official)});
  };
  for_each_in_array(*c.source, "signatories", c.path, map_one);
  // An export's committing officials of a contract that is not a PPP (docs/OCDS_MAPPING.md, "Export").
  if (const json* ext = extension_of(*c.source))
    for_each_in_array(*ext, "signatories", c.path + "/" + kExtension, map_one);
}

void ReleaseMapper::map_milestone(ContractContext& c, const json& m, const std::string& path) {
  if (!m.is_object()) {
    quarantine(QuarantineReason::malformed_field, "a milestone is not an object", path, m);
    return;
  }
  const auto id = identifier(m);
  if (!id) {
    quarantine(QuarantineReason::missing_id, "a milestone of contract " + c.id + " has no `id`", path, m);
    return;
  }
  auto fail = [&](const ValueError& e) {
    quarantine(e, path, m);
    c.quarantined_milestones.push_back(*id);
  };
  auto due = date_member(m, "dueDate", path);
  if (!due) return fail(due.error());
  if (!*due) return fail({QuarantineReason::missing_due_date, "milestone " + *id + " has no `dueDate`"});
  MilestoneEntry e;
  e.source = &m;
  e.path = path;
  e.status = text(m, "status");
  auto met = date_member(m, "dateMet", path);
  if (!met) return fail(met.error());
  auto modified = date_member(m, "dateModified", path);
  if (!modified) return fail(modified.error());
  e.date_met = *met;
  e.date_modified = *modified;
  if (const json* value = member(m, "value"); value && member(*value, "amount")) {
    auto amount = money(*value, path + "/value");
    if (!amount) return fail(amount.error());
    e.value = *amount;
  }
  const std::string type = text(m, "type");
  const auto rule_it = o_.milestone_rules.find(type);
  const MilestoneRule rule =
      rule_it != o_.milestone_rules.end() ? rule_it->second : o_.default_milestone_rule;
  domain::Commitment k;
  k.id = c.key + "/milestones/" + *id;
  k.agreement_id = c.key;
  k.obligor_side = rule.side;
  k.obligor_id = rule.side == ObligorSide::government ? c.body_key : c.counterparty_key;
  k.kind = rule.kind;
  k.title = text(m, "title").empty() ? text(m, "description") : text(m, "title");
  k.due = **due;
  k.amount = e.value;
  k.grace_days = o_.default_grace_days;
  if (ppp_) k.stage = type == "financing" ? domain::StageKind::financing : domain::StageKind::implementation;
  if (rule.side == ObligorSide::government) k.committing_official_id = c.committing_official;
  if (extension_of(m)) apply_extension(c, m, k);
  e.commitment = out_.commitments.size();
  out_.commitments.push_back({k.id, sha256_hex(canonical_json(m)), std::move(k)});
  c.milestones[*id] = std::move(e);
}

void ReleaseMapper::map_transaction(ContractContext& c, const json& t, const std::string& path) {
  if (!t.is_object()) {
    quarantine(QuarantineReason::malformed_field, "a transaction is not an object", path, t);
    return;
  }
  const auto id = identifier(t);
  if (!id) {
    quarantine(QuarantineReason::missing_id, "a transaction of contract " + c.id + " has no `id`", path, t);
    return;
  }
  const json* value = member(t, "value");
  if (!value || !member(*value, "amount")) {
    quarantine(QuarantineReason::transaction_without_value, "transaction " + *id + " has no `value.amount`",
               path, t);
    return;
  }
  auto amount = money(*value, path + "/value");
  if (!amount) return quarantine(amount.error(), path, t);
  auto on = date_member(t, "date", path);
  if (!on) return quarantine(on.error(), path, t);
  if (!*on)
    return quarantine(QuarantineReason::missing_date, "transaction " + *id + " has no `date`", path, t);
  const json* payer = member(t, "payer");
  const json* payee = member(t, "payee");
  const auto target = transaction_target(c, t);
  MappedFact f = make_fact(c, c.key + "/transactions/" + *id, FactKind::fulfilled, **on, t);
  // A payment of this contract that no payment milestone accounts for is still a payment of the contract:
  // it is recorded on the contract's payment record, never quarantined for want of a milestone.
  f.value.commitment_id = target ? c.key + "/milestones/" + *target : payment_record(c, payer, **on);
  f.value.amount = *amount;
  f.note =
      extension_text(t, "note").value_or("transaction " + *id + ": " + (payer ? text(*payer, "name") : "?") +
                                         " paid " + (payee ? text(*payee, "name") : "?"));
  out_.facts.push_back(std::move(f));
  if (!target) return;
  if (auto it = c.milestones.find(*target); it != c.milestones.end()) ++it->second.linked_transaction_facts;
}

std::string ReleaseMapper::payment_record(ContractContext& c, const json* payer, domain::Date on) {
  const std::string payer_id = payer ? identifier(*payer).value_or("") : "";
  const std::string key = c.key + "/payments/" + (payer_id.empty() ? "unknown-payer" : payer_id);
  if (auto it = c.payment_records.find(key); it != c.payment_records.end()) {
    domain::Commitment& k = out_.commitments[it->second].value;
    if (on < k.due) k.due = on;
    return key;
  }
  ObligorSide side = ObligorSide::government;  // the buyer pays, unless the payer says otherwise
  std::string obligor = c.body_key;
  bool known = false;
  if (const auto p = parties_.find(payer_id);
      p != parties_.end() && p->second.side != PartyRef::Side::other) {
    known = true;
    side = p->second.side == PartyRef::Side::government ? ObligorSide::government : ObligorSide::counterparty;
    obligor = p->second.local_key;
  } else if (!payer_id.empty()) {
    obligor = party_key(payer_id);  // a party of an earlier release: the store finds which side it is on
  }
  domain::Commitment k;
  k.id = key;
  k.agreement_id = c.key;
  k.obligor_side = side;
  k.obligor_id = obligor;
  k.kind = domain::CommitmentKind::payment;
  k.title = "Payments recorded for contract " + c.id + " by " +
            (payer && !text(*payer, "name").empty() ? text(*payer, "name") : std::string("its payer")) +
            " (OCDS implementation.transactions)";
  k.due = on;
  k.grace_days = o_.default_grace_days;
  if (ppp_) k.stage = domain::StageKind::implementation;
  // The hash names the record, not its dates: a later release adding payments does not change it.
  const std::string hash = sha256_hex(canonical_json(json{{"contract", c.key}, {"payments_of", payer_id}}));
  c.payment_records[key] = out_.commitments.size();
  if (!known && !payer_id.empty()) out_.side_from_obligor.insert(key);
  out_.commitments.push_back({key, hash, std::move(k)});
  note("contract " + c.id + ": payments without a payment milestone are recorded on " + key);
  return key;
}

std::optional<std::string> ReleaseMapper::transaction_target(ContractContext& c, const json& t) {
  const std::string id = identifier(t).value_or("");
  auto unmatched = [&](std::string why) -> std::optional<std::string> {
    note("transaction " + id + ": " + why + "; recorded on the contract's payment record");
    return std::nullopt;
  };
  if (const json* link = member(t, "relatedImplementationMilestone")) {
    const std::string mid = identifier(*link).value_or("");
    if (mid.empty()) return unmatched("`relatedImplementationMilestone` has no `id`");
    if (std::ranges::find(c.quarantined_milestones, mid) != c.quarantined_milestones.end()) {
      return unmatched("its milestone " + mid + " is quarantined");
    }
    const auto it = c.milestones.find(mid);
    if (it == c.milestones.end()) return mid;  // the milestone was published in an earlier release
    const domain::Commitment& k = out_.commitments[it->second.commitment].value;
    if (k.kind != domain::CommitmentKind::payment) {
      return unmatched("its milestone " + mid + " is a " + std::string(domain::to_string(k.kind)) +
                       " commitment, not a payment");
    }
    return mid;
  }
  // No link: the one payment commitment of this contract owed by the payer's side, if there is one.
  std::optional<ObligorSide> payer_side;
  if (const json* payer = member(t, "payer")) {
    if (const auto it = parties_.find(identifier(*payer).value_or("")); it != parties_.end()) {
      if (it->second.side == PartyRef::Side::government) payer_side = ObligorSide::government;
      if (it->second.side == PartyRef::Side::organization) payer_side = ObligorSide::counterparty;
    }
  }
  std::vector<std::string> candidates;
  for (const auto& [mid, e] : c.milestones) {
    const domain::Commitment& k = out_.commitments[e.commitment].value;
    if (k.kind == domain::CommitmentKind::payment && (!payer_side || k.obligor_side == *payer_side)) {
      candidates.push_back(mid);
    }
  }
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty()) return std::nullopt;
  return unmatched("no `relatedImplementationMilestone`, and contract " + c.id + " has " +
                   std::to_string(candidates.size()) +
                   " payment commitments in this release that the payer owes");
}

void ReleaseMapper::map_milestone_facts(ContractContext& c) {
  for (auto& [mid, e] : c.milestones) {
    const bool met = e.status == "met";
    const bool partly = e.status == "partiallyMet";
    if (!met && !partly) {
      if (!e.status.empty() && e.status != "scheduled" && e.status != "notMet") {
        note("milestone " + mid + ": unknown status \"" + e.status + "\"; no fact");
      }
      continue;
    }
    if (e.linked_transaction_facts > 0) {
      note("milestone " + mid + ": fulfilment taken from its " + std::to_string(e.linked_transaction_facts) +
           " transaction(s), not from its status");
      continue;
    }
    const std::optional<domain::Date> on = e.date_met        ? e.date_met
                                           : e.date_modified ? e.date_modified
                                                             : release_date_;
    if (!on) {
      quarantine(QuarantineReason::missing_date,
                 "milestone " + mid + " is " + e.status + " but has no dateMet, dateModified or release date",
                 e.path, *e.source);
      continue;
    }
    const std::string& ckey = out_.commitments[e.commitment].key;
    MappedFact f = make_fact(c, ckey + "/" + e.status, FactKind::fulfilled, *on, *e.source);
    f.value.commitment_id = ckey;
    if (met) {
      f.value.amount = e.value;
    } else {
      f.note = "partially met; the amount performed is not stated";
    }
    if (auto note = extension_text(*e.source, "note")) f.note = *note;
    if (const json* ext = extension_of(*e.source); ext && member(*ext, "factAmount")) {
      auto amount = money(*member(*ext, "factAmount"), e.path + "/" + kExtension + "/factAmount");
      if (!amount) {
        quarantine(amount.error(), e.path, *e.source);
        continue;
      }
      f.value.amount = *amount;
    }
    out_.facts.push_back(std::move(f));
  }
}

void ReleaseMapper::map_amendment(ContractContext& c, const json& a, const std::string& path) {
  if (!a.is_object()) {
    quarantine(QuarantineReason::malformed_field, "an amendment is not an object", path, a);
    return;
  }
  auto date = date_member(a, "date", path);
  if (!date) return quarantine(date.error(), path, a);
  const std::optional<domain::Date> on = *date ? *date : release_date_;
  if (!on) return quarantine(QuarantineReason::missing_date, "an amendment has no `date`", path, a);
  const std::string id = identifier(a).value_or(*date ? "@" + text(a, "date") : "");
  if (id.empty())
    return quarantine(QuarantineReason::missing_id, "an amendment has no `id` and no `date`", path, a);
  MappedFact f = make_fact(c, c.key + "/amendments/" + id, FactKind::amended, *on, a);
  f.scope = FactScope::agreement;
  f.note = text(a, "rationale");
  if (const std::string d = text(a, "description"); !d.empty()) f.note += (f.note.empty() ? "" : " — ") + d;
  // What the contract says after the amendment, in the same release (the store adds what it was before).
  std::string after;
  for (const MappedAgreement& g : out_.agreements) {
    if (g.key == c.key && g.value.value) {
      after += "value " + g.value.value->to_decimal() + " " + std::string(g.value.value->currency.code());
    }
  }
  if (const json* period = member(*c.source, "period")) {
    if (auto end = date_member(*period, "endDate", c.path + "/period"); end && *end)
      after += (after.empty() ? "" : ", ") + std::string("period ends ") + domain::format_date(**end);
  }
  if (!after.empty()) f.note += (f.note.empty() ? "" : "; ") + std::string("contract now: ") + after;
  if (auto note = extension_text(a, "note")) f.note = *note;
  const std::pair<const char*, std::string*> legality[] = {
      {"legalBasis", &f.value.legal_basis},
      {"competentAuthority", &f.value.competent_authority},
      {"procedureReference", &f.value.procedure_reference},
      {"compensationDecision", &f.value.compensation_decision}};
  for (const auto& [field, value] : legality) {
    if (auto text = extension_text(a, field)) *value = *text;
  }
  // An export names the commitments the amendment was recorded on (an id, or {id, newDueDate, newAmount}):
  // it applies to those only, with the new due date or amount each got.
  if (const json* ext = extension_of(a); ext && member(*ext, "commitments")) {
    for_each_in_array(*ext, "commitments", path + "/" + kExtension,
                      [&](const json& entry, const std::string& p) {
                        const json* id = entry.is_object() ? member(entry, "id") : &entry;
                        if (!id || !id->is_string()) return;
                        MappedFact one = f;
                        one.key = f.key + "@" + id->get<std::string>();
                        one.value.id = one.key;
                        one.scope = FactScope::commitment;
                        one.value.commitment_id = c.key + "/milestones/" + id->get<std::string>();
                        if (entry.is_object()) {
                          auto due = date_member(entry, "newDueDate", p);
                          if (!due) return quarantine(due.error(), p, entry);
                          one.value.new_due = *due;
                          if (const json* amount = member(entry, "newAmount")) {
                            auto money_value = money(*amount, p + "/newAmount");
                            if (!money_value) return quarantine(money_value.error(), p, entry);
                            one.value.new_amount = *money_value;
                          }
                        }
                        out_.facts.push_back(std::move(one));
                      });
    return;
  }
  out_.facts.push_back(std::move(f));
}

void ReleaseMapper::map_termination(ContractContext& c) {
  const json& contract = *c.source;
  const std::string status = text(contract, "status");
  const std::string final_status = text(contract, "finalStatus");
  const json* tags = member(r_.json, "tag");
  const bool tagged =
      tags && tags->is_array() && std::find(tags->begin(), tags->end(), "contractTermination") != tags->end();
  if (final_status == "complete") {
    note("contract " + c.id + ": finalStatus complete; performed in full, no termination fact");
    return;
  }
  if (final_status.empty() && status != "terminated" && !tagged) {
    if (status == "cancelled") note("contract " + c.id + ": cancelled before signature; no termination fact");
    return;
  }
  auto date = date_member(contract, "finalStatusDate", c.path);
  if (!date) return quarantine(date.error(), c.path, contract);
  const std::optional<domain::Date> on = *date ? *date : release_date_;
  if (!on)
    return quarantine(QuarantineReason::missing_date, "contract " + c.id + " ended but no date says when",
                      c.path, contract);
  json source = {{"status", status},
                 {"finalStatus", final_status},
                 {"finalStatusDate", text(contract, "finalStatusDate")},
                 {"finalStatusDetails", text(contract, "finalStatusDetails")}};
  MappedFact f = make_fact(c, c.key + "/termination", FactKind::terminated, *on, source);
  f.scope = FactScope::agreement;
  f.note = "OCDS status \"" + status + "\"" +
           (final_status.empty() ? "" : ", finalStatus \"" + final_status + "\"");
  if (const std::string d = text(contract, "finalStatusDetails"); !d.empty()) f.note += ": " + d;
  if (auto note = extension_text(contract, "terminationNote")) f.note = *note;
  if (auto side = extension_text(contract, "terminatedBy")) f.value.terminated_by = parse_obligor_side(*side);
  out_.facts.push_back(std::move(f));
}

void ReleaseMapper::map_performance_failure(ContractContext& c, const json& pf, const std::string& path) {
  if (!pf.is_object()) {
    quarantine(QuarantineReason::malformed_field, "a performance failure is not an object", path, pf);
    return;
  }
  const auto id = identifier(pf);
  if (!id) return quarantine(QuarantineReason::missing_id, "a performance failure has no `id`", path, pf);
  std::optional<domain::Date> on = release_date_;
  std::optional<domain::Date> period_start, period_end;
  if (const json* period = member(pf, "period")) {
    auto end = date_member(*period, "endDate", path + "/period");
    if (!end) return quarantine(end.error(), path, pf);
    auto start = date_member(*period, "startDate", path + "/period");
    if (!start) return quarantine(start.error(), path, pf);
    period_start = *start;
    period_end = *end;
    if (*end)
      on = *end;
    else if (*start)
      on = *start;
  }
  if (!on)
    return quarantine(QuarantineReason::missing_date, "performance failure " + *id + " has no date", path,
                      pf);
  MappedFact f = make_fact(c, c.key + "/performanceFailures/" + *id, FactKind::not_performed, *on, pf);
  f.scope = FactScope::agreement;
  f.applies_to = ObligorSide::counterparty;
  f.value.reason = domain::ReasonCode::other;
  // It applies to the counterparty's commitments due in its period that were not performed, never to met
  // milestones or later ones; a milestone it names (`relatedImplementationMilestone`) is its only target.
  f.period_start = period_start;
  f.period_end = period_end ? period_end : on;
  f.only_unfulfilled = true;
  if (const json* link = member(pf, "relatedImplementationMilestone")) {
    if (auto mid = identifier(*link)) {
      f.scope = FactScope::commitment;
      f.value.commitment_id = c.key + "/milestones/" + *mid;
    }
  }
  // None due in the period: the failure is of the service itself, recorded on a commitment of its own.
  domain::Commitment k;
  k.id = f.key + "/obligation";
  k.agreement_id = c.key;
  k.obligor_side = ObligorSide::counterparty;
  k.obligor_id = c.counterparty_key;
  k.kind = domain::CommitmentKind::milestone;
  k.title = "Performance " + (period_start ? domain::format_date(*period_start) + " – " : std::string{}) +
            domain::format_date(*f.period_end) +
            (text(pf, "category").empty() ? std::string{} : ": " + text(pf, "category"));
  k.due = *f.period_end;
  k.grace_days = o_.default_grace_days;
  if (ppp_) k.stage = domain::StageKind::implementation;
  f.fallback = Keyed<domain::Commitment>{k.id, f.content_hash, std::move(k)};
  f.note = "category: " + text(pf, "category");
  if (const json* events = member(pf, "events")) f.note += "; events: " + events->dump();
  if (const std::string s = text(pf, "penaltyContracted"); !s.empty()) f.note += "; penalty contracted: " + s;
  if (const std::string s = text(pf, "penaltyImposed"); !s.empty()) f.note += "; penalty imposed: " + s;
  if (const json* paid = member(pf, "penaltyPaid"); paid && paid->is_boolean()) {
    f.note += std::string("; penalty paid: ") + (paid->get<bool>() ? "yes" : "no");
  }
  if (auto note = extension_text(pf, "note")) f.note = *note;
  if (auto reason = extension_text(pf, "reason"); reason && parse_reason_code(*reason))
    f.value.reason = *parse_reason_code(*reason);
  out_.facts.push_back(std::move(f));
}

void ReleaseMapper::apply_extension(const ContractContext& c, const json& m, domain::Commitment& k) const {
  // What an export of this service says about the commitment, over what the milestone type implies.
  if (auto kind = extension_text(m, "kind"); kind && parse_commitment_kind(*kind))
    k.kind = *parse_commitment_kind(*kind);
  if (auto side = extension_text(m, "obligorSide"); side && parse_obligor_side(*side)) {
    k.obligor_side = *parse_obligor_side(*side);
    k.obligor_id = k.obligor_side == ObligorSide::government ? c.body_key : c.counterparty_key;
  }
  if (auto grace = extension_days(m, "graceDays")) k.grace_days = *grace;
  k.payment_term_days = extension_days(m, "paymentTermDays");
  k.stage.reset();
  if (auto stage = extension_text(m, "stage")) {
    using S = domain::StageKind;
    const S all[] = {S::preparation, S::tendering, S::procurement, S::financing, S::implementation};
    k.stage = parse_enum_text(*stage, all);
  }
  k.committing_official_id.clear();
  if (auto official = extension_text(m, "committingOfficial")) {
    if (auto it = c.signatories.find(*official); it != c.signatories.end())
      k.committing_official_id = it->second;
  }
}

}  // namespace pactwatch::platform::ocds::detail
