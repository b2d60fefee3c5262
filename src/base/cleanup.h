// Runs a function when the scope ends, however it ends (return, exception, co_return):
//
//   busy = true;
//   Cleanup idle{[&] { busy = false; }};
//   ...
//   idle.Cancel();  // when the work is handed on and must not be undone
#pragma once

#include <utility>

namespace kanri {

template <typename F>
class [[nodiscard]] Cleanup {
 public:
  explicit Cleanup(F f) : f_(std::move(f)) {}
  ~Cleanup() {
    if (active_) f_();
  }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;

  void Cancel() { active_ = false; }

 private:
  F f_;
  bool active_ = true;
};

}  // namespace kanri
