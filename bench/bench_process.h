// Processes for the benchmarks that drive the real `kanri` binary: spawning with files for
// stdout/stderr, waiting, CPU and memory of a child from /proc, a temporary directory, the
// first site administrator, and one `kanri serve` on loopback with ephemeral ports.
//
//   TempDir temp{"kanri-bench", keep};
//   Bootstrap(kanri, temp.path(), "root", password);
//   Server server{kanri, temp.path(), "server", {"--cwmp-insecure-http"}};
//   server.Start();                      // waits for both "listening" log lines
//   ... server.api_port(), server.cwmp_port(), server.CpuSeconds() ...
//   int code = server.Stop();            // SIGTERM; the exit code
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kanri::bench {

std::string RandomHex(std::size_t bytes);
std::string ReadFile(const std::filesystem::path& path);
// The end of a file, for error messages.
std::string Tail(const std::filesystem::path& path, std::size_t max_bytes = 2000);

// Changes to the environment a child inherits: (name, value), or (name, nullopt) to unset it.
using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Starts `args` with stdin from `stdin_fd` (or /dev/null), stdout and stderr into files, and
// this process's environment with `env` applied.
pid_t Spawn(const std::vector<std::string>& args, int stdin_fd, const std::filesystem::path& out,
            const std::filesystem::path& err, const EnvChanges& env = {});
// The wait status once `pid` has exited, or nullopt after `timeout`.
std::optional<int> WaitExit(pid_t pid, std::chrono::steady_clock::duration timeout);
std::string DescribeStatus(int status);

// CPU time (user + system) of a child from /proc/PID/stat, and of this process.
double ProcessCpuSeconds(pid_t pid);
double OwnCpuSeconds();
// A /proc/PID/status field in kB ("VmRSS", "VmHWM"); 0 when unreadable.
long StatusKb(pid_t pid, std::string_view field);

// A temporary directory, removed with its contents at the end unless asked to keep it.
class TempDir {
 public:
  TempDir(std::string_view prefix, bool keep);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool keep_;
};

// `kanri admin bootstrap --login LOGIN --password-stdin` on `dir`/data.
void Bootstrap(const std::string& kanri, const std::filesystem::path& dir, std::string_view login,
               const std::string& password);

// One `kanri serve` on 127.0.0.1 with ephemeral ports, data in `dir`/data; stdout and stderr
// (the JSON log) go to `dir`/NAME.stdout and .stderr.
class Server {
 public:
  Server(std::string kanri, std::filesystem::path dir, std::string name, std::vector<std::string> extra_args,
         EnvChanges env = {});
  ~Server();  // an error path: kills a server still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts and waits (at most `timeout`) for both listeners' "listening" lines.
  void Start(std::chrono::steady_clock::duration timeout = std::chrono::seconds{120});
  // SIGTERM, then the exit code (the server drains first). Throws when it does not exit.
  int Stop(std::chrono::steady_clock::duration timeout = std::chrono::seconds{60});

  pid_t pid() const { return pid_; }
  std::uint16_t api_port() const { return api_port_; }
  std::uint16_t cwmp_port() const { return cwmp_port_; }
  double CpuSeconds() const { return pid_ > 0 ? ProcessCpuSeconds(pid_) : 0; }
  std::filesystem::path log_err() const { return dir_ / (name_ + ".stderr"); }
  std::filesystem::path log_out() const { return dir_ / (name_ + ".stdout"); }

 private:
  std::optional<std::uint16_t> FindPort(std::string_view listener) const;

  std::string kanri_;
  std::filesystem::path dir_;
  std::string name_;
  std::vector<std::string> extra_args_;
  EnvChanges env_;
  pid_t pid_ = -1;
  std::uint16_t api_port_ = 0, cwmp_port_ = 0;
};

}  // namespace kanri::bench
