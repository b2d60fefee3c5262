// Firmware downloads by devices (DEV-6): GET or HEAD /files/<token> on the CWMP listener.
// The token names a pending download task (FirmwareRepository::OpenForDownloadToken); the
// file is streamed from disk in chunks (HttpResponse::file_body) with Content-Length,
// Accept-Ranges and a single byte range (206, or 416 when it cannot be satisfied). Any
// other request — unknown, expired or finished token, other method — gets a bare 404.
//
// Every download a token opens is in the operation history of the file's company (SEC-6):
// who is the device, what is the file and task, and the answer (status, bytes sent). The record
// is stored before the first byte leaves; when it cannot be, the device gets 503 with
// Retry-After and no file.
//
//   // in the CWMP listener's handler:
//   if (request.path.starts_with("/files/"))
//     co_return co_await ServeFirmwareDownload(request, request.path.substr(7), firmware, db_pool, clock,
//                                              history);
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "audit/operation_history.h"
#include "base/time.h"
#include "db/worker_pool.h"
#include "devices/firmware.h"
#include "http/message.h"

namespace kanri::cwmp {

// What a Range header asks of a file of `size` bytes (RFC 9110 section 14): the whole file
// (no header, or one we ignore: several ranges, not bytes, malformed), one range, or nothing
// satisfiable.
struct ByteRange {
  enum class Kind { kWhole, kPartial, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};
ByteRange ParseByteRange(std::optional<std::string_view> header, std::uint64_t size);

// Stores one record and resumes once it is stored; throws when it could not be (as HistorySink
// in session_engine.h).
using DownloadHistory = std::function<boost::asio::awaitable<void>(audit::OperationRecord)>;

boost::asio::awaitable<http::HttpResponse> ServeFirmwareDownload(const http::HttpRequest& request,
                                                                 std::string_view token,
                                                                 devices::FirmwareRepository& firmware,
                                                                 db::WorkerPool& db, const Clock& clock,
                                                                 const DownloadHistory& history);

}  // namespace kanri::cwmp
