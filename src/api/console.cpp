#include "api/console.h"

#include <map>
#include <memory>
#include <string>

namespace kanri::api {
namespace {

namespace asio = boost::asio;
using http::HttpResponse;
using http::RequestContext;

constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kSpaRoutes = "spa-routes.txt";
constexpr std::string_view kGzipSuffix = ".gz";
// Asset names carry a content hash, so a cached copy never goes stale.
constexpr std::string_view kAssetCache = "public, max-age=31536000, immutable";
// index.html names the current assets: always revalidated, so a new build shows at once.
constexpr std::string_view kPageCache = "no-cache";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool AcceptsGzip(const http::HttpRequest& request) {
  auto accept = request.Header("accept-encoding");
  return accept && accept->find("gzip") != std::string_view::npos;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == '/') out.emplace_back(line);
    pos = end + 1;
  }
  return out;
}

HttpResponse FileResponse(std::string_view name, std::string_view data, std::string_view cache) {
  HttpResponse r;
  r.status = 200;
  r.content_type = ContentTypeFor(name);
  r.body.assign(data);
  r.SetHeader("Cache-Control", std::string(cache));
  return r;
}

HttpResponse NotBuilt() {
  HttpResponse r;
  r.status = 200;
  r.content_type = "text/plain; charset=utf-8";
  r.body =
      "Kanri: this binary was built without the web console (KANRI_BUILD_WEB=OFF).\n"
      "The REST API is at /api/v1 (GET /api/v1/openapi.json describes it).\n";
  return r;
}

struct Assets {
  std::map<std::string, std::string_view, std::less<>> plain;  // name -> bytes
  std::map<std::string, std::string_view, std::less<>> gzip;   // name (without .gz) -> bytes
};

http::Route ConsoleRoute(std::string path, std::string action, http::Handler handler) {
  return {.method = "GET",
          .path = std::move(path),
          .access = http::Public(),
          .action = std::move(action),
          .handler = std::move(handler),
          .doc = {.summary = "The web console", .tag = "console", .hidden = true},
          .audited = false};
}

}  // namespace

std::string ContentTypeFor(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes)
    if (EndsWith(name, ext)) return std::string(type);
  return "application/octet-stream";
}

void AddConsoleRoutes(http::RouteTable& table, const std::vector<EmbeddedFile>& files) {
  const EmbeddedFile* index = nullptr;
  std::vector<std::string> pages;
  auto assets = std::make_shared<Assets>();
  for (const auto& f : files) {
    if (f.name == kIndex) {
      index = &f;
    } else if (f.name == kSpaRoutes) {
      pages = Lines(f.data);
    } else if (EndsWith(f.name, kGzipSuffix)) {
      assets->gzip.emplace(std::string(f.name.substr(0, f.name.size() - kGzipSuffix.size())), f.data);
    } else {
      assets->plain.emplace(std::string(f.name), f.data);
    }
  }

  if (!index) {
    table.Add(ConsoleRoute("/", "console.page",
                           [](RequestContext&) -> asio::awaitable<HttpResponse> { co_return NotBuilt(); }));
    return;
  }

  const std::string_view page = index->data;
  if (pages.empty()) pages.push_back("/");
  for (const auto& path : pages) {
    // Each client-side path is its own route, so every path the server answers is in the table.
    table.Add(
        ConsoleRoute(path, "console.page " + path, [page](RequestContext&) -> asio::awaitable<HttpResponse> {
          co_return FileResponse(kIndex, page, kPageCache);
        }));
  }
  table.Add(ConsoleRoute(
      "/assets/{file}", "console.asset", [assets](RequestContext& ctx) -> asio::awaitable<HttpResponse> {
        const std::string& name = ctx.Param("file");
        auto plain = assets->plain.find(name);
        if (plain == assets->plain.end())
          throw http::ApiError(http::Problem{404, "not_found", "", "No such resource.", ""});
        auto zipped = assets->gzip.find(name);
        const bool send_gzip = zipped != assets->gzip.end() && AcceptsGzip(ctx.request);
        HttpResponse r = FileResponse(name, send_gzip ? zipped->second : plain->second, kAssetCache);
        if (send_gzip) r.SetHeader("Content-Encoding", "gzip");
        if (zipped != assets->gzip.end()) r.SetHeader("Vary", "Accept-Encoding");
        co_return r;
      }));
}

}  // namespace kanri::api
