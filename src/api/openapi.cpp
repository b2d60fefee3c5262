// Generates the OpenAPI 3.1 document from the route table, so the two cannot drift.
#include <boost/json.hpp>

#include "api/routes.h"
#include "api/schemas.h"
#include "base/text.h"
#include "http/problem_codes.h"

namespace kanri::api {

namespace json = boost::json;

namespace {

json::value Schema(const std::string& text) {
  return json::parse(text);
}

json::object ProblemSchema() {
  json::array codes;
  for (const auto& c : http::ProblemCodes()) codes.emplace_back(c.code);
  return json::object{{"type", "object"},
                      {"properties", json::object{{"type", {{"type", "string"}}},
                                                  {"title", {{"type", "string"}}},
                                                  {"status", {{"type", "integer"}}},
                                                  {"detail", {{"type", "string"}}},
                                                  {"code", {{"type", "string"}, {"enum", std::move(codes)}}},
                                                  {"field", {{"type", "string"}}},
                                                  {"items",
                                                   {{"type", "array"},
                                                    {"items", {{"type", "string"}}},
                                                    {"description",
                                                     "the offending values, when the problem lists "
                                                     "them (unknown_serials: the first 10)"}}}}}};
}

json::object ProblemResponseRef(const char* description) {
  return json::object{
      {"description", description},
      {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

}  // namespace

std::string OpenApiDocument(const http::RouteTable& table) {
  json::object paths;
  for (const auto& route : table.routes()) {
    if (route.doc.hidden) continue;
    json::object op;
    op["operationId"] = route.action;
    op["summary"] = route.doc.summary;
    if (!route.doc.tag.empty()) op["tags"] = json::array{route.doc.tag};
    op["x-kanri-access"] = http::Describe(route.access);
    op["x-kanri-action"] = route.action;
    const bool is_public = route.access.kind == http::AccessRule::Kind::kPublic;
    op["security"] = is_public ? json::array{} : json::array{json::object{{"session", json::array{}}}};
    json::array params;
    size_t pos = 0;
    while ((pos = route.path.find('{', pos)) != std::string::npos) {
      size_t end = route.path.find('}', pos);
      params.push_back(json::object{{"name", route.path.substr(pos + 1, end - pos - 1)},
                                    {"in", "path"},
                                    {"required", true},
                                    {"schema", {{"type", "string"}}}});
      pos = end;
    }
    if (route.doc.paginated) {
      params.push_back(
          json::object{{"name", "limit"},
                       {"in", "query"},
                       {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}, {"default", 50}}}});
      params.push_back(json::object{{"name", "cursor"}, {"in", "query"}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!route.doc.request_schema.empty())
      op["requestBody"] =
          json::object{{"required", true},
                       {"content", {{"application/json", {{"schema", Schema(route.doc.request_schema)}}}}}};

    json::object responses;
    json::object ok{{"description", "Success"}};
    if (!route.doc.response_schema.empty()) {
      json::value body = Schema(route.doc.response_schema);
      if (route.doc.paginated)
        body = json::object{{"type", "object"},
                            {"required", json::array{"items", "next_cursor"}},
                            {"properties",
                             {{"items", {{"type", "array"}, {"items", body}}},
                              {"next_cursor", {{"type", json::array{"string", "null"}}}}}}};
      ok["content"] = json::object{{"application/json", {{"schema", body}}}};
    }
    responses[std::to_string(route.doc.success_status)] = std::move(ok);
    if (!route.doc.query.empty()) {
      json::array& ps =
          op.contains("parameters") ? op["parameters"].as_array() : op["parameters"].emplace_array();
      for (const auto& q : route.doc.query)
        ps.push_back(json::object{{"name", q}, {"in", "query"}, {"schema", {{"type", "string"}}}});
    }
    if (!is_public) {
      responses["401"] = ProblemResponseRef("Not logged in, or the session ended");
      responses["403"] = ProblemResponseRef("Not allowed, CSRF header missing, or password change pending");
    }
    responses["default"] = ProblemResponseRef("Error (RFC 9457 problem details)");
    op["responses"] = std::move(responses);

    json::value& item = paths[route.path];
    if (!item.is_object()) item = json::object{};
    item.as_object()[AsciiLower(route.method)] = std::move(op);
  }

  json::object doc{
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Kanri API"},
        {"version", "1"},
        {"description",
         "Multi-tenant TR-069 device management. Log in with POST /api/v1/session; send "
         "the returned csrf_token as X-CSRF-Token on every state-changing request. Integrations send an API "
         "token instead (Authorization: Bearer kanri_…), without cookie or CSRF token."}}},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "__Host-kanri_session"}}},
          {"token", {{"type", "http"}, {"scheme", "bearer"}, {"description", "an API token, kanri_…"}}}}},
        {"schemas",
         {{"Problem", ProblemSchema()},
          {"Account", Schema(schema::kAccount)},
          {"Company", Schema(schema::kCompany)},
          {"Allocation", Schema(schema::kAllocation)},
          {"ApiToken", Schema(schema::kApiToken)},
          {"Webhook", Schema(schema::kWebhook)},
          {"WebhookDelivery", Schema(schema::kWebhookDelivery)},
          {"RemoteLogin", Schema(schema::kRemoteLogin)},
          {"Availability", Schema(schema::kAvailability)},
          {"PublicMaintenance", Schema(schema::kPublicMaintenance)},
          {"PublicIncident", Schema(schema::kPublicIncident)}}}}},
  };
  return json::serialize(doc);
}

}  // namespace kanri::api
