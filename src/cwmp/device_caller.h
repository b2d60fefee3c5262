// DEV-4: asks one of a company's devices to open a CWMP session now: its connection-request URL
// and credential come from the inventory, the request goes through the process's
// ConnectionRequester (its concurrency bound and address policy). Callers see the coarse outcome
// only; addresses, statuses, timings and error texts describe the network behind the URL the
// device reported and go to the server's log, never to an answer, a task or the history.
//
//   DeviceCaller caller{inventory, secrets, requester, db_pool};
//   Result<CoarseOutcome> outcome = co_await caller.Call(company, device);
#pragma once

#include <boost/asio/awaitable.hpp>

#include "base/result.h"
#include "cwmp/connection_request.h"
#include "db/worker_pool.h"
#include "devices/inventory.h"
#include "devices/secrets.h"

namespace kanri::cwmp {

class DeviceCaller {
 public:
  DeviceCaller(devices::DeviceRepository& inventory, const devices::DeviceSecrets& secrets,
               ConnectionRequester& requester, db::WorkerPool& db)
      : inventory_(inventory), secrets_(secrets), requester_(requester), db_(db) {}

  // NotFound when the company has no such device; Conflict (problem no_connection_request_url)
  // while the device has reported no URL yet.
  boost::asio::awaitable<Result<CoarseOutcome>> Call(const CompanyId& company, const DeviceId& device);

  const ConnectionRequestSettings& settings() const { return requester_.settings(); }

 private:
  devices::DeviceRepository& inventory_;
  const devices::DeviceSecrets& secrets_;
  ConnectionRequester& requester_;
  db::WorkerPool& db_;
};

}  // namespace kanri::cwmp
