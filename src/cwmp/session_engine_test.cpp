// The CWMP session engine against a real (temporary) database, driven by a scripted CPE:
// onboarding through profiles, credential rotation, version negotiation, tasks, bad input.
#include "cwmp/session_engine.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <sstream>

#include "audit/history_writer.h"
#include "base/crypto.h"
#include "db/test_database.h"
#include "devices/allocations.h"
#include "devices/profiles.h"
#include "devices/refused.h"
#include "devices/tasks.h"
#include "tenancy/companies.h"

namespace kanri::cwmp {
namespace {

namespace asio = boost::asio;

std::string InformXml(const std::string& serial, const std::string& events,
                      const std::string& ns = "cwmp-1-2", const std::string& extra_header = "",
                      const std::string& software = "1.0.0") {
  return R"(<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:)" +
         ns + R"(">
<soap:Header><cwmp:ID soap:mustUnderstand="1">inform-1</cwmp:ID>)" +
         extra_header + R"(</soap:Header>
<soap:Body><cwmp:Inform>
<DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI><ProductClass>IGD</ProductClass><SerialNumber>)" +
         serial + R"(</SerialNumber></DeviceId>
<Event soapenc:arrayType="cwmp:EventStruct[9]">)" +
         events + R"(</Event>
<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2025-04-01T00:00:00Z</CurrentTime><RetryCount>0</RetryCount>
<ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[3]">
<ParameterValueStruct><Name>Device.DeviceInfo.ModelName</Name><Value xsi:type="xsd:string">Router X</Value></ParameterValueStruct>
<ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><Value xsi:type="xsd:string">)" +
         software + R"(</Value></ParameterValueStruct>
<ParameterValueStruct><Name>Device.ManagementServer.ConnectionRequestURL</Name><Value xsi:type="xsd:string">http://192.0.2.7:7547/cr</Value></ParameterValueStruct>
<ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><Value xsi:type="xsd:unsignedInt">300</Value></ParameterValueStruct>
</ParameterList></cwmp:Inform></soap:Body></soap:Envelope>)";
}

std::string Event(const std::string& code, const std::string& key = "") {
  return "<EventStruct><EventCode>" + code + "</EventCode><CommandKey>" + key + "</CommandKey></EventStruct>";
}

std::string Body(const std::string& body_xml, const std::string& id) {
  return R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><cwmp:ID soap:mustUnderstand="1">)" +
         id + "</cwmp:ID></soap:Header><soap:Body>" + body_xml + "</soap:Body></soap:Envelope>";
}

// A writable parameter as GetParameterNamesResponse lists it.
std::string Writable(const std::string& name) {
  return "<ParameterInfoStruct><Name>" + name + "</Name><Writable>1</Writable></ParameterInfoStruct>";
}

// The local name of the RPC in an ACS message, its cwmp:ID, and the document.
struct Rpc {
  std::string name, id;
  pugi::xml_document doc;
  std::string Text(const char* local) const {
    for (auto n : doc.select_nodes(("//*[local-name()='" + std::string(local) + "']").c_str()))
      return n.node().text().as_string();
    return "";
  }
  // SetParameterValues: name -> value.
  std::map<std::string, std::string> Values() const {
    std::map<std::string, std::string> out;
    for (auto n : doc.select_nodes("//*[local-name()='ParameterValueStruct']"))
      out[n.node().select_node("*[local-name()='Name']").node().text().as_string()] =
          n.node().select_node("*[local-name()='Value']").node().text().as_string();
    return out;
  }
};
Rpc ParseRpc(const std::string& xml) {
  Rpc r;
  r.doc.load_string(xml.c_str());
  auto body = r.doc.select_node("//*[local-name()='Body']").node();
  std::string name = body.first_child().name();
  r.name = name.substr(name.find(':') + 1);
  r.id = r.doc.select_node("//*[local-name()='ID']").node().text().as_string();
  return r;
}

class SessionEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    acme_ = companies_
                .Create(ProviderScope::ForCommandLine(),
                        {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt})
                ->id;
    beta_ = companies_
                .Create(ProviderScope::ForCommandLine(),
                        {"beta", "Beta", *Date::Parse("2025-01-01"), std::nullopt})
                ->id;
    // The provider's allocation: OUI 00D09E serials SN… are Acme's. Both companies may run
    // lab profiles without a credential.
    acme_allocation_ = Allocate(acme_, "SN");
    for (const auto& c : {acme_, beta_})
      ASSERT_TRUE(
          companies_.Update(ProviderScope::ForCommandLine(), c, {.allow_unauthenticated_devices = true}));
  }

  AllocationId Allocate(const CompanyId& company, const std::string& prefix) {
    auto a =
        allocations_.Create(ProviderScope::ForCommandLine(),
                            {.company_id = company, .oui = "00d09e", .serial_prefix = prefix}, "provider");
    EXPECT_TRUE(a) << a.error().message;
    return a->id;
  }

  devices::Profile AddProfile(const CompanyId& company, devices::NewProfile p) {
    auto r = profiles_.Create(company, p);
    EXPECT_TRUE(r) << r.error().message;
    return *r;
  }

  http::HttpResponse Post(const std::string& body, std::optional<std::string> authorization = std::nullopt,
                          std::uint64_t connection = 1) {
    http::HttpRequest r;
    r.method = "POST";
    r.target = r.path = "/";
    r.body = body;
    r.client_ip = "192.0.2.7";
    r.connection_id = connection;
    r.headers.emplace_back("host", "acs.example:7547");
    if (authorization) r.headers.emplace_back("authorization", *authorization);
    if (!cookie_.empty()) r.headers.emplace_back("cookie", cookie_);
    std::optional<http::HttpResponse> out;
    std::exception_ptr error;
    asio::co_spawn(io_, engine_.Handle(r), [&](std::exception_ptr e, http::HttpResponse resp) {
      error = e;
      out = std::move(resp);
    });
    io_.restart();
    io_.run();
    if (error) std::rethrow_exception(error);
    for (const auto& [k, v] : out->headers)
      if (k == "Set-Cookie") cookie_ = v.substr(0, v.find(';'));
    return *out;
  }

  std::string Basic(const std::string& u, const std::string& p) {
    return "Basic " + Base64Encode(u + ":" + p);
  }

  long long Count(const std::string& sql) {
    long long n = 0;
    auto lease = tdb_.db().Acquire();
    lease.sql() << sql, soci::into(n);
    return n;
  }

  // Answers the queued RPCs like a CPE would, until 204; returns the RPC names seen.
  std::vector<std::string> RunQueuedTasks(std::map<std::string, std::string>* set_values = nullptr) {
    std::vector<std::string> seen;
    auto response = Post("");
    while (response.status == 200) {
      Rpc rpc = ParseRpc(response.body);
      seen.push_back(rpc.name);
      std::string answer;
      if (rpc.name == "SetParameterValues") {
        if (set_values)
          for (auto& [k, v] : rpc.Values()) (*set_values)[k] = v;
        answer = "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>";
      } else if (rpc.name == "GetParameterNames") {
        answer = R"(<cwmp:GetParameterNamesResponse><ParameterList>
<ParameterInfoStruct><Name>Device.DeviceInfo.ModelName</Name><Writable>0</Writable></ParameterInfoStruct>
<ParameterInfoStruct><Name>Device.WiFi.SSID.1.SSID</Name><Writable>1</Writable></ParameterInfoStruct>)" +
                 extra_names_ + "</ParameterList></cwmp:GetParameterNamesResponse>";
      } else if (rpc.name == "GetParameterValues") {
        answer = R"(<cwmp:GetParameterValuesResponse><ParameterList>
<ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name><Value xsi:type="xsd:string">home</Value></ParameterValueStruct>)" +
                 extra_values_ + "</ParameterList></cwmp:GetParameterValuesResponse>";
      } else if (rpc.name == "Reboot") {
        answer = "<cwmp:RebootResponse/>";
      } else {
        answer = R"(<soap:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail>
<cwmp:Fault><FaultCode>9000</FaultCode><FaultString>Method not supported</FaultString></cwmp:Fault></detail></soap:Fault>)";
      }
      response = Post(Body(answer, rpc.id));
    }
    EXPECT_EQ(response.status, 204) << response.body;
    return seen;
  }

  // More writable parameters the fake CPE's GetParameterNames reports (ParameterInfoStructs),
  // and more values its GetParameterValues answers with (ParameterValueStructs).
  std::string extra_names_;
  std::string extra_values_;
  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  devices::DeviceSecrets secrets_ = devices::DeviceSecrets::FromKey(std::string(32, 'k'));
  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  devices::ProfileRepository profiles_{tdb_.db(), clock_, secrets_};
  devices::RefusedDeviceRepository refused_{tdb_.db(), clock_};
  devices::AllocationRepository allocations_{tdb_.db(), clock_};
  devices::TaskRepository tasks_{tdb_.db(), clock_};
  devices::DesiredConfig desired_{tdb_.db(), clock_};
  // Batches of two names, so that a transcript of a few parameters shows the full read's batches.
  devices::TaskFlow task_flow_{tdb_.db(), clock_, secrets_, {.read_batch = 2}};
  devices::ParameterStore parameters_{tdb_.db(), clock_};
  devices::DeviceAdmission admission_{tdb_.db(),
                                      clock_,
                                      secrets_,
                                      allocations_,
                                      profiles_,
                                      task_flow_,
                                      parameters_,
                                      [this](const devices::RefusedDevice& r) {
                                        refused_.Record(r.oui, r.product_class, r.serial_number, r.source_ip,
                                                        r.reason, r.last_at);
                                      },
                                      {},
                                      "node-test"};
  db::WorkerPool pool_{"db", 2, 64};
  std::vector<audit::OperationRecord> history_;
  bool fail_history_ = false;
  SessionEngine engine_{{admission_, task_flow_, parameters_},
                        pool_,
                        clock_,
                        [this](audit::OperationRecord r) -> asio::awaitable<void> {
                          if (fail_history_) throw audit::HistoryUnavailable("the history is down");
                          history_.push_back(r);
                          co_return;
                        },
                        {},
                        std::nullopt};
  asio::io_context io_;
  std::string cookie_;
  CompanyId acme_, beta_;
  AllocationId acme_allocation_;
};

devices::NewProfile RotateProfile(std::string name = "acme routers") {
  devices::NewProfile p;
  p.name = std::move(name);
  p.match.oui = "00D09E";
  p.auth_mode = devices::AuthMode::kRotate;
  p.auth_username = "boot";
  p.auth_password = "bootstrap-secret";
  return p;
}

// A lab profile: devices authenticate with nothing.
devices::NewProfile OpenProfile() {
  auto p = RotateProfile("lab");
  p.auth_mode = devices::AuthMode::kNone;
  p.auth_username.clear();
  p.auth_password.clear();
  return p;
}

// The id of the only device.
std::string OnlyDeviceId(db::Database& db) {
  std::string id;
  auto lease = db.Acquire();
  lease.sql() << "SELECT id FROM devices", soci::into(id);
  return id;
}

TEST_F(SessionEngineTest, DEV_1_SEC_8_DeviceNoAllocationCoversIsRefusedListedAndCostsNoWrite) {
  AddProfile(acme_, OpenProfile());  // matches every 00D09E serial, but Acme owns only SN…
  const auto writes = tdb_.db().write_transactions();
  auto r = Post(InformXml("XX1", Event("0 BOOTSTRAP") + Event("1 BOOT")), Basic("boot", "bootstrap-secret"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(tdb_.db().write_transactions(), writes) << "a refused Inform is answered from reads alone";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 0);
  refused_.Flush();
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM refused_devices WHERE serial_number = 'XX1' AND reason = 'unallocated'"),
      1);
}

TEST_F(SessionEngineTest, DEV_1_SEC_8_AnotherCompanysProfileNeverAttachesAnAllocatedDevice) {
  // Beta claims every 00D09E router with a lab profile: Acme's allocated SN1 is not Beta's.
  AddProfile(beta_, OpenProfile());
  auto r = Post(InformXml("SN1", Event("0 BOOTSTRAP")));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 0);
  refused_.Flush();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refused_devices WHERE reason = 'no_profile'"), 1);
  // Once Acme has a profile, its router joins Acme, and the refusal leaves the list.
  AddProfile(acme_, RotateProfile());
  cookie_.clear();
  r = Post(InformXml("SN1", Event("0 BOOTSTRAP")), Basic("boot", "bootstrap-secret"), 2);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE company_id = '" + acme_.value() + "'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refused_devices"), 0);
}

TEST_F(SessionEngineTest, DEV_1_TwoEquallyGoodProfilesOfTheCompanyAreAmbiguous) {
  AddProfile(acme_, RotateProfile());
  AddProfile(acme_, RotateProfile("also every 00D09E router"));
  auto r = Post(InformXml("SN1", Event("0 BOOTSTRAP")), Basic("boot", "bootstrap-secret"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 0);
  refused_.Flush();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refused_devices WHERE reason = 'ambiguous'"), 1);
}

TEST_F(SessionEngineTest, DEV_1_SEC_8_ReallocatedDeviceLeavesItsCompanyAndJoinsTheNewOne) {
  AddProfile(acme_, OpenProfile());
  AddProfile(beta_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  const std::string acme_device = OnlyDeviceId(tdb_.db());
  // The provider moves SN1 to Beta. Even a periodic Inform that changed nothing takes the full
  // path, where ownership is checked.
  ASSERT_TRUE(allocations_.Delete(ProviderScope::ForCommandLine(), acme_allocation_));
  Allocate(beta_, "SN1");
  cookie_.clear();
  history_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE id = '" + acme_device + "'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE device_id = '" + acme_device + "'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE company_id = '" + beta_.value() + "'"), 1);
  bool detached_for_acme = false, onboarded_for_beta = false;
  for (const auto& h : history_) {
    detached_for_acme |= h.action == "devices.detach" && h.company == acme_ && h.target_id == acme_device;
    onboarded_for_beta |= h.action == "devices.onboard" && h.company == beta_;
  }
  EXPECT_TRUE(detached_for_acme);
  EXPECT_TRUE(onboarded_for_beta);
  // Withdrawn without a new owner: it leaves Beta too and is refused.
  RunQueuedTasks();
  for (const auto& a : allocations_.List(beta_, {}, {.limit = 10}).items)
    ASSERT_TRUE(allocations_.Delete(ProviderScope::ForCommandLine(), a.id));
  cookie_.clear();
  EXPECT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 3).status, 401);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 0);
}

TEST_F(SessionEngineTest, SEC_8_EveryRefusalGetsTheSameAnswer) {
  AddProfile(acme_, RotateProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP")), Basic("boot", "bootstrap-secret")).status, 200);
  RunQueuedTasks();
  auto beta_profile = RotateProfile("beta routers");
  beta_profile.auth_username = "beta-boot";
  beta_profile.auth_password = "beta-secret";
  AddProfile(beta_, beta_profile);
  Allocate(beta_, "BETA");
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("BETA7", Event("0 BOOTSTRAP")), Basic("beta-boot", "beta-secret"), 9).status, 200);
  // Unknown identity; identity held by Acme (wrong credential); covered by Acme's allocation but
  // new; held by Beta, tried with a credential; covered by nobody.
  std::vector<http::HttpResponse> answers;
  int connection = 20;
  for (const auto& serial : {"NOBODY1", "SN1", "SN2", "BETA7"}) {
    cookie_.clear();
    answers.push_back(Post(InformXml(serial, Event("2 PERIODIC")), Basic("boot", "guess"), ++connection));
  }
  for (const auto& a : answers) {
    EXPECT_EQ(a.status, answers[0].status);
    EXPECT_EQ(a.body, answers[0].body);
    EXPECT_EQ(a.headers, answers[0].headers);
  }
  EXPECT_EQ(answers[0].status, 401);
}

TEST_F(SessionEngineTest, DEV_1_UnauthenticatedModeNeedsTheProvidersLabSetting) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  // The provider turns the lab setting off: new profiles in mode none are refused, and the
  // device that joined without a credential is refused from its next Inform on.
  ASSERT_TRUE(
      companies_.Update(ProviderScope::ForCommandLine(), acme_, {.allow_unauthenticated_devices = false}));
  auto refused = profiles_.Create(acme_, OpenProfile());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().problem, "unauthenticated_devices_not_allowed");
  cookie_.clear();
  EXPECT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 401);
}

TEST_F(SessionEngineTest, SEC_8_DeviceIdentityIsNormalisedAtDecoding) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  // The same router written in lower case with spaces is the same device, not a second one.
  std::string lower = InformXml("  SN1 ", Event("2 PERIODIC"));
  lower.replace(lower.find("<OUI>00D09E</OUI>"), 17, "<OUI> 00d09e </OUI>");
  cookie_.clear();
  ASSERT_EQ(Post(lower, std::nullopt, 2).status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 1);
}

TEST_F(SessionEngineTest, SEC_8_SecretsReportedByDevicesAreNeverStored) {
  AddProfile(acme_, OpenProfile());
  std::string inform = InformXml("SN1", Event("0 BOOTSTRAP"));
  inform.replace(inform.find("</ParameterList>"), 0,
                 "<ParameterValueStruct><Name>Device.WiFi.AccessPoint.1.Security.KeyPassphrase</Name>"
                 "<Value xsi:type=\"xsd:string\">hunter2-wifi</Value></ParameterValueStruct>"
                 "<ParameterValueStruct><Name>Device.ManagementServer.STUNPassword</Name>"
                 "<Value xsi:type=\"xsd:string\">stun-secret-9</Value></ParameterValueStruct>");
  ASSERT_EQ(Post(inform).status, 200);
  RunQueuedTasks();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_parameters WHERE tree LIKE '%hunter2-wifi%' OR tree LIKE "
                  "'%stun-secret-9%'"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_parameters WHERE tree LIKE "
                  "'%\"Device.WiFi.AccessPoint.1.Security.KeyPassphrase\":[\"\",\"string\",null,1]%'"),
            1);
}

TEST_F(SessionEngineTest, DEV_1_MatchedDeviceIsAttachedThenItsCredentialIsRotatedAndTheBootstrapOneRefused) {
  auto profile = RotateProfile();
  profile.periodic_inform_interval = 600;
  profile.parameters["Device.Time.NTPServer1"] = "ntp.example";
  AddProfile(acme_, profile);
  extra_names_ = Writable("Device.Time.NTPServer1") +
                 Writable("Device.ManagementServer.PeriodicInformEnable") +
                 Writable("Device.ManagementServer.PeriodicInformInterval");

  // No credential: a Basic challenge. Wrong one: refused. The bootstrap one: attached.
  auto r = Post(InformXml("SN1", Event("0 BOOTSTRAP") + Event("1 BOOT")));
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.headers.end(), std::find_if(r.headers.begin(), r.headers.end(), [](auto& h) {
              return h.first == "WWW-Authenticate" && h.second.starts_with("Basic realm=");
            }));
  EXPECT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP")), Basic("boot", "wrong")).status, 401);
  r = Post(InformXml("SN1", Event("0 BOOTSTRAP") + Event("1 BOOT")), Basic("boot", "bootstrap-secret"));
  ASSERT_EQ(r.status, 200) << r.body;
  Rpc response = ParseRpc(r.body);
  EXPECT_EQ(response.name, "InformResponse");
  EXPECT_EQ(response.id, "inform-1");  // cwmp:ID echoed
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE company_id = '" + acme_.value() + "'"), 1);

  // First contact: credentials, the whole tree (names, then values in batches of two), then the
  // profile's parameters and interval as its desired state (DEV-7), checked against the names.
  std::map<std::string, std::string> set;
  auto rpcs = RunQueuedTasks(&set);
  EXPECT_EQ(rpcs,
            (std::vector<std::string>{"SetParameterValues", "GetParameterNames", "GetParameterValues",
                                      "GetParameterValues", "GetParameterValues", "SetParameterValues"}));
  const std::string new_password = set["Device.ManagementServer.Password"];
  EXPECT_GE(new_password.size(), 20u);
  EXPECT_FALSE(set["Device.ManagementServer.ConnectionRequestPassword"].empty());
  EXPECT_EQ(set["Device.Time.NTPServer1"], "ntp.example");
  EXPECT_EQ(set["Device.ManagementServer.PeriodicInformInterval"], "600");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE credential_state = 'rotated'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE state = 'done' AND internal = 1"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE compliance = 'in_sync' AND desired_dirty = 0"), 1);
  // No secret in the clear in the database.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE cwmp_password_enc LIKE '%" + new_password + "%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_parameters WHERE tree LIKE '%" + new_password + "%'"), 0);

  // From now on only the rotated credential is accepted.
  cookie_.clear();
  EXPECT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), Basic("boot", "bootstrap-secret"), 2).status, 401);
  r = Post(InformXml("SN1", Event("2 PERIODIC")), Basic("boot", new_password), 3);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Post("", std::nullopt, 3).status, 204);
  bool rotated_recorded = false, onboarded_recorded = false;
  for (const auto& h : history_) {
    rotated_recorded |= h.action == "devices.credentials_rotated";
    onboarded_recorded |= h.action == "devices.onboard" && h.company == acme_;
  }
  EXPECT_TRUE(rotated_recorded);
  EXPECT_TRUE(onboarded_recorded);
}

TEST_F(SessionEngineTest, DEV_2_PeriodicInformThatChangesNothingOnlyTouchesTheContactTime) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  clock_.Advance(std::chrono::minutes{5});
  cookie_.clear();
  const long long lease_before = Count("SELECT session_until FROM devices");
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  EXPECT_EQ(Post("", std::nullopt, 2).status, 204);
  // Nothing to run, so no lease is taken, and the contact is written behind with others.
  EXPECT_EQ(Count("SELECT session_until FROM devices"), lease_before);
  admission_.FlushContacts();
  EXPECT_EQ(Count("SELECT last_contact_at FROM devices"), ToUnixMillis(clock_.Now()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE software_version = '1.0.0' AND model = 'Router X' AND "
                  "connection_request_url = 'http://192.0.2.7:7547/cr' AND credential_state = 'none'"),
            1);
  // A new software version reported by an Inform reaches the summary.
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("1 BOOT"), "cwmp-1-2", "", "2.0.0"), std::nullopt, 3).status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE software_version = '2.0.0'"), 1);
}

TEST_F(SessionEngineTest, DEV_3_RebootIsDoneWhenTheDeviceComesBackWithItsCommandKey) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  const std::string device_id = OnlyDeviceId(tdb_.db());
  auto task = tasks_.Create(acme_, DeviceId{device_id}, devices::TaskType::kReboot, "{}", {});
  ASSERT_TRUE(task) << task.error().message;
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  EXPECT_EQ(RunQueuedTasks(), std::vector<std::string>{"Reboot"});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE type = 'reboot' AND state = 'running'"), 1);
  cookie_.clear();
  ASSERT_EQ(
      Post(InformXml("SN1", Event("1 BOOT") + Event("M Reboot", task->command_key)), std::nullopt, 3).status,
      200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE type = 'reboot' AND state = 'done'"), 1);
}

TEST_F(SessionEngineTest, DEV_3_CpeFaultFailsTheTaskWithItsCodeAndTheNextTaskRuns) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  const std::string device_id = OnlyDeviceId(tdb_.db());
  ASSERT_TRUE(tasks_.Create(acme_, DeviceId{device_id}, devices::TaskType::kAddObject,
                            R"({"object":"Device.NAT.PortMapping."})", {}));
  ASSERT_TRUE(tasks_.Create(acme_, DeviceId{device_id}, devices::TaskType::kGetParameterValues,
                            R"({"names":["Device.WiFi.SSID.1.SSID"]})", {}));
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  EXPECT_EQ(RunQueuedTasks(), (std::vector<std::string>{"AddObject", "GetParameterValues"}));
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM tasks WHERE type = 'addObject' AND state = 'failed' AND fault_code = 9000"),
      1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE internal = 0 AND type = 'getParameterValues' AND state = "
                  "'done' AND result LIKE '%home%'"),
            1);
}

std::string CpeFaultXml(int code) {
  return R"(<soap:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail>
<cwmp:Fault><FaultCode>)" +
         std::to_string(code) +
         "</FaultCode><FaultString>injected</FaultString></cwmp:Fault></detail></soap:Fault>";
}

TEST_F(SessionEngineTest, DEV_8_TransientFaultIsRetriedAfterItsDelayAndAPermanentOneIsNot) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  const DeviceId device{OnlyDeviceId(tdb_.db())};
  auto read = tasks_.Create(acme_, device, devices::TaskType::kGetParameterValues,
                            R"({"names":["Device.WiFi.SSID.1.SSID"]})", {});
  ASSERT_TRUE(read);
  ASSERT_TRUE(tasks_.Create(acme_, device, devices::TaskType::kDeleteObject,
                            R"({"object":"Device.NAT.PortMapping.1."})", {}));
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  // 9002 (internal error) for the read, 9003 (invalid arguments) for the delete.
  auto r = Post("", std::nullopt, 2);
  ASSERT_EQ(ParseRpc(r.body).name, "GetParameterValues");
  r = Post(Body(CpeFaultXml(9002), ParseRpc(r.body).id), std::nullopt, 2);
  ASSERT_EQ(ParseRpc(r.body).name, "DeleteObject");
  r = Post(Body(CpeFaultXml(9003), ParseRpc(r.body).id), std::nullopt, 2);
  EXPECT_EQ(r.status, 204) << "the retry waits for its time; nothing else is queued";
  auto waiting = tasks_.Get(acme_, read->id);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->state, devices::TaskState::kQueued);
  EXPECT_EQ(waiting->attempt, 2);
  EXPECT_EQ(waiting->fault_code, 9002);
  EXPECT_EQ(waiting->retry_at, clock_.Now() + std::chrono::minutes{1});
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM tasks WHERE type = 'deleteObject' AND state = 'failed' AND attempt = 1 "
            "AND fault_code = 9003 AND retry_at IS NULL"),
      1);
  bool recorded = false;
  for (const auto& h : history_)
    recorded |= h.action == "tasks.result" && h.error_code == "cpe_fault_9002" &&
                h.details.find("\"retry_at\"") != std::string::npos;
  EXPECT_TRUE(recorded) << "the failed attempt is in the history, with when it is tried again";

  // Before its time, a session does not run it; from its time, the next one does.
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 3).status, 200);
  EXPECT_EQ(RunQueuedTasks(), std::vector<std::string>{});
  clock_.Advance(std::chrono::minutes{1});
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 4).status, 200);
  EXPECT_EQ(RunQueuedTasks(), std::vector<std::string>{"GetParameterValues"});
  auto done = tasks_.Get(acme_, read->id);
  EXPECT_EQ(done->state, devices::TaskState::kDone);
  EXPECT_EQ(done->attempt, 2);
  EXPECT_FALSE(done->fault_code);

  // 9004 every time: tried 4 times in all (--task-retries 3), each wait 4 times the one before.
  auto busy = tasks_.Create(acme_, device, devices::TaskType::kGetParameterValues,
                            R"({"names":["Device.WiFi.SSID.1.SSID"]})", {});
  ASSERT_TRUE(busy);
  std::uint64_t connection = 5;
  for (int attempt = 1; attempt <= 4; ++attempt) {
    SCOPED_TRACE(attempt);
    cookie_.clear();
    ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, connection).status, 200);
    r = Post("", std::nullopt, connection);
    ASSERT_EQ(ParseRpc(r.body).name, "GetParameterValues");
    EXPECT_EQ(Post(Body(CpeFaultXml(9004), ParseRpc(r.body).id), std::nullopt, connection).status, 204);
    ++connection;
    auto t = tasks_.Get(acme_, busy->id);
    if (attempt < 4) {
      EXPECT_EQ(t->state, devices::TaskState::kQueued);
      const auto wait = std::chrono::minutes{attempt == 1 ? 1 : attempt == 2 ? 4 : 16};
      EXPECT_EQ(t->retry_at, clock_.Now() + wait);
      clock_.Advance(wait);
    } else {
      EXPECT_EQ(t->state, devices::TaskState::kFailed);
      EXPECT_EQ(t->attempt, 4);
      EXPECT_FALSE(t->retry_at);
    }
  }
}

TEST_F(SessionEngineTest, DEV_7_TheDesiredStateIsKeptAppliedAndDriftIsNotSetAgainForever) {
  const std::string ntp = "Device.Time.NTPServer1";
  auto lab = OpenProfile();
  lab.parameters[ntp] = "ntp.example";
  lab.parameters["InternetGatewayDevice.Time.NTPServer1"] = "for the TR-098 routers";
  lab.parameters["Device.Vendor.NotOnThisModel"] = "x";
  const auto profile = AddProfile(acme_, lab);
  extra_names_ = Writable(ntp);
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  std::map<std::string, std::string> set;
  EXPECT_EQ(RunQueuedTasks(&set).back(), "SetParameterValues");
  EXPECT_EQ(set[ntp], "ntp.example");
  EXPECT_EQ(set.count("InternetGatewayDevice.Time.NTPServer1"), 0U) << "the other data model's set";
  EXPECT_EQ(set.count("Device.Vendor.NotOnThisModel"), 0U) << "one unknown parameter never sinks the rest";
  const DeviceId device{OnlyDeviceId(tdb_.db())};
  auto c = desired_.Compliance(acme_, device);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, devices::ComplianceState::kFailed);
  for (const auto& e : c->entries) EXPECT_EQ(e.reason, e.path == ntp ? "" : "not_reported") << e.path;

  // A profile edit reaches the device at its next session (and asks an online one to connect).
  ASSERT_TRUE(profiles_.Update(
      acme_, profile.id, {.parameters = std::map<std::string, std::string>{{ntp, "ntp.{serial_number}"}}}));
  auto wakes = desired_.TakeWakes(10);
  ASSERT_EQ(wakes.size(), 1U) << "the device is online";
  EXPECT_TRUE(desired_.TakeWakes(10).empty()) << "asked once";
  set.clear();
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  EXPECT_EQ(RunQueuedTasks(&set), std::vector<std::string>{"SetParameterValues"});
  EXPECT_EQ(set[ntp], "ntp.SN1");
  EXPECT_EQ(desired_.Compliance(acme_, device)->state, devices::ComplianceState::kInSync);

  // The device's own override wins.
  ASSERT_TRUE(desired_.SetOverrides(acme_, device, {{ntp, "ntp.branch"}}));
  EXPECT_FALSE(desired_.SetOverrides(acme_, device, {{"Device.Time.", "x"}})) << "checked like a profile";
  EXPECT_FALSE(desired_.SetOverrides(beta_, device, {{ntp, "x"}})) << "another company's device";
  set.clear();
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 3).status, 200);
  EXPECT_EQ(RunQueuedTasks(&set), std::vector<std::string>{"SetParameterValues"});
  EXPECT_EQ(set[ntp], "ntp.branch");

  // The device keeps changing it back (its own configuration tool): set again at most 3 times a
  // day in all, then drift.
  extra_values_ =
      R"(<ParameterValueStruct><Name>Device.Time.NTPServer1</Name><Value xsi:type="xsd:string">ntp.local</Value></ParameterValueStruct>)";
  std::uint64_t connection = 4;
  for (int read = 1; read <= 3; ++read) {
    SCOPED_TRACE(read);
    ASSERT_TRUE(tasks_.Create(acme_, device, devices::TaskType::kGetParameterValues,
                              R"({"names":["Device.Time.NTPServer1"]})", {}));
    cookie_.clear();
    ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, connection++).status, 200);
    const auto rpcs = RunQueuedTasks();
    if (read < 3) {
      EXPECT_EQ(rpcs, (std::vector<std::string>{"GetParameterValues", "SetParameterValues"}));
    } else {
      EXPECT_EQ(rpcs, std::vector<std::string>{"GetParameterValues"});
    }
  }
  c = desired_.Compliance(acme_, device);
  EXPECT_EQ(c->state, devices::ComplianceState::kDrift);
  for (const auto& e : c->entries) {
    if (e.path != ntp) continue;
    EXPECT_EQ(e.state, devices::ComplianceState::kDrift);
    EXPECT_EQ(e.reason, "changed_back");
    EXPECT_EQ(e.reported, "ntp.local");
    EXPECT_TRUE(e.overridden);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE compliance = 'drift'"), 1);

  // A new day in Japan: the daily recheck gives the value 3 more tries at the next session.
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, connection++).status, 200);
  EXPECT_EQ(RunQueuedTasks(), std::vector<std::string>{}) << "nothing changed, nothing sent";
  clock_.Advance(std::chrono::hours{24});
  EXPECT_EQ(desired_.RecheckUnsettled(), 1U);
  cookie_.clear();
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, connection++).status, 200);
  EXPECT_EQ(RunQueuedTasks(), std::vector<std::string>{"SetParameterValues"});
}

TEST_F(SessionEngineTest, DEV_3_RebootIsDoneWhateverCommandKeyOrBootAloneTheDeviceComesBackWith) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  RunQueuedTasks();
  const DeviceId device{OnlyDeviceId(tdb_.db())};
  std::uint64_t connection = 2;
  for (const std::string& back :
       {Event("1 BOOT") + Event("M Reboot", ""), Event("1 BOOT"), Event("M Reboot")}) {
    SCOPED_TRACE(back);
    ASSERT_TRUE(tasks_.Create(acme_, device, devices::TaskType::kReboot, "{}", {}));
    cookie_.clear();
    ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, connection++).status, 200);
    EXPECT_EQ(RunQueuedTasks(), std::vector<std::string>{"Reboot"});
    cookie_.clear();
    ASSERT_EQ(Post(InformXml("SN1", back), std::nullopt, connection++).status, 200);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE type = 'reboot' AND state <> 'done'"), 0);
  }
}

TEST_F(SessionEngineTest, DEV_3_TaskLeftRunningByADroppedSessionFailsAtTheNextInformAndKanrisReadsRunAgain) {
  AddProfile(acme_, OpenProfile());
  ASSERT_EQ(Post(InformXml("SN1", Event("0 BOOTSTRAP"))).status, 200);
  // The credential change, then the full read's GetParameterNames, which the CPE never answers.
  auto r = Post("");
  ASSERT_EQ(ParseRpc(r.body).name, "SetParameterValues");
  r = Post(
      Body("<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>", "1"));
  ASSERT_EQ(ParseRpc(r.body).name, "GetParameterNames");
  engine_.ConnectionClosed(1);
  cookie_.clear();
  // A periodic Inform of a device with a task in flight takes the full path and settles it.
  ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, 2).status, 200);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM tasks WHERE type = 'getParameterNames' AND state = 'failed' AND error = "
            "'interrupted' AND attempt = 1"),
      1);
  EXPECT_EQ(
      Count(
          "SELECT COUNT(*) FROM tasks WHERE type = 'getParameterNames' AND state = 'queued' AND attempt = 2"),
      1);
  bool recorded = false;
  for (const auto& h : history_) recorded |= h.action == "tasks.result" && h.error_code == "interrupted";
  EXPECT_TRUE(recorded);
  // Interrupted twice more, the read is not asked a fourth time.
  for (std::uint64_t c = 3; c <= 4; ++c) {
    ASSERT_EQ(ParseRpc(Post("", std::nullopt, c - 1).body).name, "GetParameterNames");
    engine_.ConnectionClosed(c - 1);
    cookie_.clear();
    ASSERT_EQ(Post(InformXml("SN1", Event("2 PERIODIC")), std::nullopt, c).status, 200);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE type = 'getParameterNames' AND state = 'failed'"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE state IN ('queued', 'running')"), 0);
  EXPECT_EQ(Post("", std::nullopt, 4).status, 204);
}

TEST_F(SessionEngineTest, OPS_4_HistoryOrDatabaseFailureAnswers503WithRetryAfterNeverADroppedConnection) {
  AddProfile(acme_, OpenProfile());
  fail_history_ = true;
  auto r = Post(InformXml("SN1", Event("0 BOOTSTRAP")));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(
      std::find_if(r.headers.begin(), r.headers.end(), [](auto& h) { return h.first == "Retry-After"; }),
      r.headers.end());
  fail_history_ = false;
  // The pool refuses work (full): the same answer.
  db::WorkerPool full{"db", 1, 0};
  SessionEngine engine{{admission_, task_flow_, parameters_}, full, clock_, nullptr, {}, std::nullopt};
  http::HttpRequest request;
  request.method = "POST";
  request.body = InformXml("SN2", Event("0 BOOTSTRAP"));
  request.connection_id = 9;
  std::optional<http::HttpResponse> out;
  asio::co_spawn(io_, engine.Handle(request), [&](std::exception_ptr e, http::HttpResponse resp) {
    EXPECT_FALSE(e);
    out = std::move(resp);
  });
  io_.restart();
  io_.run();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 503);
}

TEST_F(SessionEngineTest, CWMP_VersionIsNegotiatedAndNoCommonVersionIsFault8006) {
  AddProfile(acme_, OpenProfile());
  auto r = Post(InformXml("SN1", Event("0 BOOTSTRAP"), "cwmp-1-2",
                          "<cwmp:SupportedCWMPVersions>1.0,1.2,1.4</cwmp:SupportedCWMPVersions>"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ParseRpc(r.body).Text("UseCWMPVersion"), "1.4");
  cookie_.clear();
  r = Post(InformXml("SN1", Event("2 PERIODIC"), "cwmp-1-2",
                     "<cwmp:SupportedCWMPVersions>2.0</cwmp:SupportedCWMPVersions>"),
           std::nullopt, 2);
  EXPECT_EQ(ParseRpc(r.body).Text("FaultCode"), "8006");
}

TEST_F(SessionEngineTest, CWMP_BadXmlIsAFaultAndChangesNothing) {
  for (std::string bad : {std::string("<not xml"), std::string("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"),
                          std::string(40, '<')}) {
    cookie_.clear();
    auto r = Post(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_FALSE(ParseRpc(r.body).Text("FaultCode").empty()) << r.body;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 0);
  // A session must begin with an Inform.
  auto r = Post(Body("<cwmp:GetRPCMethods/>", "x"));
  EXPECT_EQ(r.status, 400);
}

// ---------------------------------------------------------------------------------------------
// Golden session transcripts (testdata/sessions/*.session, see testdata/README.md): what a CPE
// sends and what the ACS must answer, message by message, as data files.

namespace fs = std::filesystem;

fs::path SessionsDir() {
  if (const char* source = std::getenv("KANRI_SOURCE_DIR"))
    return fs::path(source) / "src/cwmp/testdata/sessions";
  return fs::path(KANRI_CWMP_TESTDATA) / "sessions";
}

// Compares an expected element with an actual one: same names, attributes and children;
// text equal, or "{{*}}" in the expected text for anything (generated IDs and secrets), or
// "{{=NAME}}" for anything, remembered as NAME for later CPE messages ("{{NAME}}").
std::string CompareXml(const pugi::xml_node& want, const pugi::xml_node& got, const std::string& where,
                       std::map<std::string, std::string>& captured) {
  const std::string here = where + "/" + want.name();
  if (std::string(want.name()) != got.name()) return here + ": element " + got.name();
  for (auto a : want.attributes())
    if (std::string(got.attribute(a.name()).value()) != a.value() && std::string(a.value()) != "{{*}}")
      return here + "@" + a.name() + ": " + got.attribute(a.name()).value();
  const std::string want_text = want.text().get(), got_text = got.text().get();
  if (want_text.starts_with("{{=") && want_text.ends_with("}}"))
    captured[want_text.substr(3, want_text.size() - 5)] = got_text;
  else if (want_text != "{{*}}" && want_text != got_text)
    return here + ": text '" + got_text + "'";
  auto w = want.first_child(), g = got.first_child();
  auto skip_text = [](pugi::xml_node n) {
    while (n && n.type() != pugi::node_element) n = n.next_sibling();
    return n;
  };
  for (w = skip_text(w), g = skip_text(g); w || g;
       w = skip_text(w.next_sibling()), g = skip_text(g.next_sibling())) {
    if (!w) return here + ": unexpected " + g.name();
    if (!g) return here + ": missing " + w.name();
    if (auto d = CompareXml(w, g, here, captured); !d.empty()) return d;
  }
  return "";
}

struct Step {
  enum class Kind { kCpe, kAcs, kTask, kSkipProvisioning, kExpectTask, kFirmware, kDisconnect, kIdle } kind;
  // cpe: "basic USER:PASS" or ""; acs: the status; task: "TYPE JSON"; expect task: "TYPE STATE
  // [ERROR]"; firmware: "ID NAME"; idle: seconds
  std::string arg;
  std::string body;  // the message
  int line = 0;
};

struct Transcript {
  std::string profile;  // "none" | "rotate USER PASS" | "shared USER PASS"
  std::vector<Step> steps;
};

Transcript ParseTranscript(const fs::path& file) {
  Transcript t;
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.starts_with("#") && t.steps.empty()) continue;
    if (line.starts_with("profile: ")) {
      t.profile = line.substr(9);
    } else if (line.starts_with(">>> cpe")) {
      t.steps.push_back({Step::Kind::kCpe, line.size() > 8 ? line.substr(8) : "", "", n});
    } else if (line.starts_with("<<< acs ")) {
      t.steps.push_back({Step::Kind::kAcs, line.substr(8), "", n});
    } else if (line == "=== skip provisioning") {
      t.steps.push_back({Step::Kind::kSkipProvisioning, "", "", n});
    } else if (line.starts_with("=== task ")) {
      t.steps.push_back({Step::Kind::kTask, line.substr(9), "", n});
    } else if (line.starts_with("=== expect task ")) {
      t.steps.push_back({Step::Kind::kExpectTask, line.substr(16), "", n});
    } else if (line.starts_with("=== firmware ")) {
      t.steps.push_back({Step::Kind::kFirmware, line.substr(13), "", n});
    } else if (line == "=== disconnect") {
      t.steps.push_back({Step::Kind::kDisconnect, "", "", n});
    } else if (line.starts_with("=== idle ")) {
      t.steps.push_back({Step::Kind::kIdle, line.substr(9), "", n});
    } else if (!t.steps.empty()) {
      t.steps.back().body += line + "\n";
    }
  }
  return t;
}

class SessionTranscripts : public SessionEngineTest {
 public:
  void Run(const fs::path& file) {
    const Transcript t = ParseTranscript(file);
    std::istringstream profile(t.profile);
    std::string mode, user, pass;
    profile >> mode >> user >> pass;
    auto p = RotateProfile("transcript");
    p.auth_mode = *devices::ParseAuthMode(mode);
    p.auth_username = user;
    p.auth_password = pass;
    AddProfile(acme_, p);
    Allocate(acme_, "GOLD");
    std::uint64_t connection = 1;
    http::HttpResponse last;
    std::map<std::string, std::string> captured;
    for (const Step& step : t.steps) {
      const std::string at = file.filename().string() + ":" + std::to_string(step.line);
      switch (step.kind) {
        case Step::Kind::kTask: {
          const auto space = step.arg.find(' ');
          auto task = tasks_.Create(acme_, DeviceId{OnlyDeviceId(tdb_.db())},
                                    *devices::ParseTaskType(step.arg.substr(0, space)),
                                    step.arg.substr(space + 1), {});
          ASSERT_TRUE(task) << at << ": " << task.error().message;
          break;
        }
        case Step::Kind::kExpectTask: {
          // The newest task of the type (by its position in the device's queue).
          std::istringstream want(step.arg);
          std::string type, state, error;
          want >> type >> state >> error;
          std::string got_state, got_error;
          soci::indicator error_ind = soci::i_null;
          auto lease = tdb_.db().Acquire();
          lease.sql() << "SELECT state, error FROM tasks WHERE type = :t ORDER BY seq DESC LIMIT 1",
              soci::use(type), soci::into(got_state), soci::into(got_error, error_ind);
          ASSERT_TRUE(lease.sql().got_data()) << at << ": no " << type << " task";
          EXPECT_EQ(got_state + " " + (error_ind == soci::i_null ? "" : got_error), state + " " + error)
              << at;
          break;
        }
        case Step::Kind::kFirmware: {
          std::istringstream firmware(step.arg);
          std::string id, name;
          firmware >> id >> name;
          const std::string sha256(64, '0');
          auto lease = tdb_.db().Acquire();
          lease.sql()
              << "INSERT INTO firmware_files (id, company_id, name, version, model, size, sha256, "
                 "created_by, created_by_login, created_at) VALUES (:id, :c, :n, '2.0.0', 'Router X', "
                 "1048576, :h, NULL, 'alice', 0)",
              soci::use(id), soci::use(acme_.value()), soci::use(name), soci::use(sha256);
          break;
        }
        case Step::Kind::kDisconnect:
          // The CPE dropped the connection (it crashed or rebooted) without a word.
          engine_.ConnectionClosed(connection);
          cookie_.clear();
          break;
        case Step::Kind::kIdle: {
          clock_.Advance(std::chrono::seconds{std::stoi(step.arg)});
          asio::co_spawn(io_, engine_.SweepIdleSessions(), asio::detached);
          io_.restart();
          io_.run();
          break;
        }
        case Step::Kind::kSkipProvisioning: {
          // The first-contact tasks, as if they had run (01_first_contact_lab shows them).
          auto lease = tdb_.db().Acquire();
          lease.sql() << "UPDATE tasks SET state = 'done' WHERE internal = 1";
          break;
        }
        case Step::Kind::kCpe: {
          std::string body = step.body;
          for (const auto& [name, value] : captured)
            for (auto at = body.find("{{" + name + "}}"); at != std::string::npos;
                 at = body.find("{{" + name + "}}"))
              body.replace(at, name.size() + 4, value);
          while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
          if (body.find("<cwmp:Inform>") != std::string::npos) {
            cookie_.clear();  // a new session, on a new connection
            ++connection;
          }
          std::optional<std::string> auth;
          if (step.arg.starts_with("basic ")) {
            const std::string creds = step.arg.substr(6);
            auth = "Basic " + Base64Encode(creds);
          }
          last = Post(body, auth, connection);
          break;
        }
        case Step::Kind::kAcs: {
          EXPECT_EQ(std::to_string(last.status), step.arg) << at << "\n" << last.body;
          std::string want = step.body;
          while (!want.empty() && (want.back() == '\n' || want.back() == ' ')) want.pop_back();
          if (want.empty() || last.status != 200) break;
          pugi::xml_document want_doc, got_doc;
          ASSERT_TRUE(want_doc.load_string(want.c_str())) << at << ": the expected XML does not parse";
          ASSERT_TRUE(got_doc.load_string(last.body.c_str())) << at << ": the answer does not parse";
          EXPECT_EQ(CompareXml(want_doc.document_element(), got_doc.document_element(), "", captured), "")
              << at << ": the answer was\n"
              << last.body;
          break;
        }
      }
    }
  }
};

TEST_F(SessionTranscripts, CWMP_GoldenSessionTranscripts) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(SessionsDir()))
    if (entry.path().extension() == ".session") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 4u) << "transcripts missing under " << SessionsDir();
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    {
      // Each transcript starts from an empty database.
      auto lease = tdb_.db().Acquire();
      lease.sql() << "DELETE FROM tasks";
      lease.sql() << "DELETE FROM device_parameters";
      lease.sql() << "DELETE FROM devices";
      lease.sql() << "DELETE FROM device_profiles";
      lease.sql() << "DELETE FROM firmware_files";
    }
    Run(file);
  }
}

}  // namespace
}  // namespace kanri::cwmp
