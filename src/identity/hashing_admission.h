// Fair use of the password-hashing pool (SEC-1): the pool's queue is small (argon2id is slow
// and memory-hungry), so one account or one source address must not be able to fill it and
// turn everybody else's logins into 503.
//
//   - At most one hashing job per account is queued or running at a time. A second concurrent
//     login or password change of the same account is answered 429 at once (it does not wait:
//     a waiting request would still hold a connection and a coroutine, and nobody needs two
//     password checks of one account in parallel). It does not count toward the account's
//     lock, only toward the source address's login throttle.
//   - One source address holds at most `max_per_address` jobs at a time; more are answered 429.
//
//   auto [verdict, ticket] = admission.Admit("account:" + id, client_ip);
//   if (verdict != HashingAdmission::Verdict::kAdmitted) ... 429
//   ... hash ...;  // the ticket frees its place when destroyed
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace kanri::identity {

struct HashingAdmissionSettings {
  // A fair share of the hashing queue (64 by default) for one source address.
  std::size_t max_per_address = 8;
};

class HashingAdmission {
 public:
  explicit HashingAdmission(HashingAdmissionSettings settings = {}) : settings_(settings) {}
  HashingAdmission(const HashingAdmission&) = delete;
  HashingAdmission& operator=(const HashingAdmission&) = delete;

  // A place in the hashing queue, given back when destroyed.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept { *this = std::move(other); }
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket() { Release(); }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class HashingAdmission;
    void Release();
    HashingAdmission* owner_ = nullptr;
    std::string account_;
    std::string address_;
  };

  enum class Verdict { kAdmitted, kAccountBusy, kAddressBusy };
  // `account_key` names the account (or, for an unknown one, the login ID as typed).
  std::pair<Verdict, Ticket> Admit(const std::string& account_key, const std::string& address);

  std::size_t jobs_of(const std::string& address);

 private:
  void Release(const std::string& account_key, const std::string& address);
  HashingAdmissionSettings settings_;
  std::mutex mu_;
  std::unordered_set<std::string> accounts_;
  std::unordered_map<std::string, std::size_t> addresses_;
};

}  // namespace kanri::identity
