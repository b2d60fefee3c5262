// The CWMP (TR-069) SOAP codec: turns the body of a CPE's HTTP POST into plain structs, and
// writes the ACS's SOAP envelopes. No HTTP, no sessions, no database: the CWMP endpoint and
// session engine sit on top of this file.
//
// Decoding a CPE's message:
//
//   Result<Envelope> r = DecodeEnvelope(body, DecodeLimits{});
//   if (!r) return EncodeFault({.id = ""}, AcsFaultFor(r.error()), r.error().message);
//   if (const auto* inform = std::get_if<Inform>(&r->rpc)) ...
//
// Writing the ACS's answer, in the CWMP namespace the CPE used and echoing its cwmp:ID:
//
//   std::string xml = EncodeInformResponse({.id = r->id, .version = r->version.value_or({})});
//
// The decoder is written for hostile input (issue 4, item 1): DOCTYPE and ENTITY declarations
// are refused before parsing, body size, element depth and element count are bounded
// (DecodeLimits), and it never throws on bad XML. It is lenient where real CPEs are sloppy:
// any prefix and any namespace (elements are matched by local name), any
// urn:dslforum-org:cwmp-1-N namespace, wrong or missing SOAP-ENC:arrayType counts (the actual
// children count), booleans as 0/1/true/false, whitespace around values, unknown extra elements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace kanri::cwmp {

// ---------------------------------------------------------------------------------------------
// Versions and fault codes

// The version in the envelope's namespace, urn:dslforum-org:cwmp-<major>-<minor>. Note that
// CWMP 1.3 and 1.4 still use the cwmp-1-2 namespace (the 1.3/1.4 schemas have targetNamespace
// cwmp-1-2) and negotiate the protocol version with the SupportedCWMPVersions /
// UseCWMPVersion headers; some CPEs nevertheless write cwmp-1-3 or cwmp-1-4, which we accept.
struct CwmpVersion {
  int major = 1;
  int minor = 0;
  friend bool operator==(const CwmpVersion&, const CwmpVersion&) = default;
};
// "urn:dslforum-org:cwmp-1-2" for {1, 2}.
std::string CwmpNamespace(CwmpVersion version);
// {1, 2} for "urn:dslforum-org:cwmp-1-2"; nullopt for anything else.
std::optional<CwmpVersion> ParseCwmpNamespace(std::string_view uri);

// ACS fault codes the ACS answers a CPE with (cwmp-1-4.xsd, ACSFaultCodeType).
enum class AcsFaultCode : int {
  kMethodNotSupported = 8000,
  kRequestDenied = 8001,
  kInternalError = 8002,
  kInvalidArguments = 8003,
  kResourcesExceeded = 8004,
  kRetryRequest = 8005,
  kVersionIncompatible = 8006,
};
std::string_view AcsFaultMeaning(AcsFaultCode code);

// The ACS fault to answer a failed decode (or any Error) with. The decoder chooses the
// ErrorCode so that this mapping gives the right fault:
//   kInvalidArgument -> 8003 (malformed XML, bad values, not exactly one RPC)
//   kTooManyRequests -> 8004 (body too large, too deep, too many elements, DOCTYPE/ENTITY)
//   kNotFound        -> 8000 (an RPC this ACS does not know)
//   kPermissionDenied -> 8001, kUnavailable -> 8005, anything else -> 8002.
AcsFaultCode AcsFaultFor(const Error& error);

// The meaning of a CPE fault code 9000-9032 (cwmp-1-2.xsd, CPEFaultCodeType; TR-069 Amendment
// 6), "Vendor-specific fault" for 9800-9899, "Unknown fault" otherwise. DEV-3: a failed task
// shows the device's fault with this meaning.
std::string_view CwmpFaultMeaning(int code);

// ---------------------------------------------------------------------------------------------
// Decoded messages (CPE -> ACS)

struct ParameterValue {
  std::string name;
  std::string value;
  std::string type;  // the xsi:type's local name ("string", "unsignedInt"); empty when absent
};

struct DeviceIdStruct {
  std::string manufacturer;
  std::string oui;
  std::string product_class;
  std::string serial_number;
};

struct EventStruct {
  std::string event_code;  // "1 BOOT", "M Reboot"
  std::string command_key;
};

struct FaultStruct {
  int fault_code = 0;  // 0: no fault
  std::string fault_string;
};

// DEV-1: the DeviceId is what onboarding matches a company's profile against.
struct Inform {
  DeviceIdStruct device_id;
  std::vector<EventStruct> events;
  std::uint32_t max_envelopes = 1;
  std::string current_time;  // as sent (xsd:dateTime)
  std::uint32_t retry_count = 0;
  std::vector<ParameterValue> parameters;
};

struct TransferComplete {
  std::string command_key;
  FaultStruct fault;
  std::string start_time;
  std::string complete_time;
};

struct AutonomousTransferComplete {
  std::string announce_url;
  std::string transfer_url;
  bool is_download = false;
  std::string file_type;
  std::uint32_t file_size = 0;
  std::string target_file_name;
  FaultStruct fault;
  std::string start_time;
  std::string complete_time;
};

struct GetRPCMethods {};

struct GetParameterValuesResponse {
  std::vector<ParameterValue> parameters;
};
struct SetParameterValuesResponse {
  int status = 0;  // 0: applied, 1: applied once the CPE has rebooted/committed
};
struct ParameterInfo {
  std::string name;
  bool writable = false;
};
struct GetParameterNamesResponse {
  std::vector<ParameterInfo> parameters;
};
struct AddObjectResponse {
  std::uint32_t instance_number = 0;
  int status = 0;
};
struct DeleteObjectResponse {
  int status = 0;
};
struct RebootResponse {};
struct FactoryResetResponse {};
struct DownloadResponse {
  int status = 0;  // 0: downloaded and applied; 1: not yet (a TransferComplete follows)
  std::string start_time;
  std::string complete_time;
};
struct GetRPCMethodsResponse {
  std::vector<std::string> methods;
};

struct SetParameterValuesFault {
  std::string parameter_name;
  int fault_code = 0;
  std::string fault_string;
};
// A SOAP Fault whose detail carries a cwmp:Fault: the CPE refusing an ACS request.
struct CpeFault {
  std::string soap_fault_code;    // "Client" / "Server" (local name)
  std::string soap_fault_string;  // "CWMP fault"
  int fault_code = 0;
  std::string fault_string;
  std::vector<SetParameterValuesFault> set_parameter_values_faults;
};

// An empty HTTP POST (or an envelope whose Body is empty): the CPE has nothing more to say.
struct EmptyPost {};

using Rpc = std::variant<EmptyPost, Inform, TransferComplete, AutonomousTransferComplete, GetRPCMethods,
                         GetParameterValuesResponse, SetParameterValuesResponse, GetParameterNamesResponse,
                         AddObjectResponse, DeleteObjectResponse, RebootResponse, FactoryResetResponse,
                         DownloadResponse, GetRPCMethodsResponse, CpeFault>;

// The RPC's element name ("Inform", "Fault"), or "" for EmptyPost.
std::string_view RpcName(const Rpc& rpc);

struct Envelope {
  // From the cwmp namespace the message used; nullopt for an empty POST or when the document
  // declares no cwmp namespace at all (then answer in the session's version).
  std::optional<CwmpVersion> version;
  std::optional<std::string> id;  // cwmp:ID, to be echoed in the answer
  bool hold_requests = false;
  bool no_more_requests = false;                       // deprecated since CWMP 1.1, still sent
  std::optional<std::string> supported_cwmp_versions;  // "1.0,1.1,1.2,1.3,1.4" (CWMP 1.4)
  Rpc rpc;
};

// Bounds on what a CPE may send (issue 4: oversized, too deep or entity-laden XML never
// crashes or stalls the server). A full-tree GetParameterValuesResponse is the largest
// legitimate message: three elements per parameter, tens of thousands of parameters on a
// busy TR-181 router.
struct DecodeLimits {
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  int max_depth = 32;
  std::size_t max_elements = 200'000;
};

// Decodes one HTTP POST body. An empty (or whitespace-only) body is an EmptyPost. Errors carry
// a message saying what is wrong and map to an ACS fault with AcsFaultFor.
Result<Envelope> DecodeEnvelope(std::string_view body, const DecodeLimits& limits);

// ---------------------------------------------------------------------------------------------
// Encoding (ACS -> CPE). Each function returns the whole SOAP envelope text.

struct HeaderOut {
  std::string id;  // cwmp:ID, sent with mustUnderstand="1" (omitted when empty)
  CwmpVersion version;
  bool hold_requests = false;                   // cwmp:HoldRequests true
  std::optional<std::string> use_cwmp_version;  // cwmp:UseCWMPVersion ("1.4"), CWMP 1.4
};

// The xsd type written as a SetParameterValues value's xsi:type.
enum class XsdType {
  kString,
  kInt,
  kUnsignedInt,
  kLong,
  kUnsignedLong,
  kBoolean,
  kDateTime,
  kBase64,
  kHexBinary
};
std::string_view XsdTypeName(XsdType type);  // "string", "unsignedInt", "base64", ...

struct ParameterSetting {
  std::string name;
  std::string value;
  XsdType type = XsdType::kString;
};

struct DownloadRequest {
  std::string command_key;
  std::string file_type = "1 Firmware Upgrade Image";
  std::string url;
  std::string username;
  std::string password;
  std::uint32_t file_size = 0;
  std::string target_file_name;
  std::uint32_t delay_seconds = 0;
  std::string success_url;
  std::string failure_url;
};

std::string EncodeInformResponse(const HeaderOut& header);  // MaxEnvelopes 1
std::string EncodeGetRPCMethodsResponse(const HeaderOut& header, std::span<const std::string> methods);
std::string EncodeTransferCompleteResponse(const HeaderOut& header);
std::string EncodeAutonomousTransferCompleteResponse(const HeaderOut& header);

std::string EncodeGetParameterValues(const HeaderOut& header, std::span<const std::string> names);
std::string EncodeSetParameterValues(const HeaderOut& header, std::span<const ParameterSetting> values,
                                     std::string_view parameter_key);
std::string EncodeGetParameterNames(const HeaderOut& header, std::string_view path, bool next_level);
std::string EncodeAddObject(const HeaderOut& header, std::string_view object_name,
                            std::string_view parameter_key);
std::string EncodeDeleteObject(const HeaderOut& header, std::string_view object_name,
                               std::string_view parameter_key);
std::string EncodeReboot(const HeaderOut& header, std::string_view command_key);
std::string EncodeFactoryReset(const HeaderOut& header);
std::string EncodeDownload(const HeaderOut& header, const DownloadRequest& request);

// A SOAP Fault (faultcode Client or Server as TR-069 assigns it) carrying a cwmp:Fault.
std::string EncodeFault(const HeaderOut& header, AcsFaultCode code, std::string_view fault_string);

}  // namespace kanri::cwmp
