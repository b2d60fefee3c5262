// Runs the real `kanri` binary for an integration test.
//
//   KanriProcess server;                     // a fresh temporary data dir
//   server.Start({"--login-ip-max-failures", "1000"});
//   HttpsClient client{"127.0.0.1", server.api_port()};
//   server.AdvanceClock(std::chrono::minutes{30});   // the test build reads this offset
//   EXPECT_EQ(server.Stop(), 0);
//
// `serve` listens on 127.0.0.1 with port 0 for both listeners; Start() waits until the server
// logs its "listening" lines on stderr and reads the chosen ports from them. stdout and stderr go
// to files in the data dir (Logs() returns them). The data dir is removed by the destructor unless
// the environment sets KANRI_KEEP_TEST_DIRS=1 (or the current test failed).
//
// OPS-4: `kanri serve` refuses to run as root without --user. When the tests run as root (CI),
// every server is started with `--user kanri-test` (ServerUser(), a system user created when
// missing), and the data dir is given to that user before each start and after each RunCli.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kanri::testing {

struct CliResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
  std::string Describe() const;
};

class KanriProcess {
 public:
  // Creates a fresh, empty data dir. Nothing runs yet.
  KanriProcess();
  ~KanriProcess();
  KanriProcess(const KanriProcess&) = delete;
  KanriProcess& operator=(const KanriProcess&) = delete;

  // The path of the binary under test (compile definition KANRI_BINARY_PATH).
  static std::string BinaryPath();
  // OPS-4: the unprivileged user `serve` runs as when the tests run as root ("kanri-test",
  // created with useradd when missing; throws when that fails); "" when they do not run as root.
  static const std::string& ServerUser();

  // The listen addresses of later starts (default "127.0.0.1:0" for both).
  void SetListenAddresses(std::string api, std::string cwmp) {
    listen_api_ = std::move(api);
    listen_cwmp_ = std::move(cwmp);
  }

  // Starts `kanri serve` with the data dir and loopback listeners, plus `extra_args`, and waits
  // (bounded) until both listeners are up. Throws std::runtime_error, with the captured logs, when
  // the process exits or does not become ready in time.
  void Start(const std::vector<std::string>& extra_args = {});
  // Starts `kanri serve` and expects it to exit without becoming ready; returns its exit status.
  // Throws when it becomes ready instead, or does not exit in time.
  int StartExpectingFailure(const std::vector<std::string>& extra_args = {});
  // Sends SIGTERM and waits (bounded) for the exit; returns the exit status (128 + signal when
  // killed by a signal). Throws after SIGKILL when the process ignored SIGTERM.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds{20});
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Runs another subcommand (`admin bootstrap`, `migrate`, ...) with `--data-dir DIR` appended
  // after `args`, feeding `stdin_text` on its standard input.
  CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_text = "",
                   std::chrono::milliseconds timeout = std::chrono::seconds{60});
  // `kanri admin bootstrap --login LOGIN --password-stdin` with the password on stdin.
  CliResult Bootstrap(const std::string& login, const std::string& password);

  // Adds "NAME=value" to the environment of later starts (and CLI runs), e.g. "TZ=Asia/Tokyo".
  void AddEnvironment(std::string name_equals_value) { extra_env_.push_back(std::move(name_equals_value)); }

  // The test clock: the server's clock runs this far ahead of the real one.
  void SetClockOffset(std::chrono::milliseconds offset);
  void AdvanceClock(std::chrono::milliseconds by) { SetClockOffset(clock_offset_ + by); }
  std::chrono::milliseconds clock_offset() const { return clock_offset_; }

  const std::string& data_dir() const { return data_dir_; }
  std::uint16_t api_port() const { return api_port_; }
  std::uint16_t cwmp_port() const { return cwmp_port_; }
  // The --listen-metrics listener's port, once it logged it (0 when there is none).
  std::uint16_t metrics_port() const { return metrics_port_; }
  // stdout and stderr of every server start so far, and of every RunCli, concatenated.
  std::string Logs() const;
  std::string ServerStdout() const;
  std::string ServerStderr() const;

 private:
  void Spawn(const std::vector<std::string>& extra_args);
  // Waits for the ready lines; returns false when the process exited first.
  bool WaitUntilReady(std::chrono::milliseconds timeout);
  // Non-blocking: reaps the process when it exited and returns its status, else -1.
  int PollExit();
  // OPS-4: when the tests run as root, makes ServerUser() the owner of the data dir and all in it.
  void GiveDataDirToServerUser() const;

  std::string data_dir_;
  std::string clock_file_;
  std::chrono::milliseconds clock_offset_{0};
  pid_t pid_ = -1;
  int start_count_ = 0;
  std::string stdout_path_;
  std::string stderr_path_;
  std::string cli_output_;  // captured output of RunCli calls
  std::uint16_t api_port_ = 0;
  std::uint16_t cwmp_port_ = 0;
  std::uint16_t metrics_port_ = 0;
  std::string listen_api_ = "127.0.0.1:0";
  std::string listen_cwmp_ = "127.0.0.1:0";
  std::vector<std::string> extra_env_;
};

// A `kanri sim` fleet for an end-to-end test, its stdout (JSON lines) in `dir`. Stopped with
// SIGTERM by Stop() or the destructor.
//
//   SimProcess sim{server.data_dir(), {"--devices", "2", "--acs", url, "--insecure"}};
//   sim.WaitFor("session done", {{"serial", "SIM000001"}});
class SimProcess {
 public:
  SimProcess(const std::string& dir, const std::vector<std::string>& args);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  // How many stdout lines have "msg" == msg and, for each (key, value), that string field;
  // `contains` (optional) must occur somewhere in the line.
  std::size_t Count(std::string_view msg, const std::vector<std::pair<std::string, std::string>>& fields = {},
                    std::string_view contains = "") const;
  // Waits until Count(...) reaches `n`; throws with the output when it does not in time.
  void WaitFor(std::string_view msg, const std::vector<std::pair<std::string, std::string>>& fields = {},
               std::string_view contains = "", std::size_t n = 1,
               std::chrono::milliseconds timeout = std::chrono::seconds{30}) const;
  std::string Stdout() const;
  int Stop();

 private:
  std::string stdout_path_;
  std::string stderr_path_;
  pid_t pid_ = -1;
};

// Whole content of a file ("" when it does not exist).
std::string ReadFile(const std::string& path);

}  // namespace kanri::testing
