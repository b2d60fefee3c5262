// OPS-4: which new connections a listener takes. Besides the listener's max_connections, one
// source address may hold at most max_per_address connections, and the last `reserve` slots go
// only to addresses that hold none yet, so neither one address nor a few can lock everyone else
// out of a listener. Refusals are for the log at a bounded rate.
//
//   ConnectionAdmission admission{{.max_connections = 1024, .max_per_address = 64, .reserve = 64}};
//   if (admission.Admit(address) != Admission::kAdmitted) { close; }
//   ...
//   admission.Release(address);  // when the connection ends
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "base/time.h"

namespace kanri::http {

enum class Admission { kAdmitted, kListenerFull, kAddressFull };

class ConnectionAdmission {
 public:
  struct Limits {
    std::size_t max_connections = 0;
    std::size_t max_per_address = 0;
    std::size_t reserve = 0;  // slots left to addresses that hold no connection yet
    Millis refusal_log_interval{0};
  };
  explicit ConnectionAdmission(Limits limits) : limits_(limits) {}

  // Counts the connection when admitted. IPv4-mapped IPv6 addresses count as their IPv4 one.
  [[nodiscard]] Admission Admit(const boost::asio::ip::address& from);
  // An admitted connection from `from` ended.
  void Release(const boost::asio::ip::address& from);
  std::size_t active() const;

  // Whether a refusal of this kind should be logged now: at most once per refusal_log_interval
  // and kind, returning how many refusals of the kind were left out of the log since the last
  // line; nullopt: leave this one out (it is counted).
  std::optional<std::uint64_t> LogTurn(Admission refusal, std::chrono::steady_clock::time_point now);

 private:
  struct LogState {
    std::optional<std::chrono::steady_clock::time_point> last;
    std::uint64_t suppressed = 0;
  };

  const Limits limits_;
  mutable std::mutex mu_;
  std::size_t active_ = 0;
  std::map<boost::asio::ip::address, std::size_t> per_address_;
  LogState listener_full_log_;
  LogState address_full_log_;
};

// The address as connections are counted and logged: IPv4-mapped IPv6 as IPv4.
boost::asio::ip::address CanonicalAddress(const boost::asio::ip::address& a);

}  // namespace kanri::http
