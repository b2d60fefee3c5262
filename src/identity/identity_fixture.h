// Shared set-up for identity tests: a migrated database, a manual clock, one company
// ("acme") with one active account ("taro"), and a fast hasher (tests need not be slow;
// the production parameters are tested in password_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include "db/test_database.h"
#include "identity/accounts.h"
#include "identity/login.h"
#include "identity/password_hasher.h"
#include "identity/sessions.h"
#include "identity/totp.h"
#include "tenancy/companies.h"

namespace kanri::identity {

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = companies_.Create(provider_, {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt});
    ASSERT_TRUE(c);
    company_ = c->id;
    auto a = accounts_.Create(company_, {"taro", "Taro", "taro@example.jp", AccountKind::kAdmin},
                              hasher_.Hash(kPassword));
    ASSERT_TRUE(a);
    // The password an administrator chose is temporary: taro has chosen his own since.
    ASSERT_TRUE(accounts_.ChangeOwnPassword(a->id, hasher_.Hash(kPassword), SessionId{}));
    taro_ = *accounts_.GetSelf(a->id);
  }

  // One whole login as the API runs it.
  LoginOutcome Login(std::string_view login, std::string_view password, std::string company = "acme",
                     std::string client_ip = "192.0.2.1") {
    LoginRequest req{company.empty() ? std::nullopt : std::optional(company), std::string(login),
                     std::move(client_ip)};
    LoginAttempt attempt = login_.Begin(req);
    return login_.Complete(attempt, hasher_.Verify(attempt.hash_to_check, password));
  }

  static constexpr const char* kPassword = "correct-horse-42";
  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  ProviderScope provider_ = ProviderScope::ForCommandLine();
  PasswordHasher hasher_{{.ops_limit = 1, .mem_limit_bytes = 8192}};
  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  AccountRepository accounts_{tdb_.db(), clock_};
  SessionStore sessions_{tdb_.db(), clock_, SessionSettings{}};
  Totp totp_{tdb_.db(), clock_, SecretBox::FromKey(std::string(32, 'k'))};
  LoginService login_{tdb_.db(), clock_, hasher_, sessions_, LockoutSettings{}, TemporaryPasswordSettings{},
                      &totp_};
  CompanyId company_;
  Account taro_;
};

}  // namespace kanri::identity
