// POST /api/v1/public/complaints: anonymous complaints from the public (投诉举报, 社会监督). Validated field
// by field, size-limited (413), rate-limited per client address (429 with Retry-After). Each complaint is
// stored with the complainant's contact details, which no route ever serves, and opens a `detected` breach
// candidate linked to it for a supervisor to verify or dismiss. The complaint names the agreement by its id,
// its platform project code (PROJECT_CODE) or its 统一交易标识码 (UNIFIED_DEAL_CODE).
// The answer gives a receipt code (回执码); GET /api/v1/public/complaints/{code} shows the complaint's
// state to whoever holds the code (when filed, the state of its candidate breach and since when; nothing
// private), rate-limited per client address like filing.
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>

#include "adapters/clock/system_clock.hpp"
#include "adapters/store/migrations.hpp"
#include "app/complaints.hpp"
#include "domain/responsibility.hpp"
#include "server/api/workflow_support.hpp"
#include "server/messages.hpp"

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

/** A receipt code: 80 random bits as 16 Crockford base32 characters in groups of four (XXXX-XXXX-…). */
std::string receipt_code() {
  std::array<unsigned char, 10> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("no random bytes for a receipt code");
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out;
  for (int c = 0; c < 16; ++c) {
    int value = 0;
    for (int b = 0; b < 5; ++b) {
      const int index = c * 5 + b;
      value = (value << 1) | ((bytes[static_cast<std::size_t>(index / 8)] >> (7 - index % 8)) & 1);
    }
    if (c > 0 && c % 4 == 0) out += '-';
    out += kAlphabet[value];
  }
  return out;
}

/** At most `per_hour` look-ups per client address in any hour (in memory: a restart forgets). */
class LookupLimiter {
 public:
  explicit LookupLimiter(int per_hour) : per_hour_(per_hour) {}
  /** True when `address` may look up now (and counts it); false when it has used its hour. */
  bool admit(const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    // Forget what is older than the window, everywhere now and then so the map stays small.
    if (++calls_ % 1024 == 0) {
      for (auto it = seen_.begin(); it != seen_.end();) {
        prune(it->second, now);
        it = it->second.empty() ? seen_.erase(it) : std::next(it);
      }
    }
    auto& times = seen_[address];
    prune(times, now);
    if (static_cast<int>(times.size()) >= per_hour_) return false;
    times.push_back(now);
    return true;
  }

 private:
  using Times = std::deque<std::chrono::steady_clock::time_point>;
  static void prune(Times& times, std::chrono::steady_clock::time_point now) {
    while (!times.empty() && now - times.front() >= std::chrono::seconds(kWindowSeconds))
      times.pop_front();
  }
  int per_hour_;
  std::mutex mutex_;
  std::map<std::string, Times> seen_;
  std::uint64_t calls_ = 0;
};

Response too_many(const Request& request, std::string detail) {
  auto r = problem_response(request, 429, std::move(detail));
  r.headers.set("Retry-After", std::to_string(kWindowSeconds));
  return r;
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
  const auto since = d::format_instant(std::chrono::floor<std::chrono::seconds>(
      wf.options.clock->now() - std::chrono::seconds(kWindowSeconds)));
  auto recent = wf.breaches.complaints_since(ip, since);
  if (!recent) return read_error(request, recent.error());
  if (*recent >= wf.options.complaints_per_hour)
    return too_many(request, "Too many complaints from this address; try again later.");
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
  candidate.finding = app::complaint_finding(a, commitment ? &commitment->entity : nullptr, today);
  if (commitment) {
    const auto& cm = commitment->entity;
    candidate.officials = store::traced_officials(cm, a, *officials, cm.due);
  } else {
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
  c.receipt_code = receipt_code();
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
  return json_response(
      202,
      {{"complaint_id", c.id},
       {"receipt_code", c.receipt_code},
       {"status", "received"},
       {"detail", localized("The supervision office will verify the complaint.", language_of(request))}});
}

/** GET /public/complaints/{code}: the state of a complaint for whoever holds its receipt code. */
Response follow(Workflow& wf, LookupLimiter& limiter, const Request& request) {
  if (!limiter.admit(client_ip(request.client_address)))
    return too_many(request, "Too many look-ups from this address; try again later.");
  std::vector<FieldError> errors;
  for (const auto& [name, value] : request.query)
    errors.push_back({name, "is not a parameter of this route"});
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  const std::string code(request.param("code"));
  auto found = wf.breaches.complaint_by_receipt(code);
  if (!found) return read_error(request, found.error());
  // The candidate's state, as the complainant needs it: received (not yet verified), verified and on
  // (verified, rectification, record), dismissed (not upheld) or voided.
  const std::string& state = found->state;
  std::string status = "received";
  if (state == "dismissed" || state == "voided")
    status = state;
  else if (!state.empty() && state != "detected" && state != "under_review")
    status = "upheld";
  if (state == "under_review") status = "under_review";
  auto r = json_response(200, {{"receipt_code", code},
                               {"filed_at", found->filed_at},
                               {"status", status},
                               {"breach_state", state.empty() ? json(nullptr) : json(state)},
                               {"updated_at", found->updated_at}});
  r.headers.set("Cache-Control", "no-store");
  return r;
}

}  // namespace

void add_complaint_routes(Router& router, const Authenticator& auth, std::shared_ptr<Workflow> wf) {
  (void)auth;  // anonymous: the public files complaints without a token
  router.post(std::string(kApiPrefix) + "/public/complaints",
              [wf](const Request& r) { return file(*wf, r); });
  auto limiter = std::make_shared<LookupLimiter>(wf->options.complaint_lookups_per_hour);
  router.get(std::string(kApiPrefix) + "/public/complaints/{code}",
             [wf, limiter](const Request& r) { return follow(*wf, *limiter, r); });
}

}  // namespace pactwatch::server::api
