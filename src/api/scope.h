// The tenant a handler acts in, taken from the logged-in account (never from the request):
// company routes act in the caller's own company, provider routes for the provider (SEC-8).
#pragma once

#include "access/grants.h"
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

// The caller as a grantor of permissions (SEC-5, access/grants.h).
inline access::Grantor GrantorOf(const http::RequestContext& ctx) {
  return {ctx.actor->account.id, ctx.actor->account.kind, ctx.permissions};
}

// Ends the request with 403 and the refusal's code when a grant check refused.
inline void ThrowIfRefused(const access::GrantCheck& refusal) {
  if (refusal) throw http::ApiError(http::Problem{403, refusal->code, "", refusal->message, refusal->field});
}

}  // namespace kanri::api
