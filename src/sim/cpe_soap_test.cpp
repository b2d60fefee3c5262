// Tests of the CPE side of the SOAP codec: what the simulator writes is decoded by the ACS's
// own decoder (cwmp/soap.h) and validated against the Broadband Forum schemas; what the ACS's
// encoder writes is decoded by the simulator.
#include "sim/cpe_soap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

namespace kanri::sim {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

const CpeHeader kHeader{.id = "42"};
const cwmp::DecodeLimits kLimits{};

cwmp::Envelope AcsDecode(const std::string& xml) {
  auto r = cwmp::DecodeEnvelope(xml, kLimits);
  EXPECT_TRUE(r) << (r ? "" : r.error().message) << "\n" << xml;
  return r ? *r : cwmp::Envelope{};
}

AcsEnvelope CpeDecode(const std::string& xml) {
  auto r = DecodeAcsEnvelope(xml, kLimits);
  EXPECT_TRUE(r) << (r ? "" : r.error().message) << "\n" << xml;
  return r ? *r : AcsEnvelope{};
}

cwmp::Inform SampleInform() {
  cwmp::Inform inform;
  inform.device_id = {"Kanri Simulated Devices", "00D09E", "SimGateway", "P000001"};
  inform.events = {{"0 BOOTSTRAP", ""}, {"1 BOOT", ""}, {"M Reboot", "r-1"}};
  inform.current_time = "2025-03-10T00:00:00Z";
  inform.retry_count = 2;
  inform.parameters = {{"Device.DeviceInfo.SoftwareVersion", "1.0.0", "string"},
                       {"Device.DeviceInfo.UpTime", "12", "unsignedInt"},
                       {"Device.WiFi.SSID.1.SSID", "a<b&\"c\"", "string"}};
  return inform;
}

TEST(CpeSoap, InformIsReadByTheAcsDecoder_DEV1) {
  const std::string xml =
      EncodeInform({.id = "7", .supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4"}, SampleInform());
  const cwmp::Envelope envelope = AcsDecode(xml);
  EXPECT_EQ(envelope.id, "7");
  EXPECT_EQ(envelope.version, (cwmp::CwmpVersion{1, 2}));
  EXPECT_EQ(envelope.supported_cwmp_versions, "1.0,1.1,1.2,1.3,1.4");
  const auto& inform = std::get<cwmp::Inform>(envelope.rpc);
  EXPECT_EQ(inform.device_id.oui, "00D09E");
  EXPECT_EQ(inform.device_id.serial_number, "P000001");
  EXPECT_EQ(inform.device_id.product_class, "SimGateway");
  ASSERT_EQ(inform.events.size(), 3u);
  EXPECT_EQ(inform.events[2].event_code, "M Reboot");
  EXPECT_EQ(inform.events[2].command_key, "r-1");
  EXPECT_EQ(inform.retry_count, 2u);
  ASSERT_EQ(inform.parameters.size(), 3u);
  EXPECT_EQ(inform.parameters[1].type, "unsignedInt");
  EXPECT_EQ(inform.parameters[2].value, "a<b&\"c\"");
}

TEST(CpeSoap, ResponsesAreReadByTheAcsDecoder) {
  const std::vector<cwmp::ParameterValue> values = {{"Device.DeviceInfo.UpTime", "5", "unsignedInt"}};
  const auto gpv = AcsDecode(EncodeGetParameterValuesResponse(kHeader, values));
  EXPECT_EQ(gpv.id, "42");
  EXPECT_EQ(std::get<cwmp::GetParameterValuesResponse>(gpv.rpc).parameters.at(0).value, "5");

  EXPECT_EQ(
      std::get<cwmp::SetParameterValuesResponse>(AcsDecode(EncodeSetParameterValuesResponse(kHeader, 0)).rpc)
          .status,
      0);
  const std::vector<cwmp::ParameterInfo> names = {{"Device.NAT.", false}, {"Device.NAT.PortMapping.", true}};
  const auto gpn = std::get<cwmp::GetParameterNamesResponse>(
      AcsDecode(EncodeGetParameterNamesResponse(kHeader, names)).rpc);
  ASSERT_EQ(gpn.parameters.size(), 2u);
  EXPECT_TRUE(gpn.parameters[1].writable);
  EXPECT_FALSE(gpn.parameters[0].writable);
  EXPECT_EQ(std::get<cwmp::AddObjectResponse>(AcsDecode(EncodeAddObjectResponse(kHeader, 3, 0)).rpc)
                .instance_number,
            3u);
  EXPECT_EQ(
      std::get<cwmp::DeleteObjectResponse>(AcsDecode(EncodeDeleteObjectResponse(kHeader, 0)).rpc).status, 0);
  EXPECT_TRUE(std::holds_alternative<cwmp::RebootResponse>(AcsDecode(EncodeRebootResponse(kHeader)).rpc));
  EXPECT_TRUE(
      std::holds_alternative<cwmp::FactoryResetResponse>(AcsDecode(EncodeFactoryResetResponse(kHeader)).rpc));
  const auto download = std::get<cwmp::DownloadResponse>(
      AcsDecode(EncodeDownloadResponse(kHeader, {1, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"})).rpc);
  EXPECT_EQ(download.status, 1);
  const std::vector<std::string> methods = {"GetRPCMethods", "Reboot"};
  EXPECT_THAT(
      std::get<cwmp::GetRPCMethodsResponse>(AcsDecode(EncodeGetRPCMethodsResponse(kHeader, methods)).rpc)
          .methods,
      ElementsAre("GetRPCMethods", "Reboot"));
  const auto transfer = std::get<cwmp::TransferComplete>(
      AcsDecode(EncodeTransferComplete({.id = "9"}, {"fw-1",
                                                     {9018, "File transfer failure: file corrupted"},
                                                     "2025-03-10T00:00:00Z",
                                                     "2025-03-10T00:00:05Z"}))
          .rpc);
  EXPECT_EQ(transfer.command_key, "fw-1");
  EXPECT_EQ(transfer.fault.fault_code, 9018);
  EXPECT_EQ(transfer.complete_time, "2025-03-10T00:00:05Z");
}

TEST(CpeSoap, AFaultWithSetParameterValuesFaultsIsReadByTheAcsDecoder_DEV3) {
  cwmp::CpeFault fault{
      .soap_fault_code = "Client",
      .soap_fault_string = "CWMP fault",
      .fault_code = 9003,
      .fault_string = "Invalid arguments",
      .set_parameter_values_faults = {{"Device.X", 9005, "Invalid parameter name"},
                                      {"Device.DeviceInfo.SoftwareVersion", 9008, "read-only"}}};
  const auto decoded = std::get<cwmp::CpeFault>(AcsDecode(EncodeCpeFault(kHeader, fault)).rpc);
  EXPECT_EQ(decoded.soap_fault_code, "Client");
  EXPECT_EQ(decoded.fault_code, 9003);
  ASSERT_EQ(decoded.set_parameter_values_faults.size(), 2u);
  EXPECT_EQ(decoded.set_parameter_values_faults[1].parameter_name, "Device.DeviceInfo.SoftwareVersion");
  EXPECT_EQ(decoded.set_parameter_values_faults[1].fault_code, 9008);
}

TEST(CpeSoap, EveryAcsRequestIsReadBackFromTheAcsEncoder) {
  const cwmp::HeaderOut header{.id = "acs-1", .version = {1, 2}};
  const std::vector<std::string> names = {"Device.DeviceInfo.", "Device.ManagementServer.URL"};
  auto gpv = CpeDecode(cwmp::EncodeGetParameterValues(header, names));
  EXPECT_EQ(gpv.id, "acs-1");
  EXPECT_EQ(gpv.version, (cwmp::CwmpVersion{1, 2}));
  EXPECT_EQ(std::get<GetParameterValues>(gpv.message).names, names);

  const std::vector<cwmp::ParameterSetting> settings = {
      {"Device.ManagementServer.PeriodicInformInterval", "60", cwmp::XsdType::kUnsignedInt},
      {"Device.WiFi.SSID.1.SSID", "<x & y>", cwmp::XsdType::kString}};
  const auto spv = std::get<SetParameterValues>(
      CpeDecode(cwmp::EncodeSetParameterValues(header, settings, "pk-1")).message);
  ASSERT_EQ(spv.values.size(), 2u);
  EXPECT_EQ(spv.values[0].type, "unsignedInt");
  EXPECT_EQ(spv.values[1].value, "<x & y>");
  EXPECT_EQ(spv.parameter_key, "pk-1");

  const auto gpn =
      std::get<GetParameterNames>(CpeDecode(cwmp::EncodeGetParameterNames(header, "Device.", true)).message);
  EXPECT_EQ(gpn.path, "Device.");
  EXPECT_TRUE(gpn.next_level);
  const auto add =
      std::get<AddObject>(CpeDecode(cwmp::EncodeAddObject(header, "Device.NAT.PortMapping.", "k")).message);
  EXPECT_EQ(add.object_name, "Device.NAT.PortMapping.");
  EXPECT_EQ(add.parameter_key, "k");
  EXPECT_EQ(std::get<DeleteObject>(
                CpeDecode(cwmp::EncodeDeleteObject(header, "Device.NAT.PortMapping.1.", "k")).message)
                .object_name,
            "Device.NAT.PortMapping.1.");
  EXPECT_EQ(std::get<Reboot>(CpeDecode(cwmp::EncodeReboot(header, "r-9")).message).command_key, "r-9");
  EXPECT_TRUE(std::holds_alternative<FactoryReset>(CpeDecode(cwmp::EncodeFactoryReset(header)).message));
  const cwmp::DownloadRequest request{.command_key = "fw-2",
                                      .url = "https://acs.example/fw/2?t=abc&x=1",
                                      .username = "u",
                                      .password = "p",
                                      .file_size = 1234,
                                      .delay_seconds = 3};
  const auto download = std::get<Download>(CpeDecode(cwmp::EncodeDownload(header, request)).message);
  EXPECT_EQ(download.command_key, "fw-2");
  EXPECT_EQ(download.file_type, "1 Firmware Upgrade Image");
  EXPECT_EQ(download.url, "https://acs.example/fw/2?t=abc&x=1");
  EXPECT_EQ(download.username, "u");
  EXPECT_EQ(download.password, "p");
  EXPECT_EQ(download.file_size, 1234u);
  EXPECT_EQ(download.delay_seconds, 3u);

  EXPECT_EQ(std::get<InformResponse>(CpeDecode(cwmp::EncodeInformResponse(header)).message).max_envelopes,
            1u);
  EXPECT_TRUE(std::holds_alternative<TransferCompleteResponse>(
      CpeDecode(cwmp::EncodeTransferCompleteResponse(header)).message));
  const auto fault =
      std::get<AcsFault>(CpeDecode(cwmp::EncodeFault(header, cwmp::AcsFaultCode::kRetryRequest, "")).message);
  EXPECT_EQ(fault.fault_code, 8005);
  EXPECT_TRUE(std::holds_alternative<GetRPCMethodsRequest>(
      CpeDecode("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/' "
                "xmlns:c='urn:dslforum-org:cwmp-1-0'>"
                "<s:Body><c:GetRPCMethods/></s:Body></s:Envelope>")
          .message));
}

TEST(CpeSoap, UnknownRequestsAreNamedAndHostileXmlIsRefused) {
  const auto unknown = CpeDecode(
      "<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/' "
      "xmlns:cwmp='urn:dslforum-org:cwmp-1-4'>"
      "<soap:Header><cwmp:ID soap:mustUnderstand='1'>x</cwmp:ID></soap:Header>"
      "<soap:Body><cwmp:ScheduleInform><DelaySeconds>5</DelaySeconds></cwmp:ScheduleInform></soap:Body>"
      "</soap:Envelope>");
  EXPECT_EQ(MessageName(unknown.message), "ScheduleInform");
  EXPECT_EQ(unknown.version, (cwmp::CwmpVersion{1, 4}));
  EXPECT_FALSE(DecodeAcsEnvelope("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", kLimits));
  EXPECT_FALSE(DecodeAcsEnvelope("<Envelope><Body>", kLimits));
  EXPECT_FALSE(DecodeAcsEnvelope("<Envelope><Body/></Envelope>", kLimits));
  std::string deep = "<Envelope><Body>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  EXPECT_FALSE(DecodeAcsEnvelope(deep + "</Body></Envelope>", kLimits));
}

// ---------------------------------------------------------------------------------------------
// Schema validation of what the CPE writes (the ACS's testdata schemas, with xmllint).

fs::path XsdDir() {
  if (const char* source = std::getenv("KANRI_SOURCE_DIR")) return fs::path(source) / "src/cwmp/testdata/xsd";
  return KANRI_CWMP_XSD_DIR;
}

// The RPC element (or, for a SOAP Fault, the cwmp:Fault in its detail) as a document of its own.
std::string RpcElementAlone(const std::string& envelope_xml) {
  pugi::xml_document in;
  EXPECT_TRUE(in.load_string(envelope_xml.c_str()));
  pugi::xml_node envelope = in.document_element();
  pugi::xml_node rpc = envelope.child("SOAP-ENV:Body").first_child();
  if (std::string_view(rpc.name()) == "SOAP-ENV:Fault") rpc = rpc.child("detail").first_child();
  pugi::xml_document out;
  pugi::xml_node copy = out.append_copy(rpc);
  for (pugi::xml_attribute a : envelope.attributes()) copy.append_attribute(a.name()) = a.value();
  std::ostringstream text;
  out.save(text, "  ");
  return text.str();
}

std::string ValidateRpc(const std::string& envelope_xml) {
  const fs::path file = fs::temp_directory_path() / ("kanri_sim_" + std::to_string(getpid()) + ".xml");
  std::ofstream(file) << RpcElementAlone(envelope_xml);
  const fs::path log = file.string() + ".log";
  const std::string command = "xmllint --noout --nonet --schema '" +
                              (XsdDir() / "validate-cwmp-1-2.xsd").string() + "' '" + file.string() + "' >'" +
                              log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ostringstream complaint;
  if (status != 0) complaint << std::ifstream(log).rdbuf() << RpcElementAlone(envelope_xml);
  fs::remove(file);
  fs::remove(log);
  return complaint.str();
}

TEST(CpeSoapSchema, EverythingTheCpeWritesIsValidAgainstCwmp12) {
  if (std::system("xmllint --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed";
  const std::vector<cwmp::ParameterValue> values = {{"Device.DeviceInfo.UpTime", "5", "unsignedInt"}};
  const std::vector<cwmp::ParameterInfo> names = {{"Device.NAT.PortMapping.", true}};
  const std::vector<std::string> methods = {"GetRPCMethods"};
  cwmp::CpeFault fault{.soap_fault_code = "Client",
                       .fault_code = 9003,
                       .fault_string = "Invalid arguments",
                       .set_parameter_values_faults = {{"Device.X", 9005, "Invalid parameter name"}}};
  for (const std::string& xml : {
           EncodeInform(kHeader, SampleInform()),
           EncodeTransferComplete(kHeader, {"k", {0, ""}, "2025-03-10T00:00:00Z", "2025-03-10T00:00:01Z"}),
           EncodeGetRPCMethodsResponse(kHeader, methods),
           EncodeGetParameterValuesResponse(kHeader, values),
           EncodeSetParameterValuesResponse(kHeader, 0),
           EncodeGetParameterNamesResponse(kHeader, names),
           EncodeAddObjectResponse(kHeader, 1, 0),
           EncodeDeleteObjectResponse(kHeader, 0),
           EncodeRebootResponse(kHeader),
           EncodeFactoryResetResponse(kHeader),
           EncodeDownloadResponse(kHeader, {1, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"}),
           EncodeCpeFault(kHeader, fault),
       }) {
    EXPECT_EQ(ValidateRpc(xml), "");
  }
}

}  // namespace
}  // namespace kanri::sim
