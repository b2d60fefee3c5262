// Webhooks end to end (SEC-9): the real `kanri serve`, a `kanri sim` router and an HTTPS
// receiver on loopback (allowed for the test). Events arrive signed as the Standard Webhooks
// specification says and verify with the secret; a receiver that fails gets them again later,
// in order per device; the address policy refuses private targets; another company sees nothing.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <filesystem>
#include <set>

#include "support/devices_fixture.h"
#include "support/webhook_receiver.h"

namespace kanri::testing {
namespace {

std::string ReceiverDir() {
  static int n = 0;
  return (std::filesystem::temp_directory_path() /
          ("kanri-webhooks-" + std::to_string(getpid()) + "-" + std::to_string(++n)))
      .string();
}

// The Standard Webhooks verification, written from the specification (not Kanri's code):
// base64(HMAC-SHA256(base64decode(secret without "whsec_"), id + "." + timestamp + "." + body)).
std::string ExpectedSignature(const std::string& secret, const std::string& id, const std::string& timestamp,
                              const std::string& body) {
  const std::string b64 = secret.substr(6);
  std::string key(b64.size(), '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                      reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return "";
  const std::size_t pad = b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0;
  key.resize(static_cast<std::size_t>(n) - pad);
  const std::string content = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
  std::string out(4 * ((len + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
  return "v1," + out;
}

class Webhooks : public Devices {
 protected:
  Webhooks() : Webhooks(std::make_unique<WebhookReceiver>(ReceiverDir())) {}
  explicit Webhooks(std::unique_ptr<WebhookReceiver> receiver)
      : Devices({"--webhook-ca-file", receiver->ca_file(), "--job-tick", "1s", "--webhook-interval", "1s"}),
        receiver_(std::move(receiver)) {}

  // Creates a webhook of ACME; returns {id, secret}.
  std::pair<std::string, std::string> CreateWebhook(const std::string& events) {
    auto r = admin_a().Post("/api/v1/webhooks",
                            R"({"name":"ops","url":")" + receiver_->url() + R"(","events":)" + events + "}");
    if (r.status != 201) throw std::runtime_error("webhook: " + r.Describe());
    return {Str(r.Json(), "id"), Str(r.Json(), "secret")};
  }
  static std::string Type(const ReceivedWebhook& r) { return Str(json::parse(r.body), "type"); }

  std::unique_ptr<WebhookReceiver> receiver_;
};

TEST_F(Webhooks, SEC_9_SignedEventsReachTheReceiverInOrderAndVerify) {
  const auto [id, secret] = CreateWebhook(R"(["device.created","task.done","task.failed"])");
  EXPECT_TRUE(secret.starts_with("whsec_"));
  EXPECT_EQ(admin_a().Get("/api/v1/webhooks/" + id).body.find(secret.substr(6)), std::string::npos)
      << "the secret is answered once";

  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  auto sim = StartSim("WHK", 1, "00D09E");
  const std::string device = Str(WaitForProvisionedDevice("WHK000001"), "id");
  EXPECT_EQ(Str(RunTask(device, R"({"type":"getParameterValues","names":["Device.DeviceInfo."],"now":true})"),
                "state"),
            "done");
  EXPECT_EQ(
      Str(RunTask(device, R"({"type":"setParameterValues","values":{"Device.No.Such":"x"},"now":true})"),
          "state"),
      "failed");

  const auto got = receiver_->WaitFor(3);
  ASSERT_EQ(got.size(), 3u) << "Kanri's own provisioning tasks are not announced";
  EXPECT_EQ(Type(got[0]), "device.created");
  EXPECT_EQ(Type(got[1]), "task.done");
  EXPECT_EQ(Type(got[2]), "task.failed");
  std::set<std::string> ids;
  for (const auto& r : got) {
    EXPECT_EQ(r.path, "/hook");
    EXPECT_EQ(r.Header("content-type"), "application/json");
    const std::string msg_id = r.Header("webhook-id"), ts = r.Header("webhook-timestamp");
    EXPECT_EQ(r.Header("webhook-signature"), ExpectedSignature(secret, msg_id, ts, r.body)) << r.body;
    EXPECT_NE(r.Header("webhook-signature"), ExpectedSignature(secret, msg_id, ts, r.body + " "));
    ids.insert(msg_id);
    const auto data = Member(json::parse(r.body), "data");
    EXPECT_EQ(Str(data, "device_id"), device);
  }
  EXPECT_EQ(ids.size(), 3u) << "one id per event";
  EXPECT_EQ(Str(Member(json::parse(got[0].body), "data"), "serial_number"), "WHK000001");
  EXPECT_NE(got[2].body.find("\"fault_code\":9003"), std::string::npos) << got[2].body;

  // The delivery log: states and answers, never the body or the secret. (The receiver records a
  // request before it answers, so Kanri may still be marking the last one.)
  const json::value log_json = PollUntil("/api/v1/webhooks/" + id + "/deliveries", [](const json::value& v) {
    for (const auto& d : Member(v, "items").as_array())
      if (Str(d, "state") != "delivered") return false;
    return true;
  });
  const auto log = admin_a().Get("/api/v1/webhooks/" + id + "/deliveries");
  EXPECT_EQ(Member(log_json, "items").as_array().size(), 3u);
  for (const auto& d : Member(log_json, "items").as_array()) {
    EXPECT_EQ(Str(d, "state"), "delivered");
    EXPECT_EQ(Member(d, "last_status").as_int64(), 204);
  }
  EXPECT_EQ(log.body.find("WHK000001"), std::string::npos) << "no event body in the log";
}

TEST_F(Webhooks, SEC_9_AFailingReceiverGetsTheEventsAgainLaterInOrder) {
  const auto [id, secret] = CreateWebhook(R"(["task.done","task.failed"])");
  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  auto sim = StartSim("WHF", 1, "00D09E");
  const std::string device = Str(WaitForProvisionedDevice("WHF000001"), "id");
  receiver_->SetFailing(true);
  RunTask(device, R"({"type":"getParameterValues","names":["Device.DeviceInfo.SerialNumber"],"now":true})");
  RunTask(device, R"({"type":"setParameterValues","values":{"Device.No.Such":"x"},"now":true})");
  // The first is tried and refused; the second waits behind it (same device).
  auto first = receiver_->WaitFor(1);
  std::this_thread::sleep_for(3s);
  first = receiver_->Received();
  ASSERT_EQ(first.size(), 1u) << "the second event waits behind the first";
  EXPECT_EQ(first[0].answered, 503);
  EXPECT_EQ(Type(first[0]), "task.done");
  auto w = admin_a().Get("/api/v1/webhooks/" + id).Json();
  EXPECT_FALSE(Member(w, "failing_since").is_null());

  receiver_->SetFailing(false);
  server().AdvanceClock(std::chrono::minutes{2});  // past the first backoff
  const auto got = receiver_->WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].answered, 204);
  EXPECT_EQ(Type(got[1]), "task.done");
  EXPECT_EQ(got[1].Header("webhook-id"), got[0].Header("webhook-id")) << "a retry is the same message";
  EXPECT_EQ(got[1].Header("webhook-signature"),
            ExpectedSignature(secret, got[1].Header("webhook-id"), got[1].Header("webhook-timestamp"),
                              got[1].body));
  EXPECT_EQ(Type(got[2]), "task.failed");
  const auto log = Member(PollUntil("/api/v1/webhooks/" + id + "/deliveries",
                                    [](const json::value& v) {
                                      for (const auto& d : Member(v, "items").as_array())
                                        if (Str(d, "state") != "delivered") return false;
                                      return true;
                                    }),
                          "items")
                       .as_array();
  ASSERT_EQ(log.size(), 2u);
  const auto& retried = log.at(1);  // newest first: the task.done event is second
  EXPECT_EQ(Str(retried, "event_type"), "task.done");
  EXPECT_EQ(Member(retried, "attempts").as_int64(), 2);
  EXPECT_EQ(Str(retried, "state"), "delivered");
  EXPECT_TRUE(Member(admin_a().Get("/api/v1/webhooks/" + id).Json(), "failing_since").is_null());

  // The test event goes to this webhook alone.
  auto test = admin_a().Post("/api/v1/webhooks/" + id + "/test", "{}");
  ASSERT_EQ(test.status, 202) << test.Describe();
  EXPECT_EQ(Type(receiver_->WaitFor(4).at(3)), "webhook.test");
}

TEST_F(Webhooks, SEC_9_SEC_8_BadTargetsAreRefusedAndAnotherCompanySeesNothing) {
  struct Case {
    std::string url;
    int status;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{{"http://127.0.0.1:9/hook", 400, "invalid_request"},
                                         {"https://10.1.2.3/hook", 422, "address_not_allowed"},
                                         {"https://169.254.169.254/latest", 422, "address_not_allowed"},
                                         {"https://[fd00:ec2::254]/", 422, "address_not_allowed"},
                                         {"https://user:pw@hooks.example/", 400, "invalid_request"}}) {
    auto r =
        admin_a().Post("/api/v1/webhooks", R"({"name":"x","url":")" + c.url + R"(","events":["task.done"]})");
    EXPECT_EQ(r.status, c.status) << c.url << " " << r.body;
    EXPECT_EQ(ProblemCode(r), c.code) << c.url;
    EXPECT_EQ(ProblemField(r), "url") << c.url;
  }
  EXPECT_TRUE(Member(admin_a().Get("/api/v1/webhooks").Json(), "items").as_array().empty())
      << "nothing stored";

  const auto [id, secret] = CreateWebhook(R"(["task.done"])");
  const auto other = CreateCompany("OTHER", "Other Corp");
  CreateCompanyAdmin(Str(json::value(other), "id"), "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  EXPECT_TRUE(Member(olga->Get("/api/v1/webhooks").Json(), "items").as_array().empty());
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/webhooks/" + id},
                                                        {"PATCH", "/api/v1/webhooks/" + id},
                                                        {"DELETE", "/api/v1/webhooks/" + id},
                                                        {"POST", "/api/v1/webhooks/" + id + "/test"},
                                                        {"GET", "/api/v1/webhooks/" + id + "/deliveries"}}) {
    Response r = method == "GET"      ? olga->Get(path)
                 : method == "PATCH"  ? olga->Patch(path, R"({"enabled":false})")
                 : method == "DELETE" ? olga->Delete(path)
                                      : olga->Post(path, "{}");
    EXPECT_EQ(r.status, 404) << method << " " << path;
  }
  EXPECT_TRUE(Member(admin_a().Get("/api/v1/webhooks/" + id).Json(), "enabled").as_bool()) << "unchanged";
}

class WebhooksWithoutLoopback : public Devices {
 protected:
  WebhooksWithoutLoopback() : Devices({}, /*cr_loopback=*/false) {}
};

TEST_F(WebhooksWithoutLoopback, SEC_9_LoopbackTargetsAreRefusedByDefault) {
  for (const char* url : {"https://127.0.0.1:8443/hook", "https://[::1]/hook", "https://localhost/hook"}) {
    auto r = admin_a().Post("/api/v1/webhooks",
                            std::string(R"({"name":"x","url":")") + url + R"(","events":["task.done"]})");
    EXPECT_EQ(r.status, 422) << url << " " << r.body;
    EXPECT_EQ(ProblemCode(r), "address_not_allowed") << url;
  }
}

}  // namespace
}  // namespace kanri::testing
