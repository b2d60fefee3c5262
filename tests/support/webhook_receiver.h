// An HTTPS webhook receiver for end-to-end tests (tests/support/webhook_receiver.py, Python's
// standard library) on a loopback port, with a certificate for 127.0.0.1 that Kanri is told to
// trust (--webhook-ca-file). It records every request and answers 204, or 503 while failing.
//
//   WebhookReceiver hooks{dir};                    // port chosen, certificate made, running
//   server.Start({"--webhook-ca-file", hooks.ca_file(), "--connection-request-allow-loopback"});
//   hooks.SetFailing(true);
//   auto got = hooks.WaitFor(2);                   // requests in arrival order
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/script_process.h"

namespace kanri::testing {

struct ReceivedWebhook {
  std::string path;
  int answered = 0;             // what the receiver answered (204, or 503 while failing)
  boost::json::object headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const;
};

class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string dir);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path = "/hook") const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }
  const std::string& ca_file() const { return cert_; }
  const std::string& dir() const { return dir_; }
  void SetFailing(bool failing);

  std::vector<ReceivedWebhook> Received() const;
  // Waits until at least `n` requests arrived; throws with what arrived when they do not in time.
  std::vector<ReceivedWebhook> WaitFor(std::size_t n,
                                       std::chrono::milliseconds timeout = std::chrono::seconds{30}) const;

 private:
  std::string dir_;
  std::string requests_dir_;
  std::uint16_t port_ = 0;
  std::string cert_;
  std::string key_;
  ScriptProcess process_;
};

}  // namespace kanri::testing
