#include "server/api/whoami_route.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "server/api/api_support.hpp"

namespace pactwatch::server {
namespace {

constexpr std::array<std::pair<Permission, std::string_view>, 11> kPermissionNames{{
    {Permission::ledger_read, "ledger_read"},
    {Permission::ledger_write, "ledger_write"},
    {Permission::fact_write, "fact_write"},
    {Permission::breach_read, "breach_read"},
    {Permission::breach_workflow, "breach_workflow"},
    {Permission::trail_read, "trail_read"},
    {Permission::export_data, "export_data"},
    {Permission::sync_write, "sync_write"},
    {Permission::sync_read, "sync_read"},
    {Permission::outbox_read, "outbox_read"},
    {Permission::admin, "admin"},
}};

Response whoami(const Request&, const Principal& principal) {
  auto permissions = nlohmann::json::array();
  for (const auto& [permission, name] : kPermissionNames) {
    if (role_allows(principal.role, permission)) permissions.push_back(name);
  }
  return json_response(
      200, {{"token_id", principal.token_id},
            {"name", principal.name},
            {"role", to_string(principal.role)},
            {"region", principal.region.empty() ? nlohmann::json(nullptr) : nlohmann::json(principal.region)},
            {"permissions", std::move(permissions)}});
}

}  // namespace

void add_whoami_route(Router& router, const Authenticator& auth) {
  router.get(std::string(api::kApiPrefix) + "/whoami", auth.guard_any_role(whoami));
}

}  // namespace pactwatch::server
