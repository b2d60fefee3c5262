// Tests of the CWMP SOAP codec. Decoding is tested as data (STYLE.md, DuckDB style): every
// testdata/cases/NAME.xml is decoded and described as text, which must equal NAME.expected.
// Encoding is tested by parsing each envelope back, and by validating its RPC element against
// the Broadband Forum schemas in testdata/xsd with xmllint when it is installed.
#include "cwmp/soap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cwmp/soap_xml.h"

namespace kanri::cwmp {
namespace {

namespace fs = std::filesystem;

fs::path TestdataDir() {
  if (const char* source = std::getenv("KANRI_SOURCE_DIR")) return fs::path(source) / "src/cwmp/testdata";
  return KANRI_CWMP_TESTDATA;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// ---------------------------------------------------------------------------------------------
// The text form of a decoded envelope, as written in the .expected files.

std::string Typed(const ParameterValue& p) {
  return p.name + " = " + p.value + (p.type.empty() ? "" : " (xsd:" + p.type + ")");
}

void DescribeFault(std::ostringstream& out, const FaultStruct& fault) {
  if (fault.fault_code != 0) out << "fault: " << fault.fault_code << " " << fault.fault_string << "\n";
}

std::string Describe(const Envelope& envelope) {
  std::ostringstream out;
  const std::string_view name = RpcName(envelope.rpc);
  out << "rpc: " << (name.empty() ? "(empty)" : name) << "\n";
  if (envelope.version)
    out << "cwmp_version: " << envelope.version->major << "." << envelope.version->minor << "\n";
  if (envelope.id) out << "id: " << *envelope.id << "\n";
  if (envelope.hold_requests) out << "hold_requests: true\n";
  if (envelope.no_more_requests) out << "no_more_requests: true\n";
  if (envelope.supported_cwmp_versions)
    out << "supported_cwmp_versions: " << *envelope.supported_cwmp_versions << "\n";
  std::visit(
      [&out](const auto& rpc) {
        using T = std::decay_t<decltype(rpc)>;
        if constexpr (std::is_same_v<T, Inform>) {
          out << "manufacturer: " << rpc.device_id.manufacturer << "\n"
              << "oui: " << rpc.device_id.oui << "\n"
              << "product_class: " << rpc.device_id.product_class << "\n"
              << "serial: " << rpc.device_id.serial_number << "\n";
          for (const EventStruct& e : rpc.events) {
            out << "event: " << e.event_code << (e.command_key.empty() ? "" : " [" + e.command_key + "]")
                << "\n";
          }
          out << "max_envelopes: " << rpc.max_envelopes << "\n"
              << "current_time: " << rpc.current_time << "\n"
              << "retry_count: " << rpc.retry_count << "\n";
          for (const ParameterValue& p : rpc.parameters) out << "param: " << Typed(p) << "\n";
        } else if constexpr (std::is_same_v<T, TransferComplete>) {
          out << "command_key: " << rpc.command_key << "\n";
          DescribeFault(out, rpc.fault);
          out << "start_time: " << rpc.start_time << "\ncomplete_time: " << rpc.complete_time << "\n";
        } else if constexpr (std::is_same_v<T, AutonomousTransferComplete>) {
          out << "transfer_url: " << rpc.transfer_url
              << "\nis_download: " << (rpc.is_download ? "true" : "false") << "\nfile_type: " << rpc.file_type
              << "\nfile_size: " << rpc.file_size << "\n";
          DescribeFault(out, rpc.fault);
        } else if constexpr (std::is_same_v<T, GetParameterValuesResponse>) {
          for (const ParameterValue& p : rpc.parameters) out << "param: " << Typed(p) << "\n";
        } else if constexpr (std::is_same_v<T, SetParameterValuesResponse> ||
                             std::is_same_v<T, DeleteObjectResponse>) {
          out << "status: " << rpc.status << "\n";
        } else if constexpr (std::is_same_v<T, GetParameterNamesResponse>) {
          for (const ParameterInfo& p : rpc.parameters) {
            out << "name: " << p.name << (p.writable ? " (writable)" : " (read-only)") << "\n";
          }
        } else if constexpr (std::is_same_v<T, AddObjectResponse>) {
          out << "instance: " << rpc.instance_number << "\nstatus: " << rpc.status << "\n";
        } else if constexpr (std::is_same_v<T, DownloadResponse>) {
          out << "status: " << rpc.status << "\nstart_time: " << rpc.start_time
              << "\ncomplete_time: " << rpc.complete_time << "\n";
        } else if constexpr (std::is_same_v<T, GetRPCMethodsResponse>) {
          for (const std::string& m : rpc.methods) out << "method: " << m << "\n";
        } else if constexpr (std::is_same_v<T, CpeFault>) {
          out << "soap_fault: " << rpc.soap_fault_code << " " << rpc.soap_fault_string << "\n"
              << "fault: " << rpc.fault_code << " " << rpc.fault_string << "\n";
          for (const SetParameterValuesFault& f : rpc.set_parameter_values_faults) {
            out << "parameter_fault: " << f.parameter_name << " " << f.fault_code << " " << f.fault_string
                << "\n";
          }
        }
      },
      envelope.rpc);
  return out.str();
}

// An .expected file: "# comment" lines and "limit.NAME: N" directives, then either the
// description or one line "error: CODE TEXT" where TEXT must appear in the error's message.
struct GoldenCase {
  DecodeLimits limits;
  std::string expected;
};

GoldenCase ReadExpected(const fs::path& path) {
  GoldenCase golden;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with("#")) continue;
    if (line.starts_with("limit.max_elements: ")) {
      golden.limits.max_elements = std::stoul(line.substr(20));
    } else if (line.starts_with("limit.max_depth: ")) {
      golden.limits.max_depth = std::stoi(line.substr(17));
    } else if (line.starts_with("limit.max_body_bytes: ")) {
      golden.limits.max_body_bytes = std::stoul(line.substr(22));
    } else {
      golden.expected += line + "\n";
    }
  }
  return golden;
}

std::vector<fs::path> GoldenCases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(TestdataDir() / "cases")) {
    if (entry.path().extension() == ".xml") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// DEV-1: the onboarding data (Inform DeviceId, events, parameters) and every other CPE message
// decode as the case files say, and every malformed document is refused with the right fault.
TEST(SoapGolden, DEV_1_EveryCaseDecodesAsExpected) {
  const std::vector<fs::path> cases = GoldenCases();
  ASSERT_GE(cases.size(), 20u) << "golden cases missing under " << TestdataDir();
  for (const fs::path& xml : cases) {
    SCOPED_TRACE(xml.filename().string());
    fs::path expected_path = xml;
    expected_path.replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_path)) << "no " << expected_path.filename();
    const GoldenCase golden = ReadExpected(expected_path);
    const Result<Envelope> decoded = DecodeEnvelope(ReadFile(xml), golden.limits);
    if (golden.expected.starts_with("error: ")) {
      ASSERT_FALSE(decoded.ok()) << "decoded as:\n" << Describe(*decoded);
      const std::string line = golden.expected.substr(7, golden.expected.size() - 8);
      const int code = std::stoi(line.substr(0, 4));
      const std::string text = line.size() > 5 ? line.substr(5) : "";
      EXPECT_EQ(static_cast<int>(AcsFaultFor(decoded.error())), code) << decoded.error().message;
      EXPECT_THAT(decoded.error().message, ::testing::HasSubstr(text));
    } else {
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_EQ(Describe(*decoded), golden.expected);
    }
  }
}

// No input from the network can break the decoder (issue 4): every prefix of every small case,
// which covers documents cut at any byte, decodes or fails cleanly.
TEST(SoapGolden, EveryTruncationOfEveryCaseFailsCleanly) {
  constexpr std::size_t kMaxCaseBytes = 8 * 1024;  // keeps the quadratic walk fast
  for (const fs::path& xml : GoldenCases()) {
    const std::string body = ReadFile(xml);
    if (body.size() > kMaxCaseBytes) continue;
    for (std::size_t n = 0; n < body.size(); ++n) {
      const Result<Envelope> r = DecodeEnvelope(std::string_view(body).substr(0, n), DecodeLimits{});
      if (!r.ok()) {
        EXPECT_FALSE(r.error().message.empty()) << xml.filename() << " cut at " << n;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Limits at their defaults, on documents too big to keep as files.

TEST(SoapDecodeLimits, RefusesMoreElementsThanTheDefaultLimit) {
  std::string body = "<Envelope><Body><GetRPCMethodsResponse><MethodList>";
  for (std::size_t i = 0; i <= DecodeLimits{}.max_elements; ++i) body += "<s/>";
  body += "</MethodList></GetRPCMethodsResponse></Body></Envelope>";
  const Result<Envelope> r = DecodeEnvelope(body, DecodeLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(AcsFaultFor(r.error()), AcsFaultCode::kResourcesExceeded);
}

TEST(SoapDecodeLimits, RefusesDeepNestingWithoutExhaustingTheStack) {
  constexpr int kDepth = 100'000;
  std::string body;
  for (int i = 0; i < kDepth; ++i) body += "<a>";
  for (int i = 0; i < kDepth; ++i) body += "</a>";
  const Result<Envelope> r = DecodeEnvelope(body, DecodeLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(AcsFaultFor(r.error()), AcsFaultCode::kResourcesExceeded);
  EXPECT_THAT(r.error().message, ::testing::HasSubstr("deeper than 32"));
}

TEST(SoapDecodeLimits, RefusesAnOversizedBodyBeforeParsing) {
  const std::string body(DecodeLimits{}.max_body_bytes + 1, ' ');
  const Result<Envelope> r = DecodeEnvelope(body, DecodeLimits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(AcsFaultFor(r.error()), AcsFaultCode::kResourcesExceeded);
}

TEST(SoapDecodeLimits, RefusesDoctypeAndEntityDeclarationsInAnyCase) {
  const std::string inform =
      "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<soap-env:Body/></soap-env:Envelope>";
  for (std::string bad : {"<!DOCTYPE x>" + inform, "<!doctype x [<!entity a 'b'>]>" + inform,
                          inform + "<!EnTiTy a 'b'>", "<!-- c --><!DocType x>" + inform}) {
    const Result<Envelope> r = DecodeEnvelope(bad, DecodeLimits{});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(AcsFaultFor(r.error()), AcsFaultCode::kResourcesExceeded) << bad;
  }
  // Comments and CDATA sections also start with "<!": they are not declarations.
  EXPECT_FALSE(soap_xml::HasDtdDeclaration("<!-- DOCTYPE --><x><![CDATA[ENTITY]]></x>"));
  EXPECT_FALSE(soap_xml::HasDtdDeclaration("<!"));
  EXPECT_TRUE(soap_xml::HasDtdDeclaration("<x/><!doctypE"));
}

TEST(SoapDecode, EmptyPostIsADistinctValidResult) {
  for (std::string_view body : {"", "\r\n", "   "}) {
    const Result<Envelope> r = DecodeEnvelope(body, DecodeLimits{});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(std::holds_alternative<EmptyPost>(r->rpc));
    EXPECT_FALSE(r->id.has_value());
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding: parse each envelope back.

const HeaderOut kHeader{.id = "4711", .version = {1, 2}};

struct ParsedEnvelope {
  pugi::xml_document doc;
  pugi::xml_node envelope;
  pugi::xml_node rpc;
};

// Parses `xml` and checks what every ACS envelope must have: the SOAP and XML Schema
// namespaces, the negotiated cwmp namespace, and the echoed cwmp:ID with mustUnderstand="1".
void ParseEnvelope(const std::string& xml, ParsedEnvelope& parsed, const HeaderOut& header = kHeader) {
  ASSERT_TRUE(parsed.doc.load_string(xml.c_str())) << xml;
  parsed.envelope = parsed.doc.child("SOAP-ENV:Envelope");
  ASSERT_TRUE(parsed.envelope) << xml;
  EXPECT_STREQ(parsed.envelope.attribute("xmlns:SOAP-ENV").value(),
               "http://schemas.xmlsoap.org/soap/envelope/");
  EXPECT_STREQ(parsed.envelope.attribute("xmlns:SOAP-ENC").value(),
               "http://schemas.xmlsoap.org/soap/encoding/");
  EXPECT_STREQ(parsed.envelope.attribute("xmlns:xsd").value(), "http://www.w3.org/2001/XMLSchema");
  EXPECT_STREQ(parsed.envelope.attribute("xmlns:xsi").value(), "http://www.w3.org/2001/XMLSchema-instance");
  EXPECT_EQ(parsed.envelope.attribute("xmlns:cwmp").value(), CwmpNamespace(header.version));
  pugi::xml_node id = parsed.envelope.child("SOAP-ENV:Header").child("cwmp:ID");
  EXPECT_STREQ(id.text().get(), header.id.c_str());
  EXPECT_STREQ(id.attribute("SOAP-ENV:mustUnderstand").value(), "1");
  parsed.rpc = parsed.envelope.child("SOAP-ENV:Body").first_child();
  ASSERT_TRUE(parsed.rpc);
  EXPECT_FALSE(parsed.rpc.next_sibling()) << "one RPC per envelope";
}

TEST(SoapEncode, InformResponseEchoesIdAndVersion) {
  for (int minor = 0; minor <= 4; ++minor) {
    const HeaderOut header{.id = "id-" + std::to_string(minor), .version = {1, minor}};
    ParsedEnvelope p;
    ParseEnvelope(EncodeInformResponse(header), p, header);
    EXPECT_STREQ(p.rpc.name(), "cwmp:InformResponse");
    EXPECT_STREQ(p.rpc.child("MaxEnvelopes").text().get(), "1");
  }
}

TEST(SoapEncode, HeaderCarriesHoldRequestsAndUseCwmpVersion) {
  const HeaderOut header{.id = "9", .version = {1, 2}, .hold_requests = true, .use_cwmp_version = "1.4"};
  ParsedEnvelope p;
  ParseEnvelope(EncodeTransferCompleteResponse(header), p, header);
  pugi::xml_node soap_header = p.envelope.child("SOAP-ENV:Header");
  EXPECT_STREQ(soap_header.child("cwmp:HoldRequests").text().get(), "1");
  EXPECT_STREQ(soap_header.child("cwmp:HoldRequests").attribute("SOAP-ENV:mustUnderstand").value(), "1");
  EXPECT_STREQ(soap_header.child("cwmp:UseCWMPVersion").text().get(), "1.4");
  EXPECT_STREQ(p.rpc.name(), "cwmp:TransferCompleteResponse");
}

TEST(SoapEncode, GetRPCMethodsResponseListsMethodsWithArrayType) {
  const std::vector<std::string> methods = {"Inform", "GetRPCMethods", "TransferComplete",
                                            "AutonomousTransferComplete"};
  ParsedEnvelope p;
  ParseEnvelope(EncodeGetRPCMethodsResponse(kHeader, methods), p);
  pugi::xml_node list = p.rpc.child("MethodList");
  EXPECT_STREQ(list.attribute("SOAP-ENC:arrayType").value(), "xsd:string[4]");
  std::vector<std::string> got;
  for (pugi::xml_node s : list.children("string")) got.push_back(s.text().get());
  EXPECT_EQ(got, methods);
}

TEST(SoapEncode, AutonomousTransferCompleteResponse) {
  ParsedEnvelope p;
  ParseEnvelope(EncodeAutonomousTransferCompleteResponse(kHeader), p);
  EXPECT_STREQ(p.rpc.name(), "cwmp:AutonomousTransferCompleteResponse");
  EXPECT_FALSE(p.rpc.first_child());
}

TEST(SoapEncode, GetParameterValuesNamesEveryPath) {
  const std::vector<std::string> names = {"Device.DeviceInfo.", "Device.ManagementServer.URL"};
  ParsedEnvelope p;
  ParseEnvelope(EncodeGetParameterValues(kHeader, names), p);
  pugi::xml_node list = p.rpc.child("ParameterNames");
  EXPECT_STREQ(list.attribute("SOAP-ENC:arrayType").value(), "xsd:string[2]");
  EXPECT_STREQ(list.first_child().text().get(), "Device.DeviceInfo.");
  EXPECT_STREQ(list.last_child().text().get(), "Device.ManagementServer.URL");
}

TEST(SoapEncode, SetParameterValuesTypesAndEscapesEveryValue) {
  const std::vector<ParameterSetting> values = {
      {"Device.ManagementServer.PeriodicInformInterval", "300", XsdType::kUnsignedInt},
      {"Device.ManagementServer.PeriodicInformEnable", "true", XsdType::kBoolean},
      {"Device.WiFi.SSID.1.SSID", "<café & \"bar\">]]></Value><x/>", XsdType::kString},
      {"Device.Time.LocalTimeZone", "JST-9", XsdType::kString},
      {"Device.X_Vendor.Blob", "AAEC", XsdType::kBase64},
  };
  ParsedEnvelope p;
  const std::string xml = EncodeSetParameterValues(kHeader, values, "key&<1>");
  ParseEnvelope(xml, p);
  EXPECT_STREQ(p.rpc.name(), "cwmp:SetParameterValues");
  pugi::xml_node list = p.rpc.child("ParameterList");
  EXPECT_STREQ(list.attribute("SOAP-ENC:arrayType").value(), "cwmp:ParameterValueStruct[5]");
  std::vector<std::string> got;
  for (pugi::xml_node item : list.children("ParameterValueStruct")) {
    got.push_back(std::string(item.child("Name").text().get()) + "=" + item.child("Value").text().get() +
                  " " + item.child("Value").attribute("xsi:type").value());
  }
  EXPECT_THAT(got, ::testing::ElementsAre(
                       "Device.ManagementServer.PeriodicInformInterval=300 xsd:unsignedInt",
                       "Device.ManagementServer.PeriodicInformEnable=true xsd:boolean",
                       "Device.WiFi.SSID.1.SSID=<café & \"bar\">]]></Value><x/> xsd:string",
                       "Device.Time.LocalTimeZone=JST-9 xsd:string", "Device.X_Vendor.Blob=AAEC xsd:base64"));
  EXPECT_STREQ(p.rpc.child("ParameterKey").text().get(), "key&<1>");
  EXPECT_EQ(xml.find("<x/>"), std::string::npos) << "a value must not become markup";
}

TEST(SoapEncode, GetParameterNamesAddObjectDeleteObject) {
  {
    ParsedEnvelope p;
    ParseEnvelope(EncodeGetParameterNames(kHeader, "InternetGatewayDevice.LANDevice.", true), p);
    EXPECT_STREQ(p.rpc.name(), "cwmp:GetParameterNames");
    EXPECT_STREQ(p.rpc.child("ParameterPath").text().get(), "InternetGatewayDevice.LANDevice.");
    EXPECT_TRUE(p.rpc.child("NextLevel").text().as_bool());
  }
  {
    ParsedEnvelope p;
    ParseEnvelope(EncodeAddObject(kHeader, "Device.NAT.PortMapping.", "pk1"), p);
    EXPECT_STREQ(p.rpc.name(), "cwmp:AddObject");
    EXPECT_STREQ(p.rpc.child("ObjectName").text().get(), "Device.NAT.PortMapping.");
    EXPECT_STREQ(p.rpc.child("ParameterKey").text().get(), "pk1");
  }
  {
    ParsedEnvelope p;
    ParseEnvelope(EncodeDeleteObject(kHeader, "Device.NAT.PortMapping.3.", ""), p);
    EXPECT_STREQ(p.rpc.name(), "cwmp:DeleteObject");
    EXPECT_STREQ(p.rpc.child("ObjectName").text().get(), "Device.NAT.PortMapping.3.");
    EXPECT_TRUE(p.rpc.child("ParameterKey"));
  }
}

TEST(SoapEncode, RebootFactoryResetDownload) {
  {
    ParsedEnvelope p;
    ParseEnvelope(EncodeReboot(kHeader, "reboot-42"), p);
    EXPECT_STREQ(p.rpc.name(), "cwmp:Reboot");
    EXPECT_STREQ(p.rpc.child("CommandKey").text().get(), "reboot-42");
  }
  {
    ParsedEnvelope p;
    ParseEnvelope(EncodeFactoryReset(kHeader), p);
    EXPECT_STREQ(p.rpc.name(), "cwmp:FactoryReset");
  }
  {
    const DownloadRequest request{.command_key = "fw-7",
                                  .url = "https://acs.example.jp/fw/7?token=a&b=c",
                                  .username = "",
                                  .password = "",
                                  .file_size = 12345678,
                                  .target_file_name = "fw.bin",
                                  .delay_seconds = 0};
    ParsedEnvelope p;
    ParseEnvelope(EncodeDownload(kHeader, request), p);
    EXPECT_STREQ(p.rpc.name(), "cwmp:Download");
    std::vector<std::string> order;
    for (pugi::xml_node field : p.rpc.children()) order.push_back(field.name());
    EXPECT_THAT(order,
                ::testing::ElementsAre("CommandKey", "FileType", "URL", "Username", "Password", "FileSize",
                                       "TargetFileName", "DelaySeconds", "SuccessURL", "FailureURL"));
    EXPECT_STREQ(p.rpc.child("FileType").text().get(), "1 Firmware Upgrade Image");
    EXPECT_STREQ(p.rpc.child("URL").text().get(), "https://acs.example.jp/fw/7?token=a&b=c");
    EXPECT_STREQ(p.rpc.child("FileSize").text().get(), "12345678");
  }
}

TEST(SoapEncode, FaultDecodesBackThroughTheDecoder) {
  const std::string xml = EncodeFault(kHeader, AcsFaultCode::kInvalidArguments, "bad <Inform>");
  ParsedEnvelope p;
  ParseEnvelope(xml, p);
  EXPECT_STREQ(p.rpc.name(), "SOAP-ENV:Fault");
  const Result<Envelope> r = DecodeEnvelope(xml, DecodeLimits{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& fault = std::get<CpeFault>(r->rpc);
  EXPECT_EQ(fault.soap_fault_code, "Client");
  EXPECT_EQ(fault.fault_code, 8003);
  EXPECT_EQ(fault.fault_string, "bad <Inform>");
  EXPECT_EQ(r->id, "4711");
  EXPECT_EQ(r->version, (CwmpVersion{1, 2}));

  const Result<Envelope> server =
      DecodeEnvelope(EncodeFault(kHeader, AcsFaultCode::kResourcesExceeded, ""), {});
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(std::get<CpeFault>(server->rpc).soap_fault_code, "Server");
  EXPECT_EQ(std::get<CpeFault>(server->rpc).fault_string, "Resources exceeded");
}

// ---------------------------------------------------------------------------------------------
// Encoding: the RPC element validated against the Broadband Forum schema (offline: the SOAP
// schemas the cwmp schema imports are replaced by local stubs, see testdata/README.md).

bool HaveXmllint() {
  return std::system("xmllint --version >/dev/null 2>&1") == 0;
}

// The RPC element of `envelope_xml` as a document of its own, with the envelope's namespace
// declarations, so that it validates against the cwmp schema alone.
std::string RpcElementAlone(const std::string& envelope_xml) {
  pugi::xml_document in;
  EXPECT_TRUE(in.load_string(envelope_xml.c_str()));
  pugi::xml_node envelope = in.document_element();
  pugi::xml_document out;
  pugi::xml_node rpc = out.append_copy(envelope.child("SOAP-ENV:Body").first_child());
  for (pugi::xml_attribute a : envelope.attributes()) rpc.append_attribute(a.name()) = a.value();
  std::ostringstream text;
  out.save(text, "  ");
  return text.str();
}

// Empty when valid, else xmllint's complaint.
std::string ValidateRpc(const std::string& envelope_xml, const std::string& schema) {
  const fs::path file = fs::temp_directory_path() / ("kanri_cwmp_" + std::to_string(getpid()) + ".xml");
  std::ofstream(file) << RpcElementAlone(envelope_xml);
  const fs::path log = file.string() + ".log";
  const std::string command = "xmllint --noout --nonet --schema '" +
                              (TestdataDir() / "xsd" / schema).string() + "' '" + file.string() + "' >'" +
                              log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::string complaint = status == 0 ? "" : ReadFile(log) + RpcElementAlone(envelope_xml);
  fs::remove(file);
  fs::remove(log);
  return complaint;
}

TEST(SoapSchema, EveryEncodedRpcIsValidAgainstTheCwmpSchemas) {
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint not installed (apt-get install libxml2-utils)";
  const std::vector<std::string> names = {"Device.DeviceInfo.SoftwareVersion"};
  const std::vector<std::string> methods = {"Inform", "GetRPCMethods", "TransferComplete"};
  const std::vector<ParameterSetting> values = {
      {"Device.ManagementServer.PeriodicInformInterval", "300", XsdType::kUnsignedInt},
      {"Device.WiFi.SSID.1.SSID", "a<b&c", XsdType::kString}};
  const DownloadRequest download{
      .command_key = "fw-1", .url = "https://acs.example.jp/fw/1", .file_size = 42};
  for (const auto& [minor, schema] : {std::pair{0, "validate-cwmp-1-0.xsd"}, {2, "validate-cwmp-1-2.xsd"}}) {
    const HeaderOut header{.id = "1", .version = {1, minor}};
    for (const std::string& xml : {
             EncodeInformResponse(header),
             EncodeGetRPCMethodsResponse(header, methods),
             EncodeTransferCompleteResponse(header),
             EncodeGetParameterValues(header, names),
             EncodeSetParameterValues(header, values, "key"),
             EncodeGetParameterNames(header, "Device.", false),
             EncodeAddObject(header, "Device.NAT.PortMapping.", "key"),
             EncodeDeleteObject(header, "Device.NAT.PortMapping.1.", "key"),
             EncodeReboot(header, "r1"),
             EncodeFactoryReset(header),
             EncodeDownload(header, download),
         }) {
      EXPECT_EQ(ValidateRpc(xml, schema), "") << schema;
    }
    if (minor >= 1) {  // AutonomousTransferComplete came with CWMP 1.1
      EXPECT_EQ(ValidateRpc(EncodeAutonomousTransferCompleteResponse(header), schema), "") << schema;
    }
  }
}

TEST(SoapSchema, TheValidatorRejectsAnInvalidRpc) {
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint not installed (apt-get install libxml2-utils)";
  // The test above can fail: a Reboot without its CommandKey is not valid.
  std::string xml = EncodeReboot(kHeader, "r1");
  xml.replace(xml.find("<CommandKey>r1</CommandKey>"), 27, "<Bogus/>");
  EXPECT_NE(ValidateRpc(xml, "validate-cwmp-1-2.xsd"), "");
}

// ---------------------------------------------------------------------------------------------
// Fault tables

TEST(SoapFaults, CpeFaultMeaningsFollowTheSchema) {
  EXPECT_EQ(CwmpFaultMeaning(9000), "Method not supported");
  EXPECT_EQ(CwmpFaultMeaning(9005), "Invalid parameter name");
  EXPECT_EQ(CwmpFaultMeaning(9008), "Attempt to set a non-writable parameter");
  EXPECT_EQ(CwmpFaultMeaning(9010), "File transfer failure");
  EXPECT_EQ(CwmpFaultMeaning(9019), "File transfer failure: file authentication failure");
  EXPECT_EQ(CwmpFaultMeaning(9032), "Invalid Deployment Unit update: version already exists");
  EXPECT_EQ(CwmpFaultMeaning(9033), "Unknown fault");
  EXPECT_EQ(CwmpFaultMeaning(9850), "Vendor-specific fault");
  EXPECT_EQ(CwmpFaultMeaning(8000), "Unknown fault");
}

TEST(SoapFaults, ErrorsMapToAcsFaults) {
  EXPECT_EQ(AcsFaultFor(InvalidArgument("x", "bad")), AcsFaultCode::kInvalidArguments);
  EXPECT_EQ(AcsFaultFor(Error{ErrorCode::kTooManyRequests, "big", {}}), AcsFaultCode::kResourcesExceeded);
  EXPECT_EQ(AcsFaultFor(Error{ErrorCode::kNotFound, "rpc", {}}), AcsFaultCode::kMethodNotSupported);
  EXPECT_EQ(AcsFaultFor(Error{ErrorCode::kInternal, "?", {}}), AcsFaultCode::kInternalError);
  EXPECT_EQ(AcsFaultMeaning(AcsFaultCode::kVersionIncompatible), "ACS version incompatible with CPE");
}

TEST(SoapVersions, NamespacesParseAndPrint) {
  EXPECT_EQ(ParseCwmpNamespace("urn:dslforum-org:cwmp-1-0"), (CwmpVersion{1, 0}));
  EXPECT_EQ(ParseCwmpNamespace("urn:dslforum-org:cwmp-1-4"), (CwmpVersion{1, 4}));
  EXPECT_EQ(ParseCwmpNamespace("urn:dslforum-org:cwmp-1-9"), (CwmpVersion{1, 9}));
  EXPECT_EQ(ParseCwmpNamespace("urn:dslforum-org:cwmp-2-0"), (CwmpVersion{2, 0}));
  EXPECT_EQ(ParseCwmpNamespace("urn:dslforum-org:cwmp-1"), std::nullopt);
  EXPECT_EQ(ParseCwmpNamespace("urn:dslforum-org:cwmp-1-x"), std::nullopt);
  EXPECT_EQ(ParseCwmpNamespace("http://schemas.xmlsoap.org/soap/envelope/"), std::nullopt);
  EXPECT_EQ(CwmpNamespace({1, 3}), "urn:dslforum-org:cwmp-1-3");
}

}  // namespace
}  // namespace kanri::cwmp
