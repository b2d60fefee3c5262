// A helper server of the end-to-end tests run as a script (python3): started on a loopback
// port chosen beforehand, ready once it wrote its port file, stopped with SIGTERM (then SIGKILL).
//
//   const auto port = FreeLoopbackPort();
//   ScriptProcess p;
//   p.Start({"/usr/bin/python3", script, "--port", std::to_string(port), "--port-file", f}, f, "the SMTP test
//   server");
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kanri::testing {

std::uint16_t FreeLoopbackPort();
// A self-signed certificate (P-256) for 127.0.0.1 and localhost, valid 2 days.
void MakeLoopbackCertificate(const std::string& cert_file, const std::string& key_file);

class ScriptProcess {
 public:
  ScriptProcess() = default;
  ~ScriptProcess() { Stop(); }
  ScriptProcess(const ScriptProcess&) = delete;
  ScriptProcess& operator=(const ScriptProcess&) = delete;

  // Runs `argv` and waits (at most 20 s) until `port_file` exists; throws naming `what`.
  void Start(std::vector<std::string> argv, const std::string& port_file, std::string_view what);
  void Stop();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

}  // namespace kanri::testing
