#include "api/json_io.h"

#include <gtest/gtest.h>

namespace kanri::api {
namespace {

http::HttpRequest JsonRequest(std::string body, std::string type = "application/json") {
  http::HttpRequest r;
  r.method = "POST";
  r.headers = {{"content-type", std::move(type)}};
  r.body = std::move(body);
  return r;
}

std::string CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const http::ApiError& e) {
    return e.problem().code + "/" + e.problem().field;
  }
  return "none";
}

TEST(JsonIo, RejectsNonJsonAndMalformedBodies) {
  EXPECT_EQ(CodeOf([] { ParseJsonBody(JsonRequest("{}", "text/plain")); }), "unsupported_media_type/");
  EXPECT_EQ(CodeOf([] { ParseJsonBody(JsonRequest("{\"a\":")); }), "invalid_json/");
  EXPECT_EQ(CodeOf([] { ParseJsonBody(JsonRequest("[1]")); }), "invalid_json/");
  EXPECT_EQ(CodeOf([] { ParseJsonBody(JsonRequest("{}", "application/json; charset=utf-8")); }), "none");
}

TEST(JsonIo, UnknownFieldsAndWrongTypesNameTheField) {
  auto body = ParseJsonBody(JsonRequest(R"({"login":"x","extra":1,"n":5})"));
  EXPECT_EQ(CodeOf([&] {
              FieldReader in{body};
              (void)in.RequiredString("login");
              (void)in.RequiredString("n");
            }),
            "invalid_request/n");
  EXPECT_EQ(CodeOf([&] {
              FieldReader in{body};
              (void)in.RequiredString("login");
              (void)in.OptionalString("n2");
              in.Finish();
            }),
            "unknown_field/extra");
  EXPECT_EQ(CodeOf([&] {
              FieldReader in{body};
              (void)in.RequiredString("missing");
            }),
            "invalid_request/missing");
}

TEST(JsonIo, DatesAreValidated) {
  auto body = ParseJsonBody(JsonRequest(R"({"a":"2025-02-29","b":null,"c":"2024-02-29"})"));
  FieldReader in{body};
  EXPECT_EQ(CodeOf([&] { (void)in.RequiredDate("a"); }), "invalid_request/a");
  auto b = in.NullableDate("b");
  ASSERT_TRUE(b);
  EXPECT_FALSE(*b);
  EXPECT_EQ(in.RequiredDate("c").ToString(), "2024-02-29");
}

TEST(JsonIo, PageRequestLimitsAndOpaqueCursor) {
  http::HttpRequest r;
  r.query = {{"limit", "0"}};
  EXPECT_EQ(CodeOf([&] { (void)ReadPageRequest(r); }), "invalid_request/limit");
  r.query = {{"limit", "201"}};
  EXPECT_EQ(CodeOf([&] { (void)ReadPageRequest(r); }), "invalid_request/limit");
  r.query = {{"limit", "5"}, {"cursor", "garbage!"}};
  EXPECT_EQ(CodeOf([&] { (void)ReadPageRequest(r); }), "invalid_request/cursor");
  r.query = {{"limit", "5"}, {"cursor", EncodeCursor("acme")}};
  auto page = ReadPageRequest(r);
  EXPECT_EQ(page.limit, 5u);
  EXPECT_EQ(page.after, "acme");
}

}  // namespace
}  // namespace kanri::api
