// Issue 15's metrics: GET /metrics on the --listen-metrics loopback listener, in the Prometheus
// text format as promtool (Debian's prometheus package) checks it, with the series an operator
// watches, none of them carrying what a client sent.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

// The body of an HTTP/1.1 response read whole (Connection: close).
std::string Body(const std::string& raw) {
  const auto end = raw.find("\r\n\r\n");
  return end == std::string::npos ? "" : raw.substr(end + 4);
}

struct Checked {
  int status = -1;
  std::string output;
};

// `promtool check metrics` on `text`.
Checked Promtool(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto in = dir / ("kanri-metrics-" + std::to_string(getpid()) + ".txt");
  const auto out = dir / ("kanri-promtool-" + std::to_string(getpid()) + ".txt");
  std::ofstream{in} << text;
  Checked c;
  c.status =
      std::system(("promtool check metrics < " + in.string() + " > " + out.string() + " 2>&1").c_str());
  std::ifstream f{out};
  c.output.assign(std::istreambuf_iterator<char>(f), {});
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  return c;
}

class Metrics : public TenantTest {
 protected:
  Metrics() : TenantTest({"--listen-metrics", "127.0.0.1:0", "--health-interval", "1s"}) {}
  std::string Scrape(const std::string& path = "/metrics") {
    return SendRawTcp("127.0.0.1", server().metrics_port(),
                      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }
};

TEST_F(Metrics, OPS_2_MetricsOnLoopbackPassPromtoolAndNameRoutesNotPaths) {
  ASSERT_NE(server().metrics_port(), 0);
  // Some traffic: a login, a page of accounts, a path that matches no route.
  EXPECT_EQ(admin_a().Get("/api/v1/accounts").status, 200);
  EXPECT_EQ(NewClient()->Get("/api/v1/no-such-thing-0123456789").status, 404);
  std::this_thread::sleep_for(1500ms);  // a round of health checks

  const std::string raw = Scrape();
  ASSERT_NE(raw.find("HTTP/1.1 200"), std::string::npos) << raw.substr(0, 300);
  EXPECT_NE(raw.find("text/plain; version=0.0.4"), std::string::npos);
  const std::string text = Body(raw);
  for (const std::string series :
       {R"(kanri_http_requests_total{route="POST /api/v1/session",status="200"})",
        R"(kanri_http_requests_total{route="GET /api/v1/accounts",status="200"})",
        R"(kanri_http_requests_total{route="unmatched",status="404"})",
        R"(kanri_http_request_duration_seconds_bucket{route="GET /api/v1/accounts",le="+Inf"})",
        "kanri_db_pool_queue_depth ", "kanri_history_queue_depth ", "kanri_history_available 1",
        "kanri_cwmp_sessions_active ", R"(kanri_health_check_ok{check="database"} 1)",
        R"(kanri_health_check_ok{check="cwmp"} 1)", "kanri_mail_outbox_waiting "})
    EXPECT_NE(text.find(series), std::string::npos) << series << "\n" << text;
  // What a client sent never becomes a label.
  EXPECT_EQ(text.find("no-such-thing"), std::string::npos);
  EXPECT_EQ(text.find(company_a_id()), std::string::npos);

  const auto checked = Promtool(text);
  EXPECT_EQ(checked.status, 0) << checked.output << "\n" << text;

  // Only GET /metrics is served there; nothing of the API.
  EXPECT_NE(Scrape("/api/v1/session").find("HTTP/1.1 404"), std::string::npos);
  // Not on the API's listener either.
  EXPECT_EQ(NewClient()->Get("/metrics").status, 404);
}

TEST(MetricsListener, OPS_2_MetricsAreRefusedOnANonLoopbackAddress) {
  KanriProcess server;
  const int code = server.StartExpectingFailure({"--listen-metrics", "0.0.0.0:0"});
  EXPECT_NE(code, 0);
  EXPECT_NE(server.Logs().find("loopback"), std::string::npos) << server.Logs();
}

}  // namespace
}  // namespace kanri::testing
