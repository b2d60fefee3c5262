#include "app/health_checks.h"

#include <curl/curl.h>
#include <sys/statvfs.h>

#include <memory>

#include "base/metrics.h"

namespace kanri::app {

namespace {

// One GET to the CWMP listener: it answers 405 to anything but a CPE's POST, without touching
// the database, so an answer proves the listener and its I/O threads work.
ops::CheckResult ProbeCwmp(const std::string& url) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), &curl_easy_cleanup};
  if (!curl) return {"cwmp", false, "libcurl could not start"};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  // Our own listener on loopback: its certificate may be self-signed or name another host.
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(
      curl.get(), CURLOPT_WRITEFUNCTION,
      +[](char*, size_t size, size_t n, void*) -> size_t { return size * n; });
  const CURLcode rc = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status == 0)
    return {"cwmp", false, std::string("the CWMP listener did not answer: ") + curl_easy_strerror(rc)};
  return {"cwmp", true, "HTTP " + std::to_string(status)};
}

ops::CheckResult CheckMail(mail::Outbox& outbox, bool smtp_configured, Millis stuck_after,
                           const Clock& clock) {
  const auto waiting = outbox.WaitingMail();
  static auto& depth =
      metrics::Default().Gauge("kanri_mail_outbox_waiting", "Mails waiting to be sent").With({});
  depth.Set(static_cast<double>(waiting.count));
  if (!smtp_configured) return {"mail", true, "no SMTP server is configured (--smtp-url)"};
  if (waiting.oldest && clock.Now() - *waiting.oldest > stuck_after)
    return {"mail", false,
            "a mail has waited since " + FormatJst(*waiting.oldest) +
                ": the SMTP server refuses or cannot be reached"};
  return {"mail", true, std::to_string(waiting.count) + " waiting"};
}

ops::CheckResult CheckDisk(const std::filesystem::path& dir, std::uint64_t min_free) {
  struct statvfs st {};
  if (statvfs(dir.c_str(), &st) != 0) return {"disk", false, "cannot read the data dir's file system"};
  const std::uint64_t free = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  const std::string text = std::to_string(free >> 20) + " MiB free";
  if (free < min_free) return {"disk", false, text + ", below " + std::to_string(min_free >> 20) + " MiB"};
  return {"disk", true, text};
}

}  // namespace

std::string LoopbackUrl(bool tls, const std::string& address, unsigned short port) {
  std::string host = address;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(port) + "/";
}

std::vector<ops::HealthCheck> HealthChecks(HealthCheckInputs in) {
  auto shared = std::make_shared<HealthCheckInputs>(std::move(in));
  return {
      {"history",
       [shared] {
         return shared->history_available()
                    ? ops::CheckResult{"history", true, ""}
                    : ops::CheckResult{"history", false, "the operation history cannot store records"};
       }},
      {"cwmp", [shared] { return ProbeCwmp(shared->cwmp_url); }},
      {"mail",
       [shared] {
         return CheckMail(shared->outbox, shared->smtp_configured, shared->mail_stuck_after, shared->clock);
       }},
      {"disk", [shared] { return CheckDisk(shared->data_dir, shared->min_free_bytes); }},
  };
}

}  // namespace kanri::app
