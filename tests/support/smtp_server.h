// A real SMTP server for end-to-end tests: Debian's python3-aiosmtpd, run by
// tests/support/smtp_server.py on a loopback port, storing each accepted mail as a file.
//
//   SmtpTestServer smtp{dir, {.starttls = true}};   // chooses a free port; not running yet
//   server.Start({"--smtp-url", smtp.url(), "--smtp-ca-file", smtp.ca_file()});
//   smtp.Start();
//   auto mails = smtp.WaitForMails(1);
//   EXPECT_NE(mails[0].Header("Subject"), "");
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/script_process.h"

namespace kanri::testing {

struct ReceivedMail {
  std::string raw;  // as received, with X-Envelope-From, X-Envelope-To and X-TLS first
  // The first header `name` (unfolded), "" when absent.
  std::string Header(std::string_view name) const;
  // The Subject decoded from RFC 2047 (UTF-8, base64).
  std::string Subject() const;
  // The body decoded from base64, with CRLF turned into LF.
  std::string Body() const;
};

class SmtpTestServer {
 public:
  struct Options {
    bool starttls = false;           // offer STARTTLS (a certificate for 127.0.0.1) and require it
    std::string auth;                // "user:password": require AUTH
    std::string reject_suffix = "";  // recipients ending with it get 550
  };
  // Picks a free loopback port and, with starttls, writes a certificate under `dir`.
  SmtpTestServer(std::string dir, Options options);
  ~SmtpTestServer();
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  void Start();  // waits until it listens
  void Stop();
  bool running() const { return process_.running(); }

  std::uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::string& ca_file() const { return cert_; }  // the server's self-signed certificate

  std::vector<ReceivedMail> Mails() const;
  // Waits until at least `n` mails arrived; throws with what arrived when they do not in time.
  std::vector<ReceivedMail> WaitForMails(std::size_t n,
                                         std::chrono::milliseconds timeout = std::chrono::seconds{30}) const;

 private:
  std::string dir_;
  std::string mail_dir_;
  Options options_;
  std::uint16_t port_ = 0;
  std::string cert_;
  std::string key_;
  ScriptProcess process_;
};

}  // namespace kanri::testing
