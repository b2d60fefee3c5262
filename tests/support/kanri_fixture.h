// gtest fixtures for the end-to-end tests: every test gets its own `kanri serve` process with a
// fresh data dir.
//
//   class Sessions : public TenantTest {};
//   TEST_F(Sessions, SEC_3_Something) {
//     auto alice = LoginAs("ACME", "alice", kAdminPassword);   // company administrator
//     EXPECT_EQ(alice->Get("/api/v1/session").status, 200);
//     server().AdvanceClock(std::chrono::minutes{60});
//   }
//
// ServerTest only starts the server. TenantTest also bootstraps a site administrator (logged in
// as site_admin()) and creates company "ACME" (company_a()) with its first administrator "alice".
// A fixture that needs other server flags passes them to the constructor:
//
//   class Throttle : public TenantTest {
//    protected:
//     Throttle() : TenantTest({"--login-ip-max-failures", "3"}) {}
//   };
//
// Helpers that cannot continue throw std::runtime_error, which gtest reports as a failure.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/https_client.h"
#include "support/kanri_process.h"

namespace kanri::testing {

namespace json = boost::json;

// Passwords used by the fixtures: long, not in any common-password list, unlike each login.
inline constexpr char kSiteAdminLogin[] = "root-operator";
inline constexpr char kSiteAdminPassword[] = "Vq8-tundra-Lilac-41";
inline constexpr char kCompanyACode[] = "ACME";
inline constexpr char kAdminALogin[] = "alice";
inline constexpr char kAdminPassword[] = "Bx3-harbor-Quill-77";

// The body of POST /api/v1/session; an empty company means a site administrator (no "company").
std::string LoginBody(const std::string& company, const std::string& login, const std::string& password);

// The string member `key` of a JSON object value; throws when missing or not a string.
std::string Str(const json::value& v, std::string_view key);
// `key` of a JSON object value; throws when missing.
const json::value& Member(const json::value& v, std::string_view key);
// The "code" of a problem+json response, or "" when the body is not one.
std::string ProblemCode(const Response& r);
std::string ProblemField(const Response& r);

// Every regular file under `dir` (recursively) whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, std::string_view needle);

// Parses the API's time format "2025-03-09T15:30:00.000Z" (UTC, milliseconds); nullopt otherwise.
std::optional<std::chrono::sys_time<std::chrono::milliseconds>> ParseApiTime(std::string_view text);

// The API's time format (UTC), `days` from now by this machine's clock (for expiry fields; the
// server's clock offset is not added).
std::string ApiTimeInDays(int days);

// The current TOTP code (RFC 6238, 6 digits, 30 s) of a base32 secret, `offset` steps away, as an
// authenticator app would show it (computed with liboath).
std::string TotpCode(const std::string& secret_base32, int offset = 0);

// Lists every item of a paginated collection by following next_cursor (limit per page).
std::vector<json::value> ListAll(HttpsClient& client, const std::string& path, int limit = 100);

class ServerTest : public ::testing::Test {
 protected:
  explicit ServerTest(std::vector<std::string> server_args = {}) : server_args_(std::move(server_args)) {}
  void SetUp() override;
  void TearDown() override;

  KanriProcess& server() { return *server_; }
  const std::vector<std::string>& server_args() const { return server_args_; }
  std::unique_ptr<HttpsClient> NewClient();

  // POST /api/v1/session on `client`; returns the raw response.
  Response TryLogin(HttpsClient& client, const std::string& company, const std::string& login,
                    const std::string& password);
  // Logs in on a new client; throws unless 200. The client then sends the session's CSRF token
  // on every request (header X-CSRF-Token).
  std::unique_ptr<HttpsClient> LoginAs(const std::string& company, const std::string& login,
                                       const std::string& password);

 private:
  std::vector<std::string> server_args_;
  std::unique_ptr<KanriProcess> server_;
};

class TenantTest : public ServerTest {
 protected:
  using ServerTest::ServerTest;
  void SetUp() override;

  HttpsClient& site_admin() { return *site_admin_; }
  // The same, logged in again first when its session ended (the test clock moved past the idle
  // timeout) or the server was restarted.
  HttpsClient& fresh_site_admin();
  const std::string& company_a_id() const { return company_a_id_; }
  const std::string& admin_a_id() const { return admin_a_id_; }
  // The company administrator of ACME, logged in on first use.
  HttpsClient& admin_a();

  // Site administrator: creates a company (contract from 2025-01-01) and returns it; throws unless 201.
  json::object CreateCompany(const std::string& code, const std::string& name);
  // Site administrator: creates the company's first administrator; throws unless 201.
  // A new account's password is temporary (issue 18): these helpers create it with
  // InitialPassword(password) and make its first login change it to `password`, as its owner
  // would, so that tests log in with `password`.
  json::object CreateCompanyAdmin(const std::string& company_id, const std::string& login,
                                  const std::string& password);
  // Company administrator `admin`: creates an account of `kind` ("admin" | "general"); throws unless 201.
  json::object CreateAccount(HttpsClient& admin, const std::string& login, const std::string& kind,
                             const std::string& password);
  static std::string InitialPassword(const std::string& password);
  void ChangeInitialPassword(const std::string& company_id, const std::string& login,
                             const std::string& password);

 private:
  std::unique_ptr<HttpsClient> site_admin_;
  std::unique_ptr<HttpsClient> admin_a_;
  std::string company_a_id_;
  std::string admin_a_id_;
};

}  // namespace kanri::testing
