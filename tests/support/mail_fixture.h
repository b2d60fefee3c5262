// A TenantTest with a real SMTP server (python3-aiosmtpd on loopback) for the server's mail:
// issue 12's jobs and mail, issue 15's notices and alarms.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "support/kanri_fixture.h"
#include "support/smtp_server.h"

namespace kanri::testing {

// The SMTP server's port is chosen before the Kanri server starts, so that its --smtp-url can
// name it; the SMTP server itself may start later (or never: mail waits in the outbox).
class MailTest : public TenantTest {
 protected:
  explicit MailTest(std::vector<std::string> extra = {}, SmtpTestServer::Options options = {})
      : MailTest(std::make_unique<SmtpTestServer>(TempDir(), options), std::move(extra)) {}
  MailTest(std::unique_ptr<SmtpTestServer> smtp, std::vector<std::string> extra)
      : TenantTest(Args(*smtp, std::move(extra))), smtp_(std::move(smtp)) {}

  static std::string TempDir() {
    static int n = 0;
    return (std::filesystem::temp_directory_path() /
            ("kanri-smtp-" + std::to_string(getpid()) + "-" + std::to_string(++n)))
        .string();
  }
  static std::vector<std::string> Args(const SmtpTestServer& smtp, std::vector<std::string> extra) {
    std::vector<std::string> args{"--smtp-url",  smtp.url(),         "--smtp-insecure",
                                  "--mail-from", "kanri@kanri.test", "--job-tick",
                                  "1s",          "--mail-interval",  "1s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  void TearDown() override {
    smtp_->Stop();
    TenantTest::TearDown();
    std::filesystem::remove_all(smtp_->dir());
  }

  // Runs a job now through the provider's route (synchronous).
  json::value RunJob(const std::string& name) {
    auto r = fresh_site_admin().Post("/api/v1/operations/jobs/" + name + "/run", "{}");
    if (r.status != 200)
      throw std::runtime_error("running " + name + ": " + std::to_string(r.status) + " " + r.body);
    return r.Json();
  }
  void WaitForMailTo(const std::string& address, std::size_t n) {
    for (int i = 0; i < 300 && MailsTo(address).size() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    if (MailsTo(address).size() < n)
      throw std::runtime_error("expected " + std::to_string(n) + " mail(s) to " + address + ", got " +
                               std::to_string(MailsTo(address).size()));
  }
  std::vector<ReceivedMail> MailsTo(const std::string& address) {
    std::vector<ReceivedMail> out;
    for (auto& m : smtp_->Mails())
      if (m.Header("X-Envelope-To") == address) out.push_back(std::move(m));
    return out;
  }

  std::unique_ptr<SmtpTestServer> smtp_;
};

}  // namespace kanri::testing
