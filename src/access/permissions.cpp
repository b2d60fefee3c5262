#include "access/permissions.h"

#include <cassert>

namespace kanri::access {

const std::vector<Permission>& Catalog() {
  using enum PermissionScope;
  static const std::vector<Permission> catalog{
      {"accounts.read", kCompany, "アカウントの閲覧", "View accounts"},
      {"accounts.write", kCompany, "アカウントの管理", "Manage accounts"},
      {"roles.read", kCompany, "ロールの閲覧", "View roles"},
      {"roles.write", kCompany, "ロールの管理", "Manage roles"},
      {"devices.read", kCompany, "装置の閲覧", "View devices"},
      {"devices.configure", kCompany, "装置の設定変更", "Change device settings"},
      {"devices.reboot", kCompany, "装置の再起動", "Reboot devices"},
      // Issue 18: a factory reset erases the device's settings; its own permission, not the reboot's.
      {"devices.factory_reset", kCompany, "装置の工場出荷時リセット", "Factory-reset devices"},
      {"devices.firmware", kCompany, "ファームウェアの更新", "Update firmware"},
      {"devices.remote_login", kCompany, "装置へのリモートログイン", "Log in to a device remotely"},
      {"profiles.read", kCompany, "仕向け情報の閲覧", "View profiles"},
      {"profiles.write", kCompany, "仕向け情報の管理", "Manage profiles"},
      {"audit.read", kCompany, "操作履歴の閲覧", "View the operation history"},
      {"company.settings", kCompany, "会社設定の管理", "Manage company settings"},
      {"tokens.write", kCompany, "APIトークンの管理", "Manage API tokens"},
      {"provider.companies", kProvider, "会社・契約の管理", "Manage companies and contracts"},
      {"provider.accounts", kProvider, "アカウントロックの解除", "Unlock accounts"},
      {"provider.audit", kProvider, "サービス操作履歴の閲覧", "View the provider's operation history"},
      {"provider.devices", kProvider, "装置の割り当て", "Allocate devices"},
      {"provider.operations", kProvider, "サービス運用（ジョブ・メール・警報）",
       "Run the service: jobs, mail, alarms"},
      {"provider.tokens", kProvider, "サービスのAPIトークンの管理", "Manage the provider's API tokens"},
  };
  assert(catalog.size() <= kMaxPermissions);
  return catalog;
}

std::optional<std::size_t> PermissionIndex(std::string_view name) {
  const auto& c = Catalog();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i].name == name) return i;
  return std::nullopt;
}

PermissionSet PermissionSet::AllOf(PermissionScope scope) {
  PermissionSet s;
  const auto& c = Catalog();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i].scope == scope) s.bits_.set(i);
  return s;
}

PermissionSet PermissionSet::FromNames(const std::vector<std::string>& names) {
  PermissionSet s;
  for (const auto& n : names) s.Add(n);
  return s;
}

bool PermissionSet::Has(std::string_view name) const {
  auto i = PermissionIndex(name);
  return i && bits_.test(*i);
}

void PermissionSet::Add(std::string_view name) {
  if (auto i = PermissionIndex(name)) bits_.set(*i);
}

std::vector<std::string> PermissionSet::Names() const {
  std::vector<std::string> out;
  const auto& c = Catalog();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (bits_.test(i)) out.emplace_back(c[i].name);
  return out;
}

}  // namespace kanri::access
