// The CWMP SOAP codec: see soap.h. Decoding walks a pugixml DOM by local names; encoding builds
// one with pugixml so that every value is escaped by the library.
#include "cwmp/soap.h"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>
#include <string>
#include <utility>

#include "base/text.h"
#include "cwmp/soap_xml.h"

namespace kanri::cwmp {
namespace {

using soap_xml::AddArray;
using soap_xml::AddNumber;
using soap_xml::AddText;
using soap_xml::CheckShape;
using soap_xml::Child;
using soap_xml::ContainsIgnoringCase;
using soap_xml::ElementChildren;
using soap_xml::HasDtdDeclaration;
using soap_xml::kSoapEncNamespace;
using soap_xml::kSoapEnvNamespace;
using soap_xml::kXsdNamespace;
using soap_xml::kXsiNamespace;
using soap_xml::LocalName;
using soap_xml::NamespaceOf;
using soap_xml::Prefix;
using soap_xml::StringWriter;

constexpr std::string_view kCwmpNamespacePrefix = "urn:dslforum-org:cwmp-";

// ---------------------------------------------------------------------------------------------
// Small text helpers

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ContainsIgnoringCase(a, b);
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  text = Trim(text);
  if (text == "1" || EqualsIgnoringCase(text, "true")) return true;
  if (text == "0" || EqualsIgnoringCase(text, "false")) return false;
  return std::nullopt;
}

// A value or name the client sent, as quoted in an error message (which is logged and echoed
// in the fault): never more than a short excerpt.
std::string Excerpt(std::string_view text) {
  constexpr std::size_t kMaxExcerpt = 64;
  return text.size() <= kMaxExcerpt ? std::string(text) : ClipUtf8(text, kMaxExcerpt) + "…";
}

Error TooLarge(std::string message) {
  return Error{ErrorCode::kTooManyRequests, std::move(message), {}};
}

// ---------------------------------------------------------------------------------------------
// DOM helpers

// The first cwmp namespace declared on `node` (any prefix).
std::optional<CwmpVersion> DeclaredCwmpVersion(pugi::xml_node node) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (name == "xmlns" || name.starts_with("xmlns:")) {
      if (auto version = ParseCwmpNamespace(a.value())) return version;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Field reader: keeps the first error so that struct decoders read like the schema.

class FieldReader {
 public:
  // The trimmed text of `parent`'s child `name`; "" when there is no such child.
  std::string Text(pugi::xml_node parent, std::string_view name) {
    return std::string(Trim(Child(parent, name).child_value()));
  }

  template <typename T>
  T Number(pugi::xml_node parent, std::string_view name, bool required, T fallback = T{}) {
    pugi::xml_node child = Child(parent, name);
    if (!child) {
      if (required) Fail(name, "missing " + std::string(name));
      return fallback;
    }
    if (auto value = ParseNumber<T>(child.child_value())) return *value;
    Fail(name, std::string(name) + " is not a number: '" + Excerpt(Trim(child.child_value())) + "'");
    return fallback;
  }

  bool Boolean(pugi::xml_node parent, std::string_view name, bool required) {
    pugi::xml_node child = Child(parent, name);
    if (!child) {
      if (required) Fail(name, "missing " + std::string(name));
      return false;
    }
    if (auto value = ParseBoolean(child.child_value())) return *value;
    Fail(name, std::string(name) + " is not a boolean: '" + Excerpt(Trim(child.child_value())) + "'");
    return false;
  }

  pugi::xml_node Require(pugi::xml_node parent, std::string_view name) {
    pugi::xml_node child = Child(parent, name);
    if (!child) Fail(name, std::string(LocalName(parent.name())) + " has no " + std::string(name));
    return child;
  }

  void Fail(std::string_view field, std::string message) {
    if (!error_) error_ = InvalidArgument(std::string(field), std::move(message));
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  std::optional<Error> error_;
};

// Arrays: the children are what counts, whatever SOAP-ENC:arrayType says (real CPEs get the
// count wrong or leave it out).
std::vector<ParameterValue> ReadParameterValues(FieldReader& reader, pugi::xml_node list) {
  std::vector<ParameterValue> parameters;
  for (pugi::xml_node item : ElementChildren(list)) {
    ParameterValue parameter;
    parameter.name = reader.Text(item, "Name");
    if (parameter.name.empty()) reader.Fail("Name", "ParameterValueStruct without a Name");
    pugi::xml_node value = Child(item, "Value");
    parameter.value = std::string(Trim(value.child_value()));
    for (pugi::xml_attribute a = value.first_attribute(); a; a = a.next_attribute()) {
      if (LocalName(a.name()) == "type" && !std::string_view(a.name()).starts_with("xmlns")) {
        parameter.type = std::string(LocalName(Trim(a.value())));
      }
    }
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

FaultStruct ReadFaultStruct(FieldReader& reader, pugi::xml_node parent) {
  FaultStruct fault;
  pugi::xml_node node = Child(parent, "FaultStruct");
  if (!node) return fault;
  fault.fault_code = reader.Number<int>(node, "FaultCode", /*required=*/false);
  fault.fault_string = reader.Text(node, "FaultString");
  return fault;
}

// DEV-1: the DeviceId identifies the CPE for onboarding; OUI and serial number are required.
Inform ReadInform(FieldReader& reader, pugi::xml_node rpc) {
  Inform inform;
  if (pugi::xml_node device_id = reader.Require(rpc, "DeviceId")) {
    // The identity is normalised once, here, for every use (SEC-8: "00d09e" and "00D09E" are
    // one device): trimmed (Text), OUI upper-case, each field within the schema's length.
    inform.device_id.manufacturer = reader.Text(device_id, "Manufacturer");
    inform.device_id.oui = reader.Text(device_id, "OUI");
    for (auto& c : inform.device_id.oui) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    inform.device_id.product_class = reader.Text(device_id, "ProductClass");
    inform.device_id.serial_number = reader.Text(device_id, "SerialNumber");
    if (inform.device_id.oui.empty()) reader.Fail("OUI", "DeviceId has no OUI");
    if (inform.device_id.serial_number.empty()) reader.Fail("SerialNumber", "DeviceId has no SerialNumber");
    constexpr std::size_t kMaxOui = 6, kMaxIdentityField = 64;  // cwmp-1-x.xsd DeviceIdStruct
    if (inform.device_id.oui.size() > kMaxOui) reader.Fail("OUI", "OUI is longer than 6 characters");
    for (const auto& [field, value] :
         {std::pair<std::string_view, const std::string&>{"Manufacturer", inform.device_id.manufacturer},
          {"ProductClass", inform.device_id.product_class},
          {"SerialNumber", inform.device_id.serial_number}})
      if (value.size() > kMaxIdentityField)
        reader.Fail(field, std::string(field) + " is longer than 64 characters");
  }
  for (pugi::xml_node event : ElementChildren(Child(rpc, "Event"))) {
    EventStruct e{reader.Text(event, "EventCode"), reader.Text(event, "CommandKey")};
    if (e.event_code.empty()) reader.Fail("EventCode", "EventStruct without an EventCode");
    inform.events.push_back(std::move(e));
  }
  inform.max_envelopes = reader.Number<std::uint32_t>(rpc, "MaxEnvelopes", /*required=*/false, 1);
  inform.current_time = reader.Text(rpc, "CurrentTime");
  inform.retry_count = reader.Number<std::uint32_t>(rpc, "RetryCount", /*required=*/false);
  inform.parameters = ReadParameterValues(reader, Child(rpc, "ParameterList"));
  return inform;
}

CpeFault ReadSoapFault(FieldReader& reader, pugi::xml_node soap_fault) {
  CpeFault fault;
  fault.soap_fault_code = std::string(LocalName(Trim(Child(soap_fault, "faultcode").child_value())));
  fault.soap_fault_string = reader.Text(soap_fault, "faultstring");
  pugi::xml_node cwmp_fault = Child(Child(soap_fault, "detail"), "Fault");
  if (!cwmp_fault) {
    reader.Fail("detail", "SOAP Fault without a cwmp:Fault in its detail");
    return fault;
  }
  fault.fault_code = reader.Number<int>(cwmp_fault, "FaultCode", /*required=*/true);
  fault.fault_string = reader.Text(cwmp_fault, "FaultString");
  for (pugi::xml_node item : ElementChildren(cwmp_fault)) {
    if (LocalName(item.name()) != "SetParameterValuesFault") continue;
    fault.set_parameter_values_faults.push_back({reader.Text(item, "ParameterName"),
                                                 reader.Number<int>(item, "FaultCode", /*required=*/true),
                                                 reader.Text(item, "FaultString")});
  }
  return fault;
}

// Decodes the one element in the Body; kNotFound (-> 8000) for an RPC we do not know.
Result<Rpc> ReadRpc(pugi::xml_node rpc) {
  FieldReader reader;
  const std::string_view name = LocalName(rpc.name());
  Rpc result;
  if (name == "Inform") {
    result = ReadInform(reader, rpc);
  } else if (name == "TransferComplete") {
    result = TransferComplete{reader.Text(rpc, "CommandKey"), ReadFaultStruct(reader, rpc),
                              reader.Text(rpc, "StartTime"), reader.Text(rpc, "CompleteTime")};
  } else if (name == "AutonomousTransferComplete") {
    AutonomousTransferComplete atc;
    atc.announce_url = reader.Text(rpc, "AnnounceURL");
    atc.transfer_url = reader.Text(rpc, "TransferURL");
    atc.is_download = reader.Boolean(rpc, "IsDownload", /*required=*/false);
    atc.file_type = reader.Text(rpc, "FileType");
    atc.file_size = reader.Number<std::uint32_t>(rpc, "FileSize", /*required=*/false);
    atc.target_file_name = reader.Text(rpc, "TargetFileName");
    atc.fault = ReadFaultStruct(reader, rpc);
    atc.start_time = reader.Text(rpc, "StartTime");
    atc.complete_time = reader.Text(rpc, "CompleteTime");
    result = std::move(atc);
  } else if (name == "GetRPCMethods") {
    result = GetRPCMethods{};
  } else if (name == "GetParameterValuesResponse") {
    result = GetParameterValuesResponse{ReadParameterValues(reader, Child(rpc, "ParameterList"))};
  } else if (name == "SetParameterValuesResponse") {
    result = SetParameterValuesResponse{reader.Number<int>(rpc, "Status", /*required=*/true)};
  } else if (name == "GetParameterNamesResponse") {
    GetParameterNamesResponse response;
    for (pugi::xml_node item : ElementChildren(Child(rpc, "ParameterList"))) {
      ParameterInfo info{reader.Text(item, "Name"), reader.Boolean(item, "Writable", /*required=*/false)};
      if (info.name.empty()) reader.Fail("Name", "ParameterInfoStruct without a Name");
      response.parameters.push_back(std::move(info));
    }
    result = std::move(response);
  } else if (name == "AddObjectResponse") {
    result = AddObjectResponse{reader.Number<std::uint32_t>(rpc, "InstanceNumber", /*required=*/true),
                               reader.Number<int>(rpc, "Status", /*required=*/true)};
  } else if (name == "DeleteObjectResponse") {
    result = DeleteObjectResponse{reader.Number<int>(rpc, "Status", /*required=*/true)};
  } else if (name == "RebootResponse") {
    result = RebootResponse{};
  } else if (name == "FactoryResetResponse") {
    result = FactoryResetResponse{};
  } else if (name == "DownloadResponse") {
    result = DownloadResponse{reader.Number<int>(rpc, "Status", /*required=*/true),
                              reader.Text(rpc, "StartTime"), reader.Text(rpc, "CompleteTime")};
  } else if (name == "GetRPCMethodsResponse") {
    GetRPCMethodsResponse response;
    for (pugi::xml_node item : ElementChildren(Child(rpc, "MethodList"))) {
      response.methods.emplace_back(Trim(item.child_value()));
    }
    result = std::move(response);
  } else if (name == "Fault") {
    result = ReadSoapFault(reader, rpc);
  } else {
    return Error{ErrorCode::kNotFound, "unknown RPC '" + Excerpt(name) + "'", Excerpt(name)};
  }
  if (reader.error()) {
    Error error = *reader.error();
    error.message = std::string(name) + ": " + error.message;
    return error;
  }
  return result;
}

// The version of the message: the namespace of the RPC (or of the cwmp:Fault inside a SOAP
// Fault), else of cwmp:ID, else any cwmp namespace declared on the way down.
std::optional<CwmpVersion> FindVersion(pugi::xml_node envelope, pugi::xml_node header, pugi::xml_node body,
                                       pugi::xml_node rpc) {
  pugi::xml_node typed = rpc;
  if (rpc && LocalName(rpc.name()) == "Fault") typed = Child(Child(rpc, "detail"), "Fault");
  for (pugi::xml_node n : {typed, Child(header, "ID")}) {
    if (!n) continue;
    if (auto version = ParseCwmpNamespace(NamespaceOf(n))) return version;
  }
  for (pugi::xml_node n : {envelope, header, body, rpc, typed}) {
    if (!n) continue;
    if (auto version = DeclaredCwmpVersion(n)) return version;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Encoding

// The ACS's envelope: its header fields all carry mustUnderstand="1".
class EnvelopeWriter : public soap_xml::EnvelopeWriter {
 public:
  explicit EnvelopeWriter(const HeaderOut& header)
      : soap_xml::EnvelopeWriter(header.version, FieldsOf(header)) {}

 private:
  static std::vector<HeaderField> FieldsOf(const HeaderOut& header) {
    std::vector<HeaderField> fields;
    if (!header.id.empty()) fields.push_back({"cwmp:ID", header.id, "1"});
    if (header.hold_requests) fields.push_back({"cwmp:HoldRequests", "1", "1"});
    if (header.use_cwmp_version) fields.push_back({"cwmp:UseCWMPVersion", *header.use_cwmp_version, "1"});
    return fields;
  }
};

std::string EncodeEmptyRpc(const HeaderOut& header, std::string_view name) {
  EnvelopeWriter writer(header);
  writer.Rpc(name);
  return writer.Finish();
}

std::string EncodeObjectRpc(const HeaderOut& header, std::string_view rpc_name, std::string_view object_name,
                            std::string_view parameter_key) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc(rpc_name);
  AddText(rpc, "ObjectName", object_name);
  AddText(rpc, "ParameterKey", parameter_key);
  return writer.Finish();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Versions and fault codes

std::string CwmpNamespace(CwmpVersion version) {
  return std::string(kCwmpNamespacePrefix) + std::to_string(version.major) + "-" +
         std::to_string(version.minor);
}

std::optional<CwmpVersion> ParseCwmpNamespace(std::string_view uri) {
  uri = Trim(uri);
  if (!uri.starts_with(kCwmpNamespacePrefix)) return std::nullopt;
  uri.remove_prefix(kCwmpNamespacePrefix.size());
  const auto dash = uri.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto is_digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 4 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const std::string_view major = uri.substr(0, dash);
  const std::string_view minor = uri.substr(dash + 1);
  if (!is_digits(major) || !is_digits(minor)) return std::nullopt;
  return CwmpVersion{*ParseNumber<int>(major), *ParseNumber<int>(minor)};
}

std::string_view AcsFaultMeaning(AcsFaultCode code) {
  switch (code) {
    case AcsFaultCode::kMethodNotSupported:
      return "Method not supported";
    case AcsFaultCode::kRequestDenied:
      return "Request denied (no reason specified)";
    case AcsFaultCode::kInternalError:
      return "Internal error";
    case AcsFaultCode::kInvalidArguments:
      return "Invalid arguments";
    case AcsFaultCode::kResourcesExceeded:
      return "Resources exceeded";
    case AcsFaultCode::kRetryRequest:
      return "Retry request";
    case AcsFaultCode::kVersionIncompatible:
      return "ACS version incompatible with CPE";
  }
  return "Unknown fault";
}

AcsFaultCode AcsFaultFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return AcsFaultCode::kInvalidArguments;
    case ErrorCode::kTooManyRequests:
      return AcsFaultCode::kResourcesExceeded;
    case ErrorCode::kNotFound:
      return AcsFaultCode::kMethodNotSupported;
    case ErrorCode::kPermissionDenied:
      return AcsFaultCode::kRequestDenied;
    case ErrorCode::kUnavailable:
      return AcsFaultCode::kRetryRequest;
    default:
      return AcsFaultCode::kInternalError;
  }
}

std::string_view CwmpFaultMeaning(int code) {
  // cwmp-1-2.xsd, CPEFaultCodeType (TR-069 Amendment 6, fault codes table).
  static constexpr std::string_view kMeanings[] = {
      "Method not supported",                                                              // 9000
      "Request denied (no reason specified)",                                              // 9001
      "Internal error",                                                                    // 9002
      "Invalid arguments",                                                                 // 9003
      "Resources exceeded",                                                                // 9004
      "Invalid parameter name",                                                            // 9005
      "Invalid parameter type",                                                            // 9006
      "Invalid parameter value",                                                           // 9007
      "Attempt to set a non-writable parameter",                                           // 9008
      "Notification request rejected",                                                     // 9009
      "File transfer failure",                                                             // 9010
      "Upload failure",                                                                    // 9011
      "File transfer server authentication failure",                                       // 9012
      "Unsupported protocol for file transfer",                                            // 9013
      "File transfer failure: unable to join multicast group",                             // 9014
      "File transfer failure: unable to contact file server",                              // 9015
      "File transfer failure: unable to access file",                                      // 9016
      "File transfer failure: unable to complete download",                                // 9017
      "File transfer failure: file corrupted",                                             // 9018
      "File transfer failure: file authentication failure",                                // 9019
      "File transfer failure: unable to complete download within specified time windows",  // 9020
      "Cancelation of file transfer not permitted in current transfer state",              // 9021
      "Invalid UUID format",                                                               // 9022
      "Unknown Execution Environment",                                                     // 9023
      "Disabled Execution Environment",                                                    // 9024
      "Deployment Unit to Execution Environment mismatch",                                 // 9025
      "Duplicate Deployment Unit",                                                         // 9026
      "System resources exceeded",                                                         // 9027
      "Unknown Deployment Unit",                                                           // 9028
      "Invalid Deployment Unit state",                                                     // 9029
      "Invalid Deployment Unit update: downgrade not permitted",                           // 9030
      "Invalid Deployment Unit update: version not specified",                             // 9031
      "Invalid Deployment Unit update: version already exists",                            // 9032
  };
  constexpr int kFirst = 9000;
  constexpr int kCount = static_cast<int>(std::size(kMeanings));
  if (code >= kFirst && code < kFirst + kCount) return kMeanings[code - kFirst];
  if (code >= 9800 && code <= 9899) return "Vendor-specific fault";
  return "Unknown fault";
}

std::string_view RpcName(const Rpc& rpc) {
  static constexpr std::string_view kNames[] = {"",
                                                "Inform",
                                                "TransferComplete",
                                                "AutonomousTransferComplete",
                                                "GetRPCMethods",
                                                "GetParameterValuesResponse",
                                                "SetParameterValuesResponse",
                                                "GetParameterNamesResponse",
                                                "AddObjectResponse",
                                                "DeleteObjectResponse",
                                                "RebootResponse",
                                                "FactoryResetResponse",
                                                "DownloadResponse",
                                                "GetRPCMethodsResponse",
                                                "Fault"};
  static_assert(std::size(kNames) == std::variant_size_v<Rpc>);
  return kNames[rpc.index()];
}

// ---------------------------------------------------------------------------------------------
// Decoding

Result<Envelope> DecodeEnvelope(std::string_view body, const DecodeLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return TooLarge("body of " + std::to_string(body.size()) + " bytes is over the limit of " +
                    std::to_string(limits.max_body_bytes));
  }
  if (Trim(body).empty()) return Envelope{};  // an empty POST
  // No DTDs at all: entity expansion (billion laughs, external entities) is refused before the
  // parser sees the document. A CDATA section quoting "<!DOCTYPE" is refused too; no CPE does.
  if (HasDtdDeclaration(body)) {
    return TooLarge("DOCTYPE and ENTITY declarations are not accepted");
  }

  pugi::xml_document doc;
  // parse_default has no parse_doctype; pugixml expands only the predefined entities and
  // character references.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return InvalidArgument("", std::string("malformed XML: ") + parsed.description() + " at offset " +
                                   std::to_string(parsed.offset));
  }
  if (Status shape = CheckShape(doc, limits); !shape) return shape.error();

  pugi::xml_node envelope = doc.document_element();
  if (LocalName(envelope.name()) != "Envelope") {
    return InvalidArgument("Envelope",
                           "the root element is '" + std::string(envelope.name()) + "', not a SOAP Envelope");
  }
  pugi::xml_node soap_body = Child(envelope, "Body");
  if (!soap_body) return InvalidArgument("Body", "the SOAP Envelope has no Body");
  pugi::xml_node header = Child(envelope, "Header");

  Envelope result;
  FieldReader reader;
  for (pugi::xml_node field : ElementChildren(header)) {
    const std::string_view name = LocalName(field.name());
    if (name == "ID") {
      result.id = std::string(Trim(field.child_value()));
    } else if (name == "HoldRequests") {
      result.hold_requests = reader.Boolean(header, "HoldRequests", /*required=*/true);
    } else if (name == "NoMoreRequests") {
      result.no_more_requests = reader.Boolean(header, "NoMoreRequests", /*required=*/true);
    } else if (name == "SupportedCWMPVersions") {
      result.supported_cwmp_versions = std::string(Trim(field.child_value()));
    }
  }
  if (reader.error()) return *reader.error();

  const std::vector<pugi::xml_node> rpcs = ElementChildren(soap_body);
  if (rpcs.size() > 1) {
    return InvalidArgument("Body", "the SOAP Body holds " + std::to_string(rpcs.size()) +
                                       " elements; exactly one RPC is allowed");
  }
  pugi::xml_node rpc = rpcs.empty() ? pugi::xml_node{} : rpcs.front();
  result.version = FindVersion(envelope, header, soap_body, rpc);
  if (!rpc) return result;  // an envelope with an empty Body says what an empty POST says

  Result<Rpc> decoded = ReadRpc(rpc);
  if (!decoded) return decoded.error();
  result.rpc = std::move(*decoded);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Encoding

std::string_view XsdTypeName(XsdType type) {
  switch (type) {
    case XsdType::kString:
      return "string";
    case XsdType::kInt:
      return "int";
    case XsdType::kUnsignedInt:
      return "unsignedInt";
    case XsdType::kLong:
      return "long";
    case XsdType::kUnsignedLong:
      return "unsignedLong";
    case XsdType::kBoolean:
      return "boolean";
    case XsdType::kDateTime:
      return "dateTime";
    case XsdType::kBase64:
      return "base64";
    case XsdType::kHexBinary:
      return "hexBinary";
  }
  return "string";
}

std::string EncodeInformResponse(const HeaderOut& header) {
  EnvelopeWriter writer(header);
  AddNumber(writer.Rpc("InformResponse"), "MaxEnvelopes", 1);
  return writer.Finish();
}

std::string EncodeGetRPCMethodsResponse(const HeaderOut& header, std::span<const std::string> methods) {
  EnvelopeWriter writer(header);
  pugi::xml_node list =
      AddArray(writer.Rpc("GetRPCMethodsResponse"), "MethodList", "xsd:string", methods.size());
  for (const std::string& method : methods) AddText(list, "string", method);
  return writer.Finish();
}

std::string EncodeTransferCompleteResponse(const HeaderOut& header) {
  return EncodeEmptyRpc(header, "TransferCompleteResponse");
}

std::string EncodeAutonomousTransferCompleteResponse(const HeaderOut& header) {
  return EncodeEmptyRpc(header, "AutonomousTransferCompleteResponse");
}

std::string EncodeGetParameterValues(const HeaderOut& header, std::span<const std::string> names) {
  EnvelopeWriter writer(header);
  pugi::xml_node list =
      AddArray(writer.Rpc("GetParameterValues"), "ParameterNames", "xsd:string", names.size());
  for (const std::string& name : names) AddText(list, "string", name);
  return writer.Finish();
}

std::string EncodeSetParameterValues(const HeaderOut& header, std::span<const ParameterSetting> values,
                                     std::string_view parameter_key) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("SetParameterValues");
  pugi::xml_node list = AddArray(rpc, "ParameterList", "cwmp:ParameterValueStruct", values.size());
  for (const ParameterSetting& setting : values) {
    pugi::xml_node item = list.append_child("ParameterValueStruct");
    AddText(item, "Name", setting.name);
    pugi::xml_node value = item.append_child("Value");
    value.append_attribute("xsi:type") = ("xsd:" + std::string(XsdTypeName(setting.type))).c_str();
    value.text().set(setting.value.c_str());
  }
  AddText(rpc, "ParameterKey", parameter_key);
  return writer.Finish();
}

std::string EncodeGetParameterNames(const HeaderOut& header, std::string_view path, bool next_level) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("GetParameterNames");
  AddText(rpc, "ParameterPath", path);
  // 0/1 rather than false/true: both are xsd:boolean, and older CPE firmware reads only digits.
  AddText(rpc, "NextLevel", next_level ? "1" : "0");
  return writer.Finish();
}

std::string EncodeAddObject(const HeaderOut& header, std::string_view object_name,
                            std::string_view parameter_key) {
  return EncodeObjectRpc(header, "AddObject", object_name, parameter_key);
}

std::string EncodeDeleteObject(const HeaderOut& header, std::string_view object_name,
                               std::string_view parameter_key) {
  return EncodeObjectRpc(header, "DeleteObject", object_name, parameter_key);
}

std::string EncodeReboot(const HeaderOut& header, std::string_view command_key) {
  EnvelopeWriter writer(header);
  AddText(writer.Rpc("Reboot"), "CommandKey", command_key);
  return writer.Finish();
}

std::string EncodeFactoryReset(const HeaderOut& header) {
  return EncodeEmptyRpc(header, "FactoryReset");
}

std::string EncodeDownload(const HeaderOut& header, const DownloadRequest& request) {
  EnvelopeWriter writer(header);
  pugi::xml_node rpc = writer.Rpc("Download");
  AddText(rpc, "CommandKey", request.command_key);
  AddText(rpc, "FileType", request.file_type);
  AddText(rpc, "URL", request.url);
  AddText(rpc, "Username", request.username);
  AddText(rpc, "Password", request.password);
  AddNumber(rpc, "FileSize", request.file_size);
  AddText(rpc, "TargetFileName", request.target_file_name);
  AddNumber(rpc, "DelaySeconds", request.delay_seconds);
  AddText(rpc, "SuccessURL", request.success_url);
  AddText(rpc, "FailureURL", request.failure_url);
  return writer.Finish();
}

std::string EncodeFault(const HeaderOut& header, AcsFaultCode code, std::string_view fault_string) {
  EnvelopeWriter writer(header);
  pugi::xml_node soap_fault = writer.body().append_child("SOAP-ENV:Fault");
  // TR-069 assigns faultcode "Client" to faults caused by the message itself, "Server" to the rest.
  AddText(soap_fault, "faultcode", code == AcsFaultCode::kInvalidArguments ? "Client" : "Server");
  AddText(soap_fault, "faultstring", "CWMP fault");
  pugi::xml_node cwmp_fault = soap_fault.append_child("detail").append_child("cwmp:Fault");
  AddNumber(cwmp_fault, "FaultCode", static_cast<std::uint32_t>(code));
  AddText(cwmp_fault, "FaultString", fault_string.empty() ? AcsFaultMeaning(code) : fault_string);
  return writer.Finish();
}

}  // namespace kanri::cwmp
