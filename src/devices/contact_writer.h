// Write-behind for the contact of a periodic Inform that changed nothing (DEV-2): the time, the
// online window, the events and the source address. Such an Inform is most of a fleet's
// traffic and asks nothing of the database but this one small update, so instead of a
// transaction per Inform the writer thread coalesces what was recorded (per device, the latest
// wins) and writes it in one transaction every `interval`, or sooner when `batch` devices wait.
//
// What that costs: the inventory's last contact lags by at most one interval (plus the commit),
// and a crash loses at most that much of it; the device's next Inform records it again. The
// update never moves a device's contact backwards, so a batch written late cannot overwrite
// what a later full Inform (or another node) wrote first. A failed batch is kept and written
// with the next.
//
//   ContactWriter contacts{db, std::chrono::milliseconds{500}};
//   contacts.Record({device_id, now_ms, online_until_ms, R"(["2 PERIODIC"])", "192.0.2.7"});
//   contacts.Flush();  // everything recorded so far is committed (tests, shutdown)
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "base/time.h"
#include "db/database.h"

namespace kanri::devices {

class ContactWriter {
 public:
  struct Contact {
    std::string device_id;
    long long t = 0;  // ms since the epoch
    long long online_until = 0;
    std::string events;  // JSON array of event codes
    std::string source_ip;
  };

  struct Settings {
    Millis interval = std::chrono::milliseconds{500};
    // Devices waiting that make the writer start at once instead of at the next interval.
    std::size_t batch = 2048;
    // Devices waiting past which Record() blocks until a batch is written (the database is
    // slower than the informs for a while): memory stays bounded.
    std::size_t max_pending = 65536;
  };

  ContactWriter(db::Database& db, Settings settings);
  ~ContactWriter() { Stop(); }
  ContactWriter(const ContactWriter&) = delete;
  ContactWriter& operator=(const ContactWriter&) = delete;

  void Record(Contact contact);
  // Returns once everything recorded before the call is written (or a write of it failed).
  void Flush();
  // Writes what is pending, then ends the thread. Record() after Stop() writes at once.
  void Stop();

  // Devices whose contact waits to be written.
  std::size_t pending() const;

 private:
  void Loop();
  // One transaction; returns false (and logs) when it failed.
  bool Write(const std::unordered_map<std::string, Contact>& batch);

  db::Database& db_;
  Settings settings_;
  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: time to write
  std::condition_variable written_;  // Flush() and blocked Record()s: a batch ended
  std::unordered_map<std::string, Contact> pending_;
  std::uint64_t recorded_ = 0;  // Record() calls so far
  std::uint64_t done_ = 0;      // of those, how many a finished batch covered
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kanri::devices
