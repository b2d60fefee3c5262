// OPS-2: what `kanri serve`'s health monitor checks besides the database (which its own sample
// write checks): the operation history's writer, the CWMP listener answering a request, mail
// delivery not stuck, and free space in the data dir.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/time.h"
#include "mail/outbox.h"
#include "ops/health.h"

namespace kanri::app {

struct HealthCheckInputs {
  std::function<bool()> history_available;
  std::string cwmp_url;  // e.g. "https://127.0.0.1:7547/": any HTTP answer passes
  mail::Outbox& outbox;
  bool smtp_configured = false;
  Millis mail_stuck_after = std::chrono::minutes{30};  // a mail waiting this long: delivery is stuck
  std::filesystem::path data_dir;
  std::uint64_t min_free_bytes = 512ull << 20;
  const Clock& clock;
};

std::vector<ops::HealthCheck> HealthChecks(HealthCheckInputs inputs);

// The URL of a listener bound to `address` as this host reaches it: a wildcard address is
// reached on loopback.
std::string LoopbackUrl(bool tls, const std::string& address, unsigned short port);

}  // namespace kanri::app
