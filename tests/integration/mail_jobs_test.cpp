// Issue 12 end to end: the job scheduler, mail through a real SMTP server (python3-aiosmtpd on
// loopback), SEC-7 inactive accounts moved through their life by the test clock, SEC-2 login
// alarms, and the provider's routes for jobs, mail and alarms.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/mail_fixture.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

class InactiveAccounts : public MailTest {};

TEST_F(InactiveAccounts, SEC_7_ReminderAt180DaysLock30DaysLaterDeletion90DaysAfterAdministratorKept) {
  smtp_->Start();
  const auto jiro = CreateAccount(admin_a(), "jiro", "general", "Kp4-meadow-Tiger-58");
  const std::string jiro_id = Str(jiro, "id");
  // A second administrator, who will log in after the reminder and so stay active.
  CreateAccount(admin_a(), "bob", "admin", "Rt7-canyon-Otter-19");

  server().AdvanceClock(std::chrono::days{180} + 1h);
  // The daily job is due: the scheduler runs it at its next tick. Each account is reminded,
  // and each other administrator told about it.
  WaitForMailTo("jiro@example.com", 1);
  const auto reminder = MailsTo("jiro@example.com")[0];
  EXPECT_NE(reminder.Subject().find("ログイン"), std::string::npos) << reminder.Subject();
  EXPECT_NE(reminder.Body().find("jiro"), std::string::npos);
  EXPECT_NE(reminder.Body().find("JST"), std::string::npos);
  EXPECT_EQ(reminder.Body().find("http"), std::string::npos) << "no links in mail";
  WaitForMailTo("alice@example.com", 3);  // her own reminder, and about jiro and bob
  WaitForMailTo("bob@example.com", 3);

  // Bob answers his reminder by logging in.
  auto bob_client = LoginAs(kCompanyACode, "bob", "Rt7-canyon-Otter-19");
  server().AdvanceClock(std::chrono::days{30});
  WaitForMailTo("jiro@example.com", 2);  // locked
  EXPECT_NE(MailsTo("jiro@example.com")[1].Subject().find("ロックしました"), std::string::npos)
      << MailsTo("jiro@example.com")[1].Subject();
  bob_client = LoginAs(kCompanyACode, "bob", "Rt7-canyon-Otter-19");
  auto got = bob_client->Get("/api/v1/accounts/" + jiro_id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Str(got.Json(), "status"), "locked");
  EXPECT_EQ(Str(got.Json(), "lock_reason"), "inactivity");
  // … which only a site administrator lifts: bob cannot, through PATCH status.
  auto patch = bob_client->Patch("/api/v1/accounts/" + jiro_id, R"({"status":"active"})");
  EXPECT_EQ(patch.status, 409);
  EXPECT_EQ(ProblemCode(patch), "inactivity_lock");
  // Locked accounts cannot log in, with the right password either.
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "jiro", "Kp4-meadow-Tiger-58").status, 401);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kAdminPassword).status, 401);

  server().AdvanceClock(std::chrono::days{90});
  // The general account goes; the administrator stays locked.
  for (int i = 0; i < 100 && bob_client->Get("/api/v1/accounts/" + jiro_id).status != 404; ++i) {
    std::this_thread::sleep_for(200ms);
    if (bob_client->Get("/api/v1/session").status != 200)
      bob_client = LoginAs(kCompanyACode, "bob", "Rt7-canyon-Otter-19");
  }
  EXPECT_EQ(bob_client->Get("/api/v1/accounts/" + jiro_id).status, 404);
  auto alice = bob_client->Get("/api/v1/accounts/" + admin_a_id());
  ASSERT_EQ(alice.status, 200);
  EXPECT_EQ(Str(alice.Json(), "status"), "locked");
  // Every step is in the company's history, and the history still names jiro.
  for (const std::string action :
       {"account.inactivity_reminded", "account.inactivity_locked", "account.inactivity_deleted"}) {
    auto records = ListAll(*bob_client, "/api/v1/audit?action=" + action);
    EXPECT_FALSE(records.empty()) << action;
  }
  auto deleted = ListAll(*bob_client, "/api/v1/audit?action=account.inactivity_deleted");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_NE(json::serialize(deleted[0]).find("jiro"), std::string::npos);
  // The provider lifts alice's lock.
  auto unlock = fresh_site_admin().Post("/api/v1/locked-accounts/" + admin_a_id() + "/unlock", "{}");
  EXPECT_EQ(unlock.status, 200);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kAdminPassword).status, 200);
}

class LoginAlarms : public MailTest {
 protected:
  LoginAlarms() : MailTest({"--login-alarm-account", "5", "--lockout-failures", "100"}) {}
};

TEST_F(LoginAlarms, SEC_2_ABurstOfFailedLoginsMailsTheSiteAdministratorsOncePerWindow) {
  smtp_->Start();
  auto client = NewClient();
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(TryLogin(*client, kCompanyACode, kAdminALogin, "wrong-password").status, 401);
  auto run = RunJob("alarm-scan");
  EXPECT_EQ(Member(Member(run, "counts"), "raised").as_int64(), 1);
  auto mails = smtp_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].Header("X-Envelope-To"), std::string(kSiteAdminLogin) + "@kanri.invalid");
  EXPECT_NE(mails[0].Body().find("alice (ACME)"), std::string::npos) << mails[0].Body();
  EXPECT_NE(mails[0].Body().find("JST"), std::string::npos);
  // More failures in the same window: no second alarm.
  for (int i = 0; i < 5; ++i) TryLogin(*client, kCompanyACode, kAdminALogin, "wrong-password");
  EXPECT_EQ(Member(Member(RunJob("alarm-scan"), "counts"), "raised").as_int64(), 0);
  auto alarms = ListAll(fresh_site_admin(), "/api/v1/operations/login-alarms");
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(Str(alarms[0], "cause"), "account");
  EXPECT_EQ(Str(alarms[0], "label"), "alice (ACME)");
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(smtp_->Mails().size(), 1u);
  // A company's administrator sees none of this (SEC-5).
  CreateAccount(admin_a(), "bob", "admin", "Rt7-canyon-Otter-19");
  auto bob_client = LoginAs(kCompanyACode, "bob", "Rt7-canyon-Otter-19");
  for (const std::string path :
       {"/api/v1/operations/login-alarms", "/api/v1/operations/jobs", "/api/v1/operations/mail"})
    EXPECT_EQ(bob_client->Get(path).status, 403) << path;
  EXPECT_EQ(bob_client->Post("/api/v1/operations/jobs/alarm-scan/run", "{}").status, 403);
}

class MailDelivery : public MailTest {
 protected:
  MailDelivery() : MailTest({"--login-alarm-account", "3", "--lockout-failures", "100"}) {}
};

TEST_F(MailDelivery, AMailQueuedWhileTheSmtpServerIsDownArrivesOnceAfterItComesBackAndARestart) {
  // The SMTP server is not running: the alarm's mail waits in the outbox.
  auto client = NewClient();
  for (int i = 0; i < 3; ++i) TryLogin(*client, kCompanyACode, kAdminALogin, "wrong-password");
  RunJob("alarm-scan");
  RunJob("mail-delivery");  // (or the scheduler's own round, whichever comes first)
  auto outbox = ListAll(fresh_site_admin(), "/api/v1/operations/mail");
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(Member(outbox[0], "attempts").as_int64(), 1);
  EXPECT_EQ(Str(outbox[0], "state"), "queued");
  EXPECT_NE(Str(outbox[0], "last_error"), "");
  const std::string id = Str(outbox[0], "id");

  ASSERT_EQ(server().Stop(), 0);
  smtp_->Start();
  server().Start(server_args());
  server().AdvanceClock(2min);  // past the first backoff
  auto mails = smtp_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u);
  // Further rounds send nothing again.
  RunJob("mail-delivery");
  server().AdvanceClock(1h);
  RunJob("mail-delivery");
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(smtp_->Mails().size(), 1u);
  auto sent = fresh_site_admin().Get("/api/v1/operations/mail/" + id);
  ASSERT_EQ(sent.status, 200);
  EXPECT_EQ(Str(sent.Json(), "state"), "sent");
  EXPECT_EQ(Member(sent.Json(), "attempts").as_int64(), 2);
  EXPECT_EQ(Str(sent.Json(), "message_id"), mails[0].Header("Message-ID"));
  EXPECT_NE(Str(sent.Json(), "body").find("alice"), std::string::npos);
  // Resend is a deliberate second copy, with the same Message-ID.
  EXPECT_EQ(fresh_site_admin().Post("/api/v1/operations/mail/" + id + "/resend", "{}").status, 200);
  RunJob("mail-delivery");
  ASSERT_EQ(smtp_->WaitForMails(2).size(), 2u);
  EXPECT_EQ(smtp_->Mails()[1].Header("Message-ID"), mails[0].Header("Message-ID"));
  EXPECT_EQ(fresh_site_admin().Post("/api/v1/operations/mail/nope/resend", "{}").status, 404);
}

class JobsList : public MailTest {};

TEST_F(JobsList, TheProviderSeesEveryJobWithItsScheduleAndLastRun) {
  auto jobs = ListAll(fresh_site_admin(), "/api/v1/operations/jobs");
  std::vector<std::string> names;
  for (const auto& j : jobs) names.push_back(Str(j, "name"));
  for (const std::string expected :
       {"audit-checkpoint", "audit-retention", "session-purge", "account-lifecycle", "alarm-scan",
        "mail-delivery", "mail-retention", "backup", "device-retention", "contract-end"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  auto run = RunJob("session-purge");
  EXPECT_TRUE(Member(run, "ok").as_bool());
  EXPECT_EQ(fresh_site_admin().Post("/api/v1/operations/jobs/no-such-job/run", "{}").status, 404);
  ASSERT_EQ(server().Stop(), 0);
  auto cli = server().RunCli({"jobs", "list"});
  ASSERT_EQ(cli.exit_code, 0) << cli.Describe();
  EXPECT_NE(cli.out.find("session-purge"), std::string::npos);
  EXPECT_NE(cli.out.find("daily 04:00 JST"), std::string::npos);
  auto unknown = server().RunCli({"jobs", "run", "no-such-job"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("account-lifecycle"), std::string::npos) << "names the jobs there are";
}

TEST_F(JobsList, SEC_7_AnAdministratorDeletesAnAccountButNotItselfNorAnotherCompanys) {
  const auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  EXPECT_EQ(admin_a().Delete("/api/v1/accounts/" + admin_a_id()).status, 409);
  EXPECT_EQ(admin_a().Delete("/api/v1/accounts/" + Str(hana, "id")).status, 204);
  EXPECT_EQ(admin_a().Get("/api/v1/accounts/" + Str(hana, "id")).status, 404);
  const auto other = CreateCompany("OTHER", "Other");
  const auto stranger = CreateCompanyAdmin(Str(other, "id"), "olga", "Mw2-forest-Raven-63");
  EXPECT_EQ(admin_a().Delete("/api/v1/accounts/" + Str(stranger, "id")).status, 404);
  auto records = ListAll(admin_a(), "/api/v1/audit?action=accounts.delete");
  EXPECT_EQ(records.size(), 3u);  // the refused, the deleted and the unknown one
}

// `kanri mail test` against a server that requires STARTTLS, and what happens without it.
class MailCommand : public ServerTest {};

TEST_F(MailCommand, StartTlsIsRequiredCertificatesAreCheckedAndThePasswordIsNeverShown) {
  const std::string dir = server().data_dir() + "/smtp";
  SmtpTestServer tls{dir + "-tls", {.starttls = true, .auth = "kanri:s3cret-Relay-pw"}};
  tls.Start();
  { std::ofstream(dir + "-pw") << "s3cret-Relay-pw\n"; }
  const std::vector<std::string> base{"mail",
                                      "test",
                                      "--to",
                                      "ops@example.jp",
                                      "--smtp-url",
                                      tls.url(),
                                      "--mail-from",
                                      "kanri@kanri.test",
                                      "--smtp-user",
                                      "kanri",
                                      "--smtp-password-file",
                                      dir + "-pw"};
  // The server's certificate is not trusted: refused.
  auto untrusted = server().RunCli(base);
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.Describe();
  EXPECT_TRUE(tls.Mails().empty());
  // Trusted: sent over TLS, after STARTTLS and AUTH.
  auto args = base;
  args.insert(args.end(), {"--smtp-ca-file", tls.ca_file(), "--language", "en"});
  auto ok = server().RunCli(args);
  ASSERT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_NE(ok.out.find("STARTTLS"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("s3cret-Relay-pw"), std::string::npos) << "the password is never shown";
  EXPECT_EQ(ok.err.find("s3cret-Relay-pw"), std::string::npos);
  auto mails = tls.WaitForMails(1);
  EXPECT_EQ(mails[0].Header("X-TLS"), "yes");
  EXPECT_NE(mails[0].Subject().find("Test mail"), std::string::npos) << mails[0].Subject();

  // A server that offers no STARTTLS: refused unless --smtp-insecure.
  SmtpTestServer plain{dir + "-plain", {.reject_suffix = "@reject.invalid"}};
  plain.Start();
  const std::vector<std::string> plain_base{"mail",       "test",      "--to",        "ops@example.jp",
                                            "--smtp-url", plain.url(), "--mail-from", "kanri@kanri.test"};
  auto refused = server().RunCli(plain_base);
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_TRUE(plain.Mails().empty());
  auto insecure = plain_base;
  insecure.push_back("--smtp-insecure");
  EXPECT_EQ(server().RunCli(insecure).exit_code, 0);
  EXPECT_EQ(plain.WaitForMails(1)[0].Header("X-TLS"), "no");
  // A recipient the server refuses for good.
  insecure[3] = "nobody@reject.invalid";
  auto rejected = server().RunCli(insecure);
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_NE(rejected.out.find("refused for good"), std::string::npos) << rejected.out;
  // A bad URL is a clear error.
  auto bad = server().RunCli({"mail", "test", "--to", "a@b.jp", "--smtp-url", "http://127.0.0.1:1"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("smtp://"), std::string::npos) << bad.Describe();
}

}  // namespace
}  // namespace kanri::testing
