// Webhooks (SEC-9): signatures, input checks, the outbox's order, backoff, giving up, disabling,
// and the address policy of the sender.
#include "webhooks/webhooks.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "db/test_database.h"
#include "webhooks/delivery.h"
#include "webhooks/sender.h"
#include "webhooks/signature.h"

namespace kanri::webhooks {
namespace {

namespace json = boost::json;
using std::chrono::hours;
using std::chrono::minutes;

TEST(Signature, SEC_9_MatchesTheStandardWebhooksReferenceVector) {
  // The example of the Standard Webhooks specification and its reference libraries.
  auto key = SecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key);
  EXPECT_EQ(Sign(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Any change of id, time or body changes it.
  EXPECT_NE(Sign(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(Signature, SEC_9_SecretsHaveTheStandardFormAndOthersAreRefused) {
  const std::string s = NewSecret();
  EXPECT_TRUE(s.starts_with("whsec_"));
  ASSERT_TRUE(SecretKey(s));
  EXPECT_EQ(SecretKey(s)->size(), 32u);
  EXPECT_NE(NewSecret(), s);
  for (const char* bad : {"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!!", "whsec_c2hvcnQ="})
    EXPECT_FALSE(SecretKey(bad)) << bad;
}

TEST(Url, SEC_9_OnlyHttpsUrlsWithAHostAndNoCredentials) {
  EXPECT_TRUE(CheckUrlShape("https://hooks.example.com/kanri?x=1"));
  EXPECT_TRUE(CheckUrlShape("https://[2001:db8::1]:8443/in"));
  for (const char* bad : {"http://hooks.example.com/", "ftp://x/", "hooks.example.com", "https:///path",
                          "https://user:pw@hooks.example.com/", "https://hooks.example.com/#frag", ""})
    EXPECT_FALSE(CheckUrlShape(bad)) << bad;
  EXPECT_FALSE(CheckUrlShape("https://a.example/" + std::string(2100, 'x')));
}

// Records what it was asked to send and answers from a script.
class FakePoster : public Poster {
 public:
  std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests) const override {
    std::vector<PostResult> out;
    for (const auto& r : requests) {
      sent.push_back(r);
      out.push_back(answer);
    }
    return out;
  }
  PostResult answer{200, ""};
  mutable std::vector<PostRequest> sent;
};

class WebhooksTest : public ::testing::Test {
 protected:
  WebhooksTest() {
    for (const char* c : {"c1", "c2"}) {
      auto lease = tdb_.db().Acquire();
      const std::string id = c;
      lease.sql() << "INSERT INTO companies (id, code, code_key, name, contract_start, status, created_at, "
                     "updated_at) VALUES (:id, :c, :k, :n, '2026-01-01', 'active', 0, 0)",
          soci::use(id), soci::use(id), soci::use(id), soci::use(id);
    }
  }
  std::string Hook(const std::string& company,
                   std::vector<std::string> events = {"task.done", "task.failed"}) {
    auto created = repo_.Create(
        CompanyId{company},
        {.name = "ops", .url = "https://hooks.example.com/in", .events = std::move(events)}, "taro");
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    return created ? created->webhook.id : "";
  }
  void EmitTask(const std::string& company, const std::string& device, const std::string& task,
                std::string_view type = "task.done") {
    auto lease = tdb_.db().Acquire();
    db::WriteTransaction tx(lease);
    Emit(lease, clock_.Now(), CompanyId{company}, type, device, json::object{{"task_id", task}});
    tx.Commit();
  }
  std::vector<std::string> SentTasks() {
    std::vector<std::string> out;
    for (const auto& r : poster_.sent)
      out.push_back(std::string(json::parse(r.body).at("data").at("task_id").as_string()));
    return out;
  }

  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2026-01-05T00:00:00Z")};
  SecretBox box_ = SecretBox::FromKey(std::string(32, 'k'));
  WebhookRepository repo_{tdb_.db(), clock_, box_, nullptr};
  FakePoster poster_;
};

TEST_F(WebhooksTest, SEC_9_CreationChecksItsInputAndAnswersTheSecretOnce) {
  auto created = repo_.Create(
      CompanyId{"c1"}, {.name = "ops", .url = "https://h.example/in", .events = {"task.done"}}, "taro");
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->secret.starts_with("whsec_"));
  {
    auto lease = tdb_.db().Acquire();
    std::string stored;
    lease.sql() << "SELECT secret_enc FROM webhooks", soci::into(stored);
    EXPECT_EQ(stored.find(created->secret.substr(6)), std::string::npos) << "sealed, never in clear";
  }
  auto own = repo_.Create(CompanyId{"c1"},
                          {.name = "own",
                           .url = "https://h.example/in",
                           .events = {"task.done"},
                           .secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                          "taro");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

  struct Case {
    NewWebhook input;
    std::string field;
  };
  const std::vector<Case> bad = {
      {{.name = "", .url = "https://h.example/", .events = {"task.done"}}, "name"},
      {{.name = "x", .url = "http://h.example/", .events = {"task.done"}}, "url"},
      {{.name = "x", .url = "https://h.example/", .events = {}}, "events"},
      {{.name = "x", .url = "https://h.example/", .events = {"device.exploded"}}, "events"},
      {{.name = "x", .url = "https://h.example/", .events = {"webhook.test"}}, "events"},
      {{.name = "x", .url = "https://h.example/", .events = {"task.done", "task.done"}}, "events"},
      {{.name = "x", .url = "https://h.example/", .events = {"task.done"}, .secret = "hunter2"}, "secret"},
  };
  for (const auto& c : bad) {
    auto r = repo_.Create(CompanyId{"c1"}, c.input, "taro");
    ASSERT_FALSE(r) << c.field;
    EXPECT_EQ(r.error().field, c.field);
  }
  EXPECT_EQ(repo_.List(CompanyId{"c1"}).size(), 2u) << "refused input changes nothing";
  // Names count characters, not bytes: 100 Japanese characters are fine, 101 are not.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "監";
  EXPECT_TRUE(repo_.Create(CompanyId{"c1"},
                           {.name = hundred, .url = "https://h.example/", .events = {"task.done"}}, "taro"));
  EXPECT_EQ(
      repo_
          .Create(CompanyId{"c1"},
                  {.name = hundred + "視", .url = "https://h.example/", .events = {"task.done"}}, "taro")
          .error()
          .field,
      "name");
}

TEST_F(WebhooksTest, SEC_9_AtMostTenPerCompany) {
  for (int i = 0; i < 10; ++i) Hook("c1");
  auto eleventh = repo_.Create(CompanyId{"c1"},
                               {.name = "x", .url = "https://h.example/", .events = {"task.done"}}, "taro");
  ASSERT_FALSE(eleventh);
  EXPECT_EQ(eleventh.error().problem, "limit_exceeded");
  EXPECT_TRUE(repo_.Create(CompanyId{"c2"},
                           {.name = "x", .url = "https://h.example/", .events = {"task.done"}}, "jiro"))
      << "another company's count is its own";
}

TEST_F(WebhooksTest, SEC_8_AnotherCompanysWebhookIsNotFound) {
  const auto id = Hook("c1");
  EXPECT_EQ(repo_.Get(CompanyId{"c2"}, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_.Update(CompanyId{"c2"}, id, {.enabled = false}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_.Delete(CompanyId{"c2"}, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_.QueueTest(CompanyId{"c2"}, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_.Deliveries(CompanyId{"c2"}, id, std::nullopt, {}).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(repo_.List(CompanyId{"c2"}).empty());
  EXPECT_TRUE(repo_.Get(CompanyId{"c1"}, id)->enabled) << "nothing changed";
}

TEST_F(WebhooksTest, SEC_9_EventsGoToTheSubscribedWebhooksOfTheirCompanyOnly) {
  const auto done_only = Hook("c1", {"task.done"});
  const auto both = Hook("c1", {"task.done", "task.failed"});
  const auto other = Hook("c2", {"task.done", "task.failed"});
  EmitTask("c1", "d1", "t1", "task.done");
  EmitTask("c1", "d1", "t2", "task.failed");
  EXPECT_EQ(repo_.Deliveries(CompanyId{"c1"}, done_only, std::nullopt, {})->items.size(), 1u);
  EXPECT_EQ(repo_.Deliveries(CompanyId{"c1"}, both, std::nullopt, {})->items.size(), 2u);
  EXPECT_TRUE(repo_.Deliveries(CompanyId{"c2"}, other, std::nullopt, {})->items.empty());
  const auto r = Deliver(repo_, poster_, clock_);
  EXPECT_EQ(r.delivered, 3);
  EXPECT_EQ(repo_.Deliveries(CompanyId{"c1"}, both, std::nullopt, {})->items[0].state,
            DeliveryState::kDelivered);
}

TEST_F(WebhooksTest, SEC_9_AnEventRolledBackIsNeverQueued) {
  Hook("c1");
  {
    auto lease = tdb_.db().Acquire();
    db::WriteTransaction tx(lease);
    Emit(lease, clock_.Now(), CompanyId{"c1"}, "task.done", "d1", json::object{{"task_id", "t1"}});
  }
  EXPECT_EQ(Deliver(repo_, poster_, clock_).delivered, 0);
}

TEST_F(WebhooksTest, SEC_9_RequestsAreSignedAndVerifyWithTheSecret) {
  auto created = repo_.Create(
      CompanyId{"c1"}, {.name = "ops", .url = "https://h.example/in", .events = {"task.done"}}, "taro");
  EmitTask("c1", "d1", "t1");
  Deliver(repo_, poster_, clock_);
  ASSERT_EQ(poster_.sent.size(), 1u);
  const auto& req = poster_.sent[0];
  EXPECT_EQ(req.url, "https://h.example/in");
  std::map<std::string, std::string> h(req.headers.begin(), req.headers.end());
  EXPECT_TRUE(h["webhook-id"].starts_with("msg_"));
  EXPECT_EQ(h["webhook-timestamp"], "1767571200");
  EXPECT_EQ(h["webhook-signature"], Sign(*SecretKey(created->secret), h["webhook-id"], 1767571200, req.body));
  const auto body = json::parse(req.body).as_object();
  EXPECT_EQ(body.at("type"), "task.done");
  EXPECT_EQ(body.at("timestamp"), "2026-01-05T00:00:00.000Z");
}

TEST_F(WebhooksTest, SEC_9_AFailingReceiverGetsEventsAgainLaterInOrderPerDevice) {
  const auto id = Hook("c1");
  EmitTask("c1", "d1", "a1");
  EmitTask("c1", "d1", "a2");
  EmitTask("c1", "d2", "b1");
  poster_.answer = {503, ""};
  auto r = Deliver(repo_, poster_, clock_);
  EXPECT_EQ(r.retrying, 2) << "the first of each device is tried; a2 waits behind a1";
  EXPECT_EQ(SentTasks(), (std::vector<std::string>{"a1", "b1"}));
  poster_.sent.clear();
  EXPECT_EQ(Deliver(repo_, poster_, clock_).retrying, 0) << "not before the backoff";
  clock_.Advance(minutes{1});
  poster_.answer = {204, ""};
  r = Deliver(repo_, poster_, clock_);
  EXPECT_EQ(r.delivered, 3);
  EXPECT_EQ(SentTasks(), (std::vector<std::string>{"a1", "b1", "a2"})) << "a2 only after a1";
  auto log = repo_.Deliveries(CompanyId{"c1"}, id, DeliveryState::kDelivered, {});
  ASSERT_EQ(log->items.size(), 3u);
  for (const auto& d : log->items) EXPECT_EQ(d.last_status, 204);
  EXPECT_FALSE(repo_.Get(CompanyId{"c1"}, id)->failing_since) << "a success ends the failing state";
}

TEST_F(WebhooksTest, SEC_9_AttemptsBackOffAndGiveUpAfter24Hours) {
  const auto id = Hook("c1");
  EmitTask("c1", "d1", "a1");
  poster_.answer = {std::nullopt, "connection refused"};
  std::vector<Millis> delays;
  Timestamp last = clock_.Now();
  for (int i = 0; i < 2000; ++i) {
    const auto r = Deliver(repo_, poster_, clock_, {.max_rounds = 1});
    if (r.retrying + r.failed > 0) {
      delays.push_back(std::chrono::duration_cast<Millis>(clock_.Now() - last));
      last = clock_.Now();
    }
    if (r.failed > 0) break;
    clock_.Advance(minutes{1});
  }
  ASSERT_GE(delays.size(), 5u);
  EXPECT_EQ(delays[1], minutes{1});
  EXPECT_EQ(delays[2], minutes{2});
  EXPECT_EQ(delays[3], minutes{4});
  EXPECT_LE(delays.back(), hours{1});
  const auto d = repo_.Deliveries(CompanyId{"c1"}, id, std::nullopt, {})->items.at(0);
  EXPECT_EQ(d.state, DeliveryState::kFailed);
  EXPECT_NE(d.last_error.find("connection refused"), std::string::npos);
  EXPECT_LE(clock_.Now(), *ParseUtc("2026-01-06T00:00:00Z") + minutes{1});
}

TEST_F(WebhooksTest, SEC_9_TwentyFourHoursOfFailuresDisableTheWebhookUntilEnabledAgain) {
  const auto id = Hook("c1");
  EmitTask("c1", "d1", "a1");
  poster_.answer = {500, ""};
  Deliver(repo_, poster_, clock_);
  EXPECT_TRUE(repo_.Get(CompanyId{"c1"}, id)->failing_since);
  clock_.Advance(hours{23});
  {
    auto lease = tdb_.db().Acquire();
    EXPECT_TRUE(repo_.DisableFailing(lease, clock_.Now()).empty());
  }
  clock_.Advance(hours{1});
  EmitTask("c1", "d2", "b1");
  {
    auto lease = tdb_.db().Acquire();
    db::WriteTransaction tx(lease);
    auto disabled = repo_.DisableFailing(lease, clock_.Now());
    tx.Commit();
    ASSERT_EQ(disabled.size(), 1u);
    EXPECT_EQ(disabled[0].id, id);
  }
  auto w = repo_.Get(CompanyId{"c1"}, id);
  EXPECT_FALSE(w->enabled);
  EXPECT_EQ(w->disabled_reason, "failing");
  EmitTask("c1", "d3", "c1");
  poster_.sent.clear();
  EXPECT_EQ(Deliver(repo_, poster_, clock_).delivered, 0);
  EXPECT_TRUE(poster_.sent.empty()) << "a disabled webhook gets nothing";
  EXPECT_EQ(repo_.QueueTest(CompanyId{"c1"}, id).error().problem, "webhook_disabled");
  auto again = repo_.Update(CompanyId{"c1"}, id, {.enabled = true});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->enabled);
  EXPECT_EQ(again->disabled_reason, "");
  EXPECT_FALSE(again->failing_since);
  poster_.answer = {200, ""};
  ASSERT_TRUE(repo_.QueueTest(CompanyId{"c1"}, id));
  EXPECT_EQ(repo_.QueueTest(CompanyId{"c1"}, id).error().problem, "test_pending") << "one test at a time";
  EXPECT_EQ(Deliver(repo_, poster_, clock_).delivered, 1);
  EXPECT_TRUE(repo_.QueueTest(CompanyId{"c1"}, id)) << "the next one, once the last was delivered";
  EXPECT_EQ(json::parse(poster_.sent.back().body).at("type"), "webhook.test");
}

TEST_F(WebhooksTest, SEC_9_OneCompanyCannotTakeAWholeRound) {
  Hook("c1");
  Hook("c1");
  Hook("c2");
  // c1's backlog is older and larger than a round.
  for (int i = 0; i < 150; ++i) EmitTask("c1", "d" + std::to_string(i), "t" + std::to_string(i));
  clock_.Advance(minutes{1});
  EmitTask("c2", "x", "q1");
  auto claimed = repo_.ClaimDue(clock_.Now(), 50, 10);
  std::map<std::string, int> per;
  for (const auto& o : claimed) ++per[o.company_id.value()];
  EXPECT_EQ(per["c1"], 10) << "300 due, 10 taken";
  EXPECT_EQ(per["c2"], 1) << "the other company is served in the same round";
}

TEST(CurlPoster, SEC_9_AddressesOutsideThePolicyAreNeverConnectedTo) {
  // The default policy ("public") refuses loopback: the socket is never opened, so this test
  // sends no traffic anywhere.
  auto policy = AddressPolicy::Make({"public"}, false);
  ASSERT_TRUE(policy);
  CurlPoster poster({.policy = *policy, .timeout = std::chrono::seconds{5}});
  const auto results = poster.PostAll({{"https://127.0.0.1:9/in", {}, "{}"},
                                       {"https://[::1]:9/in", {}, "{}"},
                                       {"https://localhost:9/in", {}, "{}"},
                                       {"http://127.0.0.1:9/", {}, "{}"}});
  ASSERT_EQ(results.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(results[i].ok());
    EXPECT_NE(results[i].error.find("address refused"), std::string::npos) << results[i].error;
    EXPECT_NE(results[i].error.find("loopback"), std::string::npos) << results[i].error;
  }
  EXPECT_FALSE(results[3].ok()) << "http is not a webhook protocol";
}

}  // namespace
}  // namespace kanri::webhooks
