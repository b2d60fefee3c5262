// Devices end to end (issue 4): the real `kanri serve` and a `kanri sim` fleet. Devices of a
// real-world kind appear in a company's inventory by themselves, their operators change
// settings, reboot and update them from the API with visible results, and no input from the
// network breaks the server.
#include <gtest/gtest.h>

#include <thread>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(Devices, DEV_1_DEV_2_SimulatedFleetIsOnboardedRotatedAndInventoried) {
  CreateProfile(R"({"name":"Sim gateways","match":{"oui":"00D09E","product_class":"SimGateway"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"},
      "periodic_inform_interval":3600,"parameters":{"Device.Time.NTPServer1":"ntp.kanri.example"}})");
  auto sim = StartSim("SIM", 2, "00D09E");
  const json::value device = WaitForProvisionedDevice("SIM000001");
  WaitForProvisionedDevice("SIM000002");

  EXPECT_EQ(Str(device, "credential_state"), "rotated");
  EXPECT_EQ(Str(device, "oui"), "00D09E");
  EXPECT_EQ(Str(device, "data_model"), "tr181");
  EXPECT_TRUE(Member(device, "online").as_bool());
  EXPECT_FALSE(Str(device, "software_version").empty());
  EXPECT_FALSE(Str(device, "model").empty());
  EXPECT_FALSE(Str(device, "wan_ip").empty());
  EXPECT_TRUE(Str(device, "connection_request_url").starts_with("http://127.0.0.1:"));
  const std::string id = Str(device, "id");
  // The profile's parameters reached the device and the whole tree is known, with writability.
  EXPECT_EQ(ParameterValue(id, "Device.Time.NTPServer1"), "ntp.kanri.example");
  EXPECT_EQ(ParameterValue(id, "Device.ManagementServer.PeriodicInformInterval"), "3600");
  auto params = Member(admin_a().Get("/api/v1/devices/" + id + "/parameters?prefix=Device.").Json(), "items");
  EXPECT_GT(params.as_array().size(), 60u);
  bool writable_known = false;
  for (const auto& p : params.as_array()) writable_known |= Member(p, "writable").is_bool();
  EXPECT_TRUE(writable_known);

  // DEV-4: a connection request with the rotated credentials; the device's next session is
  // accepted with its own new password (the bootstrap one is no longer accepted).
  auto cr = admin_a().Post("/api/v1/devices/" + id + "/connection-request", "");
  EXPECT_EQ(cr.status, 202) << cr.body;
  sim->WaitFor("session done", {{"serial", "SIM000001"}}, "6 CONNECTION REQUEST");
  EXPECT_EQ(sim->Count("auth refused"), 0u) << sim->Stdout();

  // The operation history has the onboarding and the rotation.
  auto audit = admin_a().Get("/api/v1/audit?action=devices.onboard").Json();
  EXPECT_EQ(Member(audit, "items").as_array().size(), 2u);
  audit = admin_a().Get("/api/v1/audit?action=devices.credentials_rotated").Json();
  EXPECT_EQ(Member(audit, "items").as_array().size(), 2u);
}

TEST_F(Devices, DEV_1_UnallocatedAndWrongCredentialDevicesAreRefusedAndListedForTheProvider) {
  CreateProfile(R"({"name":"Sim gateways","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  auto stranger = StartSim("ODD", 1, "AABBCC");
  auto impostor = StartSim("IMP", 1, "00D09E", "not-the-password");
  stranger->WaitFor("auth refused", {{"serial", "ODD000001"}});
  impostor->WaitFor("auth refused", {{"serial", "IMP000001"}});
  EXPECT_TRUE(DevicesList().empty());
  auto refused = Member(site_admin().Get("/api/v1/refused-devices").Json(), "items").as_array();
  std::map<std::string, std::string> reasons;
  for (const auto& r : refused) reasons[Str(r, "serial_number")] = Str(r, "reason");
  EXPECT_EQ(reasons["ODD000001"], "unallocated");
  EXPECT_EQ(reasons["IMP000001"], "bad_credentials");
  // Company accounts do not see the provider's list.
  EXPECT_EQ(admin_a().Get("/api/v1/refused-devices").status, 403);
}

TEST_F(Devices, DEV_3_EveryTaskTypeRunsOnASimulatedDeviceWithVisibleResults) {
  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  auto sim = StartSim("LAB", 1, "00D09E");
  const std::string id = Str(WaitForProvisionedDevice("LAB000001"), "id");

  auto t = RunTask(id, R"({"type":"getParameterValues","names":["Device.DeviceInfo."],"now":true})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);
  EXPECT_TRUE(
      Member(Member(t, "result"), "values").as_object().contains("Device.DeviceInfo.SoftwareVersion"));

  t = RunTask(id,
              R"({"type":"setParameterValues","values":{"Device.WiFi.SSID.1.SSID":"kanri-lab"},"now":true})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);
  EXPECT_EQ(ParameterValue(id, "Device.WiFi.SSID.1.SSID"), "kanri-lab");

  // The device refuses an unknown parameter (9005), nothing applied; a parameter it reported
  // as read-only is refused before it is queued (issue 18, device_list_e2e_test.cpp).
  t = RunTask(id, R"({"type":"setParameterValues","values":{"Device.No.Such":"x"},"now":true})");
  EXPECT_EQ(Str(t, "state"), "failed");
  EXPECT_NE(json::serialize(t).find("9005"), std::string::npos) << json::serialize(t);
  EXPECT_FALSE(Member(Member(t, "fault"), "meaning").as_string().empty());
  auto read_only =
      admin_a().Post("/api/v1/devices/" + id + "/tasks",
                     R"({"type":"setParameterValues","values":{"Device.DeviceInfo.SerialNumber":"x"}})");
  EXPECT_EQ(ProblemCode(read_only), "parameter_not_writable") << read_only.Describe();

  t = RunTask(id, R"({"type":"getParameterNames","path":"Device.WiFi.","next_level":true,"now":true})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);

  t = RunTask(id, R"({"type":"addObject","object":"Device.NAT.PortMapping.","now":true})");
  ASSERT_EQ(Str(t, "state"), "done") << json::serialize(t);
  const auto instance = Member(Member(t, "result"), "instance_number").as_int64();
  t = RunTask(id, R"({"type":"deleteObject","object":"Device.NAT.PortMapping.)" + std::to_string(instance) +
                      R"(.","now":true})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);

  t = RunTask(id, R"({"type":"reboot","now":true})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);
  sim->WaitFor("session done", {{"serial", "LAB000001"}}, "M Reboot");

  // DEV-6: a firmware image, fetched by the device over HTTPS through its task's URL.
  auto upload = admin_a().Post("/api/v1/firmware?name=fw-2.0.0.bin&version=2.0.0&product_class=SimGateway",
                               "KANRI-SIM-FIRMWARE version=2.0.0\n" + std::string(200'000, 'x'),
                               {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(upload.status, 201) << upload.body;
  t = RunTask(id, R"({"type":"download","file_id":")" + Str(upload.Json(), "id") + R"(","now":true})", 60s);
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t) << sim->Stdout();
  PollUntil("/api/v1/devices/" + id,
            [](const json::value& d) { return Str(d, "software_version") == "2.0.0"; });
  // SEC-6: the fetch itself is in the company's history: the device, the file, what was sent.
  auto fetched = Member(admin_a().Get("/api/v1/audit?action=firmware.download").Json(), "items").as_array();
  ASSERT_FALSE(fetched.empty());
  const auto& fetch = fetched.back();  // the first fetch (newest first)
  EXPECT_EQ(Str(fetch, "actor_login"), "device:LAB000001");
  EXPECT_EQ(Str(fetch, "target_id"), Str(upload.Json(), "id"));
  EXPECT_EQ(Str(fetch, "outcome"), "success");
  EXPECT_EQ(Str(Member(fetch, "details"), "device_id"), id);
  EXPECT_EQ(Member(Member(fetch, "details"), "bytes").as_int64(), Member(upload.Json(), "size").as_int64());

  // A queued task can be cancelled (no "now": the device is not asked to connect).
  auto queued = admin_a().Post("/api/v1/devices/" + id + "/tasks", R"({"type":"reboot"})");
  ASSERT_EQ(queued.status, 201);
  auto cancelled = admin_a().Post("/api/v1/tasks/" + Str(queued.Json(), "id") + "/cancel", "");
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Str(admin_a().Get("/api/v1/tasks/" + Str(queued.Json(), "id")).Json(), "state"), "cancelled");

  t = RunTask(id, R"({"type":"factoryReset","now":true})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);

  // Each task's result is in the operation history.
  auto results =
      Member(admin_a().Get("/api/v1/audit?action=tasks.result&limit=200").Json(), "items").as_array();
  EXPECT_GE(results.size(), 10u);
}

TEST_F(Devices, DEV_2_Tr098DevicesFillTheSameSummary) {
  CreateProfile(R"({"name":"Old gateways","match":{"oui":"001122"},"device_auth":{"mode":"none"}})");
  auto sim = StartSim("OLD", 1, "001122", kBootPassword, "tr098");
  const json::value d = WaitForProvisionedDevice("OLD000001");
  EXPECT_EQ(Str(d, "data_model"), "tr098");
  EXPECT_FALSE(Str(d, "software_version").empty());
  EXPECT_FALSE(Str(d, "wan_ip").empty());
  EXPECT_TRUE(Member(d, "insecure").as_bool());
}

TEST_F(Devices, CWMP_HostileInputGetsAnErrorAndTheServerCarriesOn) {
  HttpsClient cpe{"127.0.0.1", server().cwmp_port()};
  constexpr char kUnknownRpc[] =
      "<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body><Nope/></soap:Body>"
      "</soap:Envelope>";
  const std::vector<std::string> bodies = {
      "<not xml", "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]><x>&b;</x>",
      std::string(60'000, '<'), std::string(3000, 'x'), kUnknownRpc};
  for (const auto& body : bodies) {
    auto r = cpe.Post("/", body, {{"Content-Type", "text/xml"}});
    EXPECT_EQ(r.status, 400) << body.substr(0, 40);
    EXPECT_NE(r.body.find("FaultCode"), std::string::npos) << r.body;  // a SOAP fault, 8000-8005
  }
  // Without a session a message over 64 kB is refused before it is parsed (an Inform is small).
  EXPECT_EQ(cpe.Post("/", std::string(100'000, '<'), {{"Content-Type", "text/xml"}}).status, 413);
  HttpsClient again{"127.0.0.1", server().cwmp_port()};
  auto too_big = again.Post("/", std::string(9 * 1024 * 1024, ' '));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(admin_a().Get("/healthz").status, 200);
  EXPECT_TRUE(DevicesList().empty());
}

// A lab without TLS on the CWMP listener: devices authenticate with HTTP Digest.
class InsecureLab : public Devices {
 protected:
  InsecureLab() : Devices({"--cwmp-insecure-http"}) {}
};

TEST_F(InsecureLab, DEV_1_PlainHttpListenerUsesDigestAndRotatesCredentials) {
  EXPECT_NE(server().Logs().find("WITHOUT TLS"), std::string::npos);
  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})");
  SimProcess sim{server().data_dir(),
                 {"--devices", "1", "--acs", "http://127.0.0.1:" + std::to_string(server().cwmp_port()) + "/",
                  "--serial-prefix", "DIG", "--oui", "00D09E", "--product-class", "SimGateway", "--username",
                  kBootUser, "--password", kBootPassword, "--inform-interval", "3600", "--ramp-up", "0"}};
  const json::value device = WaitForProvisionedDevice("DIG000001");
  EXPECT_EQ(Str(device, "credential_state"), "rotated");
  auto cr = admin_a().Post("/api/v1/devices/" + Str(device, "id") + "/connection-request", "");
  EXPECT_EQ(cr.status, 202) << cr.body;
  sim.WaitFor("session done", {{"serial", "DIG000001"}}, "6 CONNECTION REQUEST");
  EXPECT_EQ(sim.Count("auth refused"), 0u) << sim.Stdout();
}

constexpr char kSimProfile[] =
    R"({"name":"Sim gateways","match":{"oui":"00D09E","product_class":"SimGateway"},
    "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"},
    "periodic_inform_interval":3600})";

// DEV-4: the operator sees delivered / unreachable / refused_by_policy / auth_failed / timeout,
// in the answer, the task and the history; where the device is and how it answered stays in the
// server's log.
TEST_F(Devices, DEV_4_OperatorsSeeOnlyTheCoarseConnectionRequestOutcome) {
  CreateProfile(kSimProfile);
  auto sim = StartSim("CRO", 1, "00D09E");
  const std::string id = Str(WaitForProvisionedDevice("CRO000001"), "id");

  auto cr = admin_a().Post("/api/v1/devices/" + id + "/connection-request", "");
  ASSERT_EQ(cr.status, 202) << cr.body;
  EXPECT_EQ(cr.Json(), json::parse(R"({"outcome":"delivered"})"));
  sim->WaitFor("session done", {{"serial", "CRO000001"}}, "6 CONNECTION REQUEST");

  auto task = admin_a().Post("/api/v1/devices/" + id + "/tasks",
                             R"({"type":"getParameterValues","names":["Device.DeviceInfo."],"now":true})");
  ASSERT_EQ(task.status, 201) << task.body;
  EXPECT_EQ(Member(task.Json(), "connection_request"), json::parse(R"({"outcome":"delivered"})"));

  auto audit = admin_a().Get("/api/v1/audit?action=devices.connection_request");
  ASSERT_EQ(audit.status, 200);
  const json::value audit_body = audit.Json();
  const auto& items = Member(audit_body, "items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Member(items.at(0), "details"), json::parse(R"({"outcome":"delivered"})"));
  // Nothing of the network behind the URL: no address, port, status or timing (the history's
  // source_ip is the operator's own address, so its details are what is checked there).
  for (const auto& body : {cr.body, task.body, json::serialize(Member(items.at(0), "details"))}) {
    EXPECT_EQ(body.find("127.0.0.1"), std::string::npos) << body;
    EXPECT_EQ(body.find("elapsed"), std::string::npos) << body;
    EXPECT_EQ(body.find("http_status"), std::string::npos) << body;
  }
  // The server's log has them.
  EXPECT_NE(server().ServerStderr().find("\"elapsed_ms\""), std::string::npos);
}

// Without --connection-request-allow-loopback, the device's loopback URL is refused by the
// policy (nothing is sent: loopback needs its own flag), and the answer says only that.
class NoLoopbackConnectionRequests : public Devices {
 protected:
  NoLoopbackConnectionRequests() : Devices({}, /*cr_loopback=*/false) {}
};

TEST_F(NoLoopbackConnectionRequests, DEV_4_RefusedByPolicyShowsNoAddressOrReason) {
  CreateProfile(kSimProfile);
  auto sim = StartSim("CRR", 1, "00D09E");
  const std::string id = Str(WaitForProvisionedDevice("CRR000001"), "id");

  auto cr = admin_a().Post("/api/v1/devices/" + id + "/connection-request", "");
  EXPECT_EQ(cr.status, 502) << cr.body;
  EXPECT_EQ(ProblemCode(cr), "connection_request_refused_by_policy");
  EXPECT_EQ(cr.body.find("127.0.0.1"), std::string::npos) << cr.body;
  EXPECT_EQ(cr.body.find("loopback"), std::string::npos) << cr.body;
  auto audit = admin_a().Get("/api/v1/audit?action=devices.connection_request");
  ASSERT_EQ(audit.status, 200);
  const json::value audit_body = audit.Json();
  const auto& items = Member(audit_body, "items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Member(items.at(0), "details"), json::parse(R"({"outcome":"refused_by_policy"})"));
  EXPECT_EQ(Str(items.at(0), "error_code"), "connection_request_refused_by_policy");
  EXPECT_NE(server().ServerStderr().find("loopback: never contacted"), std::string::npos);
  EXPECT_EQ(sim->Count("session done", {{"serial", "CRR000001"}}, "6 CONNECTION REQUEST"), 0u);
}

}  // namespace
}  // namespace kanri::testing
