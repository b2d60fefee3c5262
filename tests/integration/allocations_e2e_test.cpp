// Device ownership end to end (issue 10): routers belong to a company only through the
// provider's allocation (仕向け). Another company cannot capture them with hand-made Informs,
// cannot tell from the answers which identities others hold, and the provider moves devices
// between companies with a record in both histories.
#include <gtest/gtest.h>

#include <thread>

#include "base/time.h"
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kBootUser[] = "bootstrap";
constexpr char kBootPassword[] = "Boot-strap-Secret-42";

// A hand-made Inform, as an attacker with the source would write it.
std::string Inform(const std::string& oui, const std::string& serial,
                   const std::string& event = "0 BOOTSTRAP") {
  return R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><cwmp:ID soap:mustUnderstand="1">1</cwmp:ID></soap:Header>
<soap:Body><cwmp:Inform><DeviceId><Manufacturer>Kanri Labs</Manufacturer><OUI>)" +
         oui + "</OUI><ProductClass>SimGateway</ProductClass><SerialNumber>" + serial +
         R"(</SerialNumber></DeviceId><Event><EventStruct><EventCode>)" + event +
         R"(</EventCode><CommandKey></CommandKey></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes>
<CurrentTime>2026-01-01T00:00:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList>
<ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><Value xsi:type="xsd:string">1.0</Value></ParameterValueStruct>
</ParameterList></cwmp:Inform></soap:Body></soap:Envelope>)";
}

std::string Basic(const std::string& user, const std::string& password) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) << 8 : 0) |
                       (i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return "Basic " + out;
}

class Ownership : public TenantTest {
 protected:
  explicit Ownership(std::vector<std::string> extra = {}) : TenantTest(Args(std::move(extra))) {}
  static std::vector<std::string> Args(std::vector<std::string> extra) {
    extra.push_back("--connection-request-allow-loopback");
    return extra;
  }

  void SetUp() override {
    TenantTest::SetUp();
    beta_id_ = Str(CreateCompany("BETA", "Beta"), "id");
    CreateCompanyAdmin(beta_id_, "bob", kAdminPassword);
    beta_ = LoginAs("BETA", "bob", kAdminPassword);
  }

  json::value Allocate(const std::string& company_id, const std::string& what) {
    auto r = site_admin().Post("/api/v1/allocations", R"({"company_id":")" + company_id + "\"," + what + "}");
    if (r.status != 201) throw std::runtime_error("allocate: " + r.Describe());
    return r.Json();
  }

  void Profile(HttpsClient& admin, const std::string& body) {
    auto r = admin.Post("/api/v1/profiles", body);
    if (r.status != 201) throw std::runtime_error("profile: " + r.Describe());
  }

  std::unique_ptr<SimProcess> StartSim(const std::string& prefix,
                                       const std::string& inform_interval = "3600") {
    return std::make_unique<SimProcess>(
        server().data_dir(),
        std::vector<std::string>{"--devices",
                                 "1",
                                 "--acs",
                                 "https://127.0.0.1:" + std::to_string(server().cwmp_port()) + "/",
                                 "--insecure",
                                 "--serial-prefix",
                                 prefix,
                                 "--oui",
                                 "00D09E",
                                 "--product-class",
                                 "SimGateway",
                                 "--username",
                                 kBootUser,
                                 "--password",
                                 kBootPassword,
                                 "--inform-interval",
                                 inform_interval,
                                 "--ramp-up",
                                 "0",
                                 "--cr-listen",
                                 "127.0.0.1:0"});
  }

  // Polls `client`'s device list until a device with `serial` is there and its first-contact
  // tasks are done; returns it.
  json::value WaitForDevice(HttpsClient& client, const std::string& serial,
                            std::chrono::seconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto list = client.Get("/api/v1/devices?q=" + serial);
      const json::value body =
          list.status == 200 ? list.Json() : json::value(json::object{{"items", json::array{}}});
      for (const auto& d : Member(body, "items").as_array())
        if (Str(d, "serial_number") == serial && Str(d, "credential_state") == "rotated") return d;
      std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("device " + serial + " did not join in time");
  }

  std::size_t DeviceCount(HttpsClient& client) {
    return Member(client.Get("/api/v1/devices").Json(), "items").as_array().size();
  }

  std::string beta_id_;
  std::unique_ptr<HttpsClient> beta_;
};

TEST_F(Ownership, SEC_8_DEV_1_AnotherCompanyCannotCaptureRoutersWithHandMadeInforms) {
  // ACME's routers SIM… are allocated to ACME; its profile has not been created yet, which was
  // the attacker's window.
  Allocate(company_a_id(), R"("oui":"00D09E","serial_prefix":"SIM")");
  // BETA, even with the provider's lab setting, claims every 00D09E router without a credential.
  ASSERT_EQ(
      site_admin().Patch("/api/v1/companies/" + beta_id_, R"({"allow_unauthenticated_devices":true})").status,
      200);
  Profile(*beta_, R"({"name":"everything","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  HttpsClient attacker{"127.0.0.1", server().cwmp_port()};
  for (const std::string serial : {"SIM000001", "SIM000002", "SIM000003"}) {
    attacker.ClearCookies();
    auto r = attacker.Post("/", Inform("00D09E", serial), {{"Content-Type", "text/xml"}});
    EXPECT_EQ(r.status, 401) << serial << ": " << r.body;
  }
  EXPECT_EQ(DeviceCount(*beta_), 0u);

  // The real router joins its owner once ACME has a profile, and BETA never sees it.
  Profile(admin_a(), R"({"name":"Sim gateways","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  auto sim = StartSim("SIM");
  const json::value device = WaitForDevice(admin_a(), "SIM000001");
  EXPECT_EQ(DeviceCount(*beta_), 0u);
  EXPECT_EQ(beta_->Get("/api/v1/devices/" + Str(device, "id")).status, 404);
  // The attacker's Informs for it, even with its serial, are still refused.
  attacker.ClearCookies();
  EXPECT_EQ(
      attacker.Post("/", Inform("00D09E", "SIM000001", "2 PERIODIC"), {{"Content-Type", "text/xml"}}).status,
      401);
  EXPECT_EQ(sim->Count("auth refused"), 0u) << sim->Stdout();
}

TEST_F(Ownership, SEC_8_EveryRefusalOnTheCwmpListenerIsTheSameAnswer) {
  Allocate(company_a_id(), R"("oui":"00D09E","serial_prefix":"SIM")");
  Allocate(beta_id_, R"("oui":"00D09E","serial_prefix":"BET")");
  Profile(admin_a(), R"({"name":"Sim gateways","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  auto sim = StartSim("SIM");
  WaitForDevice(admin_a(), "SIM000001");
  // From BETA's side: an unknown identity; one held by ACME; one covered by ACME's allocation;
  // one covered by BETA's own allocation but with a wrong credential; none at all.
  struct Try {
    std::string serial;
    std::optional<std::string> auth;
  };
  const std::vector<Try> tries{{"NOBODY001", std::nullopt},
                               {"SIM000001", std::nullopt},
                               {"SIM000001", Basic(kBootUser, "guess")},
                               {"SIM000777", Basic(kBootUser, "guess")},
                               {"BET000001", Basic(kBootUser, "guess")},
                               {"NOBODY001", Basic(kBootUser, kBootPassword)}};
  std::vector<Response> answers;
  for (const auto& t : tries) {
    HttpsClient attacker{"127.0.0.1", server().cwmp_port()};
    Headers h{{"Content-Type", "text/xml"}};
    if (t.auth) h.emplace_back("Authorization", *t.auth);
    answers.push_back(attacker.Post("/", Inform("00D09E", t.serial), h));
  }
  auto without_request_id = [](Headers h) {
    std::erase_if(h, [](const auto& kv) { return kv.first == "X-Request-Id"; });  // unique per answer
    return h;
  };
  for (std::size_t i = 0; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i].status, 401) << tries[i].serial;
    EXPECT_EQ(answers[i].body, answers[0].body) << tries[i].serial;
    EXPECT_EQ(without_request_id(answers[i].headers), without_request_id(answers[0].headers))
        << tries[i].serial;
  }
}

TEST_F(Ownership, DEV_1_SEC_8_TheProviderMovesADeviceBetweenCompaniesWithBothHistories) {
  const auto acme_allocation = Allocate(company_a_id(), R"("oui":"00D09E","serials":["MOV000001"])");
  Profile(admin_a(), R"({"name":"Sim gateways","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  Profile(*beta_, R"({"name":"Beta gateways","match":{"oui":"00D09E","product_class":"SimGateway"},
      "device_auth":{"mode":"rotate","username":"beta-boot","password":"Beta-strap-Secret-7"}})");
  auto sim = StartSim("MOV", "2");
  const json::value at_acme = WaitForDevice(admin_a(), "MOV000001");

  // Moved: withdrawn from ACME, given to BETA. The router keeps the unique credential Kanri gave
  // it and joins BETA at its next Inform; BETA's profile then rotates it again.
  ASSERT_EQ(site_admin().Delete("/api/v1/allocations/" + Str(acme_allocation, "id")).status, 204);
  Allocate(beta_id_, R"("oui":"00D09E","serials":["MOV000001"])");
  const json::value at_beta = WaitForDevice(*beta_, "MOV000001");
  EXPECT_NE(Str(at_beta, "id"), Str(at_acme, "id"));
  EXPECT_EQ(DeviceCount(admin_a()), 0u);
  EXPECT_EQ(admin_a().Get("/api/v1/devices/" + Str(at_acme, "id")).status, 404);

  auto acme_history = Member(admin_a().Get("/api/v1/audit?action=devices.detach").Json(), "items").as_array();
  ASSERT_EQ(acme_history.size(), 1u);
  EXPECT_EQ(json::serialize(acme_history[0]).find(beta_id_), std::string::npos) << "never where it went";
  auto withdrawn =
      Member(admin_a().Get("/api/v1/audit?action=allocations.withdrawn").Json(), "items").as_array();
  EXPECT_EQ(withdrawn.size(), 1u);
  auto beta_history = Member(beta_->Get("/api/v1/audit?action=devices.onboard").Json(), "items").as_array();
  EXPECT_EQ(beta_history.size(), 1u);
  EXPECT_EQ(Member(beta_->Get("/api/v1/audit?action=allocations.granted").Json(), "items").as_array().size(),
            1u);
}

TEST_F(Ownership, DEV_1_AllocationsAreTheProvidersAndACompanyReadsOnlyItsOwn) {
  // Only the provider allocates.
  auto denied =
      admin_a().Post("/api/v1/allocations", R"({"company_id":")" + company_a_id() + R"(","oui":"00D09E"})");
  EXPECT_EQ(denied.status, 403);
  const auto mine =
      Allocate(company_a_id(), R"("oui":"00d09e","serial_range":{"from":"ACM000001","to":"ACM000500"})");
  EXPECT_EQ(Str(mine, "oui"), "00D09E");
  const auto theirs = Allocate(beta_id_, R"("oui":"00D09E","serial_prefix":"BET","note":"Beta's shipment")");
  // Overlap with another company: 409 naming the allocation.
  auto overlap = site_admin().Post("/api/v1/allocations", R"({"company_id":")" + beta_id_ +
                                                              R"(","oui":"00D09E","serials":["ACM000042"]})");
  EXPECT_EQ(overlap.status, 409);
  EXPECT_EQ(ProblemCode(overlap), "allocation_overlap");
  EXPECT_NE(overlap.body.find(Str(mine, "id")), std::string::npos) << overlap.body;
  // Bad input: a clear error, nothing stored.
  auto bad = site_admin().Post(
      "/api/v1/allocations",
      R"({"company_id":")" + company_a_id() + R"(","oui":"00D09E","serial_range":{"from":"A10","to":"A9"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ProblemField(bad), "serial_range");

  // A company reads its own (profiles.read), never the other's.
  auto own = ListAll(admin_a(), "/api/v1/allocations");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(Str(own[0], "id"), Str(mine, "id"));
  EXPECT_EQ(admin_a().Get("/api/v1/allocations/" + Str(theirs, "id")).status, 404);
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/allocations?company_id=" + beta_id_).size(), 1u)
      << "the filter cannot reach another company";
  EXPECT_EQ(Member(admin_a().Get("/api/v1/allocations?q=BET001").Json(), "items").as_array().size(), 0u);
  EXPECT_EQ(admin_a().Delete("/api/v1/allocations/" + Str(mine, "id")).status, 403);
  // The provider searches by serial.
  auto found = Member(site_admin().Get("/api/v1/allocations?q=ACM000100").Json(), "items").as_array();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Str(found[0], "id"), Str(mine, "id"));
}

TEST_F(Ownership, DEV_1_CsvImportIsAllOrNothingWithAPerLineReport) {
  Allocate(beta_id_, R"("oui":"00D09E","serial_prefix":"BET")");
  const Headers csv{{"Content-Type", "text/csv"}};
  const std::string bad =
      "\xEF\xBB\xBF"
      "company_code,oui,product_class,serial\r\n"
      "ACME,00D09E,SimGateway,SHIP0001\r\n"
      "NOPE,00D09E,SimGateway,SHIP0002\r\n"
      "ACME,00D09E,SimGateway,BET0009\r\n"
      "ACME,00D09E\r\n";
  auto r = site_admin().Post("/api/v1/allocations/import", bad, csv);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(ProblemCode(r), "import_invalid");
  auto errors = Member(r.Json(), "errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << r.body;  // a malformed line is reported before the lines are checked
  EXPECT_EQ(Member(errors[0], "line").as_int64(), 5);
  EXPECT_EQ(ListAll(site_admin(), "/api/v1/allocations?company_id=" + company_a_id()).size(), 0u);
  const std::string bad_lines =
      "ACME,00D09E,SimGateway,SHIP0001\n"
      "NOPE,00D09E,SimGateway,SHIP0002\n"
      "ACME,00D09E,SimGateway,BET0009\n";
  r = site_admin().Post("/api/v1/allocations/import", bad_lines, csv);
  EXPECT_EQ(r.status, 409) << r.body;
  errors = Member(r.Json(), "errors").as_array();
  ASSERT_EQ(errors.size(), 2u) << r.body;
  EXPECT_EQ(Member(errors[0], "line").as_int64(), 2);
  EXPECT_EQ(Str(errors[0], "code"), "unknown_company");
  EXPECT_EQ(Member(errors[1], "line").as_int64(), 3);
  EXPECT_EQ(Str(errors[1], "code"), "allocation_overlap");
  EXPECT_EQ(ListAll(site_admin(), "/api/v1/allocations?company_id=" + company_a_id()).size(), 0u);

  r = site_admin().Post("/api/v1/allocations/import",
                        "ACME,00D09E,SimGateway,SHIP0001\nacme,00d09e,SimGateway,SHIP0002\n", csv);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Member(r.Json(), "serials").as_int64(), 2);
  auto own = ListAll(admin_a(), "/api/v1/allocations");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(Member(own[0], "serial_count").as_int64(), 2);
}

TEST_F(Ownership, DEV_1_ARefusedDeviceAllocatedFromTheListJoinsAtItsNextInform) {
  Profile(admin_a(), R"({"name":"Sim gateways","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  auto sim = StartSim("NEW", "2");
  sim->WaitFor("auth refused", {{"serial", "NEW000001"}});
  auto refused = Member(site_admin().Get("/api/v1/refused-devices").Json(), "items").as_array();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(Str(refused[0], "reason"), "unallocated");
  Allocate(company_a_id(), R"("oui":")" + Str(refused[0], "oui") + R"(","product_class":")" +
                               Str(refused[0], "product_class") + R"(","serials":[")" +
                               Str(refused[0], "serial_number") + R"("])");
  WaitForDevice(admin_a(), "NEW000001");
  EXPECT_TRUE(Member(site_admin().Get("/api/v1/refused-devices").Json(), "items").as_array().empty());
}

// DATA-6: the jobs run every second, and the test clock moves the service through the grace.
class ContractEnd : public Ownership {
 protected:
  ContractEnd() : Ownership({"--job-tick", "1s"}) {}

  json::value Company(const std::string& id) {
    return fresh_site_admin().Get("/api/v1/companies/" + id).Json();
  }
  // Waits until `done` holds (the daily job runs at the scheduler's next tick).
  template <typename Done>
  void WaitUntil(Done done, const std::string& what) {
    for (int i = 0; i < 150 && !done(); ++i) std::this_thread::sleep_for(200ms);
    ASSERT_TRUE(done()) << what;
  }
  json::array Unassigned() {
    return Member(fresh_site_admin().Get("/api/v1/unassigned-devices").Json(), "items").as_array();
  }
};

TEST_F(ContractEnd, DATA_6_AnEndedCompanyIsDeletedInStepsAndItsStillConnectingDeviceIsKeptDetached) {
  Allocate(company_a_id(), R"("oui":"00D09E","serial_prefix":"END")");
  Profile(admin_a(), R"({"name":"Sim gateways","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  auto sim = StartSim("END", "1");
  const std::string device_id = Str(WaitForDevice(admin_a(), "END000001"), "id");

  // The contract's last day was yesterday (JST).
  const std::string yesterday = Date::FromTimestampJst(SystemClock{}.Now() - std::chrono::days{1}).ToString();
  auto patch = fresh_site_admin().Patch("/api/v1/companies/" + company_a_id(),
                                        R"({"contract_end":")" + yesterday + "\"}");
  ASSERT_EQ(patch.status, 200) << patch.Describe();
  const json::value schedule = Member(patch.Json(), "deletion_schedule");
  ASSERT_TRUE(schedule.is_object()) << patch.body;
  EXPECT_NE(Str(schedule, "company_at_jst").find("JST"), std::string::npos);
  EXPECT_EQ(Member(patch.Json(), "deletion_stage").as_int64(), 0);

  // Its profiles onboard no new device; the ones it has keep working.
  auto newcomer = StartSim("ENDNEW", "3600");
  WaitUntil(
      [&] {
        const json::value refused = fresh_site_admin().Get("/api/v1/refused-devices").Json();
        for (const auto& d : Member(refused, "items").as_array())
          if (Str(d, "serial_number") == "ENDNEW000001") return Str(d, "reason") == "contract_ended";
        return false;
      },
      "the new device is refused as contract_ended");
  const std::size_t sessions = sim->Count("session done");
  sim->WaitFor("session done", {}, "", sessions + 2);

  // A third of the 30 days' grace later: the accounts are gone.
  server().AdvanceClock(std::chrono::days{10} + 1h);
  WaitUntil([&] { return Member(Company(company_a_id()), "deletion_stage").as_int64() == 1; },
            "accounts step");
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kAdminPassword).status, 401);
  EXPECT_EQ(admin_a().Get("/api/v1/session").status, 401) << "its sessions ended";
  // Deleted data does not come back with a new end date.
  auto renew =
      fresh_site_admin().Patch("/api/v1/companies/" + company_a_id(), R"({"contract_end":"2099-12-31"})");
  EXPECT_EQ(renew.status, 409);
  EXPECT_EQ(ProblemCode(renew), "deletion_in_progress");

  // Two thirds: the configuration goes and the device is detached, with its information.
  server().AdvanceClock(std::chrono::days{10});
  WaitUntil([&] { return Member(Company(company_a_id()), "deletion_stage").as_int64() == 2; },
            "configuration step");
  json::array unassigned = Unassigned();
  ASSERT_EQ(unassigned.size(), 1u);
  EXPECT_EQ(Str(unassigned[0], "id"), device_id);
  EXPECT_EQ(Str(unassigned[0], "serial_number"), "END000001");
  EXPECT_EQ(Str(unassigned[0], "former_company_code"), kCompanyACode);
  EXPECT_TRUE(
      Member(fresh_site_admin().Get("/api/v1/allocations?company_id=" + company_a_id()).Json(), "items")
          .as_array()
          .empty());
  // It keeps contacting the service (refused now): its last contact moves on.
  const std::string detached_contact = Str(unassigned[0], "last_contact_at");
  WaitUntil([&] { return Str(Unassigned()[0], "last_contact_at") > detached_contact; },
            "the contact moves on");

  // The end: the company is gone; its device stays detached.
  server().AdvanceClock(std::chrono::days{10});
  WaitUntil([&] { return fresh_site_admin().Get("/api/v1/companies/" + company_a_id()).status == 404; },
            "company step");
  EXPECT_EQ(Unassigned().size(), 1u);
  auto steps = ListAll(fresh_site_admin(), "/api/v1/audit?action=company.contract_end_step");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_NE(json::serialize(steps[1]).find("devices_detached"), std::string::npos);
  // The code is free for a new contract, which starts empty.
  const std::string again = Str(CreateCompany(kCompanyACode, "Acme again"), "id");
  EXPECT_NE(again, company_a_id());
  EXPECT_TRUE(Member(fresh_site_admin().Get("/api/v1/allocations?company_id=" + again).Json(), "items")
                  .as_array()
                  .empty())
      << "nothing of the old company reaches the new one";
  EXPECT_EQ(Unassigned().size(), 1u);
}

}  // namespace
}  // namespace kanri::testing
