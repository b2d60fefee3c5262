// The permission catalog (SEC-5): every function of the service has an operation
// permission, and every route of the API declares which one it needs (http/router.h).
//
// Company permissions are granted through roles; a company administrator account always
// holds all of them. Provider permissions belong to site administrators only, and a site
// administrator holds no company permission: the provider runs companies, contracts and
// account locks, it does not read a company's devices or settings.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kanri::access {

enum class PermissionScope { kCompany, kProvider };

struct Permission {
  std::string_view name;  // "devices.reboot"
  PermissionScope scope;
  std::string_view label_ja;  // shown in the console
  std::string_view label_en;
};

// The whole catalog, in display order.
const std::vector<Permission>& Catalog();
// Index into Catalog(), or nullopt for an unknown name.
std::optional<std::size_t> PermissionIndex(std::string_view name);

inline constexpr std::size_t kMaxPermissions = 64;

// A set of catalog permissions.
class PermissionSet {
 public:
  PermissionSet() = default;
  static PermissionSet AllOf(PermissionScope scope);
  // Unknown names are ignored here; validate input with PermissionIndex first.
  static PermissionSet FromNames(const std::vector<std::string>& names);

  bool Has(std::string_view name) const;
  void Add(std::string_view name);
  void Merge(const PermissionSet& other) { bits_ |= other.bits_; }
  // The permissions of this set that `held` lacks (SEC-5: an account grants only what it holds).
  PermissionSet Without(const PermissionSet& held) const {
    PermissionSet out;
    out.bits_ = bits_ & ~held.bits_;
    return out;
  }
  bool empty() const { return bits_.none(); }
  std::vector<std::string> Names() const;
  bool operator==(const PermissionSet&) const = default;

 private:
  std::bitset<kMaxPermissions> bits_;
};

}  // namespace kanri::access
