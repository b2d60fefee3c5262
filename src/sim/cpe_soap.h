// The CPE side of the CWMP SOAP codec: writes what a CPE sends (Inform, TransferComplete, the
// responses to ACS requests, CPE faults) and reads what an ACS sends (InformResponse,
// TransferCompleteResponse and the requests of TR-069 Amendment 6, A.3.2). It mirrors
// cwmp/soap.h, which is the ACS side, and reuses its structs where they fit.
//
//   std::string xml = EncodeInform({.id = "1"}, inform);
//   Result<AcsEnvelope> r = DecodeAcsEnvelope(response_body, cwmp::DecodeLimits{});
//   if (auto* gpv = std::get_if<GetParameterValues>(&r->message)) ...
//
// Decoding follows the ACS decoder's rules: elements by local name, any cwmp namespace,
// DOCTYPE/ENTITY refused, size/depth/count bounded, never throws. An ACS request this CPE
// does not implement decodes as UnknownRequest, to be answered with fault 9000.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "cwmp/soap.h"

namespace kanri::sim {

// ---------------------------------------------------------------------------------------------
// ACS -> CPE

struct InformResponse {
  std::uint32_t max_envelopes = 1;
};
struct TransferCompleteResponse {};
struct GetRPCMethodsRequest {};
struct GetParameterValues {
  std::vector<std::string> names;
};
struct SetParameterValues {
  std::vector<cwmp::ParameterValue> values;  // type: the xsi:type's local name, if any
  std::string parameter_key;
};
struct GetParameterNames {
  std::string path;
  bool next_level = false;
};
struct AddObject {
  std::string object_name;
  std::string parameter_key;
};
struct DeleteObject {
  std::string object_name;
  std::string parameter_key;
};
struct Reboot {
  std::string command_key;
};
struct FactoryReset {};
using Download = cwmp::DownloadRequest;
// A SOAP Fault from the ACS (e.g. 8005 retry request in answer to an Inform).
struct AcsFault {
  int fault_code = 0;
  std::string fault_string;
};
struct UnknownRequest {
  std::string name;
};

using AcsMessage = std::variant<InformResponse, TransferCompleteResponse, GetRPCMethodsRequest,
                                GetParameterValues, SetParameterValues, GetParameterNames, AddObject,
                                DeleteObject, Reboot, FactoryReset, Download, AcsFault, UnknownRequest>;

// The element name of the message ("GetParameterValues", "Fault", or the unknown name).
std::string MessageName(const AcsMessage& message);

struct AcsEnvelope {
  std::optional<cwmp::CwmpVersion> version;
  std::optional<std::string> id;
  bool hold_requests = false;
  AcsMessage message;
};

// Decodes an ACS's HTTP response body, which must hold one message (an empty body ends the
// session and is not passed here). Errors mean the body is no usable SOAP.
Result<AcsEnvelope> DecodeAcsEnvelope(std::string_view body, const cwmp::DecodeLimits& limits);

// ---------------------------------------------------------------------------------------------
// CPE -> ACS

struct CpeHeader {
  std::string id;  // cwmp:ID: ours for requests, the ACS's echoed for responses (omitted when empty)
  cwmp::CwmpVersion version{1, 2};
  // CWMP 1.4 (A.3.1.1): "1.0,1.1,1.2,1.3,1.4" in the Inform's header; nullopt omits it.
  std::optional<std::string> supported_cwmp_versions;
};

std::string EncodeInform(const CpeHeader& header, const cwmp::Inform& inform);
std::string EncodeTransferComplete(const CpeHeader& header, const cwmp::TransferComplete& transfer);
std::string EncodeGetRPCMethodsResponse(const CpeHeader& header, std::span<const std::string> methods);
std::string EncodeGetParameterValuesResponse(const CpeHeader& header,
                                             std::span<const cwmp::ParameterValue> values);
std::string EncodeSetParameterValuesResponse(const CpeHeader& header, int status);
std::string EncodeGetParameterNamesResponse(const CpeHeader& header,
                                            std::span<const cwmp::ParameterInfo> names);
std::string EncodeAddObjectResponse(const CpeHeader& header, std::uint32_t instance_number, int status);
std::string EncodeDeleteObjectResponse(const CpeHeader& header, int status);
std::string EncodeRebootResponse(const CpeHeader& header);
std::string EncodeFactoryResetResponse(const CpeHeader& header);
std::string EncodeDownloadResponse(const CpeHeader& header, const cwmp::DownloadResponse& response);
std::string EncodeCpeFault(const CpeHeader& header, const cwmp::CpeFault& fault);

}  // namespace kanri::sim
