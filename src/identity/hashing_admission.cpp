#include "identity/hashing_admission.h"

namespace kanri::identity {

HashingAdmission::Ticket& HashingAdmission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    account_ = std::move(other.account_);
    address_ = std::move(other.address_);
  }
  return *this;
}

void HashingAdmission::Ticket::Release() {
  if (owner_) std::exchange(owner_, nullptr)->Release(account_, address_);
}

std::pair<HashingAdmission::Verdict, HashingAdmission::Ticket> HashingAdmission::Admit(
    const std::string& account_key, const std::string& address) {
  std::lock_guard lock(mu_);
  if (accounts_.contains(account_key)) return {Verdict::kAccountBusy, Ticket{}};
  auto& jobs = addresses_[address];
  if (jobs >= settings_.max_per_address) return {Verdict::kAddressBusy, Ticket{}};
  ++jobs;
  accounts_.insert(account_key);
  Ticket t;
  t.owner_ = this;
  t.account_ = account_key;
  t.address_ = address;
  return {Verdict::kAdmitted, std::move(t)};
}

std::size_t HashingAdmission::jobs_of(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = addresses_.find(address);
  return it == addresses_.end() ? 0 : it->second;
}

void HashingAdmission::Release(const std::string& account_key, const std::string& address) {
  std::lock_guard lock(mu_);
  accounts_.erase(account_key);
  if (auto it = addresses_.find(address); it != addresses_.end() && --it->second == 0) addresses_.erase(it);
}

}  // namespace kanri::identity
