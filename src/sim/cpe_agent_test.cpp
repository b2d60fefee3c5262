// Tests of one simulated CPE's behaviour without the network: events, answers, after-session
// actions and saved state.
#include "sim/cpe_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kanri::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Timestamp kT0 = *ParseUtc("2025-03-10T00:00:00Z");
const cwmp::HeaderOut kAcs{.id = "acs-7", .version = {1, 2}};

DeviceIdentity Identity() {
  DeviceIdentity id;
  id.serial_number = "P000001";
  id.acs_url = "https://acs.example/";
  id.acs_username = "boot";
  id.acs_password = "strap";
  return id;
}

AcsEnvelope Request(const std::string& acs_xml) {
  auto r = DecodeAcsEnvelope(acs_xml, cwmp::DecodeLimits{});
  EXPECT_TRUE(r);
  return *r;
}

// The ACS's view of the answer.
cwmp::Rpc Answered(const CpeAgent::Answer& answer) {
  auto r = cwmp::DecodeEnvelope(answer.body, cwmp::DecodeLimits{});
  EXPECT_TRUE(r) << answer.body;
  EXPECT_EQ(r->id, "acs-7");
  return r->rpc;
}

std::vector<std::string> EventCodes(const cwmp::Inform& inform) {
  std::vector<std::string> codes;
  for (const auto& e : inform.events)
    codes.push_back(e.event_code + (e.command_key.empty() ? "" : ":" + e.command_key));
  return codes;
}

TEST(CpeAgent, FirstContactIsBootstrapAndBootThenOnlyBoot_DEV1) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "http://127.0.0.1:1/cr/P000001");
  agent.Boot(kT0);
  cwmp::Inform inform = agent.MakeInform(kT0 + std::chrono::seconds{3}, 0);
  EXPECT_THAT(EventCodes(inform), ElementsAre("0 BOOTSTRAP", "1 BOOT"));
  EXPECT_EQ(inform.device_id.serial_number, "P000001");
  EXPECT_EQ(inform.device_id.oui, "00D09E");
  EXPECT_EQ(inform.parameters.size(), InformParameterNames(ModelKind::kTr181).size());
  const auto uptime = std::find_if(inform.parameters.begin(), inform.parameters.end(),
                                   [](const auto& p) { return p.name == "Device.DeviceInfo.UpTime"; });
  EXPECT_EQ(uptime->value, "3");
  const auto cr = std::find_if(inform.parameters.begin(), inform.parameters.end(), [](const auto& p) {
    return p.name == "Device.ManagementServer.ConnectionRequestURL";
  });
  EXPECT_EQ(cr->value, "http://127.0.0.1:1/cr/P000001");
  agent.InformAccepted();
  EXPECT_FALSE(agent.HasPendingEvents());

  agent.Boot(kT0);
  EXPECT_THAT(EventCodes(agent.MakeInform(kT0, 0)), ElementsAre("1 BOOT"));
}

TEST(CpeAgent, SetParameterValuesUpdatesTheParameterKeyAndCredentials_DEV3) {
  CpeAgent agent(ModelKind::kTr098, Identity(), "");
  const std::vector<cwmp::ParameterSetting> settings = {
      {"InternetGatewayDevice.ManagementServer.Password", "rotated-secret", cwmp::XsdType::kString},
      {"InternetGatewayDevice.ManagementServer.ConnectionRequestUsername", "cr-user",
       cwmp::XsdType::kString}};
  auto answer = agent.Respond(Request(cwmp::EncodeSetParameterValues(kAcs, settings, "pk-1")), kT0);
  EXPECT_EQ(answer.method, "SetParameterValues");
  EXPECT_EQ(answer.fault_code, 0);
  EXPECT_EQ(std::get<cwmp::SetParameterValuesResponse>(Answered(answer)).status, 0);
  EXPECT_EQ(agent.Value(Param::kAcsPassword), "rotated-secret");
  EXPECT_EQ(agent.Value(Param::kConnectionRequestUsername), "cr-user");
  EXPECT_EQ(agent.Value(Param::kParameterKey), "pk-1");
}

TEST(CpeAgent, ARefusedSetParameterValuesChangesNothing_DEV3) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  const std::vector<cwmp::ParameterSetting> settings = {
      {"Device.WiFi.SSID.1.SSID", "new", cwmp::XsdType::kString},
      {"Device.DeviceInfo.SoftwareVersion", "6.6.6", cwmp::XsdType::kString}};
  auto answer = agent.Respond(Request(cwmp::EncodeSetParameterValues(kAcs, settings, "pk-2")), kT0);
  EXPECT_EQ(answer.fault_code, 9003);
  const auto fault = std::get<cwmp::CpeFault>(Answered(answer));
  ASSERT_EQ(fault.set_parameter_values_faults.size(), 1u);
  EXPECT_EQ(fault.set_parameter_values_faults[0].fault_code, 9008);
  EXPECT_EQ(agent.Value(Param::kParameterKey), "");
  EXPECT_NE(agent.model().Value("Device.WiFi.SSID.1.SSID"), "new");
}

TEST(CpeAgent, AnswersGetRpcMethodsAndRefusesUnknownMethodsWith9000) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  auto methods = agent.Respond(
      Request("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/' "
              "xmlns:c='urn:dslforum-org:cwmp-1-2'>"
              "<s:Header><c:ID>acs-7</c:ID></s:Header><s:Body><c:GetRPCMethods/></s:Body></s:Envelope>"),
      kT0);
  EXPECT_EQ(std::get<cwmp::GetRPCMethodsResponse>(Answered(methods)).methods.size(),
            std::size(kSupportedMethods));
  auto unknown = agent.Respond(
      Request("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/' "
              "xmlns:c='urn:dslforum-org:cwmp-1-2'>"
              "<s:Header><c:ID>acs-7</c:ID></s:Header><s:Body><c:Upload/></s:Body></s:Envelope>"),
      kT0);
  EXPECT_EQ(unknown.fault_code, 9000);
  EXPECT_EQ(std::get<cwmp::CpeFault>(Answered(unknown)).fault_code, 9000);
}

TEST(CpeAgent, RebootActsAfterTheSessionAndReportsMReboot) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  agent.Boot(kT0);
  agent.InformAccepted();
  auto answer = agent.Respond(Request(cwmp::EncodeReboot(kAcs, "reboot-1")), kT0);
  EXPECT_TRUE(std::holds_alternative<cwmp::RebootResponse>(Answered(answer)));
  AfterSessionActions actions = agent.TakeAfterSessionActions();
  EXPECT_EQ(actions.reboot_command_key, "reboot-1");
  EXPECT_TRUE(agent.TakeAfterSessionActions().empty());
  agent.Reboot(kT0 + std::chrono::seconds{60}, *actions.reboot_command_key);
  EXPECT_THAT(EventCodes(agent.MakeInform(kT0 + std::chrono::seconds{61}, 0)),
              ElementsAre("1 BOOT", "M Reboot:reboot-1"));
}

TEST(CpeAgent, DEV_8_InjectedFaultsAnswerTheirMethodTheGivenNumberOfTimes) {
  auto twice = ParseFaultInjection("Reboot=9002x2");
  ASSERT_TRUE(twice) << twice.error().message;
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  agent.InjectFaults({*twice});
  const std::string reboot = cwmp::EncodeReboot(kAcs, "r");
  for (int i = 0; i < 2; ++i) {
    auto answer = agent.Respond(Request(reboot), kT0);
    EXPECT_EQ(answer.fault_code, 9002);
    EXPECT_EQ(std::get<cwmp::CpeFault>(Answered(answer)).fault_code, 9002);
    EXPECT_TRUE(agent.TakeAfterSessionActions().empty()) << "a refused reboot does not happen";
  }
  EXPECT_TRUE(std::holds_alternative<cwmp::RebootResponse>(Answered(agent.Respond(Request(reboot), kT0))));
}

TEST(FaultInjection, DEV_8_ParsesItsFormAndRefusesAnythingElse) {
  struct Case {
    const char* text;
    bool ok;
    const char* method;
    int code, times;
    double percent;
  };
  const Case cases[] = {
      {"SetParameterValues=9002", true, "SetParameterValues", 9002, 0, 100},
      {"SetParameterValues=9002x2", true, "SetParameterValues", 9002, 2, 100},
      {"Download=9010@20%", true, "Download", 9010, 0, 20},
      {"Download=9010x1@12.5%", true, "Download", 9010, 1, 12.5},
      {"Upload=9002", false, "", 0, 0, 0},  // not a method the simulator answers
      {"Reboot", false, "", 0, 0, 0},       // no code
      {"Reboot=8002", false, "", 0, 0, 0},  // not a CPE fault code
      {"Reboot=9002x", false, "", 0, 0, 0},
      {"Reboot=9002x-1", false, "", 0, 0, 0},
      {"Reboot=9002@0%", false, "", 0, 0, 0},
      {"Reboot=9002@101%", false, "", 0, 0, 0},
      {"Reboot=9002@20", false, "", 0, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto f = ParseFaultInjection(c.text);
    ASSERT_EQ(f.ok(), c.ok);
    if (!c.ok) {
      EXPECT_NE(f.error().message.find("METHOD=CODE"), std::string::npos);
      continue;
    }
    EXPECT_EQ(f->method, c.method);
    EXPECT_EQ(f->fault_code, c.code);
    EXPECT_EQ(f->times, c.times);
    EXPECT_EQ(f->percent, c.percent);
  }
  // 20 % of 30 devices is 6, one in five, spread evenly.
  FaultInjection fifth{"Download", 9010, 0, 20};
  std::vector<std::size_t> picked;
  for (std::size_t i = 0; i < 30; ++i)
    if (FaultInjectionApplies(fifth, i)) picked.push_back(i);
  EXPECT_THAT(picked, ElementsAre(4, 9, 14, 19, 24, 29));
  for (std::size_t i = 0; i < 30; ++i) EXPECT_TRUE(FaultInjectionApplies({"Reboot", 9002, 0, 100}, i));
}

TEST(CpeAgent, FactoryResetRestoresDefaultsAndBootstrapsAgain) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "http://h/cr/P000001");
  agent.Boot(kT0);
  agent.InformAccepted();
  const std::vector<cwmp::ParameterSetting> settings = {
      {"Device.ManagementServer.Password", "rotated", cwmp::XsdType::kString}};
  EXPECT_EQ(agent.Respond(Request(cwmp::EncodeSetParameterValues(kAcs, settings, "k")), kT0).fault_code, 0);
  agent.Respond(Request(cwmp::EncodeFactoryReset(kAcs)), kT0);
  ASSERT_TRUE(agent.TakeAfterSessionActions().factory_reset);
  agent.FactoryReset(kT0);
  EXPECT_EQ(agent.Value(Param::kAcsPassword), "strap");
  EXPECT_EQ(agent.Value(Param::kConnectionRequestUrl), "http://h/cr/P000001");
  EXPECT_THAT(EventCodes(agent.MakeInform(kT0, 0)), ElementsAre("0 BOOTSTRAP", "1 BOOT"));
}

TEST(CpeAgent, DownloadIsAnsweredWithStatusOneAndReportedByTransferComplete_DEV6) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  agent.Boot(kT0);
  agent.InformAccepted();
  const cwmp::DownloadRequest request{.command_key = "fw-1", .url = "https://acs.example/fw/1"};
  auto answer = agent.Respond(Request(cwmp::EncodeDownload(kAcs, request)), kT0);
  EXPECT_EQ(std::get<cwmp::DownloadResponse>(Answered(answer)).status, 1);
  // A second download while one is pending is refused.
  EXPECT_EQ(agent.Respond(Request(cwmp::EncodeDownload(kAcs, request)), kT0).fault_code, 9004);
  AfterSessionActions actions = agent.TakeAfterSessionActions();
  ASSERT_TRUE(actions.download);
  agent.DownloadFinished(*actions.download, {0, ""}, "2.0.0", kT0, kT0 + std::chrono::seconds{2});
  EXPECT_EQ(agent.Value(Param::kSoftwareVersion), "2.0.0");
  EXPECT_THAT(EventCodes(agent.MakeInform(kT0, 0)),
              ElementsAre("1 BOOT", "7 TRANSFER COMPLETE", "M Download:fw-1"));
  ASSERT_TRUE(agent.pending_transfer());
  EXPECT_EQ(agent.pending_transfer()->command_key, "fw-1");
  // Transfer events stay until the TransferComplete is acknowledged.
  agent.InformAccepted();
  EXPECT_THAT(agent.PendingEventCodes(), ElementsAre("7 TRANSFER COMPLETE", "M Download"));
  agent.TransferCompleteAccepted();
  EXPECT_FALSE(agent.HasPendingEvents());
  EXPECT_FALSE(agent.pending_transfer());
}

TEST(CpeAgent, AFailedDownloadKeepsTheVersionAndReportsTheFault_DEV6) {
  CpeAgent agent(ModelKind::kTr098, Identity(), "");
  const cwmp::DownloadRequest request{.command_key = "fw-2", .url = "http://acs.example/fw/2"};
  agent.DownloadFinished(request, {9018, "File transfer failure: file corrupted"}, "", kT0, kT0);
  EXPECT_EQ(agent.Value(Param::kSoftwareVersion), "1.0.0");
  EXPECT_EQ(agent.pending_transfer()->fault.fault_code, 9018);
  EXPECT_THAT(agent.PendingEventCodes(), ElementsAre("7 TRANSFER COMPLETE", "M Download"));
  auto busy = agent.Respond(
      Request(cwmp::EncodeDownload(kAcs, {.command_key = "fw-3", .url = "http://acs.example/fw"})), kT0);
  EXPECT_EQ(busy.fault_code, 9004);  // the transfer is not reported yet
  CpeAgent fresh(ModelKind::kTr098, Identity(), "");
  auto ftp = fresh.Respond(
      Request(cwmp::EncodeDownload(kAcs, {.command_key = "fw-4", .url = "ftp://acs.example/fw"})), kT0);
  EXPECT_EQ(ftp.fault_code, 9013);  // unsupported protocol for file transfer
}

TEST(CpeAgent, ANewAcsUrlMeansANewBootstrap) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  agent.Boot(kT0);
  agent.InformAccepted();
  const std::vector<cwmp::ParameterSetting> settings = {
      {"Device.ManagementServer.URL", "https://other-acs.example/", cwmp::XsdType::kString}};
  EXPECT_EQ(agent.Respond(Request(cwmp::EncodeSetParameterValues(kAcs, settings, "")), kT0).fault_code, 0);
  EXPECT_THAT(agent.PendingEventCodes(), ElementsAre("0 BOOTSTRAP"));
}

TEST(CpeAgent, SavedStateSurvivesARestart) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "http://old/cr/P000001");
  agent.Boot(kT0);
  agent.InformAccepted();
  const std::vector<cwmp::ParameterSetting> settings = {
      {"Device.ManagementServer.Password", "rotated", cwmp::XsdType::kString}};
  EXPECT_EQ(agent.Respond(Request(cwmp::EncodeSetParameterValues(kAcs, settings, "k")), kT0).fault_code, 0);
  EXPECT_EQ(
      agent.Respond(Request(cwmp::EncodeAddObject(kAcs, "Device.NAT.PortMapping.", "k2")), kT0).fault_code,
      0);

  CpeAgent restarted(ModelKind::kTr181, Identity(), "http://new/cr/P000001");
  ASSERT_TRUE(restarted.LoadState(agent.SaveState()));
  restarted.Boot(kT0);
  EXPECT_EQ(restarted.Value(Param::kAcsPassword), "rotated");
  EXPECT_EQ(restarted.Value(Param::kParameterKey), "k2");
  EXPECT_EQ(restarted.Value(Param::kConnectionRequestUrl), "http://new/cr/P000001");
  EXPECT_EQ(restarted.model().Value("Device.NAT.PortMappingNumberOfEntries"), "1");
  EXPECT_THAT(restarted.PendingEventCodes(), ElementsAre("1 BOOT"));
}

}  // namespace
}  // namespace kanri::sim
