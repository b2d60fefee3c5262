#include "cwmp/device_caller.h"

#include "base/log.h"

namespace kanri::cwmp {

boost::asio::awaitable<Result<CoarseOutcome>> DeviceCaller::Call(const CompanyId& company,
                                                                 const DeviceId& device) {
  auto target = co_await db_.Run([&] { return inventory_.ConnectionRequestTargetOf(company, device); });
  if (!target) co_return target.error();
  if (target->url.empty())
    co_return Conflict("The device has not reported a connection-request URL yet.",
                       "no_connection_request_url");
  auto password = secrets_.Open(target->password_sealed);
  if (!password) co_return password.error();
  const ConnectionRequestOutcome out =
      co_await requester_.Send(company, target->url, target->username, *password);
  const CoarseOutcome coarse = Coarse(out);
  LogInfo("connection request", {{"company", company.value()},
                                 {"device", device.value()},
                                 {"outcome", ToString(coarse)},
                                 {"failure", out.failure ? ToString(*out.failure) : std::string_view("")},
                                 {"detail", out.detail},
                                 {"address", out.address},
                                 {"http_status", static_cast<std::int64_t>(out.http_status)},
                                 {"auth", out.auth},
                                 {"elapsed_ms", static_cast<std::int64_t>(out.elapsed.count())}});
  co_return coarse;
}

}  // namespace kanri::cwmp
