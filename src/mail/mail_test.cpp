// The outbox (queue, claim, backoff, give up, resend) and the mail's text.
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "db/test_database.h"
#include "mail/delivery.h"
#include "mail/messages.h"
#include "mail/outbox.h"
#include "mail/smtp.h"

namespace kanri::mail {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class OutboxTest : public ::testing::Test {
 protected:
  std::string Queue(const std::string& to = "taro@example.jp") {
    auto id = outbox_.Enqueue({.address = to}, "test", Message{"件名", "本文"});
    EXPECT_TRUE(id);
    return id ? *id : "";
  }
  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2026-01-05T00:00:00Z")};
  Outbox outbox_{tdb_.db(), clock_, "kanri.test"};
  ProviderScope provider_ = ProviderScope::ForCommandLine();
};

TEST_F(OutboxTest, AQueuedMailIsClaimedOnceAndSentOnce) {
  const auto id = Queue();
  auto claimed = outbox_.ClaimDue(clock_.Now(), 10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, id);
  EXPECT_EQ(claimed[0].message_id, "<" + id + "@kanri.test>");
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_TRUE(outbox_.ClaimDue(clock_.Now(), 10).empty()) << "a claimed row is not claimed again";
  outbox_.MarkSent(id, clock_.Now());
  clock_.Advance(hours{1});
  EXPECT_TRUE(outbox_.ClaimDue(clock_.Now(), 10).empty());
  EXPECT_EQ(outbox_.Get(provider_, id)->state, MailState::kSent);
}

TEST_F(OutboxTest, ARowClaimedByASenderThatStoppedIsClaimedAgainAfterItsLease) {
  const auto id = Queue();
  ASSERT_EQ(outbox_.ClaimDue(clock_.Now(), 10).size(), 1u);
  clock_.Advance(minutes{4});
  EXPECT_TRUE(outbox_.ClaimDue(clock_.Now(), 10).empty());
  clock_.Advance(minutes{2});
  auto again = outbox_.ClaimDue(clock_.Now(), 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message_id, "<" + id + "@kanri.test>") << "the same Message-ID on every attempt";
}

TEST_F(OutboxTest, TemporaryFailuresBackOffAndGiveUpAfter24Hours) {
  const auto id = Queue();
  std::vector<Millis> delays;
  Timestamp last = clock_.Now();
  for (int i = 0; i < 200; ++i) {
    auto claimed = outbox_.ClaimDue(clock_.Now(), 10);
    if (claimed.empty()) {
      clock_.Set(outbox_.Get(provider_, id)->next_attempt_at);
      continue;
    }
    delays.push_back(clock_.Now() - last);
    last = clock_.Now();
    if (outbox_.MarkTemporaryFailure(claimed[0], clock_.Now(), "451 try later") == MailState::kFailed) break;
  }
  auto e = outbox_.Get(provider_, id);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->state, MailState::kFailed);
  EXPECT_NE(e->last_error.find("gave up"), std::string::npos);
  ASSERT_GE(delays.size(), 5u);
  EXPECT_EQ(delays[1], minutes{1});
  EXPECT_EQ(delays[2], minutes{2});
  EXPECT_EQ(delays[3], minutes{4});
  EXPECT_LE(last - e->created_at, hours{24});
  EXPECT_GE(last - e->created_at, hours{22}) << "retried for about a day";
}

TEST_F(OutboxTest, ResendQueuesAFailedMailAgainButNotAPendingOne) {
  const auto id = Queue();
  auto pending = outbox_.Resend(provider_, id);
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().problem, "mail_pending");
  outbox_.MarkFailed(id, "550 no such user");
  auto again = outbox_.Resend(provider_, id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, MailState::kQueued);
  EXPECT_EQ(again->attempts, 0);
  EXPECT_EQ(outbox_.ClaimDue(clock_.Now(), 10).size(), 1u);
  EXPECT_EQ(outbox_.Resend(provider_, "no-such-id").error().code, ErrorCode::kNotFound);
}

TEST_F(OutboxTest, RetentionDeletesOldSentAndFailedMailButNeverPendingMail) {
  const auto sent = Queue(), failed = Queue(), pending = Queue();
  outbox_.MarkSent(sent, clock_.Now());
  outbox_.MarkFailed(failed, "550");
  clock_.Advance(hours{24 * 91});
  const auto recent = Queue();
  outbox_.MarkSent(recent, clock_.Now());
  EXPECT_EQ(outbox_.PurgeBefore(clock_.Now() - hours{24 * 90}), 2u);
  EXPECT_FALSE(outbox_.Get(provider_, sent));
  EXPECT_FALSE(outbox_.Get(provider_, failed));
  EXPECT_TRUE(outbox_.Get(provider_, pending)) << "a mail still waiting is never dropped";
  EXPECT_TRUE(outbox_.Get(provider_, recent));
}

TEST_F(OutboxTest, AnAddressThatCouldEndTheEnvelopeIsRefused) {
  for (std::string bad : {"a@b.jp\r\nRCPT TO:<x@y.jp>", "<a@b.jp>", "a b@c.jp", "nobody", ""}) {
    auto r = outbox_.Enqueue({.address = bad}, "test", Message{"s", "b"});
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_TRUE(outbox_.List(provider_, std::nullopt, {}).items.empty());
}

TEST_F(OutboxTest, ListIsNewestFirstAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Queue());
    clock_.Advance(minutes{1});
  }
  auto first = outbox_.List(provider_, std::nullopt, {.limit = 3});
  ASSERT_EQ(first.items.size(), 3u);
  EXPECT_EQ(first.items[0].id, ids[4]);
  ASSERT_TRUE(first.next_after);
  auto second = outbox_.List(provider_, std::nullopt, {.limit = 3, .after = first.next_after});
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_EQ(second.items[1].id, ids[0]);
  outbox_.MarkFailed(ids[2], "x");
  auto failed = outbox_.List(provider_, MailState::kFailed, {});
  ASSERT_EQ(failed.items.size(), 1u);
  EXPECT_EQ(failed.items[0].id, ids[2]);
}

TEST_F(OutboxTest, DeliveryWithoutAServerRetriesInsteadOfLosingTheMail) {
  const auto id = Queue();
  SmtpSender unconfigured{{}};
  auto r = Deliver(outbox_, unconfigured, clock_.Now());
  EXPECT_EQ(r.retrying, 1);
  auto e = outbox_.Get(provider_, id);
  EXPECT_EQ(e->state, MailState::kQueued);
  EXPECT_NE(e->last_error.find("--smtp-url"), std::string::npos);
}

TEST(MailText, FormatsAnRfc5322MailWithEncodedSubjectAndBase64Body) {
  const Message m{"【Kanri】ログインのお願い: アカウントが休眠によりロックされます", "一行目\n二行目\n"};
  const auto text = FormatMail("kanri@example.jp", "taro@example.jp", "<x@kanri.test>", m,
                               *ParseUtc("2026-12-06T15:30:00Z"));
  EXPECT_NE(text.find("Date: Mon, 07 Dec 2026 00:30:00 +0900\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Message-ID: <x@kanri.test>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  // No header line longer than 78 characters, and every line ends CRLF.
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 78u) << text.substr(start, end - start);
    start = end + 2;
  }
  // The body decodes to the text with CRLF line ends.
  const auto body = text.substr(text.find("\r\n\r\n") + 4);
  std::string joined;
  for (char c : body)
    if (c != '\r' && c != '\n') joined += c;
  EXPECT_EQ(Base64Decode(joined), std::optional<std::string>("一行目\r\n二行目\r\n"));
}

TEST(MailText, MessagesSpeakTheRecipientsLanguageAndShowJst) {
  const InactivityFacts f{"taro", "Taro", "ACME", *ParseUtc("2026-01-01T00:00:00Z"),
                          *ParseUtc("2026-07-30T03:00:00Z")};
  const auto ja = InactivityReminder("ja", f);
  const auto en = InactivityReminder("en", f);
  EXPECT_NE(ja.body.find("2026-01-01 09:00:00 JST"), std::string::npos) << ja.body;
  EXPECT_NE(ja.body.find("2026-07-30 12:00:00 JST"), std::string::npos);
  EXPECT_NE(ja.subject.find("ログイン"), std::string::npos);
  EXPECT_NE(en.subject.find("log in"), std::string::npos);
  EXPECT_EQ(InactivityReminder("fr", f).subject, ja.subject) << "Japanese unless English was chosen";
  for (const auto& m : {ja, en, InactivityLocked("ja", f), InactivityLocked("en", f)}) {
    EXPECT_EQ(m.body.find("http"), std::string::npos) << "no links in mail";
  }
}

TEST(SmtpSettings, RefusesOtherSchemesAndBadSenders) {
  EXPECT_TRUE(ValidateSmtpSettings({}));
  EXPECT_TRUE(ValidateSmtpSettings({.url = "smtp://127.0.0.1:25", .from = "kanri@example.jp"}));
  EXPECT_TRUE(ValidateSmtpSettings({.url = "smtps://mail.example.jp", .from = "kanri@example.jp"}));
  EXPECT_FALSE(ValidateSmtpSettings({.url = "http://127.0.0.1", .from = "kanri@example.jp"}));
  EXPECT_FALSE(ValidateSmtpSettings({.url = "smtp://127.0.0.1", .from = ""}));
  EXPECT_FALSE(ValidateSmtpSettings({.url = "smtp://127.0.0.1", .from = "a@b.jp\r\nBcc: x@y.jp"}));
}

}  // namespace
}  // namespace kanri::mail
