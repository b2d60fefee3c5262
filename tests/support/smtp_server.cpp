#include "support/smtp_server.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kanri::testing {

namespace fs = std::filesystem;

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Base64Decode(std::string_view text) {
  std::string clean;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  std::string out(clean.size(), '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return {};
  std::size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') ++pad;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace

std::string ReceivedMail::Header(std::string_view name) const {
  const auto head_end = raw.find("\r\n\r\n");
  const std::string head = raw.substr(0, head_end);
  std::string value;
  bool in = false;
  std::size_t start = 0;
  while (start < head.size()) {
    auto end = head.find("\r\n", start);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(start, end - start);
    start = end + 2;
    if (in && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += line;
      continue;
    }
    if (in) break;
    const auto colon = line.find(':');
    if (colon != std::string::npos && line.size() >= name.size() && colon == name.size() &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      in = true;
      value = line.substr(colon + 1);
      while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    }
  }
  return value;
}

std::string ReceivedMail::Subject() const {
  // =?UTF-8?B?...?= words separated by folding white space.
  const std::string h = Header("Subject");
  std::string out;
  std::size_t pos = 0;
  while ((pos = h.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto end = h.find("?=", pos + 10);
    if (end == std::string::npos) break;
    out += Base64Decode(h.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out.empty() ? h : out;
}

std::string ReceivedMail::Body() const {
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return {};
  std::string body = Base64Decode(raw.substr(head_end + 4));
  body.erase(std::remove(body.begin(), body.end(), '\r'), body.end());
  return body;
}

SmtpTestServer::SmtpTestServer(std::string dir, Options options)
    : dir_(std::move(dir)),
      mail_dir_(dir_ + "/smtp-mail"),
      options_(std::move(options)),
      port_(FreeLoopbackPort()) {
  fs::create_directories(dir_);
  if (options_.starttls) {
    cert_ = dir_ + "/smtp-cert.pem";
    key_ = dir_ + "/smtp-key.pem";
    MakeLoopbackCertificate(cert_, key_);
  }
}

SmtpTestServer::~SmtpTestServer() {
  Stop();
}

void SmtpTestServer::Start() {
  const std::string port_file = dir_ + "/smtp-port";
  std::vector<std::string> args{
      "/usr/bin/python3", KANRI_SMTP_SERVER_SCRIPT, "--dir", mail_dir_, "--port-file", port_file,
      "--port",           std::to_string(port_)};
  if (options_.starttls) args.insert(args.end(), {"--tls-cert", cert_, "--tls-key", key_});
  if (!options_.auth.empty()) args.insert(args.end(), {"--auth", options_.auth});
  if (!options_.reject_suffix.empty()) args.insert(args.end(), {"--reject-suffix", options_.reject_suffix});
  process_.Start(std::move(args), port_file, "the SMTP test server (python3-aiosmtpd)");
}

void SmtpTestServer::Stop() {
  process_.Stop();
}

std::vector<ReceivedMail> SmtpTestServer::Mails() const {
  std::vector<std::string> files;
  if (fs::exists(mail_dir_))
    for (const auto& e : fs::directory_iterator(mail_dir_))
      if (e.path().extension() == ".eml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<ReceivedMail> out;
  for (const auto& f : files) out.push_back({ReadFile(f)});
  return out;
}

std::vector<ReceivedMail> SmtpTestServer::WaitForMails(std::size_t n,
                                                       std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto mails = Mails();
    if (mails.size() >= n) return mails;
    if (std::chrono::steady_clock::now() > deadline) {
      std::string what = "expected " + std::to_string(n) + " mail(s), got " + std::to_string(mails.size());
      for (const auto& m : mails) what += "\n---\n" + m.Header("X-Envelope-To") + ": " + m.Subject();
      throw std::runtime_error(what);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

}  // namespace kanri::testing
