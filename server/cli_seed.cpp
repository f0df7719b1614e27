#include "server/cli_seed.hpp"

#include <array>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/ledger_json.hpp"
#include "adapters/store/region_store.hpp"
#include "domain/date.hpp"
#include "server/cli_token.hpp"

namespace pactwatch::server {
namespace {

namespace d = domain;
using nlohmann::json;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

/** A malformed data file: the message names the file and the record. Caught in load_demo_data. */
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json read_json(const std::filesystem::path& path) {
  try {
    return json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw DataError(path.string() + ": not valid JSON: " + e.what());
  }
}

/** Reads fields of one record, naming the file and record in every error. */
class Record {
 public:
  Record(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) fail("", "must be an object");
  }
  [[noreturn]] void fail(std::string_view field, std::string_view message) const {
    throw DataError(where_ + (field.empty() ? "" : "." + std::string(field)) + ": " + std::string(message));
  }
  bool has(std::string_view f) const { return j_.contains(f) && !j_.at(f).is_null(); }
  std::string text(std::string_view f) const {
    if (!has(f) || !j_.at(f).is_string()) fail(f, "must be a string");
    return j_.at(f).get<std::string>();
  }
  std::string text_or(std::string_view f, std::string fallback) const { return has(f) ? text(f) : fallback; }
  d::Date date(std::string_view f) const {
    auto r = d::parse_date(text(f));
    if (!r) fail(f, r.error().message);
    return *r;
  }
  std::optional<d::Date> optional_date(std::string_view f) const {
    return has(f) ? std::optional(date(f)) : std::nullopt;
  }
  d::Money money(std::string_view f) const {
    if (!has(f) || !j_.at(f).is_object()) fail(f, "must be {\"amount\": \"…\", \"currency\": \"CNY\"}");
    Record m(j_.at(f), where_ + "." + std::string(f));
    auto currency = d::Currency::parse(m.text("currency"));
    if (!currency) m.fail("currency", currency.error().message);
    auto r = d::Money::parse(m.text("amount"), *currency);
    if (!r) m.fail("amount", r.error().message);
    return *r;
  }
  std::optional<d::Money> optional_money(std::string_view f) const {
    return has(f) ? std::optional(money(f)) : std::nullopt;
  }
  int integer(std::string_view f, int fallback) const {
    if (!has(f)) return fallback;
    if (!j_.at(f).is_number_integer()) fail(f, "must be an integer");
    return j_.at(f).get<int>();
  }
  bool boolean(std::string_view f, bool fallback) const {
    if (!has(f)) return fallback;
    if (!j_.at(f).is_boolean()) fail(f, "must be true or false");
    return j_.at(f).get<bool>();
  }
  template <class E, class Parse>
  E enumeration(std::string_view f, Parse parse) const {
    auto r = parse(text(f));
    if (!r) fail(f, "unknown value '" + text(f) + "'");
    return *r;
  }
  const json& array(std::string_view f) const {
    if (!has(f) || !j_.at(f).is_array()) fail(f, "must be an array");
    return j_.at(f);
  }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
};

/** Maps the data set's keys to stable ids, refusing duplicates and dangling references. */
class Keys {
 public:
  explicit Keys(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string add(const Record& r, const std::string& key) {
    const std::string id = prefix_ + key;
    if (!known_.insert(key).second) r.fail("key", "duplicate key '" + key + "'");
    return id;
  }
  std::string ref(const Record& r, std::string_view field, const std::string& key) const {
    if (!known_.contains(key)) r.fail(field, "no record with key '" + key + "'");
    return prefix_ + key;
  }

 private:
  std::string prefix_;
  std::set<std::string> known_;
};

std::vector<store::RegionRow> parse_regions(const std::filesystem::path& path) {
  std::istringstream in(read_file(path));
  std::vector<store::RegionRow> out;
  std::string line;
  std::getline(in, line);  // header
  for (int n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');)
      cells.push_back(cell);
    if (cells.size() == 3) cells.emplace_back();
    if (cells.size() != 4 || !d::RegionCode::parse(cells[0])) {
      throw DataError(path.string() + ":" + std::to_string(n) + ": expected code,name,parent_code,level");
    }
    out.push_back({cells[0], cells[1], cells[2], cells[3]});
  }
  return out;
}

struct Parser {
  DemoData data;
  Keys bodies{"bod_demo_"}, officials{"off_demo_"}, organizations{"org_demo_"}, agreements{"agr_demo_"};
  Keys commitments{"com_demo_"};
  std::map<std::string, std::string> body_region;

  void parse_bodies(const json& list, const std::string& file) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      Record r(list[i], file + "[" + std::to_string(i) + "]");
      d::Body b;
      b.name = r.text("name");
      b.region = r.text("region");
      if (!d::RegionCode::parse(b.region)) r.fail("region", "not a GB/T 2260 code");
      b.kind = r.enumeration<d::BodyKind>("kind", store::parse_body_kind);
      if (r.has("parent")) b.parent_id = bodies.ref(r, "parent", r.text("parent"));
      b.id = bodies.add(r, r.text("key"));
      data.bodies.push_back(std::move(b));
    }
  }
  void parse_officials(const json& list, const std::string& file) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      Record r(list[i], file + "[" + std::to_string(i) + "]");
      d::Official o;
      o.name = r.text("name");
      const json& posts = r.array("posts");
      for (std::size_t k = 0; k < posts.size(); ++k) {
        Record p(posts[k], r.where() + ".posts[" + std::to_string(k) + "]");
        o.posts.push_back({bodies.ref(p, "body", p.text("body")), p.text("title"), p.date("from"),
                           p.optional_date("to"), p.boolean("head", false)});
      }
      o.id = officials.add(r, r.text("key"));
      data.officials.push_back(std::move(o));
    }
  }
  void parse_organizations(const json& list, const std::string& file) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      Record r(list[i], file + "[" + std::to_string(i) + "]");
      d::Organization o;
      o.name = r.text("name");
      if (r.has("credit_code")) {
        auto code = d::CreditCode::parse(r.text("credit_code"));
        if (!code) r.fail("credit_code", code.error().message);
        o.credit_code = *code;
      }
      o.sme = r.boolean("sme", false);
      o.id = organizations.add(r, r.text("key"));
      data.organizations.push_back(std::move(o));
    }
  }
  void parse_fact(const Record& r, const d::Commitment& c, int n) {
    d::Fact f;
    f.id = "fct_demo_" + c.id.substr(9) + "_" + std::to_string(n);
    f.commitment_id = c.id;
    f.kind = r.enumeration<d::FactKind>("kind", store::parse_fact_kind);
    f.on = r.date("on");
    if (r.has("reason")) f.reason = r.enumeration<d::ReasonCode>("reason", store::parse_reason_code);
    if (r.has("terminated_by"))
      f.terminated_by = r.enumeration<d::ObligorSide>("terminated_by", store::parse_obligor_side);
    f.counterparty_loss = r.boolean("counterparty_loss", false);
    f.source = r.has("source") ? r.enumeration<d::FactSource>("source", store::parse_fact_source)
                               : d::FactSource::manual;
    if (r.has("score")) f.score = r.integer("score", 0);
    f.new_due = r.optional_date("new_due");
    f.amount = r.optional_money("amount");
    f.new_amount = r.optional_money("new_amount");
    f.legal_basis = r.text_or("legal_basis", "");
    f.competent_authority = r.text_or("competent_authority", "");
    f.procedure_reference = r.text_or("procedure_reference", "");
    f.compensation_decision = r.text_or("compensation_decision", "");
    f.lawful_grounds = r.text_or("lawful_grounds", "");
    data.facts.push_back(std::move(f));
  }
  void parse_commitment(const Record& r, const d::Agreement& a, const std::string& agreement_key) {
    d::Commitment c;
    c.agreement_id = a.id;
    c.obligor_side = r.enumeration<d::ObligorSide>("obligor_side", store::parse_obligor_side);
    c.obligor_id = c.obligor_side == d::ObligorSide::government
                       ? bodies.ref(r, "obligor", r.text("obligor"))
                       : organizations.ref(r, "obligor", r.text("obligor"));
    c.kind = r.enumeration<d::CommitmentKind>("kind", store::parse_commitment_kind);
    c.title = r.text("title");
    c.due = r.date("due");
    if (c.due < a.signed_on) r.fail("due", "is before the agreement was signed");
    c.amount = r.optional_money("amount");
    c.grace_days = r.integer("grace_days", 0);
    if (r.has("stage")) c.stage = r.enumeration<d::StageKind>("stage", store::parse_stage_kind);
    if (r.has("committing_official")) {
      c.committing_official_id = officials.ref(r, "committing_official", r.text("committing_official"));
    }
    if (r.has("payment_term_days")) c.payment_term_days = r.integer("payment_term_days", 0);
    c.id = commitments.add(r, agreement_key + "_" + r.text("key"));
    const json& facts = r.array("facts");
    for (std::size_t k = 0; k < facts.size(); ++k)
      parse_fact(Record(facts[k], r.where() + ".facts[" + std::to_string(k) + "]"), c,
                 static_cast<int>(k + 1));
    data.commitments.push_back(std::move(c));
  }
  void parse_agreements(const json& list, const std::string& file) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      Record r(list[i], file + "[" + std::to_string(i) + "]");
      d::Agreement a;
      const std::string key = r.text("key");
      a.kind = r.enumeration<d::AgreementKind>("kind", store::parse_agreement_kind);
      a.title = r.text("title");
      a.body_id = bodies.ref(r, "body", r.text("body"));
      if (r.has("counterparty"))
        a.counterparty_id = organizations.ref(r, "counterparty", r.text("counterparty"));
      a.value = r.money("value");
      a.signed_on = r.date("signed_on");
      if (r.has("refs")) {
        Record refs(list[i].at("refs"), r.where() + ".refs");
        a.refs = {refs.text_or("platform_project_code", ""), refs.text_or("unified_deal_code", ""),
                  refs.text_or("ocid", "")};
      }
      const json& stages = r.array("stages");
      for (std::size_t k = 0; k < stages.size(); ++k) {
        Record s(stages[k], r.where() + ".stages[" + std::to_string(k) + "]");
        d::Stage stage{s.enumeration<d::StageKind>("kind", store::parse_stage_kind), {}};
        const json& assignments = s.array("assignments");
        for (std::size_t m = 0; m < assignments.size(); ++m) {
          Record x(assignments[m], s.where() + ".assignments[" + std::to_string(m) + "]");
          stage.assignments.push_back({officials.ref(x, "official", x.text("official")), x.text("role"),
                                       x.date("from"), x.optional_date("to")});
        }
        a.stages.push_back(std::move(stage));
      }
      a.id = agreements.add(r, key);
      const json& commitments_json = r.array("commitments");
      for (std::size_t k = 0; k < commitments_json.size(); ++k)
        parse_commitment(Record(commitments_json[k], r.where() + ".commitments[" + std::to_string(k) + "]"),
                         a, key);
      data.agreements.push_back(std::move(a));
    }
  }
  void parse_recorded(const Record& manifest, const std::string& file) {
    if (!manifest.has("recorded_breaches")) return;
    const json& list = manifest.array("recorded_breaches");
    for (std::size_t i = 0; i < list.size(); ++i) {
      Record r(list[i], file + ".recorded_breaches[" + std::to_string(i) + "]");
      auto rule = d::parse_rule_code(r.text("rule"));
      if (!rule) r.fail("rule", rule.error().message);
      data.recorded_breaches.push_back(
          {*rule, commitments.ref(r, "commitment", r.text("agreement") + "_" + r.text("commitment")),
           r.date("recorded_on")});
    }
  }
};

}  // namespace

domain::Result<DemoData> load_demo_data(const std::filesystem::path& dir) {
  try {
    const auto manifest_path = dir / "manifest.json";
    const json manifest_json = read_json(manifest_path);
    Record manifest(manifest_json, manifest_path.string());
    Parser p;
    p.data.as_of = manifest.date("as_of");
    p.data.regions = parse_regions(dir / manifest.text("regions_file"));
    if (!manifest.has("files") || !manifest_json.at("files").is_object())
      manifest.fail("files", "must be an object");
    Record files(manifest_json.at("files"), manifest_path.string() + ".files");
    const auto load = [&](std::string_view name, auto member) {
      const auto path = dir / files.text(name);
      const json list = read_json(path);
      if (!list.is_array()) throw DataError(path.string() + ": must be a JSON array");
      (p.*member)(list, path.filename().string());
    };
    load("bodies", &Parser::parse_bodies);
    load("officials", &Parser::parse_officials);
    load("organizations", &Parser::parse_organizations);
    load("agreements", &Parser::parse_agreements);
    p.parse_recorded(manifest, manifest_path.filename().string());
    return std::move(p.data);
  } catch (const DataError& e) {
    return d::fail(d::ErrorCode::invalid, e.what());
  }
}

domain::Result<SeedSummary> seed_demo(store::Database& db, const DemoData& data, const std::string& now) {
  SeedSummary summary;
  const store::WriteContext context{"", "seed-demo", "admin", "seed-demo", "demo data set", now};
  auto regions = store::insert_missing_regions(db, data.regions, context);
  if (!regions) return std::unexpected(regions.error());
  summary.regions = *regions;
  store::LedgerStore ledger(db);
  // The data set is written in one transaction, so its first body tells whether it is there.
  if (!data.bodies.empty()) {
    auto first = ledger.body(d::Scope{}, data.bodies.front().id);
    if (first) {
      summary.already_loaded = true;
      return summary;
    }
    if (first.error().code != d::ErrorCode::not_found) return std::unexpected(first.error());
  }
  auto written = ledger.write(context, std::nullopt,
                              [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
                                for (const auto& b : data.bodies)
                                  if (auto r = tx.insert_body(b); !r) return std::unexpected(r.error());
                                for (const auto& o : data.officials)
                                  if (auto r = tx.insert_official(o); !r) return std::unexpected(r.error());
                                for (const auto& o : data.organizations)
                                  if (auto r = tx.insert_organization(o); !r)
                                    return std::unexpected(r.error());
                                for (const auto& a : data.agreements) {
                                  auto stored = tx.insert_agreement(a);
                                  if (!stored) return std::unexpected(stored.error());
                                  for (const auto& stage : a.stages) {
                                    for (const auto& assignment : stage.assignments) {
                                      stored = tx.append_assignment(*stored, stage.kind, assignment);
                                      if (!stored) return std::unexpected(stored.error());
                                    }
                                  }
                                }
                                for (const auto& c : data.commitments)
                                  if (auto r = tx.insert_commitment(c); !r) return std::unexpected(r.error());
                                for (const auto& f : data.facts)
                                  if (auto r = tx.insert_fact(f); !r) return std::unexpected(r.error());
                                return store::StoredResponse{};
                              });
  if (!written) return std::unexpected(written.error());
  summary.bodies = static_cast<int>(data.bodies.size());
  summary.officials = static_cast<int>(data.officials.size());
  summary.organizations = static_cast<int>(data.organizations.size());
  summary.agreements = static_cast<int>(data.agreements.size());
  summary.commitments = static_cast<int>(data.commitments.size());
  summary.facts = static_cast<int>(data.facts.size());
  return summary;
}

int run_seed_demo_command(std::span<const std::string> args, const Environment& env, std::ostream& out,
                          std::ostream& err) {
  static constexpr std::array<std::string_view, 2> kOwn{"demo-dir", "regions-file"};
  auto a = split_cli_args(args, kOwn);
  if (!a) {
    err << "pactwatch seed-demo: " << a.error().message << "\n";
    return kExitUsage;
  }
  if (!a->positional.empty()) {
    err << "pactwatch seed-demo: unexpected argument '" << a->positional.front() << "'\n";
    return kExitUsage;
  }
  // Only the GB/T 2260 reference data: bodies and token scopes must name a region of the table (issue 13).
  if (const auto regions_file = a->options.find("regions-file"); regions_file != a->options.end()) {
    if (a->options.contains("demo-dir")) {
      err << "pactwatch seed-demo: --regions-file loads regions only; it takes no --demo-dir\n";
      return kExitUsage;
    }
    std::vector<store::RegionRow> regions;
    try {
      regions = parse_regions(regions_file->second);
    } catch (const DataError& e) {
      err << "pactwatch seed-demo: " << e.what() << "\n";
      return kExitUsage;
    }
    int code = 0;
    auto db = open_cli_database(a->config_args, env, err, code);
    if (!db) return code;
    const auto now = clock::system_clock().now();
    const store::WriteContext context{"",          "seed-demo", "admin",
                                      "seed-demo", "regions",   d::format_instant(now)};
    auto inserted = store::insert_missing_regions(*db, regions, context);
    if (!inserted) {
      err << "pactwatch seed-demo: " << inserted.error().message << "\n";
      return kExitFailure;
    }
    out << "loaded " << *inserted << " of " << regions.size() << " regions from " << regions_file->second
        << "\n";
    return 0;
  }
  const auto it = a->options.find("demo-dir");
  const std::filesystem::path dir = it == a->options.end() ? std::string(kDefaultDemoDir) : it->second;
  auto data = load_demo_data(dir);
  if (!data) {
    err << "pactwatch seed-demo: " << data.error().message << "\n";
    return kExitUsage;
  }
  int code = 0;
  auto db = open_cli_database(a->config_args, env, err, code);
  if (!db) return code;
  const auto now = clock::system_clock().now();
  auto summary = seed_demo(*db, *data, d::format_instant(now));
  if (!summary) {
    err << "pactwatch seed-demo: " << summary.error().message << "\n";
    return kExitFailure;
  }
  if (summary->already_loaded) {
    out << "the demo data set is already loaded; nothing changed\n";
    return 0;
  }
  out << "loaded the demo data set from " << dir.string() << ": " << summary->regions << " regions, "
      << summary->bodies << " bodies, " << summary->officials << " officials, " << summary->organizations
      << " organizations, " << summary->agreements << " agreements, " << summary->commitments
      << " commitments, " << summary->facts << " facts\n";
  return 0;
}

}  // namespace pactwatch::server
