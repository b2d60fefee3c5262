// /api/v1/firmware (DEV-6): a company's firmware images. Upload is a streamed request body
// (the server spools it to a file while hashing it, never holding it in memory) with the
// metadata as query parameters, so curl can send a file as is:
//
//   curl -X POST -H 'Content-Type: application/octet-stream' --data-binary @HG5_v2.1.bin
//        'https://kanri.example/api/v1/firmware?name=HG5_v2.1.bin&product_class=IGD&models=HG-5,HG-5e'
//
// `version` (the software version it installs) is read from the file name when not given;
// `product_class`, `models` and `hardware_versions` (comma-separated) say which devices the file is
// for, and a campaign skips the others (DEV-6).
//
// Reading needs devices.read; upload and delete need devices.firmware (SEC-5). Another
// company's file answers exactly like a missing one (SEC-8).
#include <fstream>

#include "api/json_io.h"
#include "api/routes.h"
#include "api/scope.h"
#include "base/cleanup.h"
#include "base/crypto.h"
#include "base/text.h"
#include "devices/firmware.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

constexpr const char* kFirmwareSchema =
    R"({"type":"object","required":["id","name","version","product_class","models","hardware_versions","size",)"
    R"("sha256","created_by","created_at","created_at_jst"],"properties":{"id":{"type":"string"},)"
    R"("name":{"type":"string"},"version":{"type":"string"},"product_class":{"type":["string","null"]},)"
    R"("models":{"type":"array","items":{"type":"string"}},)"
    R"("hardware_versions":{"type":"array","items":{"type":"string"}},"size":{"type":"integer"},)"
    R"("sha256":{"type":"string"},"created_by":{"type":"object","required":["id","login"],)"
    R"("properties":{"id":{"type":["string","null"]},"login":{"type":"string"}}},)"
    R"("created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"}}})";

json::array StringsJson(const std::vector<std::string>& values) {
  json::array a;
  for (const auto& v : values) a.emplace_back(v);
  return a;
}

// "a,b" → {"a", "b"}, each trimmed; empty items are dropped.
std::vector<std::string> CommaList(std::optional<std::string_view> text) {
  std::vector<std::string> out;
  if (!text) return out;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

json::object FirmwareJson(const devices::FirmwareFile& f) {
  return json::object{
      {"id", f.id.value()},
      {"name", f.name},
      {"version", f.version},
      {"product_class", f.product_class ? json::value(*f.product_class) : json::value(nullptr)},
      {"models", StringsJson(f.models)},
      {"hardware_versions", StringsJson(f.hardware_versions)},
      {"size", f.size},
      {"sha256", f.sha256},
      {"created_by",
       json::object{{"id", f.created_by ? json::value(f.created_by->value()) : json::value(nullptr)},
                    {"login", f.created_by_login}}},
      {"created_at", TimeJson(f.created_at)},
      {"created_at_jst", FormatJst(f.created_at)},
  };
}

devices::FirmwareRepository& Repository(ApiServices& s) {
  if (!s.firmware)
    throw ApiError(http::Problem{503, "firmware_unavailable", "", "Firmware storage is not configured.", ""});
  return *s.firmware;
}

FirmwareId IdParam(const RequestContext& ctx) {
  return FirmwareId{ctx.Param("id")};
}

asio::awaitable<HttpResponse> Upload(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  const http::HttpRequest& req = ctx.request;
  auto content_type = req.Header("content-type");
  if (content_type && !content_type->starts_with("application/octet-stream"))
    throw ApiError(http::Problem{415, "unsupported_media_type", "",
                                 "Send the image as Content-Type: application/octet-stream.", ""});
  for (const auto& [k, v] : req.query)
    if (k != "name" && k != "version" && k != "product_class" && k != "models" && k != "hardware_versions")
      ThrowInvalid(k, "unknown query parameter " + k);
  devices::FirmwareMetadata meta;
  meta.name = std::string(req.Query("name").value_or(""));
  meta.version = std::string(req.Query("version").value_or(""));
  if (meta.version.empty()) {
    meta.version = devices::VersionFromFileName(meta.name);
    if (meta.version.empty() && !meta.name.empty())
      ThrowInvalid("version", "version is required: the file name carries none");
  }
  if (auto pc = req.Query("product_class"); pc && !pc->empty()) meta.product_class = std::string(*pc);
  meta.models = CommaList(req.Query("models"));
  meta.hardware_versions = CommaList(req.Query("hardware_versions"));
  if (auto ok = devices::ValidateFirmwareMetadata(meta); !ok) throw ApiError(ok.error());

  // Normally the server spooled the body; a small one that arrived in memory is spooled here.
  http::SpooledBody body;
  std::filesystem::path leftover;
  Cleanup remove_leftover{[&leftover] {
    std::error_code ignored;
    if (!leftover.empty()) std::filesystem::remove(leftover, ignored);
  }};
  if (req.spooled_body) {
    body = *req.spooled_body;
  } else {
    body.path = repo.PathOf(FirmwareId{"upload-" + HexEncode(RandomBytes(12)) + ".part"});
    leftover = body.path;
    std::ofstream(body.path, std::ios::binary) << req.body;
    body.size = req.body.size();
    body.sha256_hex = Sha256Hex(req.body);
  }
  if (body.size == 0) ThrowInvalid("body", "the firmware image is empty");
  const devices::FirmwareActor actor{ctx.actor->account.id, ctx.actor->account.login};
  auto stored = co_await s.db.Run(
      [&] { return repo.Store(OwnCompany(ctx), meta, body.path, body.size, body.sha256_hex, actor); });
  // DEV-6: over the company's storage limit. The body is removed on the way out (the server's
  // spool, or `leftover`), so nothing of it stays.
  if (!stored && stored.error().field == devices::kStorageLimitField)
    throw ApiError(http::Problem{422, "firmware_storage_limit_exceeded", "", stored.error().message, ""});
  auto file = Unwrap(std::move(stored));
  leftover.clear();
  ctx.audit.target_id = file.id.value();
  ctx.audit.details = json::serialize(json::object{{"name", file.name},
                                                   {"version", file.version},
                                                   {"models", StringsJson(file.models)},
                                                   {"size", file.size},
                                                   {"sha256", file.sha256}});
  HttpResponse r = http::JsonResponse(201, json::serialize(FirmwareJson(file)));
  r.SetHeader("Location", "/api/v1/firmware/" + file.id.value());
  co_return r;
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return repo.List(OwnCompany(ctx), page); });
  co_return PageResponse(result, FirmwareJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  auto file = Unwrap(co_await s.db.Run([&] { return repo.Get(OwnCompany(ctx), IdParam(ctx)); }));
  co_return http::JsonResponse(200, json::serialize(FirmwareJson(file)));
}

asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  Unwrap(co_await s.db.Run([&] { return repo.Delete(OwnCompany(ctx), IdParam(ctx)); }));
  co_return http::NoContent();
}

}  // namespace

void AddFirmwareRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "POST",
         .path = "/api/v1/firmware",
         .access = http::Needs("devices.firmware"),
         .action = "firmware.upload",
         .target_type = "firmware",
         .handler = [&s](RequestContext& c) { return Upload(s, c); },
         .doc = {.summary =
                     "Upload a firmware image: the raw bytes as application/octet-stream, with its name, "
                     "version (else read from the name) and the devices it is for (product_class, "
                     "models and hardware_versions, comma-separated) as query parameters; its "
                     "SHA-256 is recorded",
                 .tag = "firmware",
                 .response_schema = kFirmwareSchema,
                 .success_status = 201,
                 .query = {"name", "version", "product_class", "models", "hardware_versions"}},
         .streamed_body_max_bytes = s.settings.firmware_max_bytes});
  t.Add({.method = "GET",
         .path = "/api/v1/firmware",
         .access = http::Needs("devices.read"),
         .action = "firmware.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's firmware images, newest first",
                 .tag = "firmware",
                 .response_schema = kFirmwareSchema,
                 .paginated = true}});
  t.Add({.method = "GET",
         .path = "/api/v1/firmware/{id}",
         .access = http::Needs("devices.read"),
         .action = "firmware.get",
         .target_type = "firmware",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a firmware image's record",
                 .tag = "firmware",
                 .response_schema = kFirmwareSchema}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/firmware/{id}",
         .access = http::Needs("devices.firmware"),
         .action = "firmware.delete",
         .target_type = "firmware",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = {.summary = "Delete a firmware image (409 while a queued or running download uses it)",
                 .tag = "firmware",
                 .success_status = 204}});
}

}  // namespace kanri::api
