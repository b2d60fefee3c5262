// The web console (web/): a single-page app whose built files are compiled into the binary
// (cmake/Web.cmake) and served on the API listener.
//
//   GET /                  index.html, and so is every client-side path the console lists in
//   GET /devices/{id} …    its spa-routes.txt (a reload or bookmark on any screen works)
//   GET /assets/{file}     the hashed scripts and stylesheets, cached for a year, gzip when
//                          the browser accepts it
//
// These routes are public (the page itself holds no data; every API call checks the
// session), stay out of the operation history (fetching a file is not an operation) and out
// of the OpenAPI document. They carry the same security headers as every response; the
// Content-Security-Policy allows only the console's own scripts and stylesheets.
#pragma once

#include <vector>

#include "base/embedded_file.h"
#include "http/router.h"

namespace kanri::api {

namespace embedded {
// Every file of the console's build (empty when built with KANRI_BUILD_WEB=OFF).
const std::vector<EmbeddedFile>& ConsoleFiles();
}  // namespace embedded

// Adds the console's routes for `files` (the build's files by name, as embedded). Without
// an index.html, GET / explains that this binary was built without the console.
void AddConsoleRoutes(http::RouteTable& table, const std::vector<EmbeddedFile>& files);

// The Content-Type for a file name ("app.js" -> "text/javascript; charset=utf-8").
std::string ContentTypeFor(std::string_view file_name);

}  // namespace kanri::api
