// The tenant a handler acts in, taken from the logged-in account (never from the request):
// company routes act in the caller's own company, provider routes for the provider (SEC-8).
#pragma once

#include "base/scope.h"
#include "http/router.h"

namespace kanri::api {

// Only for routes whose permission is a company permission (only company accounts hold one).
inline const CompanyId& OwnCompany(const http::RequestContext& ctx) {
  return *ctx.actor->account.company_id;
}

// Only for routes whose permission is a provider permission (only site administrators hold one).
inline ProviderScope Provider(const http::RequestContext& ctx) {
  return ProviderScope::ForSiteAdministrator(ctx.actor->account.id);
}

}  // namespace kanri::api
