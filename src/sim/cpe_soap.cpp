// The CPE side of the CWMP SOAP codec: see cpe_soap.h. Same approach as cwmp/soap.cpp:
// decoding walks a pugixml DOM by local names, encoding builds one so values are escaped.
#include "sim/cpe_soap.h"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>

#include "cwmp/soap_xml.h"

namespace kanri::sim {
namespace {

using cwmp::soap_xml::AddArray;
using cwmp::soap_xml::AddNumber;
using cwmp::soap_xml::AddText;
using cwmp::soap_xml::CheckShape;
using cwmp::soap_xml::Child;
using cwmp::soap_xml::ElementChildren;
using cwmp::soap_xml::HasDtdDeclaration;
using cwmp::soap_xml::kSoapEncNamespace;
using cwmp::soap_xml::kSoapEnvNamespace;
using cwmp::soap_xml::kXsdNamespace;
using cwmp::soap_xml::kXsiNamespace;
using cwmp::soap_xml::LocalName;
using cwmp::soap_xml::StringWriter;

// The CWMP version of the namespace an element's prefix is bound to.
std::optional<cwmp::CwmpVersion> VersionOf(pugi::xml_node node) {
  return cwmp::ParseCwmpNamespace(cwmp::soap_xml::NamespaceOf(node));
}

std::string Text(pugi::xml_node parent, std::string_view name) {
  return std::string(Trim(Child(parent, name).child_value()));
}

template <typename T>
T Number(pugi::xml_node parent, std::string_view name, T fallback = T{}) {
  const std::string_view text = Trim(Child(parent, name).child_value());
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return fallback;
  return value;
}

bool Boolean(pugi::xml_node parent, std::string_view name) {
  const std::string_view text = Trim(Child(parent, name).child_value());
  return text == "1" || text == "true" || text == "TRUE" || text == "True";
}

AcsMessage ReadMessage(pugi::xml_node rpc) {
  const std::string name(LocalName(rpc.name()));
  if (name == "InformResponse") return InformResponse{Number<std::uint32_t>(rpc, "MaxEnvelopes", 1)};
  if (name == "TransferCompleteResponse") return TransferCompleteResponse{};
  if (name == "GetRPCMethods") return GetRPCMethodsRequest{};
  if (name == "GetParameterValues") {
    GetParameterValues request;
    for (pugi::xml_node item : ElementChildren(Child(rpc, "ParameterNames"))) {
      request.names.emplace_back(Trim(item.child_value()));
    }
    return request;
  }
  if (name == "SetParameterValues") {
    SetParameterValues request;
    for (pugi::xml_node item : ElementChildren(Child(rpc, "ParameterList"))) {
      cwmp::ParameterValue value;
      value.name = Text(item, "Name");
      pugi::xml_node value_node = Child(item, "Value");
      value.value = std::string(Trim(value_node.child_value()));
      for (pugi::xml_attribute a = value_node.first_attribute(); a; a = a.next_attribute()) {
        if (LocalName(a.name()) == "type" && !std::string_view(a.name()).starts_with("xmlns")) {
          value.type = std::string(LocalName(Trim(a.value())));
        }
      }
      request.values.push_back(std::move(value));
    }
    request.parameter_key = Text(rpc, "ParameterKey");
    return request;
  }
  if (name == "GetParameterNames")
    return GetParameterNames{Text(rpc, "ParameterPath"), Boolean(rpc, "NextLevel")};
  if (name == "AddObject") return AddObject{Text(rpc, "ObjectName"), Text(rpc, "ParameterKey")};
  if (name == "DeleteObject") return DeleteObject{Text(rpc, "ObjectName"), Text(rpc, "ParameterKey")};
  if (name == "Reboot") return Reboot{Text(rpc, "CommandKey")};
  if (name == "FactoryReset") return FactoryReset{};
  if (name == "Download") {
    Download request;
    request.command_key = Text(rpc, "CommandKey");
    request.file_type = Text(rpc, "FileType");
    request.url = Text(rpc, "URL");
    request.username = Text(rpc, "Username");
    request.password = Text(rpc, "Password");
    request.file_size = Number<std::uint32_t>(rpc, "FileSize");
    request.target_file_name = Text(rpc, "TargetFileName");
    request.delay_seconds = Number<std::uint32_t>(rpc, "DelaySeconds");
    request.success_url = Text(rpc, "SuccessURL");
    request.failure_url = Text(rpc, "FailureURL");
    return request;
  }
  if (name == "Fault") {
    pugi::xml_node fault = Child(Child(rpc, "detail"), "Fault");
    return AcsFault{Number<int>(fault, "FaultCode"),
                    fault ? Text(fault, "FaultString") : Text(rpc, "faultstring")};
  }
  return UnknownRequest{name};
}

// ---------------------------------------------------------------------------------------------
// Encoding

void AddParameterValues(pugi::xml_node parent, std::span<const cwmp::ParameterValue> values) {
  pugi::xml_node list = AddArray(parent, "ParameterList", "cwmp:ParameterValueStruct", values.size());
  for (const cwmp::ParameterValue& value : values) {
    pugi::xml_node item = list.append_child("ParameterValueStruct");
    AddText(item, "Name", value.name);
    pugi::xml_node v = item.append_child("Value");
    v.append_attribute("xsi:type") =
        ("xsd:" + (value.type.empty() ? std::string("string") : value.type)).c_str();
    v.text().set(value.value.c_str());
  }
}

void AddFaultStruct(pugi::xml_node parent, const cwmp::FaultStruct& fault) {
  pugi::xml_node node = parent.append_child("FaultStruct");
  AddNumber(node, "FaultCode", fault.fault_code);
  AddText(node, "FaultString", fault.fault_string);
}

// The CPE's envelope: its ID must be understood, SupportedCWMPVersions need not be (A.3.1.1).
class EnvelopeWriter : public cwmp::soap_xml::EnvelopeWriter {
 public:
  explicit EnvelopeWriter(const CpeHeader& header)
      : cwmp::soap_xml::EnvelopeWriter(header.version, FieldsOf(header)) {}

 private:
  static std::vector<HeaderField> FieldsOf(const CpeHeader& header) {
    std::vector<HeaderField> fields;
    if (!header.id.empty()) fields.push_back({"cwmp:ID", header.id, "1"});
    if (header.supported_cwmp_versions)
      fields.push_back({"cwmp:SupportedCWMPVersions", *header.supported_cwmp_versions, "0"});
    return fields;
  }
};

std::string EncodeStatusOnly(const CpeHeader& header, std::string_view rpc, int status) {
  EnvelopeWriter writer(header);
  AddNumber(writer.Rpc(rpc), "Status", status);
  return writer.Finish();
}

std::string EncodeEmpty(const CpeHeader& header, std::string_view rpc) {
  EnvelopeWriter writer(header);
  writer.Rpc(rpc);
  return writer.Finish();
}

}  // namespace

std::string MessageName(const AcsMessage& message) {
  static constexpr std::string_view kNames[] = {"InformResponse",
                                                "TransferCompleteResponse",
                                                "GetRPCMethods",
                                                "GetParameterValues",
                                                "SetParameterValues",
                                                "GetParameterNames",
                                                "AddObject",
                                                "DeleteObject",
                                                "Reboot",
                                                "FactoryReset",
                                                "Download",
                                                "Fault",
                                                ""};
  static_assert(std::size(kNames) == std::variant_size_v<AcsMessage>);
  if (const auto* unknown = std::get_if<UnknownRequest>(&message)) return unknown->name;
  return std::string(kNames[message.index()]);
}

Result<AcsEnvelope> DecodeAcsEnvelope(std::string_view body, const cwmp::DecodeLimits& limits) {
  if (body.size() > limits.max_body_bytes) return Error{ErrorCode::kTooManyRequests, "body too large", {}};
  if (HasDtdDeclaration(body)) {
    return Error{ErrorCode::kTooManyRequests, "DOCTYPE and ENTITY declarations are not accepted", {}};
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) return InvalidArgument("", std::string("malformed XML: ") + parsed.description());
  if (Status shape = CheckShape(doc, limits); !shape) return shape.error();
  pugi::xml_node envelope = doc.document_element();
  if (LocalName(envelope.name()) != "Envelope") return InvalidArgument("Envelope", "not a SOAP Envelope");
  pugi::xml_node soap_body = Child(envelope, "Body");
  const std::vector<pugi::xml_node> rpcs = ElementChildren(soap_body);
  if (rpcs.size() != 1) return InvalidArgument("Body", "the SOAP Body must hold exactly one element");

  AcsEnvelope result;
  pugi::xml_node header = Child(envelope, "Header");
  if (pugi::xml_node id = Child(header, "ID")) result.id = std::string(Trim(id.child_value()));
  result.hold_requests = Boolean(header, "HoldRequests");
  result.version = VersionOf(rpcs.front());
  result.message = ReadMessage(rpcs.front());
  return result;
}

std::string EncodeInform(const CpeHeader& header, const cwmp::Inform& inform) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("Inform");
  pugi::xml_node device_id = rpc.append_child("DeviceId");
  AddText(device_id, "Manufacturer", inform.device_id.manufacturer);
  AddText(device_id, "OUI", inform.device_id.oui);
  AddText(device_id, "ProductClass", inform.device_id.product_class);
  AddText(device_id, "SerialNumber", inform.device_id.serial_number);
  pugi::xml_node events = AddArray(rpc, "Event", "cwmp:EventStruct", inform.events.size());
  for (const cwmp::EventStruct& event : inform.events) {
    pugi::xml_node item = events.append_child("EventStruct");
    AddText(item, "EventCode", event.event_code);
    AddText(item, "CommandKey", event.command_key);
  }
  AddNumber(rpc, "MaxEnvelopes", inform.max_envelopes);
  AddText(rpc, "CurrentTime", inform.current_time);
  AddNumber(rpc, "RetryCount", inform.retry_count);
  AddParameterValues(rpc, inform.parameters);
  return writer.Finish();
}

std::string EncodeTransferComplete(const CpeHeader& header, const cwmp::TransferComplete& transfer) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("TransferComplete");
  AddText(rpc, "CommandKey", transfer.command_key);
  AddFaultStruct(rpc, transfer.fault);
  AddText(rpc, "StartTime", transfer.start_time);
  AddText(rpc, "CompleteTime", transfer.complete_time);
  return writer.Finish();
}

std::string EncodeGetRPCMethodsResponse(const CpeHeader& header, std::span<const std::string> methods) {
  EnvelopeWriter writer(header);
  pugi::xml_node list =
      AddArray(writer.Rpc("GetRPCMethodsResponse"), "MethodList", "xsd:string", methods.size());
  for (const std::string& method : methods) AddText(list, "string", method);
  return writer.Finish();
}

std::string EncodeGetParameterValuesResponse(const CpeHeader& header,
                                             std::span<const cwmp::ParameterValue> values) {
  EnvelopeWriter writer(header);
  AddParameterValues(writer.Rpc("GetParameterValuesResponse"), values);
  return writer.Finish();
}

std::string EncodeSetParameterValuesResponse(const CpeHeader& header, int status) {
  return EncodeStatusOnly(header, "SetParameterValuesResponse", status);
}

std::string EncodeGetParameterNamesResponse(const CpeHeader& header,
                                            std::span<const cwmp::ParameterInfo> names) {
  EnvelopeWriter writer(header);
  pugi::xml_node list = AddArray(writer.Rpc("GetParameterNamesResponse"), "ParameterList",
                                 "cwmp:ParameterInfoStruct", names.size());
  for (const cwmp::ParameterInfo& info : names) {
    pugi::xml_node item = list.append_child("ParameterInfoStruct");
    AddText(item, "Name", info.name);
    AddText(item, "Writable", info.writable ? "1" : "0");
  }
  return writer.Finish();
}

std::string EncodeAddObjectResponse(const CpeHeader& header, std::uint32_t instance_number, int status) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("AddObjectResponse");
  AddNumber(rpc, "InstanceNumber", instance_number);
  AddNumber(rpc, "Status", status);
  return writer.Finish();
}

std::string EncodeDeleteObjectResponse(const CpeHeader& header, int status) {
  return EncodeStatusOnly(header, "DeleteObjectResponse", status);
}

std::string EncodeRebootResponse(const CpeHeader& header) {
  return EncodeEmpty(header, "RebootResponse");
}

std::string EncodeFactoryResetResponse(const CpeHeader& header) {
  return EncodeEmpty(header, "FactoryResetResponse");
}

std::string EncodeDownloadResponse(const CpeHeader& header, const cwmp::DownloadResponse& response) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("DownloadResponse");
  AddNumber(rpc, "Status", response.status);
  AddText(rpc, "StartTime", response.start_time);
  AddText(rpc, "CompleteTime", response.complete_time);
  return writer.Finish();
}

std::string EncodeCpeFault(const CpeHeader& header, const cwmp::CpeFault& fault) {
  EnvelopeWriter writer(header);
  pugi::xml_node soap_fault = writer.body().append_child("SOAP-ENV:Fault");
  AddText(soap_fault, "faultcode", fault.soap_fault_code.empty() ? "Server" : fault.soap_fault_code);
  AddText(soap_fault, "faultstring",
          fault.soap_fault_string.empty() ? "CWMP fault" : fault.soap_fault_string);
  pugi::xml_node cwmp_fault = soap_fault.append_child("detail").append_child("cwmp:Fault");
  AddNumber(cwmp_fault, "FaultCode", fault.fault_code);
  AddText(cwmp_fault, "FaultString", fault.fault_string);
  for (const cwmp::SetParameterValuesFault& item : fault.set_parameter_values_faults) {
    pugi::xml_node node = cwmp_fault.append_child("SetParameterValuesFault");
    AddText(node, "ParameterName", item.parameter_name);
    AddNumber(node, "FaultCode", item.fault_code);
    AddText(node, "FaultString", item.fault_string);
  }
  return writer.Finish();
}

}  // namespace kanri::sim
