#include "cwmp/file_download.h"

#include <boost/json.hpp>
#include <charconv>

#include "base/log.h"

namespace kanri::cwmp {

namespace {

std::optional<std::uint64_t> Number(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty() || s.size() > 19) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

http::HttpResponse NotFoundResponse() {
  http::HttpResponse r;
  r.status = 404;
  return r;
}

// SEC-6: the device could not be answered with its record stored; it retries later.
http::HttpResponse HistoryUnavailableResponse() {
  http::HttpResponse r;
  r.status = 503;
  r.SetHeader("Retry-After", "30");
  return r;
}

// The download in the file's company's history; false when it could not be stored.
boost::asio::awaitable<bool> Record(const http::HttpRequest& request, const devices::FirmwareDownload& file,
                                    int status, std::uint64_t bytes, const Clock& clock,
                                    const DownloadHistory& history) {
  audit::OperationRecord r;
  r.time = clock.Now();
  r.company = file.company_id;
  r.actor_login = "device:" + file.serial_number;
  r.source_ip = request.client_ip;
  r.request_id = request.request_id;
  r.action = "firmware.download";
  r.target_type = "firmware";
  r.target_id = file.file_id.value();
  r.outcome = status < 400 ? audit::Outcome::kSuccess : audit::Outcome::kFailed;
  if (status >= 400) r.error_code = "range_not_satisfiable";
  r.details = boost::json::serialize(boost::json::object{{"device_id", file.device_id.value()},
                                                         {"serial_number", file.serial_number},
                                                         {"task_id", file.task_id.value()},
                                                         {"name", file.name},
                                                         {"sha256", file.sha256},
                                                         {"method", request.method},
                                                         {"status", status},
                                                         {"bytes", request.method == "HEAD" ? 0 : bytes}});
  try {
    co_await history(std::move(r));
  } catch (const std::exception& e) {
    LogError("firmware download refused: its history record was not stored", {{"error", e.what()}});
    co_return false;
  }
  co_return true;
}

}  // namespace

ByteRange ParseByteRange(std::optional<std::string_view> header, std::uint64_t size) {
  const ByteRange whole{ByteRange::Kind::kWhole, 0, size};
  if (!header) return whole;
  std::string_view h = *header;
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (!h.starts_with("bytes=")) return whole;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return whole;  // several ranges: we send the whole file
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = h.substr(0, dash), last_text = h.substr(dash + 1);
  const ByteRange unsatisfiable{ByteRange::Kind::kUnsatisfiable, 0, 0};
  if (first_text.empty()) {  // suffix: the last n bytes
    auto n = Number(last_text);
    if (!n) return whole;
    if (*n == 0 || size == 0) return unsatisfiable;
    const std::uint64_t len = std::min(*n, size);
    return {ByteRange::Kind::kPartial, size - len, len};
  }
  auto first = Number(first_text);
  if (!first) return whole;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    auto l = Number(last_text);
    if (!l || *l < *first) return whole;  // invalid: ignored (RFC 9110 section 14.2)
    last = std::min(*l, last);
  }
  if (*first >= size) return unsatisfiable;
  return {ByteRange::Kind::kPartial, *first, last - *first + 1};
}

boost::asio::awaitable<http::HttpResponse> ServeFirmwareDownload(const http::HttpRequest& request,
                                                                 std::string_view token,
                                                                 devices::FirmwareRepository& firmware,
                                                                 db::WorkerPool& db, const Clock& clock,
                                                                 const DownloadHistory& history) {
  if (request.method != "GET" && request.method != "HEAD") co_return NotFoundResponse();
  const std::string token_text(token);
  auto file = co_await db.Run([&] { return firmware.OpenForDownloadToken(token_text, clock.Now()); });
  if (!file) co_return NotFoundResponse();

  http::HttpResponse r;
  r.content_type = "application/octet-stream";
  r.SetHeader("Accept-Ranges", "bytes");
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  const ByteRange range = ParseByteRange(request.Header("range"), file->size);
  if (range.kind == ByteRange::Kind::kUnsatisfiable) {
    r.status = 416;
    r.SetHeader("Content-Range", "bytes */" + std::to_string(file->size));
    if (history && !co_await Record(request, *file, r.status, 0, clock, history))
      co_return HistoryUnavailableResponse();
    co_return r;
  }
  if (range.kind == ByteRange::Kind::kPartial) {
    r.status = 206;
    r.SetHeader("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                     std::to_string(range.offset + range.length - 1) + "/" +
                                     std::to_string(file->size));
  }
  r.file_body = http::FileBody{file->path, range.offset, range.length};
  if (history) {
    const bool ok = co_await Record(request, *file, r.status, range.length, clock, history);
    if (!ok) co_return HistoryUnavailableResponse();
  }
  co_return r;
}

}  // namespace kanri::cwmp
