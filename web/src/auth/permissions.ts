// What the console shows to an account follows from its permissions (SEC-5). The server
// still checks every call; this only keeps people from meeting buttons they cannot use.
import type { Account } from "../api/types";
import { PATHS, type PathName } from "../app/paths";
import type { TranslationKey } from "../i18n";

export const COMPANY_PERMISSIONS = [
  "accounts.read",
  "accounts.write",
  "roles.read",
  "roles.write",
  "devices.read",
  "devices.configure",
  "devices.reboot",
  "devices.factory_reset",
  "devices.firmware",
  "devices.remote_login",
  "profiles.read",
  "profiles.write",
  "audit.read",
  "company.settings",
  "tokens.write",
] as const;

export const PROVIDER_PERMISSIONS = [
  "provider.companies",
  "provider.accounts",
  "provider.audit",
  "provider.devices",
  "provider.operations",
  "provider.tokens",
] as const;

export class PermissionSet {
  private readonly names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.names = new Set(names);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  hasAny(names: readonly string[]): boolean {
    return names.length === 0 || names.some((n) => this.names.has(n));
  }

  list(): string[] {
    return [...this.names].sort();
  }
}

// The account's permissions: what the server listed, or, for an older server that lists
// none, what the account's kind implies (a general account then sees only the dashboard).
export function permissionsOf(account: Account, listed: string[] | undefined): PermissionSet {
  if (listed) return new PermissionSet(listed);
  if (account.kind === "site_admin") return new PermissionSet(PROVIDER_PERMISSIONS);
  if (account.kind === "admin") return new PermissionSet(COMPANY_PERMISSIONS);
  return new PermissionSet([]);
}

export interface NavItem {
  path: PathName;
  labelKey: TranslationKey;
  section: "operate" | "manage" | "provider" | "info";
  anyOf: string[];
  icon: string;
}

// The sidebar, in order; an item shows when the account holds any of its permissions.
export const NAV: NavItem[] = [
  { path: "home", labelKey: "nav.dashboard", section: "operate", anyOf: [], icon: "home" },
  { path: "devices", labelKey: "nav.devices", section: "operate", anyOf: ["devices.read"], icon: "router" },
  { path: "deviceGroups", labelKey: "nav.deviceGroups", section: "operate", anyOf: ["devices.read"], icon: "group" },
  // Issue 18: the company's jobs and its own refused devices.
  { path: "deviceJobs", labelKey: "nav.deviceJobs", section: "operate", anyOf: ["devices.read"], icon: "clock" },
  { path: "ownRefusedDevices", labelKey: "nav.ownRefusedDevices", section: "operate", anyOf: ["devices.read"], icon: "block" },
  // DEV-8: the devices whose latest task failed, by fault.
  { path: "faults", labelKey: "faults.nav", section: "operate", anyOf: ["devices.read"], icon: "alert" },
  { path: "profiles", labelKey: "nav.profiles", section: "operate", anyOf: ["profiles.read"], icon: "profile" },
  { path: "firmware", labelKey: "nav.firmware", section: "operate", anyOf: ["devices.firmware"], icon: "firmware" },
  // DEV-6: firmware campaigns (read with devices.read; started and changed with devices.firmware).
  { path: "campaigns", labelKey: "campaigns.nav", section: "operate", anyOf: ["devices.read"], icon: "campaign" },
  { path: "accounts", labelKey: "nav.accounts", section: "manage", anyOf: ["accounts.read"], icon: "user" },
  { path: "roles", labelKey: "nav.roles", section: "manage", anyOf: ["roles.read"], icon: "shield" },
  { path: "audit", labelKey: "nav.audit", section: "manage", anyOf: ["audit.read"], icon: "history" },
  { path: "companySettings", labelKey: "nav.companySettings", section: "manage", anyOf: ["company.settings"], icon: "settings" },
  { path: "tokens", labelKey: "nav.tokens", section: "manage", anyOf: ["tokens.write"], icon: "key" },
  // SEC-9: webhooks are integrations too, under the permission that manages tokens.
  { path: "webhooks", labelKey: "nav.webhooks", section: "manage", anyOf: ["tokens.write"], icon: "webhook" },
  { path: "companies", labelKey: "nav.companies", section: "provider", anyOf: ["provider.companies"], icon: "building" },
  { path: "lockedAccounts", labelKey: "nav.lockedAccounts", section: "provider", anyOf: ["provider.accounts"], icon: "lock" },
  { path: "allocations", labelKey: "nav.allocations", section: "provider", anyOf: ["provider.devices"], icon: "allocate" },
  { path: "refusedDevices", labelKey: "nav.refusedDevices", section: "provider", anyOf: ["provider.devices"], icon: "block" },
  { path: "unassignedDevices", labelKey: "nav.unassignedDevices", section: "provider", anyOf: ["provider.devices"], icon: "unlink" },
  { path: "providerAudit", labelKey: "nav.providerAudit", section: "provider", anyOf: ["provider.audit"], icon: "history" },
  // OPS-1/2/3: the service's health and availability, maintenance windows, incidents.
  { path: "serviceHealth", labelKey: "nav.serviceHealth", section: "provider", anyOf: ["provider.operations"], icon: "activity" },
  { path: "maintenance", labelKey: "nav.maintenance", section: "provider", anyOf: ["provider.operations"], icon: "calendar" },
  { path: "incidents", labelKey: "nav.incidents", section: "provider", anyOf: ["provider.operations"], icon: "alert" },
  { path: "jobs", labelKey: "nav.jobs", section: "provider", anyOf: ["provider.operations"], icon: "clock" },
  { path: "mail", labelKey: "nav.mail", section: "provider", anyOf: ["provider.operations"], icon: "mail" },
  { path: "loginAlarms", labelKey: "nav.loginAlarms", section: "provider", anyOf: ["provider.operations"], icon: "bell" },
  // SEC-9: the same screen as the company's, for the provider's own tokens.
  { path: "providerTokens", labelKey: "nav.tokens", section: "provider", anyOf: ["provider.tokens"], icon: "key" },
  // For everyone: DATA-7's "Security and data", and the public status page (OPS-2).
  { path: "securityData", labelKey: "nav.securityData", section: "info", anyOf: [], icon: "shield" },
  { path: "status", labelKey: "nav.status", section: "info", anyOf: [], icon: "globe" },
];

export function visibleNav(perms: PermissionSet): NavItem[] {
  return NAV.filter((item) => perms.hasAny(item.anyOf));
}

// The permissions a screen needs, looked up by its path (for the route guard).
export function screenPermissions(path: string): string[] {
  const item = NAV.find((n) => PATHS[n.path] === path);
  if (item) return item.anyOf;
  if (path === PATHS.device) return ["devices.read"];
  if (path === PATHS.webhook) return ["tokens.write"];
  if (path === PATHS.deviceJob) return ["devices.read"];
  if (path === PATHS.profile) return ["profiles.read"];
  if (path === PATHS.campaign) return ["devices.read"];
  return [];
}
