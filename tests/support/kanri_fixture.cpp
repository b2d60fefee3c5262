#include "support/kanri_fixture.h"

#include <liboath/oath.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace kanri::testing {

std::string LoginBody(const std::string& company, const std::string& login, const std::string& password) {
  json::object body;
  if (!company.empty()) body["company"] = company;
  body["login"] = login;
  body["password"] = password;
  return json::serialize(body);
}

const json::value& Member(const json::value& v, std::string_view key) {
  const json::object* o = v.if_object();
  if (o == nullptr) throw std::runtime_error("not a JSON object: " + json::serialize(v));
  const json::value* m = o->if_contains(key);
  if (m == nullptr) throw std::runtime_error("no \"" + std::string(key) + "\" in " + json::serialize(v));
  return *m;
}

std::string Str(const json::value& v, std::string_view key) {
  const json::value& m = Member(v, key);
  if (!m.is_string())
    throw std::runtime_error("\"" + std::string(key) + "\" is not a string in " + json::serialize(v));
  return std::string(m.as_string());
}

namespace {
std::string ProblemMember(const Response& r, std::string_view key) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return "";
  const json::value* m = v.as_object().if_contains(key);
  if (m == nullptr || !m->is_string()) return "";
  return std::string(m->as_string());
}
}  // namespace

std::string ProblemCode(const Response& r) {
  return ProblemMember(r, "code");
}
std::string ProblemField(const Response& r) {
  return ProblemMember(r, "field");
}

std::vector<std::string> FilesContaining(const std::string& dir, std::string_view needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string content = ReadFile(entry.path().string());
    if (content.find(needle) != std::string::npos) out.push_back(entry.path().string());
  }
  return out;
}

std::optional<std::chrono::sys_time<std::chrono::milliseconds>> ParseApiTime(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS.mmmZ": digits everywhere except these positions.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    bool ok = kShape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
    if (!ok) return std::nullopt;
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                  std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                  std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  if (!ymd.ok() || num(11, 2) > 23 || num(14, 2) > 59 || num(17, 2) > 60) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{num(11, 2)} + std::chrono::minutes{num(14, 2)} +
         std::chrono::seconds{num(17, 2)} + std::chrono::milliseconds{num(20, 3)};
}

std::string TotpCode(const std::string& secret_base32, int offset) {
  static const int init = oath_init();
  if (init != OATH_OK) throw std::runtime_error("liboath failed to initialise");
  char* seed = nullptr;
  std::size_t seed_len = 0;
  if (oath_base32_decode(secret_base32.data(), secret_base32.size(), &seed, &seed_len) != OATH_OK)
    throw std::runtime_error("not a base32 secret: " + secret_base32);
  char out[7] = {};
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) + offset * 30;
  const int rc = oath_totp_generate(seed, seed_len, now, 30, 0, 6, out);
  std::free(seed);
  if (rc != OATH_OK) throw std::runtime_error("TOTP generation failed");
  return out;
}

std::string ApiTimeInDays(int days) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::days{days});
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::vector<json::value> ListAll(HttpsClient& client, const std::string& path, int limit) {
  std::vector<json::value> items;
  std::string cursor;
  for (int page = 0; page < 10000; ++page) {
    std::string target =
        path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=" + std::to_string(limit);
    if (!cursor.empty()) target += "&cursor=" + cursor;
    Response r = client.Get(target);
    if (r.status != 200) throw std::runtime_error("GET " + target + ": " + r.Describe());
    json::value v = r.Json();
    for (const auto& item : Member(v, "items").as_array()) items.push_back(item);
    const json::value& next = Member(v, "next_cursor");
    if (next.is_null()) return items;
    cursor = std::string(next.as_string());
  }
  throw std::runtime_error("pagination of " + path + " did not end");
}

void ServerTest::SetUp() {
  server_ = std::make_unique<KanriProcess>();
  server_->Start(server_args_);
}

void ServerTest::TearDown() {
  if (!server_) return;
  if (HasFailure()) {
    std::string logs = server_->Logs();
    constexpr std::size_t kTail = 8000;
    if (logs.size() > kTail) logs = "..." + logs.substr(logs.size() - kTail);
    std::fprintf(stderr, "=== kanri logs (data dir %s) ===\n%s\n", server_->data_dir().c_str(), logs.c_str());
  }
  if (server_->running()) {
    try {
      server_->Stop();
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
  server_.reset();
}

std::unique_ptr<HttpsClient> ServerTest::NewClient() {
  return std::make_unique<HttpsClient>("127.0.0.1", server_->api_port());
}

Response ServerTest::TryLogin(HttpsClient& client, const std::string& company, const std::string& login,
                              const std::string& password) {
  return client.Post("/api/v1/session", LoginBody(company, login, password));
}

std::unique_ptr<HttpsClient> ServerTest::LoginAs(const std::string& company, const std::string& login,
                                                 const std::string& password) {
  auto client = NewClient();
  Response r = TryLogin(*client, company, login, password);
  if (r.status != 200) {
    throw std::runtime_error("login as " + company + "/" + login + " failed: " + r.Describe());
  }
  client->SetDefaultHeader("X-CSRF-Token", Str(r.Json(), "csrf_token"));
  return client;
}

void TenantTest::SetUp() {
  ServerTest::SetUp();
  CliResult boot = server().Bootstrap(kSiteAdminLogin, kSiteAdminPassword);
  if (boot.exit_code != 0) throw std::runtime_error("admin bootstrap failed: " + boot.Describe());
  site_admin_ = LoginAs("", kSiteAdminLogin, kSiteAdminPassword);
  company_a_id_ = Str(CreateCompany(kCompanyACode, "Acme Corporation"), "id");
  admin_a_id_ = Str(CreateCompanyAdmin(company_a_id_, kAdminALogin, kAdminPassword), "id");
}

HttpsClient& TenantTest::fresh_site_admin() {
  bool live = false;
  try {
    live = site_admin_->Get("/api/v1/session").status == 200;
  } catch (const std::exception&) {  // a restarted server listens on another port
  }
  if (!live) site_admin_ = LoginAs("", kSiteAdminLogin, kSiteAdminPassword);
  return *site_admin_;
}

HttpsClient& TenantTest::admin_a() {
  if (!admin_a_) admin_a_ = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  return *admin_a_;
}

json::object TenantTest::CreateCompany(const std::string& code, const std::string& name) {
  json::object body{{"code", code}, {"name", name}, {"contract_start", "2025-01-01"}};
  Response r = site_admin().Post("/api/v1/companies", json::serialize(body));
  if (r.status != 201) throw std::runtime_error("create company " + code + ": " + r.Describe());
  return r.Json().as_object();
}

json::object TenantTest::CreateCompanyAdmin(const std::string& company_id, const std::string& login,
                                            const std::string& password) {
  json::object body{{"login", login},
                    {"name", "Admin " + login},
                    {"email", login + "@example.com"},
                    {"password", InitialPassword(password)}};
  Response r =
      site_admin().Post("/api/v1/companies/" + company_id + "/administrators", json::serialize(body));
  if (r.status != 201) throw std::runtime_error("create administrator " + login + ": " + r.Describe());
  ChangeInitialPassword(company_id, login, password);
  return r.Json().as_object();
}

json::object TenantTest::CreateAccount(HttpsClient& admin, const std::string& login, const std::string& kind,
                                       const std::string& password) {
  json::object body{{"login", login},
                    {"name", "User " + login},
                    {"email", login + "@example.com"},
                    {"kind", kind},
                    {"password", InitialPassword(password)}};
  Response r = admin.Post("/api/v1/accounts", json::serialize(body));
  if (r.status != 201) throw std::runtime_error("create account " + login + ": " + r.Describe());
  ChangeInitialPassword(Str(r.Json(), "company_id"), login, password);
  return r.Json().as_object();
}

std::string TenantTest::InitialPassword(const std::string& password) {
  return "Initial-" + password;
}

void TenantTest::ChangeInitialPassword(const std::string& company_id, const std::string& login,
                                       const std::string& password) {
  const std::string code = Str(fresh_site_admin().Get("/api/v1/companies/" + company_id).Json(), "code");
  auto client = LoginAs(code, login, InitialPassword(password));
  json::object change{{"current", InitialPassword(password)}, {"new", password}};
  Response r = client->Put("/api/v1/session/password", json::serialize(change));
  if (r.status != 204 && r.status != 200)
    throw std::runtime_error("first password change of " + login + ": " + r.Describe());
}

}  // namespace kanri::testing
