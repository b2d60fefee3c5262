#include "bench_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kanri::bench {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  std::string out;
  for (unsigned char c : buf) out += fmt::format("{:02x}", c);
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Tail(const fs::path& path, std::size_t max_bytes) {
  std::string text = ReadFile(path);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

pid_t Spawn(const std::vector<std::string>& args, int stdin_fd, const fs::path& out, const fs::path& err,
            const EnvChanges& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry{*e};
    const auto name = entry.substr(0, entry.find('='));
    if (std::none_of(env.begin(), env.end(), [&](const auto& change) { return change.first == name; }))
      env_strings.emplace_back(entry);
  }
  for (const auto& [name, value] : env)
    if (value) env_strings.push_back(name + "=" + *value);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  return pid;
}

std::optional<int> WaitExit(pid_t pid, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

double ProcessCpuSeconds(pid_t pid) {
  // /proc/PID/stat: fields 14 and 15 (utime, stime, in clock ticks) come after the ")" of the name.
  const std::string stat = ReadFile(fs::path("/proc") / std::to_string(pid) / "stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && in >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long StatusKb(pid_t pid, std::string_view field) {
  std::istringstream lines(ReadFile(fs::path("/proc") / std::to_string(pid) / "status"));
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':')
      return std::atol(line.c_str() + field.size() + 1);
  return 0;
}

double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

TempDir::TempDir(std::string_view prefix, bool keep) : keep_(keep) {
  std::string pattern = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  if (keep_) {
    std::cout << "kept data and logs in " << path_.string() << "\n";
    return;
  }
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void Bootstrap(const std::string& kanri, const fs::path& dir, std::string_view login,
               const std::string& password) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = -1;
  try {
    pid = Spawn({kanri, "admin", "bootstrap", "--data-dir", (dir / "data").string(), "--login",
                 std::string(login), "--password-stdin"},
                fds[0], dir / "bootstrap.out", dir / "bootstrap.err");
  } catch (...) {
    close(fds[0]);
    close(fds[1]);
    throw;
  }
  close(fds[0]);
  const std::string line = password + "\n";
  const bool written = write(fds[1], line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fds[1]);
  const auto status = WaitExit(pid, 60s);
  if (!status) {
    kill(pid, SIGKILL);
    WaitExit(pid, 10s);
    throw std::runtime_error("kanri admin bootstrap did not finish within 60 s");
  }
  if (!written || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
    throw std::runtime_error("kanri admin bootstrap failed (" + DescribeStatus(*status) + "):\n" +
                             Tail(dir / "bootstrap.out") + Tail(dir / "bootstrap.err"));
}

Server::Server(std::string kanri, fs::path dir, std::string name, std::vector<std::string> extra_args,
               EnvChanges env)
    : kanri_(std::move(kanri)),
      dir_(std::move(dir)),
      name_(std::move(name)),
      extra_args_(std::move(extra_args)),
      env_(std::move(env)) {}

Server::~Server() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitExit(pid_, 10s);
  }
}

void Server::Start(Clock::duration timeout) {
  // The load generator is one address standing for thousands of clients (as a carrier-grade NAT
  // would be): the per-address connection cap (OPS-4) is lifted to the listener's whole capacity.
  std::vector<std::string> args{
      kanri_,        "serve",         "--data-dir",  (dir_ / "data").string(),        "--listen-api",
      "127.0.0.1:0", "--listen-cwmp", "127.0.0.1:0", "--max-connections-per-address", "1000000"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // OPS-4: as root, the server runs as a system user of the benchmarks' own, owning its data dir
  // (which the benchmark may have seeded as root).
  if (geteuid() == 0) {
    if (std::system(
            "id kanri-bench >/dev/null 2>&1 || /usr/sbin/useradd --system --user-group --no-create-home "
            "--home-dir /nonexistent --shell /usr/sbin/nologin kanri-bench") != 0)
      throw std::runtime_error("cannot create the system user kanri-bench for `kanri serve --user`");
    std::filesystem::create_directories(dir_ / "data");
    if (std::system(("chown -R kanri-bench:kanri-bench '" + (dir_ / "data").string() + "'").c_str()) != 0)
      throw std::runtime_error("cannot give " + (dir_ / "data").string() + " to kanri-bench");
    args.insert(args.end(), {"--user", "kanri-bench"});
  }
  pid_ = Spawn(args, -1, log_out(), log_err(), env_);
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("kanri serve stopped at start-up (" + DescribeStatus(status) + "):\n" +
                               Tail(log_out()) + Tail(log_err()));
    }
    auto api = FindPort("api");
    auto cwmp = FindPort("cwmp");
    if (api && cwmp) {
      api_port_ = *api;
      cwmp_port_ = *cwmp;
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("kanri serve did not log \"listening\" in time:\n" + Tail(log_err()));
}

int Server::Stop(Clock::duration timeout) {
  if (pid_ <= 0) throw std::runtime_error("the server is not running");
  kill(pid_, SIGTERM);
  const auto status = WaitExit(pid_, timeout);
  if (!status) throw std::runtime_error("kanri serve did not exit in time after SIGTERM");
  pid_ = -1;
  if (!WIFEXITED(*status)) throw std::runtime_error("kanri serve ended with " + DescribeStatus(*status));
  return WEXITSTATUS(*status);
}

std::optional<std::uint16_t> Server::FindPort(std::string_view listener) const {
  std::istringstream lines(ReadFile(log_err()));
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"listening\"") == std::string::npos) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    const auto* msg = o.if_contains("msg");
    const auto* l = o.if_contains("listener");
    const auto* port = o.if_contains("port");
    if (msg && l && port && msg->is_string() && msg->as_string() == "listening" && l->is_string() &&
        l->as_string() == listener && port->is_int64())
      return static_cast<std::uint16_t>(port->as_int64());
  }
  return std::nullopt;
}

}  // namespace kanri::bench
