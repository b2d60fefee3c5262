// What the CWMP listener answers, in one place: 503 with Retry-After while the operation
// history cannot record (SEC-6: nothing a device does goes unrecorded; it retries later),
// firmware downloads under /files/ (DEV-6, file_download.h), and the session engine for the
// rest (session_engine.h), whose failures it answers with 503 as well.
//
//   CwmpListener cwmp{engine, firmware, db_pool, clock, store_record,
//                     [&] { return history_writer.available(); }, probe_interval};
//   http::HttpServer server{io, tls, settings, [&](const auto& r) { return cwmp.Handle(r); }, "cwmp"};
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>

#include "cwmp/file_download.h"
#include "cwmp/session_engine.h"

namespace kanri::cwmp {

class CwmpListener {
 public:
  CwmpListener(SessionEngine& engine, devices::FirmwareRepository& firmware, db::WorkerPool& db,
               const Clock& clock, HistorySink history, std::function<bool()> history_available,
               Millis retry_after)
      : engine_(engine),
        firmware_(firmware),
        db_(db),
        clock_(clock),
        history_(std::move(history)),
        history_available_(std::move(history_available)),
        retry_after_(retry_after) {}

  boost::asio::awaitable<http::HttpResponse> Handle(const http::HttpRequest& request);

 private:
  SessionEngine& engine_;
  devices::FirmwareRepository& firmware_;
  db::WorkerPool& db_;
  const Clock& clock_;
  HistorySink history_;
  std::function<bool()> history_available_;
  Millis retry_after_;
};

}  // namespace kanri::cwmp
