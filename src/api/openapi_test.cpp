#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "api/api_fixture.h"

namespace kanri::api {
namespace {

namespace json = boost::json;

TEST(OpenApi, DocumentListsEveryRouteOfTheTable) {
  TestServices t;
  auto table = BuildRouteTable(t.services);
  json::value doc = json::parse(OpenApiDocument(table));
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  const auto& paths = doc.at("paths").as_object();
  std::size_t operations = 0;
  for (const auto& p : paths) operations += p.value().as_object().size();
  std::size_t documented = 0;
  for (const auto& route : table.routes()) documented += route.doc.hidden ? 0 : 1;
  EXPECT_EQ(operations, documented);
  for (const auto& route : table.routes()) {
    if (route.doc.hidden) {
      EXPECT_FALSE(paths.contains(route.path) && paths.at(route.path).as_object().contains("get"))
          << "the console's routes stay out of the API document: " << route.path;
      continue;
    }
    std::string method = route.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(paths.contains(route.path)) << route.path;
    const auto* op = paths.at(route.path).as_object().if_contains(method);
    ASSERT_TRUE(op) << route.method << " " << route.path;
    EXPECT_EQ(op->at("operationId").as_string(), route.action);
  }
}

TEST(OpenApi, EveryRouteDeclaresAnActionAndSummaryOnce) {
  TestServices t;
  auto table = BuildRouteTable(t.services);
  std::set<std::string> actions, method_paths;
  for (const auto& route : table.routes()) {
    EXPECT_FALSE(route.action.empty()) << route.path;
    EXPECT_FALSE(route.doc.summary.empty()) << route.path;
    EXPECT_TRUE(actions.insert(route.action).second) << "duplicate action " << route.action;
    EXPECT_TRUE(method_paths.insert(route.method + " " + route.path).second) << route.path;
    if (!route.doc.request_schema.empty()) {
      EXPECT_FALSE(json::parse(route.doc.request_schema).as_object().at("additionalProperties").as_bool())
          << "request bodies reject unknown fields: " << route.path;
    }
  }
}

}  // namespace
}  // namespace kanri::api
