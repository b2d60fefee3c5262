#include "cwmp/listener.h"

#include <algorithm>

namespace kanri::cwmp {

boost::asio::awaitable<http::HttpResponse> CwmpListener::Handle(const http::HttpRequest& request) {
  if (history_available_ && !history_available_()) {
    http::HttpResponse r;
    r.status = 503;
    r.SetHeader("Retry-After",
                std::to_string(std::max<std::int64_t>(
                    1, std::chrono::duration_cast<std::chrono::seconds>(retry_after_).count())));
    co_return r;
  }
  if (request.path.starts_with("/files/"))
    co_return co_await ServeFirmwareDownload(request, std::string_view(request.path).substr(7), firmware_,
                                             db_, clock_, history_);
  co_return co_await engine_.Handle(request);
}

}  // namespace kanri::cwmp
