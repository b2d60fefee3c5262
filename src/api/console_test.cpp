#include "api/console.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "base/time.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;

const std::vector<EmbeddedFile> kFiles = {
    {"index.html",
     "<!doctype html><title>Kanri</title><script type=module src=/assets/app-1a2b.js></script>"},
    {"spa-routes.txt", "/\n/login\n/devices\n/devices/{id}\n"},
    {"app-1a2b.js", "console.log(1)"},
    {"app-1a2b.js.gz", "GZIPPED"},
    {"app-3c4d.css", "body{}"},
};

struct ConsoleServer {
  explicit ConsoleServer(const std::vector<EmbeddedFile>& files)
      : router(Table(files), NoAuth(), NoHistory(), clock) {}

  static http::RouteTable Table(const std::vector<EmbeddedFile>& files) {
    http::RouteTable t;
    AddConsoleRoutes(t, files);
    return t;
  }
  static http::Authenticator NoAuth() {
    return [](http::Credential, bool, std::string) -> asio::awaitable<http::Authentication> {
      co_return http::Authentication{};
    };
  }
  static http::HistoryWriter NoHistory() {
    return [](audit::OperationRecord) -> asio::awaitable<void> { co_return; };
  }

  http::HttpResponse Get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.target = path;
    req.headers = std::move(headers);
    asio::io_context io;
    auto f = asio::co_spawn(io, router.Handle(req), asio::use_future);
    io.run();
    return f.get();
  }

  SystemClock clock;
  http::Router router;
};

std::string HeaderOf(const http::HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(Console, EveryClientPathServesTheAppWithSecurityHeaders) {
  ConsoleServer s{kFiles};
  for (const char* path : {"/", "/login", "/devices", "/devices/d-123"}) {
    auto r = s.Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    EXPECT_NE(r.body.find("<title>Kanri</title>"), std::string::npos) << path;
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache") << path;
    EXPECT_NE(HeaderOf(r, "Content-Security-Policy").find("script-src 'self'"), std::string::npos) << path;
    EXPECT_EQ(HeaderOf(r, "X-Frame-Options"), "DENY") << path;
  }
}

TEST(Console, UnknownPathsAndApiPathsAreNotTheApp) {
  ConsoleServer s{kFiles};
  EXPECT_EQ(s.Get("/nope").status, 404);
  EXPECT_EQ(s.Get("/api/v1/nope").status, 404);
  EXPECT_EQ(s.Get("/assets/missing.js").status, 404);
  EXPECT_EQ(s.Get("/assets/spa-routes.txt").status, 404);
}

TEST(Console, AssetsAreCachedForAYearAndGzippedWhenAccepted) {
  ConsoleServer s{kFiles};
  auto plain = s.Get("/assets/app-1a2b.js");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(plain.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
  EXPECT_EQ(HeaderOf(plain, "Vary"), "Accept-Encoding");

  auto zipped = s.Get("/assets/app-1a2b.js", {{"accept-encoding", "gzip, deflate, br"}});
  EXPECT_EQ(zipped.body, "GZIPPED");
  EXPECT_EQ(HeaderOf(zipped, "Content-Encoding"), "gzip");

  auto css = s.Get("/assets/app-3c4d.css", {{"accept-encoding", "gzip"}});
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(HeaderOf(css, "Content-Encoding"), "");
}

TEST(Console, WithoutTheConsoleTheRootExplainsIt) {
  ConsoleServer s{{}};
  auto r = s.Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("KANRI_BUILD_WEB=OFF"), std::string::npos);
}

TEST(Console, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace kanri::api
