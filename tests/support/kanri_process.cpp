#include "support/kanri_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kanri::testing {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 20s;
constexpr auto kPollInterval = 10ms;
constexpr const char* kServerUser = "kanri-test";  // OPS-4: the server's user when tests run as root

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` up to `timeout`; returns its decoded status, or -1 when it is still running.
int WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return DecodeStatus(status);
    if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(kPollInterval);
  }
}

struct SpawnSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env_extra;
  std::string stdout_path;
  std::string stderr_path;
  int stdin_fd = -1;  // -1: /dev/null
};

pid_t SpawnProcess(const SpawnSpec& spec) {
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry = *e;
    bool overridden = false;
    for (const auto& extra : spec.env_extra) {
      std::string_view name = std::string_view(extra).substr(0, extra.find('=') + 1);
      if (entry.starts_with(name)) overridden = true;
    }
    if (!overridden) env_storage.emplace_back(entry);
  }
  for (const auto& extra : spec.env_extra) env_storage.push_back(extra);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_fd = ::open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err_fd = ::open(spec.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int in_fd = spec.stdin_fd >= 0 ? spec.stdin_fd : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || in_fd < 0) throw std::runtime_error("cannot open the capture files");
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls from here on. The child dies with the test process.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  if (spec.stdin_fd < 0) ::close(in_fd);
  return pid;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string CliResult::Describe() const {
  return "exit " + std::to_string(exit_code) + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
}

KanriProcess::KanriProcess() {
  std::string tmpl = (fs::temp_directory_path() / "kanri-it-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  data_dir_ = tmpl;
  clock_file_ = data_dir_ + "/clock-offset-ms";
  SetClockOffset(0ms);
}

KanriProcess::~KanriProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  const char* keep = std::getenv("KANRI_KEEP_TEST_DIRS");
  bool failed =
      ::testing::UnitTest::GetInstance()->current_test_info() != nullptr && ::testing::Test::HasFailure();
  if ((keep != nullptr && std::string(keep) == "1") || failed) {
    std::fprintf(stderr, "kanri test data dir kept: %s\n", data_dir_.c_str());
    return;
  }
  std::error_code ignored;
  fs::remove_all(data_dir_, ignored);
}

std::string KanriProcess::BinaryPath() {
  return KANRI_BINARY_PATH;
}

const std::string& KanriProcess::ServerUser() {
  static const std::string user = [] {
    if (::geteuid() != 0) return std::string();
    // Test processes run in parallel (ctest -j): one that loses the race to create the user (or
    // finds /etc/passwd locked) sees it made by the other on a later look.
    for (int attempt = 0; attempt < 50 && ::getpwnam(kServerUser) == nullptr; ++attempt) {
      const std::string command = std::string("/usr/sbin/useradd --system --user-group --no-create-home ") +
                                  "--home-dir /nonexistent --shell /usr/sbin/nologin " + kServerUser +
                                  " >/dev/null 2>&1";
      if (std::system(command.c_str()) != 0) std::this_thread::sleep_for(100ms);
    }
    if (::getpwnam(kServerUser) == nullptr)
      throw std::runtime_error(std::string("cannot create the system user ") + kServerUser +
                               " (useradd): the tests run as root, and `kanri serve` refuses root without an "
                               "unprivileged --user (OPS-4)");
    return std::string(kServerUser);
  }();
  return user;
}

void KanriProcess::GiveDataDirToServerUser() const {
  if (ServerUser().empty()) return;
  const passwd* pw = ::getpwnam(ServerUser().c_str());
  if (pw == nullptr) throw std::runtime_error("the user " + ServerUser() + " vanished");
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  // What the server removes meanwhile is simply not there any more.
  (void)::lchown(data_dir_.c_str(), uid, gid);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(data_dir_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    (void)::lchown(it->path().c_str(), uid, gid);
}

void KanriProcess::SetClockOffset(std::chrono::milliseconds offset) {
  // Written to a temporary file and renamed, so the server never reads half a number.
  std::string tmp = clock_file_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << offset.count();
  }
  fs::rename(tmp, clock_file_);
  clock_offset_ = offset;
}

void KanriProcess::Spawn(const std::vector<std::string>& extra_args) {
  if (pid_ > 0) throw std::runtime_error("the server is already running");
  ++start_count_;
  stdout_path_ = data_dir_ + "/server-" + std::to_string(start_count_) + ".stdout";
  stderr_path_ = data_dir_ + "/server-" + std::to_string(start_count_) + ".stderr";
  SpawnSpec spec;
  spec.argv = {BinaryPath(),   "serve",     "--data-dir",    data_dir_,
               "--listen-api", listen_api_, "--listen-cwmp", listen_cwmp_};
  if (!ServerUser().empty() && std::find(extra_args.begin(), extra_args.end(), "--user") == extra_args.end())
    spec.argv.insert(spec.argv.end(), {"--user", ServerUser()});
  spec.argv.insert(spec.argv.end(), extra_args.begin(), extra_args.end());
  GiveDataDirToServerUser();
  spec.env_extra = extra_env_;
  spec.env_extra.push_back("KANRI_TEST_CLOCK_FILE=" + clock_file_);
  spec.stdout_path = stdout_path_;
  spec.stderr_path = stderr_path_;
  api_port_ = 0;
  cwmp_port_ = 0;
  metrics_port_ = 0;
  pid_ = SpawnProcess(spec);
}

int KanriProcess::PollExit() {
  if (pid_ <= 0) return -1;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return DecodeStatus(status);
  }
  return -1;
}

bool KanriProcess::WaitUntilReady(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream lines(ReadFile(stderr_path_));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find("listening") == std::string::npos) continue;
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) continue;
      const auto& o = v.as_object();
      const auto* msg = o.if_contains("msg");
      const auto* listener = o.if_contains("listener");
      const auto* port = o.if_contains("port");
      if (msg == nullptr || !msg->is_string() || msg->as_string() != "listening") continue;
      if (listener == nullptr || !listener->is_string() || port == nullptr || !port->is_int64()) continue;
      auto p = static_cast<std::uint16_t>(port->as_int64());
      if (listener->as_string() == "api") api_port_ = p;
      if (listener->as_string() == "cwmp") cwmp_port_ = p;
      if (listener->as_string() == "metrics") metrics_port_ = p;
    }
    if (api_port_ != 0 && cwmp_port_ != 0) return true;
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  throw std::runtime_error("kanri serve did not log both \"listening\" lines within " +
                           std::to_string(timeout.count()) + " ms\n" + Logs());
}

void KanriProcess::Start(const std::vector<std::string>& extra_args) {
  Spawn(extra_args);
  if (!WaitUntilReady(kReadyTimeout)) {
    throw std::runtime_error("kanri serve exited before it was ready\n" + Logs());
  }
}

int KanriProcess::StartExpectingFailure(const std::vector<std::string>& extra_args) {
  Spawn(extra_args);
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return DecodeStatus(status);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  // Still running: was it ready?
  bool ready = WaitUntilReady(0ms);
  Stop();
  throw std::runtime_error(std::string("kanri serve kept running (") + (ready ? "ready" : "not ready") +
                           ") where it should have refused to start\n" + Logs());
}

int KanriProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) throw std::runtime_error("Stop(): the server is not running");
  ::kill(pid_, SIGTERM);
  int code = WaitFor(pid_, timeout);
  if (code >= 0) {
    pid_ = -1;
    return code;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  throw std::runtime_error("kanri serve did not exit within " + std::to_string(timeout.count()) +
                           " ms of SIGTERM; killed\n" + Logs());
}

CliResult KanriProcess::RunCli(const std::vector<std::string>& args, const std::string& stdin_text,
                               std::chrono::milliseconds timeout) {
  static int counter = 0;
  ++counter;
  std::string base = data_dir_ + "/cli-" + std::to_string(counter);
  SpawnSpec spec;
  spec.argv.push_back(BinaryPath());
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.argv.push_back("--data-dir");
  spec.argv.push_back(data_dir_);
  spec.env_extra = extra_env_;
  spec.env_extra.push_back("KANRI_TEST_CLOCK_FILE=" + clock_file_);
  spec.stdout_path = base + ".stdout";
  spec.stderr_path = base + ".stderr";
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  spec.stdin_fd = pipe_fds[0];
  pid_t pid = SpawnProcess(spec);
  ::close(pipe_fds[0]);
  // The text is small enough for the pipe buffer; a child that exits without reading gets EPIPE,
  // which SIGPIPE must not turn into the test's death.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  std::size_t written = 0;
  while (written < stdin_text.size()) {
    ssize_t n = ::write(pipe_fds[1], stdin_text.data() + written, stdin_text.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(pipe_fds[1]);
  ::sigaction(SIGPIPE, &previous, nullptr);

  CliResult result;
  result.exit_code = WaitFor(pid, timeout);
  if (result.exit_code < 0) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    throw std::runtime_error("kanri " + (args.empty() ? std::string() : args[0]) + " did not exit in time");
  }
  result.out = ReadFile(spec.stdout_path);
  result.err = ReadFile(spec.stderr_path);
  cli_output_ += result.out;
  cli_output_ += result.err;
  GiveDataDirToServerUser();  // what a command run as root created, for the server to use
  return result;
}

CliResult KanriProcess::Bootstrap(const std::string& login, const std::string& password) {
  return RunCli({"admin", "bootstrap", "--login", login, "--password-stdin"}, password + "\n");
}

std::string KanriProcess::ServerStdout() const {
  std::string out;
  for (int i = 1; i <= start_count_; ++i)
    out += ReadFile(data_dir_ + "/server-" + std::to_string(i) + ".stdout");
  return out;
}

std::string KanriProcess::ServerStderr() const {
  std::string out;
  for (int i = 1; i <= start_count_; ++i)
    out += ReadFile(data_dir_ + "/server-" + std::to_string(i) + ".stderr");
  return out;
}

std::string KanriProcess::Logs() const {
  return "--- server stdout ---\n" + ServerStdout() + "--- server stderr ---\n" + ServerStderr() +
         "--- cli output ---\n" + cli_output_;
}

SimProcess::SimProcess(const std::string& dir, const std::vector<std::string>& args) {
  static std::atomic<int> counter{0};
  const std::string stem = dir + "/sim-" + std::to_string(++counter);
  stdout_path_ = stem + ".stdout";
  stderr_path_ = stem + ".stderr";
  SpawnSpec spec;
  spec.argv = {KanriProcess::BinaryPath(), "sim"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdout_path = stdout_path_;
  spec.stderr_path = stderr_path_;
  pid_ = SpawnProcess(spec);
}

SimProcess::~SimProcess() {
  try {
    Stop();
  } catch (...) {
  }
}

int SimProcess::Stop() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{15};
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return DecodeStatus(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return DecodeStatus(status);
}

std::string SimProcess::Stdout() const {
  return ReadFile(stdout_path_) + ReadFile(stderr_path_);
}

std::size_t SimProcess::Count(std::string_view msg,
                              const std::vector<std::pair<std::string, std::string>>& fields,
                              std::string_view contains) const {
  std::size_t n = 0;
  std::istringstream lines(ReadFile(stdout_path_));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(msg) == std::string::npos) continue;
    if (!contains.empty() && line.find(contains) == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    const auto* m = o.if_contains("msg");
    if (m == nullptr || !m->is_string() || m->as_string() != msg) continue;
    bool all = true;
    for (const auto& [k, want] : fields) {
      const auto* f = o.if_contains(k);
      all = all && f != nullptr && f->is_string() && f->as_string() == want;
    }
    if (all) ++n;
  }
  return n;
}

void SimProcess::WaitFor(std::string_view msg, const std::vector<std::pair<std::string, std::string>>& fields,
                         std::string_view contains, std::size_t n, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Count(msg, fields, contains) >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  throw std::runtime_error("the simulator did not log '" + std::string(msg) + "' " + std::to_string(n) +
                           " time(s) in time; its output:\n" + Stdout());
}

}  // namespace kanri::testing
