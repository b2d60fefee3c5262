// The query keys of the console's cache (TanStack Query), one place for all, so that what a
// change invalidates can be read here: a key is a prefix of the keys below it, and
// invalidating it refreshes them all (["devices"] covers every page of the device list).
export const keys = {
  permissions: ["permissions"] as const,
  roles: ["roles"] as const,
  accounts: ["accounts"] as const,
  companies: ["companies"] as const,
  lockedAccounts: ["locked-accounts"] as const,
  audit: ["audit"] as const,
  devices: ["devices"] as const,
  deviceSummary: ["devices", "summary"] as const,
  device: (id: string) => ["device", id] as const,
  deviceParameters: (id: string) => ["device", id, "parameters"] as const,
  deviceTasks: (id: string) => ["device", id, "tasks"] as const,
  deviceGroups: ["device-groups"] as const,
  // Issue 18: the company's jobs, newest first, and one with its devices' tasks.
  jobs: ["jobs"] as const,
  jobDetail: (id: string) => ["jobs", "one", id] as const,
  // Issue 18: the company's own refused devices.
  ownRefusedDevices: ["devices", "refused"] as const,
  profiles: ["profiles"] as const,
  // DEV-7: a profile, and how many of its devices are in sync; a device's compliance and overrides.
  profile: (id: string) => ["profiles", "one", id] as const,
  profileCompliance: (id: string) => ["profiles", "one", id, "compliance"] as const,
  deviceCompliance: (id: string) => ["device", id, "compliance"] as const,
  deviceOverrides: (id: string) => ["device", id, "overrides"] as const,
  firmware: ["firmware"] as const,
  // DEV-6: firmware campaigns; one, and its devices (by wave and state), under the list's prefix.
  campaigns: ["campaigns"] as const,
  campaign: (id: string) => ["campaigns", "one", id] as const,
  campaignDevices: (id: string, wave: string, state: string) => ["campaigns", "one", id, "devices", wave, state] as const,
  refusedDevices: ["refused-devices"] as const,
  unassignedDevices: ["unassigned-devices"] as const,
  allocations: ["allocations"] as const,
  allocation: (id: string) => ["allocations", "one", id] as const,
  scheduledJobs: ["operations", "jobs"] as const,
  mail: ["operations", "mail"] as const,
  mailItem: (id: string) => ["operations", "mail", "one", id] as const,
  loginAlarms: ["operations", "login-alarms"] as const,
  // SEC-4: the company's own sign-in settings, and (provider) any company's.
  companySettings: ["company-settings"] as const,
  ownCompanySettings: ["company-settings", "own"] as const,
  companySettingsOf: (id: string) => ["company-settings", "company", id] as const,
  // SEC-9: the company's (or the provider's) API tokens.
  tokens: ["tokens"] as const,
  // SEC-9: the company's webhooks; one, and its delivery log, under the list's prefix.
  webhooks: ["webhooks"] as const,
  webhook: (id: string) => ["webhooks", "one", id] as const,
  webhookDeliveries: (id: string) => ["webhooks", "one", id, "deliveries"] as const,
  // OPS-1/2/3 and DATA-7 (issue 15): the provider's maintenance windows, the calendar, incidents,
  // availability and this node's health; everyone's notices, the public status and "Security
  // and data".
  maintenance: ["maintenance"] as const,
  maintenanceCalendar: (from: string, days: number) => ["maintenance", "calendar", from, days] as const,
  incidents: ["incidents"] as const,
  availability: ["availability"] as const,
  health: ["operations", "health"] as const,
  notices: ["notices"] as const,
  status: ["status"] as const,
  securityData: ["security-data"] as const,
  // DEV-5: a device's remote login.
  remoteLogin: (deviceId: string) => ["device", deviceId, "remote-login"] as const,
};

// A list the dashboard polls in the background (X-Kanri-Background: its refreshes keep nobody
// logged in, SEC-3) is cached apart from the list a screen shows, under the same prefix.
export function polled<K extends readonly unknown[]>(key: K, background: boolean) {
  return background ? ([...key, "background"] as const) : key;
}

// How a hook reads its list: `background` for one the dashboard polls.
export interface Polling {
  background?: boolean;
  enabled?: boolean;
  refetchInterval?: number;
}
