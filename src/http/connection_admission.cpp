#include "http/connection_admission.h"

#include <utility>

namespace kanri::http {

boost::asio::ip::address CanonicalAddress(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

Admission ConnectionAdmission::Admit(const boost::asio::ip::address& from) {
  const auto address = CanonicalAddress(from);
  std::lock_guard lock(mu_);
  if (active_ >= limits_.max_connections) return Admission::kListenerFull;
  auto it = per_address_.find(address);
  const std::size_t held = it == per_address_.end() ? 0 : it->second;
  if (held >= limits_.max_per_address) return Admission::kAddressFull;
  // The reserve: an address that already holds a connection never takes one of the last slots.
  if (held > 0 && active_ + limits_.reserve >= limits_.max_connections) return Admission::kAddressFull;
  ++active_;
  if (it == per_address_.end())
    per_address_.emplace(address, 1);
  else
    ++it->second;
  return Admission::kAdmitted;
}

void ConnectionAdmission::Release(const boost::asio::ip::address& from) {
  const auto address = CanonicalAddress(from);
  std::lock_guard lock(mu_);
  if (active_ > 0) --active_;
  auto it = per_address_.find(address);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);
}

std::size_t ConnectionAdmission::active() const {
  std::lock_guard lock(mu_);
  return active_;
}

std::optional<std::uint64_t> ConnectionAdmission::LogTurn(Admission refusal,
                                                          std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  LogState& state = refusal == Admission::kListenerFull ? listener_full_log_ : address_full_log_;
  if (state.last && now - *state.last < limits_.refusal_log_interval) {
    ++state.suppressed;
    return std::nullopt;
  }
  state.last = now;
  return std::exchange(state.suppressed, 0);
}

}  // namespace kanri::http
