// /api/v1/officials: civil servants (公务员) and their posts (任职) over time. Posts are history: POST
// /officials/{id}/posts appends one, PATCH /officials/{id}/posts/{seq} only closes an open one (sets `to`).
// An official is in a token's scope when any of their posts is at a body in scope.
#include <charconv>

#include "server/api/api_support.hpp"
#include "server/api/ledger_routes.hpp"
#include "server/api/named.hpp"

namespace pactwatch::server::api {
namespace {

namespace d = pactwatch::domain;

using nlohmann::json;

const std::set<std::string, std::less<>> kFields{"name", "posts"};
const std::set<std::string, std::less<>> kPostFields{"body_id", "title", "from", "to", "head"};

std::optional<d::Post> parse_post(const Api& api, const json& object, std::vector<FieldError>& errors,
                                  const std::string& prefix) {
  if (!object.is_object()) {
    errors.push_back({prefix.substr(0, prefix.size() - 1), "must be an object"});
    return std::nullopt;
  }
  const std::size_t before = errors.size();
  FieldReader r(object, errors, prefix, api.options.max_text_length);
  r.reject_unknown(kPostFields);
  auto body_id = r.text("body_id", Need::required);
  auto title = r.text("title", Need::required);
  auto from = r.date("from", Need::required);
  auto to = r.date("to", Need::nullable);
  auto head = r.boolean("head", Need::optional);
  if (from && to && *to < *from) r.error("to", "is before from");
  if (errors.size() != before) return std::nullopt;
  return d::Post{*body_id, *title, *from, to, head.value_or(false)};
}

/** A post's body must exist within the token's scope. */
void check_post(store::LedgerTransaction& tx, const Principal& principal, const d::Post& post,
                const std::string& prefix, std::vector<FieldError>& errors) {
  auto body = tx.body(scope_of(principal), post.body_id);
  if (!body && body.error().code == d::ErrorCode::not_found) {
    errors.push_back({prefix + "body_id", "names no body " + post.body_id});
  }
}

Response list(Api& api, const Request& request, const Principal& principal) {
  auto params = list_params(api, request, {"region", "body_id"});
  store::OfficialFilter filter;
  filter.region = region_filter(api, request, "region", params.errors);
  filter.body_id = text_filter(request, "body_id");
  if (!params.errors.empty()) return validation_problem(request, std::move(params.errors));
  auto page = api.store.officials(scope_of(principal), filter, params.window);
  if (!page) return read_error(request, page.error());
  return named_page(api, request, *page, nullptr, {});
}

Response get(Api& api, const Request& request, const Principal& principal) {
  auto official = api.store.official(scope_of(principal), std::string(request.param("id")));
  if (!official) return read_error(request, official.error());
  return named_entity(api, request, *official);
}

Response create(Api& api, const Request& request, const Principal& principal) {
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  const json& object = std::get<json>(parsed);
  std::vector<FieldError> errors;
  FieldReader r(object, errors, {}, api.options.max_text_length);
  r.reject_unknown(kFields);
  d::Official official;
  official.name = r.text("name", Need::required).value_or("");
  if (r.present("posts")) {
    const json& posts = object.at("posts");
    if (!posts.is_array()) {
      r.error("posts", "must be an array of posts");
    } else {
      for (std::size_t i = 0; i < posts.size(); ++i) {
        auto post = parse_post(api, posts[i], errors, "posts[" + std::to_string(i) + "].");
        if (post) official.posts.push_back(*post);
      }
    }
  }
  // A scoped token could never see an official without a post in its region again.
  if (!principal.region.empty() && official.posts.empty() && !r.has_error("posts")) {
    r.error("posts", "a region-scoped token must give at least one post at a body in its region");
  }
  if (!errors.empty()) return validation_problem(request, std::move(errors));
  official.id = new_id("off");
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        for (std::size_t i = 0; i < official.posts.size(); ++i)
          check_post(tx, principal, official.posts[i], "posts[" + std::to_string(i) + "].", errs);
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid official");
        auto stored = tx.insert_official(official);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version,
                             entity_path("officials", official.id));
      });
}

/**
 * Whether an official is shared with another region: they have a post at a body outside a region-scoped
 * caller's region (that region's trace-back names them). Then only an unscoped token may rename them, as
 * for shared organizations. Never for unscoped callers.
 */
d::Result<bool> shared_outside(store::LedgerTransaction& tx, const Principal& principal,
                               const d::Official& official) {
  if (principal.region.empty()) return false;
  for (const auto& post : official.posts) {
    auto body = tx.body(scope_of(principal), post.body_id);
    if (!body && body.error().code != d::ErrorCode::not_found) return std::unexpected(body.error());
    if (!body) return true;
  }
  return false;
}

Response shared_refusal(const Request& request, const Principal& principal, std::string_view what) {
  return problem_response(request, 403,
                          std::string(what) + " lies (also) outside region " + principal.region +
                              "; only an unscoped token, or one whose region holds it, may change it");
}

Response update(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  PatchSteps<d::Official> steps;
  bool shared = false;
  steps.load = [&](store::LedgerTransaction& tx) -> d::Result<store::Stored<d::Official>> {
    auto official = tx.official(scope_of(principal), id);
    if (!official) return official;
    auto outside = shared_outside(tx, principal, official->entity);
    if (!outside) return std::unexpected(outside.error());
    if (*outside) {
      shared = true;
      return d::fail(d::ErrorCode::conflict, "official shared with another region");
    }
    return official;
  };
  steps.updatable = {"name"};
  steps.server_set = {"posts"};
  steps.parse = [&](store::LedgerTransaction&, const json& merged, const store::Stored<d::Official>& before,
                    std::vector<FieldError>& errors) -> std::optional<d::Official> {
    FieldReader r(merged, errors, {}, api.options.max_text_length);
    auto name = r.text("name", Need::required);
    if (!name) return std::nullopt;
    d::Official after = before.entity;
    after.name = *name;
    return after;
  };
  steps.update = [](store::LedgerTransaction& tx, const store::Stored<d::Official>& before,
                    const d::Official& after) { return tx.update_official(before, after); };
  auto response = patch_entity(api, request, principal, steps);
  return shared ? shared_refusal(request, principal, "official " + id + " has a post that") : response;
}

Response append_post(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  std::vector<FieldError> errors;
  auto post = parse_post(api, std::get<json>(parsed), errors, "");
  if (!post) return validation_problem(request, std::move(errors));
  return idempotent_post(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errs) -> d::Result<store::StoredResponse> {
        auto before = tx.official(scope_of(principal), id);
        if (!before) return std::unexpected(before.error());
        check_post(tx, principal, *post, "", errs);
        if (!errs.empty()) return d::fail(d::ErrorCode::invalid, "invalid post");
        auto stored = tx.append_post(*before, *post);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(201, store::to_json(*stored), stored->version, entity_path("officials", id));
      });
}

Response close_post(Api& api, const Request& request, const Principal& principal) {
  const std::string id(request.param("id"));
  const std::string seq_text(request.param("seq"));
  int seq = 0;
  auto [ptr, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
  if (ec != std::errc{} || ptr != seq_text.data() + seq_text.size() || seq < 1) {
    return problem_response(request, 404, "no post " + seq_text);
  }
  if (!request.headers.get("If-Match")) {
    return problem_response(request, 428,
                            "An update needs If-Match with the ETag of the version it changes.");
  }
  auto parsed = parse_object(request);
  if (auto* problem = std::get_if<Response>(&parsed)) return *problem;
  const json& patch = std::get<json>(parsed);
  bool foreign_post = false;
  auto response = conditional_update(
      api, request, principal,
      [&](store::LedgerTransaction& tx, std::vector<FieldError>& errors,
          std::string_view if_match) -> d::Result<store::StoredResponse> {
        auto before = tx.official(scope_of(principal), id);
        if (!before) return std::unexpected(before.error());
        const std::string etag = etag_of(before->version);
        if (!if_match_matches(if_match, etag)) return std::unexpected(precondition_failed(etag));
        if (static_cast<std::size_t>(seq) > before->entity.posts.size()) {
          return d::fail(d::ErrorCode::not_found, "no post " + seq_text + " of " + id);
        }
        const d::Post& post = before->entity.posts[static_cast<std::size_t>(seq - 1)];
        // A post at another region's body is that region's history (its trace-back reads it): not ours.
        if (auto body = tx.body(scope_of(principal), post.body_id); !body) {
          if (body.error().code != d::ErrorCode::not_found) return std::unexpected(body.error());
          foreign_post = true;
          return d::fail(d::ErrorCode::conflict, "post at a body outside the token's region");
        }
        FieldReader r(patch, errors, {}, api.options.max_text_length);
        r.reject_unknown({"to"});
        auto to = r.date("to", Need::required);
        if (to && post.to)
          r.error("to", "the post is already closed; posts are history and are not rewritten");
        if (to && *to < post.from)
          r.error("to", "is before the post's from date " + d::format_date(post.from));
        if (!errors.empty()) return d::fail(d::ErrorCode::invalid, "invalid post");
        auto stored = tx.close_post(*before, seq, *to);
        if (!stored) return std::unexpected(stored.error());
        return stored_entity(200, store::to_json(*stored), stored->version, {});
      });
  return foreign_post
             ? shared_refusal(request, principal, "post " + seq_text + " of " + id + " is at a body that")
             : response;
}

}  // namespace

void add_official_routes(Router& router, const Authenticator& auth, std::shared_ptr<Api> api) {
  const std::string base = std::string(kApiPrefix) + "/officials";
  add_resource_routes(router, auth, api, base, {list, create, get, update});
  add_api_route(router, auth, api, Method::post, base + "/{id}/posts", Permission::ledger_write, append_post);
  add_api_route(router, auth, api, Method::patch, base + "/{id}/posts/{seq}", Permission::ledger_write,
                close_post);
}

}  // namespace pactwatch::server::api
