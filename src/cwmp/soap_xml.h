// The XML building blocks shared by both directions of the CWMP SOAP codec: the ACS's
// (soap.cpp) and the simulated CPE's (sim/cpe_soap.cpp). Elements are matched by local name
// whatever their prefix, documents are measured without recursion, and encoders build a
// pugixml DOM so that every value is escaped.
#pragma once

#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/text.h"
#include "cwmp/soap.h"

namespace kanri::cwmp::soap_xml {

inline constexpr const char* kSoapEnvNamespace = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr const char* kSoapEncNamespace = "http://schemas.xmlsoap.org/soap/encoding/";
inline constexpr const char* kXsdNamespace = "http://www.w3.org/2001/XMLSchema";
inline constexpr const char* kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle);  // ASCII
// Whether `body` has a "<!DOCTYPE" or "<!ENTITY" (any case) anywhere: one scan for "<!".
bool HasDtdDeclaration(std::string_view body);
// "cwmp:Inform" -> "Inform"; "cwmp:Inform" -> "cwmp" (empty without a prefix).
std::string_view LocalName(std::string_view qualified);
std::string_view Prefix(std::string_view qualified);

// The first child element of `parent` with this local name (null when none).
pugi::xml_node Child(pugi::xml_node parent, std::string_view local_name);
std::vector<pugi::xml_node> ElementChildren(pugi::xml_node parent);
// The namespace URI an element's prefix is bound to, looked up through its ancestors.
std::string_view NamespaceOf(pugi::xml_node node);
// Counts elements and measures depth without recursion (a 100,000-deep document costs a
// loop, not the stack): kTooManyRequests past the limits.
Status CheckShape(const pugi::xml_document& doc, const DecodeLimits& limits);

// Encoding.
struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};
void AddText(pugi::xml_node parent, const char* name, std::string_view value);
void AddNumber(pugi::xml_node parent, const char* name, std::int64_t value);
// An array element with SOAP-ENC:arrayType="<item_type>[<count>]".
pugi::xml_node AddArray(pugi::xml_node parent, const char* name, std::string_view item_type,
                        std::size_t count);

// An envelope under construction, for the ACS's messages (soap.cpp) and the simulated CPE's
// (sim/cpe_soap.cpp): the SOAP-ENV prefixes, the cwmp namespace of `version`, the header fields
// given (no Header element without any), then the Body.
class EnvelopeWriter {
 public:
  struct HeaderField {
    const char* name;  // "cwmp:ID"
    std::string value;
    const char* must_understand;  // "1" or "0"
  };
  EnvelopeWriter(CwmpVersion version, const std::vector<HeaderField>& fields);

  // The RPC element, "cwmp:<name>", in the Body.
  pugi::xml_node Rpc(std::string_view name);
  pugi::xml_node body() { return body_; }
  std::string Finish();

 private:
  pugi::xml_document doc_;
  pugi::xml_node body_;
};

}  // namespace kanri::cwmp::soap_xml
