// Strong identifier types (STYLE.md, principle 5). IDs exposed in the API are random and
// opaque, never sequential; a CompanyId does not convert into an AccountId.
//
//   auto id = CompanyId::Generate();      // e.g. "c9x2k…" (26 base32 characters)
//   CompanyId parsed{text};               // wraps text read from the wire or the database
#pragma once

#include <compare>
#include <functional>
#include <string>

namespace kanri {

// 128 random bits as 26 lowercase base32 characters.
std::string GenerateOpaqueId();

template <typename Tag>
class StrongId {
 public:
  StrongId() = default;
  explicit StrongId(std::string value) : value_(std::move(value)) {}
  static StrongId Generate() { return StrongId{GenerateOpaqueId()}; }

  const std::string& value() const { return value_; }
  bool empty() const { return value_.empty(); }
  auto operator<=>(const StrongId&) const = default;

 private:
  std::string value_;
};

using CompanyId = StrongId<struct CompanyIdTag>;
using AccountId = StrongId<struct AccountIdTag>;
using SessionId = StrongId<struct SessionIdTag>;

}  // namespace kanri

template <typename Tag>
struct std::hash<kanri::StrongId<Tag>> {
  size_t operator()(const kanri::StrongId<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.value());
  }
};
