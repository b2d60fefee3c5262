// The devices fixture of the end-to-end tests: a TenantTest whose company ACME has the
// simulators' routers allocated (OUIs 00D09E and 001122), with helpers to start a `kanri sim`
// fleet, create profiles, poll the API and run tasks.
//
//   class Webhooks : public Devices {};
//   TEST_F(Webhooks, SEC_9_Something) {
//     auto sim = StartSim("WH", 1, "00D09E");
//     auto device = WaitForProvisionedDevice("WH000001");
//   }
#pragma once

#include <functional>
#include <thread>

#include "support/kanri_fixture.h"

namespace kanri::testing {

using namespace std::chrono_literals;

constexpr char kBootUser[] = "bootstrap";
constexpr char kBootPassword[] = "Boot-strap-Secret-42";

class Devices : public TenantTest {
 protected:
  explicit Devices(std::vector<std::string> extra = {}, bool cr_loopback = true)
      : TenantTest(WithLoopback(std::move(extra), cr_loopback)) {}
  static std::vector<std::string> WithLoopback(std::vector<std::string> args, bool cr_loopback = true) {
    if (cr_loopback) args.push_back("--connection-request-allow-loopback");
    return args;
  }

  // The provider allocates the simulators' routers (OUIs 00D09E and 001122) to ACME (DEV-1), and
  // allows it lab profiles without a credential. ODD… routers (OUI AABBCC) stay unallocated.
  void SetUp() override {
    TenantTest::SetUp();
    Allocate(company_a_id(), R"("oui":"00D09E")");
    Allocate(company_a_id(), R"("oui":"001122")");
    auto r = site_admin().Patch("/api/v1/companies/" + company_a_id(),
                                R"({"allow_unauthenticated_devices":true})");
    if (r.status != 200) throw std::runtime_error("allow: " + r.Describe());
  }

  // Site administrator: allocates devices to a company (`what`: the body's other members).
  json::value Allocate(const std::string& company_id, const std::string& what) {
    auto r = site_admin().Post("/api/v1/allocations", R"({"company_id":")" + company_id + "\"," + what + "}");
    if (r.status != 201) throw std::runtime_error("allocate: " + r.Describe());
    return r.Json();
  }

  std::string AcsUrl() const { return "https://127.0.0.1:" + std::to_string(server_ref().cwmp_port()) + "/"; }
  const KanriProcess& server_ref() const { return const_cast<Devices*>(this)->server(); }

  std::unique_ptr<SimProcess> StartSim(const std::string& prefix, int devices, const std::string& oui,
                                       const std::string& password = kBootPassword,
                                       const std::string& model = "tr181") {
    return std::make_unique<SimProcess>(server().data_dir(),
                                        std::vector<std::string>{"--devices",  std::to_string(devices),
                                                                 "--acs",      AcsUrl(),
                                                                 "--insecure", "--serial-prefix",
                                                                 prefix,       "--oui",
                                                                 oui,          "--product-class",
                                                                 "SimGateway", "--model",
                                                                 model,        "--username",
                                                                 kBootUser,    "--password",
                                                                 password,     "--inform-interval",
                                                                 "3600",       "--ramp-up",
                                                                 "0",          "--reboot-seconds",
                                                                 "1",          "--cr-listen",
                                                                 "127.0.0.1:0"});
  }

  json::value CreateProfile(const std::string& body) {
    auto r = admin_a().Post("/api/v1/profiles", body);
    if (r.status != 201) throw std::runtime_error("profile: " + std::to_string(r.status) + " " + r.body);
    return r.Json();
  }

  // Polls GET `path` until `done` holds for its JSON (bounded).
  json::value PollUntil(const std::string& path, const std::function<bool(const json::value&)>& done,
                        std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json::value last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = admin_a().Get(path);
      if (r.status == 200) {
        last = r.Json();
        if (done(last)) return last;
      }
      std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("timed out polling " + path + "; last: " + json::serialize(last));
  }

  json::array DevicesList() { return Member(admin_a().Get("/api/v1/devices").Json(), "items").as_array(); }

  // Waits until the device with `serial` exists and has finished its first-contact tasks.
  json::value WaitForProvisionedDevice(const std::string& serial) {
    auto list = PollUntil("/api/v1/devices?q=" + serial, [&](const json::value& v) {
      for (const auto& d : Member(v, "items").as_array())
        if (Str(d, "serial_number") == serial) return true;
      return false;
    });
    const std::string id = Str(Member(list, "items").as_array().at(0), "id");
    PollUntil("/api/v1/devices/" + id + "/tasks", [](const json::value& v) {
      const auto& items = Member(v, "items").as_array();
      if (items.empty()) return false;
      for (const auto& t : items)
        if (Str(t, "state") == "queued" || Str(t, "state") == "running") return false;
      return true;
    });
    return admin_a().Get("/api/v1/devices/" + id).Json();
  }

  // Creates a task with "now": true and waits until it is done or failed.
  json::value RunTask(const std::string& device_id, const std::string& body,
                      std::chrono::milliseconds timeout = 30s) {
    auto r = admin_a().Post("/api/v1/devices/" + device_id + "/tasks", body);
    if (r.status != 201) throw std::runtime_error("task: " + std::to_string(r.status) + " " + r.body);
    const std::string id = Str(r.Json(), "id");
    return PollUntil(
        "/api/v1/tasks/" + id,
        [](const json::value& t) { return Str(t, "state") == "done" || Str(t, "state") == "failed"; },
        timeout);
  }

  std::string ParameterValue(const std::string& device_id, const std::string& path) {
    const json::value body =
        admin_a().Get("/api/v1/devices/" + device_id + "/parameters?prefix=" + path).Json();
    for (const auto& p : Member(body, "items").as_array())
      if (Str(p, "path") == path) return Str(p, "value");
    return "<absent>";
  }
};

}  // namespace kanri::testing
