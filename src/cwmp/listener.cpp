#include "cwmp/listener.h"

namespace kanri::cwmp {

boost::asio::awaitable<http::HttpResponse> CwmpListener::Handle(const http::HttpRequest& request) {
  if (history_available_ && !history_available_()) co_return http::RetryLater(retry_after_, /*close=*/false);
  if (request.path.starts_with("/files/"))
    co_return co_await ServeFirmwareDownload(request, std::string_view(request.path).substr(7), firmware_,
                                             db_, clock_, history_);
  co_return co_await engine_.Handle(request);
}

}  // namespace kanri::cwmp
