// SEC-5 / SEC-8: for every route of the real route table and every built-in role, the
// router's decision is exactly what the permission catalog says. Generated from the table,
// so a new route is covered the day it is added.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "api/api_fixture.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;

struct Caller {
  std::string name;
  identity::AccountKind kind;
  access::PermissionSet permissions;
};

std::vector<Caller> Callers() {
  std::vector<Caller> out;
  for (const auto& role : access::BuiltinRoles())
    out.push_back(
        {role.id, identity::AccountKind::kGeneral, access::PermissionSet::FromNames(role.permissions)});
  out.push_back({"no roles", identity::AccountKind::kGeneral, {}});
  out.push_back({"company administrator", identity::AccountKind::kAdmin,
                 access::PermissionSet::AllOf(access::PermissionScope::kCompany)});
  out.push_back({"site administrator", identity::AccountKind::kSiteAdmin,
                 access::PermissionSet::AllOf(access::PermissionScope::kProvider)});
  return out;
}

std::string Instantiate(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      out += "x0000000000000000000000000";
      i = path.find('}', i);
    } else {
      out += path[i];
    }
  }
  return out;
}

TEST(AccessDecisions, SEC_5_EveryRouteStatesItsRuleAndNamesKnownPermissions) {
  TestServices t;
  auto table = BuildRouteTable(t.services);
  for (const auto& route : table.routes()) {
    if (route.access.kind == http::AccessRule::Kind::kPermission) {
      ASSERT_FALSE(route.access.any_of.empty()) << route.method << " " << route.path;
      for (const auto& p : route.access.any_of)
        EXPECT_TRUE(access::PermissionIndex(p)) << p << " on " << route.path;
    }
    // Only the login (both steps), probes, the API description, the public status page's data
    // (OPS-2: no company's name, computed at most every 30 s) and the console's files (GET,
    // outside /api/) are open to anybody.
    if (route.access.kind == http::AccessRule::Kind::kPublic) {
      const bool console_file =
          route.doc.hidden && route.method == "GET" && route.path.rfind("/api/", 0) != 0;
      EXPECT_TRUE(route.path == "/api/v1/session" || route.path == "/healthz" || route.path == "/readyz" ||
                  route.path == "/api/v1/session/totp" || route.path == "/api/v1/openapi.json" ||
                  (route.path == "/api/v1/status" && route.method == "GET") || console_file)
          << route.path;
    }
  }
}

TEST(AccessDecisions, SEC_5_DecisionForEveryRouteAndBuiltInRoleFollowsTheCatalog) {
  TestServices t;
  auto table = BuildRouteTable(t.services);
  std::vector<std::string> recorded;
  for (const Caller& caller : Callers()) {
    http::Router router{
        table,
        [&](http::Credential, bool, std::string) -> asio::awaitable<http::Authentication> {
          http::Authentication a;
          identity::SessionActor actor;
          actor.account.id = AccountId{"caller"};
          actor.account.kind = caller.kind;
          if (caller.kind != identity::AccountKind::kSiteAdmin) actor.account.company_id = CompanyId{"c1"};
          a.session.actor = actor;
          a.permissions = caller.permissions;
          co_return a;
        },
        [&](audit::OperationRecord r) -> asio::awaitable<void> {
          recorded.push_back(r.action + ":" + std::string(audit::ToString(r.outcome)) + ":" + r.error_code);
          co_return;
        },
        t.clock};
    for (const auto& route : table.routes()) {
      if (route.access.kind != http::AccessRule::Kind::kPermission) continue;
      bool expected = false;
      for (const auto& p : route.access.any_of) expected = expected || caller.permissions.Has(p);
      http::HttpRequest req;
      req.method = route.method;
      req.path = Instantiate(route.path);
      req.target = req.path;
      req.headers = {{"cookie", "__Host-kanri_session=tok"},
                     {"x-csrf-token", identity::SessionStore::CsrfTokenFor("tok")},
                     {"content-type", "application/json"}};
      req.body = "{}";
      recorded.clear();
      asio::io_context io;
      auto f = asio::co_spawn(io, router.Handle(req), asio::use_future);
      io.run();
      auto response = f.get();
      const bool denied = response.status == 403 && response.problem_code == "forbidden";
      EXPECT_EQ(!denied, expected) << caller.name << " " << route.method << " " << route.path << " → "
                                   << response.status << " " << response.body;
      // SEC-6: the denial itself is in the history.
      if (denied) {
        ASSERT_FALSE(recorded.empty());
        EXPECT_EQ(recorded.front(), route.action + ":denied:forbidden");
      }
    }
  }
}

}  // namespace
}  // namespace kanri::api
