#include "cwmp/soap_xml.h"

#include <algorithm>

namespace kanri::cwmp::soap_xml {
namespace {

char AsciiLowerChar(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

Error TooLarge(std::string message) {
  return Error{ErrorCode::kTooManyRequests, std::move(message), {}};
}

}  // namespace

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return AsciiLowerChar(a) == AsciiLowerChar(b); }) != haystack.end();
}

bool HasDtdDeclaration(std::string_view body) {
  auto starts_with = [](std::string_view text, std::string_view word) {
    return text.size() >= word.size() && ContainsIgnoringCase(text.substr(0, word.size()), word);
  };
  for (auto i = body.find("<!"); i != std::string_view::npos; i = body.find("<!", i + 2)) {
    const std::string_view rest = body.substr(i + 2);
    if (starts_with(rest, "DOCTYPE") || starts_with(rest, "ENTITY")) return true;
  }
  return false;
}

std::string_view LocalName(std::string_view qualified) {
  const auto colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string_view Prefix(std::string_view qualified) {
  const auto colon = qualified.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qualified.substr(0, colon);
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view local_name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == local_name) return child;
  }
  return {};
}

std::vector<pugi::xml_node> ElementChildren(pugi::xml_node parent) {
  std::vector<pugi::xml_node> children;
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) children.push_back(child);
  }
  return children;
}

std::string_view NamespaceOf(pugi::xml_node node) {
  const std::string_view prefix = Prefix(node.name());
  const std::string attribute = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attribute.c_str())) return a.value();
  }
  return {};
}

Status CheckShape(const pugi::xml_document& doc, const DecodeLimits& limits) {
  std::size_t elements = 0;
  int depth = 1;
  pugi::xml_node node = doc.first_child();
  while (node) {
    if (node.type() == pugi::node_element) {
      if (++elements > limits.max_elements) {
        return TooLarge("document has more than " + std::to_string(limits.max_elements) + " elements");
      }
      if (depth > limits.max_depth) {
        return TooLarge("elements are nested deeper than " + std::to_string(limits.max_depth) + " levels");
      }
    }
    if (pugi::xml_node first = node.first_child()) {
      node = first;
      ++depth;
      continue;
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      --depth;
      if (node == doc) return Ok{};
    }
    if (node) node = node.next_sibling();
  }
  return Ok{};
}

void AddText(pugi::xml_node parent, const char* name, std::string_view value) {
  parent.append_child(name).text().set(std::string(value).c_str());
}

void AddNumber(pugi::xml_node parent, const char* name, std::int64_t value) {
  AddText(parent, name, std::to_string(value));
}

pugi::xml_node AddArray(pugi::xml_node parent, const char* name, std::string_view item_type,
                        std::size_t count) {
  pugi::xml_node array = parent.append_child(name);
  array.append_attribute("SOAP-ENC:arrayType") =
      (std::string(item_type) + "[" + std::to_string(count) + "]").c_str();
  return array;
}

EnvelopeWriter::EnvelopeWriter(CwmpVersion version, const std::vector<HeaderField>& fields) {
  pugi::xml_node declaration = doc_.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  pugi::xml_node envelope = doc_.append_child("SOAP-ENV:Envelope");
  envelope.append_attribute("xmlns:SOAP-ENV") = kSoapEnvNamespace;
  envelope.append_attribute("xmlns:SOAP-ENC") = kSoapEncNamespace;
  envelope.append_attribute("xmlns:xsd") = kXsdNamespace;
  envelope.append_attribute("xmlns:xsi") = kXsiNamespace;
  envelope.append_attribute("xmlns:cwmp") = CwmpNamespace(version).c_str();
  if (!fields.empty()) {
    pugi::xml_node soap_header = envelope.append_child("SOAP-ENV:Header");
    for (const auto& f : fields) {
      pugi::xml_node field = soap_header.append_child(f.name);
      field.append_attribute("SOAP-ENV:mustUnderstand") = f.must_understand;
      field.text().set(f.value.c_str());
    }
  }
  body_ = envelope.append_child("SOAP-ENV:Body");
}

pugi::xml_node EnvelopeWriter::Rpc(std::string_view name) {
  return body_.append_child(("cwmp:" + std::string(name)).c_str());
}

std::string EnvelopeWriter::Finish() {
  StringWriter writer;
  doc_.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(writer.out);
}

}  // namespace kanri::cwmp::soap_xml
