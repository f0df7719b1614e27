// POST /api/v1/public/complaints: anonymous complaints from the public (投诉举报, 社会监督). Validated field
// by field, size-limited (413), rate-limited per client address (429 with Retry-After). Each complaint is
// stored with the complainant's contact details, which no route ever serves, and opens a `detected` breach
// candidate linked to it for a supervisor to verify or dismiss. The complaint names the agreement by its id,
// its platform project code (PROJECT_CODE) or its 统一交易标识码 (UNIFIED_DEAL_CODE).
#include <chrono>

#include "adapters/store/migrations.hpp"
#include "domain/responsibility.hpp"
#include "server/api/workflow_support.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;
using nlohmann::json;

constexpr int kWindowSeconds = 3600;

/** The address without its port: "1.2.3.4:5678" -> "1.2.3.4", "[::1]:80" -> "[::1]". */
std::string client_ip(std::string_view address) {
  const auto colon = address.rfind(':');
  const auto bracket = address.find(']');
  // No port, or a bare IPv6 address whose last colon lies inside the brackets.
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && bracket > colon))
    return std::string(address);
  return std::string(address.substr(0, colon));
}

std::optional<store::Stored<d::Agreement>> find_agreement(Workflow& wf, const std::string& ref) {
  if (auto a = wf.ledger.agreement(d::Scope{}, ref)) return *a;
  for (int which = 0; which < 2; ++which) {
    store::AgreementFilter f;
    (which == 0 ? f.platform_project_code : f.unified_deal_code) = ref;
    auto page = wf.ledger.agreements(d::Scope{}, f, store::Window{"", 1});
    if (page && !page->items.empty()) return page->items.front();
  }
  return std::nullopt;
}

Response file(Workflow& wf, const Request& request) {
  if (request.body.size() > wf.options.complaint_max_bytes) {
    return problem_response(
        request, 413,
        "A complaint may be at most " + std::to_string(wf.options.complaint_max_bytes) + " bytes.");
  }
  const std::string ip = client_ip(request.client_address);
  const auto since = d::format_instant(std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() - std::chrono::seconds(kWindowSeconds)));
  auto recent = wf.breaches.complaints_since(ip, since);
  if (!recent) return read_error(request, recent.error());
  if (*recent >= wf.options.complaints_per_hour) {
    auto r = problem_response(request, 429, "Too many complaints from this address; try again later.");
    r.headers.set("Retry-After", std::to_string(kWindowSeconds));
    return r;
  }
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  const json& object = std::get<json>(parsed);
  std::vector<FieldError> errors;
  FieldReader r(object, errors, {}, 4000);
  r.reject_unknown({"subject", "description", "agreement_ref", "commitment_id", "contact"});
  auto subject = r.text("subject", Need::required);
  auto description = r.text("description", Need::required, TextKind::multiline);
  auto ref = r.text("agreement_ref", Need::required);
  auto commitment_id = r.text("commitment_id", Need::optional);
  if (subject && subject->size() > 200) r.error("subject", "must be at most 200 bytes");
  store::Complaint c;
  if (r.present("contact")) {
    const auto& contact = object.at("contact");
    if (!contact.is_object()) {
      r.error("contact", "must be an object with name, phone and email");
    } else {
      FieldReader cr(contact, errors, "contact.", 320);
      cr.reject_unknown({"name", "phone", "email"});
      c.contact_name = cr.text("name", Need::optional).value_or("");
      c.contact_phone = cr.text("phone", Need::optional).value_or("");
      c.contact_email = cr.text("email", Need::optional).value_or("");
      if (!c.contact_email.empty() && c.contact_email.find('@') == std::string::npos)
        cr.error("email", "must be an e-mail address");
    }
  }
  std::optional<store::Stored<d::Agreement>> agreement;
  if (ref && !r.has_error("agreement_ref")) {
    agreement = find_agreement(wf, *ref);
    if (!agreement) r.error("agreement_ref", "names no agreement (id, PROJECT_CODE or UNIFIED_DEAL_CODE)");
  }
  std::optional<store::Stored<d::Commitment>> commitment;
  if (agreement && commitment_id) {
    auto found = wf.ledger.commitment(d::Scope{}, *commitment_id);
    commitment = found ? *found : store::Stored<d::Commitment>{};
    if (commitment->entity.agreement_id != agreement->entity.id) {
      r.error("commitment_id", "names no commitment of that agreement");
      commitment.reset();
    }
  }
  if (!errors.empty()) return validation_problem(request, std::move(errors));

  const d::Agreement& a = agreement->entity;
  auto body = wf.ledger.body(d::Scope{}, a.body_id);
  if (!body) return read_error(request, body.error());
  auto officials = wf.ledger.all_officials(d::Scope{});
  if (!officials) return read_error(request, officials.error());
  const d::Date today = wf.today();

  store::FindingToOpen candidate;
  d::Finding& f = candidate.finding;
  // A candidate, not a finding: the supervisor verifies it. The rule is the general one for the kind of
  // agreement (BC10 for a public pledge, BC01 otherwise); severity starts at minor.
  f.rule = a.kind == d::AgreementKind::pledge ? d::RuleCode::BC10 : d::RuleCode::BC01;
  f.severity = d::Severity::minor;
  f.agreement_id = a.id;
  f.due = today;
  f.occurred_on = today;
  if (commitment) {
    const auto& cm = commitment->entity;
    f.obligor_side = cm.obligor_side;
    f.obligor_id = cm.obligor_id;
    f.commitment_id = cm.id;
    f.due = cm.due;
    f.committed = cm.amount;
    candidate.officials = store::traced_officials(cm, a, *officials, cm.due);
  } else {
    f.obligor_side = d::ObligorSide::government;
    f.obligor_id = a.body_id;
    for (const auto& head : d::heads_of(a.body_id, *officials, today))
      candidate.officials.push_back({head, "performing", "body_head", "主要负责人"});
  }
  candidate.body_id = a.body_id;
  candidate.region = body->entity.region;
  c.id = new_id("cpl");
  c.subject = *subject;
  c.description = *description;
  c.agreement_ref = *ref;
  c.client_address = ip;
  c.created_at = now_text();
  const std::string breach_id = new_id("brc");

  store::WriteContext context;
  context.actor_name = "anonymous complainant";
  context.role = "anonymous";
  context.request_id = request.request_id;
  context.reason = "投诉举报";
  context.now = c.created_at;
  auto written = wf.ledger.write(
      context, std::nullopt, [&](store::LedgerTransaction& tx) -> d::Result<store::StoredResponse> {
        auto opened = store::BreachStore::open_complaint(tx, c, candidate, breach_id);
        if (!opened) return std::unexpected(opened.error());
        return store::StoredResponse{};
      });
  if (!written) return read_error(request, written.error());
  return json_response(202, {{"complaint_id", c.id},
                             {"status", "received"},
                             {"detail", "The supervision office will verify the complaint."}});
}

}  // namespace

void add_complaint_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf) {
  (void)auth;  // anonymous: the public files complaints without a token
  router.post(std::string(kApiPrefix) + "/public/complaints",
              [wf](const Request& r) { return file(*wf, r); });
}

}  // namespace pactwatch::server::api
