// Every client-side path of the console. The server routes exactly these to index.html
// (vite.config.ts writes them to spa-routes.txt, which the binary embeds), so a reload or
// a bookmark on any screen works. Parameters use the server's {name} syntax.
export const PATHS = {
  home: "/",
  login: "/login",
  password: "/password",
  // The own account (SEC-9's second factor), and its forced set-up.
  ownAccount: "/account",
  totpSetup: "/account/two-factor",
  devices: "/devices",
  device: "/devices/{id}",
  deviceGroups: "/device-groups",
  // Issue 18: the company's own refused devices, and its jobs (operations on many devices).
  ownRefusedDevices: "/devices/refused",
  deviceJobs: "/jobs",
  deviceJob: "/jobs/{id}",
  // DEV-8: the devices whose latest task failed, grouped by fault, with bulk retry.
  faults: "/faults",
  profiles: "/profiles",
  // DEV-7: one profile, its desired configuration and how many of its devices are in sync.
  profile: "/profiles/{id}",
  firmware: "/firmware",
  // DEV-6: firmware campaigns, and one with its waves and devices.
  campaigns: "/campaigns",
  campaign: "/campaigns/{id}",
  accounts: "/accounts",
  roles: "/roles",
  audit: "/audit",
  companySettings: "/settings",
  tokens: "/tokens",
  // SEC-9: the company's webhooks, and one with its delivery log.
  webhooks: "/webhooks",
  webhook: "/webhooks/{id}",
  companies: "/provider/companies",
  lockedAccounts: "/provider/locked-accounts",
  allocations: "/provider/allocations",
  refusedDevices: "/provider/refused-devices",
  unassignedDevices: "/provider/unassigned-devices",
  providerAudit: "/provider/audit",
  jobs: "/provider/jobs",
  mail: "/provider/mail",
  loginAlarms: "/provider/login-alarms",
  providerTokens: "/provider/tokens",
  // OPS-1, OPS-2, OPS-3 (issue 15): maintenance windows, incidents, this node's health and the
  // availability of the last 12 months.
  maintenance: "/provider/maintenance",
  incidents: "/provider/incidents",
  serviceHealth: "/provider/health",
  // DATA-7: where data is kept and for how long, for every logged-in account.
  securityData: "/security-data",
  // OPS-2: the public status page (no login).
  status: "/status",
} as const;

export type PathName = keyof typeof PATHS;

export const SPA_PATHS: string[] = Object.values(PATHS);

// React Router's syntax for a path pattern: {id} -> :id.
export function routePattern(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

// A concrete URL for a pattern, e.g. pathTo("device", { id: "d1" }) -> "/devices/d1".
export function pathTo(name: PathName, params: Record<string, string> = {}): string {
  return PATHS[name].replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(params[key] ?? ""));
}
