#include "support/webhook_receiver.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kanri::testing {

namespace fs = std::filesystem;

std::string ReceivedWebhook::Header(const std::string& name) const {
  const auto* v = headers.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

WebhookReceiver::WebhookReceiver(std::string dir)
    : dir_(std::move(dir)), requests_dir_(dir_ + "/requests"), port_(FreeLoopbackPort()) {
  fs::create_directories(requests_dir_);
  cert_ = dir_ + "/receiver-cert.pem";
  key_ = dir_ + "/receiver-key.pem";
  MakeLoopbackCertificate(cert_, key_);
  const std::string port_file = dir_ + "/receiver-port";
  process_.Start({"/usr/bin/python3", KANRI_WEBHOOK_RECEIVER_SCRIPT, "--dir", requests_dir_, "--port-file",
                  port_file, "--port", std::to_string(port_), "--tls-cert", cert_, "--tls-key", key_},
                 port_file, "the webhook test receiver");
}

WebhookReceiver::~WebhookReceiver() {
  process_.Stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void WebhookReceiver::SetFailing(bool failing) {
  const fs::path flag = fs::path(requests_dir_) / "fail";
  if (failing)
    std::ofstream(flag) << "503\n";
  else
    fs::remove(flag);
}

std::vector<ReceivedWebhook> WebhookReceiver::Received() const {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(requests_dir_))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<ReceivedWebhook> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::ostringstream text;
    text << in.rdbuf();
    const auto v = boost::json::parse(text.str()).as_object();
    out.push_back({std::string(v.at("path").as_string()), static_cast<int>(v.at("answered").as_int64()),
                   v.at("headers").as_object(), std::string(v.at("body").as_string())});
  }
  return out;
}

std::vector<ReceivedWebhook> WebhookReceiver::WaitFor(std::size_t n,
                                                      std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto got = Received();
    if (got.size() >= n) return got;
    if (std::chrono::steady_clock::now() > deadline) {
      std::string what =
          "expected " + std::to_string(n) + " webhook request(s), got " + std::to_string(got.size());
      for (const auto& r : got) what += "\n  " + std::to_string(r.answered) + " " + r.body.substr(0, 200);
      throw std::runtime_error(what);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

}  // namespace kanri::testing
