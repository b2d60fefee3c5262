#include "support/smtp_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kanri::testing {

namespace fs = std::filesystem;

namespace {

std::uint16_t FreePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free loopback port");
  close(s);
  return ntohs(a.sin_port);
}

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
    : dir_(std::move(dir)), mail_dir_(dir_ + "/smtp-mail"), options_(std::move(options)), port_(FreePort()) {
  fs::create_directories(dir_);
  if (options_.starttls) {
    cert_ = dir_ + "/smtp-cert.pem";
    key_ = dir_ + "/smtp-key.pem";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
        key_ + "' -out '" + cert_ + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0)
      throw std::runtime_error("openssl could not make the SMTP certificate");
  }
}

SmtpTestServer::~SmtpTestServer() {
  Stop();
}

void SmtpTestServer::Start() {
  if (pid_ > 0) return;
  const std::string port_file = dir_ + "/smtp-port";
  fs::remove(port_file);
  std::vector<std::string> args{
      "/usr/bin/python3", KANRI_SMTP_SERVER_SCRIPT, "--dir", mail_dir_, "--port-file", port_file,
      "--port",           std::to_string(port_)};
  if (options_.starttls) args.insert(args.end(), {"--tls-cert", cert_, "--tls-key", key_});
  if (!options_.auth.empty()) args.insert(args.end(), {"--auth", options_.auth});
  if (!options_.reject_suffix.empty()) args.insert(args.end(), {"--reject-suffix", options_.reject_suffix});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot run /usr/bin/python3 (python3-aiosmtpd)");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (!fs::exists(port_file)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the SMTP test server exited at start (is python3-aiosmtpd installed?)");
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the SMTP test server did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

void SmtpTestServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
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
