import type { Account } from "../api/types";
import { PATHS } from "../app/paths";
import { permissionsOf, PermissionSet, screenPermissions, visibleNav } from "./permissions";

const account = (kind: Account["kind"]): Account => ({
  id: "a1",
  company_id: kind === "site_admin" ? null : "c1",
  login: "x",
  name: "X",
  email: "x@example.com",
  kind,
  status: "active",
  must_change_password: false,
  totp_enabled: false,
  locked_until: null,
  last_login_at: null,
  created_at: "",
  updated_at: "",
});

describe("permission gating (SEC-5)", () => {
  it("shows only the screens the permissions allow", () => {
    const viewer = new PermissionSet(["devices.read", "audit.read"]);
    const paths = visibleNav(viewer).map((n) => n.path);
    expect(paths).toEqual(["home", "devices", "deviceGroups", "deviceJobs", "ownRefusedDevices", "faults", "campaigns", "audit", "securityData", "status"]);
  });
  it("gives the provider only provider screens", () => {
    const perms = permissionsOf(account("site_admin"), ["provider.companies", "provider.accounts", "provider.audit"]);
    const paths = visibleNav(perms).map((n) => n.path);
    expect(paths).toContain("companies");
    expect(paths).not.toContain("devices");
    expect(paths).not.toContain("accounts");
  });
  it("shows device allocations, refused and unassigned devices only with provider.devices", () => {
    const devices = visibleNav(new PermissionSet(["provider.devices"])).map((n) => n.path);
    expect(devices).toEqual(["home", "allocations", "refusedDevices", "unassignedDevices", "securityData", "status"]);
    const companiesOnly = visibleNav(new PermissionSet(["provider.companies"])).map((n) => n.path);
    expect(companiesOnly).not.toContain("refusedDevices");
    expect(companiesOnly).not.toContain("unassignedDevices");
    expect(screenPermissions(PATHS.allocations)).toEqual(["provider.devices"]);
    expect(screenPermissions(PATHS.unassignedDevices)).toEqual(["provider.devices"]);
    expect(permissionsOf(account("site_admin"), undefined).has("provider.devices")).toBe(true);
  });
  it("shows the service's health, maintenance, incidents, jobs, the mail outbox and login alarms only with provider.operations", () => {
    const ops = visibleNav(new PermissionSet(["provider.operations"])).map((n) => n.path);
    expect(ops).toEqual(["home", "serviceHealth", "maintenance", "incidents", "jobs", "mail", "loginAlarms", "securityData", "status"]);
    expect(visibleNav(new PermissionSet(["provider.accounts"])).map((n) => n.path)).not.toContain("maintenance");
    expect(screenPermissions(PATHS.maintenance)).toEqual(["provider.operations"]);
    expect(screenPermissions(PATHS.incidents)).toEqual(["provider.operations"]);
    expect(screenPermissions(PATHS.serviceHealth)).toEqual(["provider.operations"]);
    expect(visibleNav(new PermissionSet(["provider.accounts"])).map((n) => n.path)).not.toContain("jobs");
    expect(screenPermissions(PATHS.jobs)).toEqual(["provider.operations"]);
    expect(screenPermissions(PATHS.loginAlarms)).toEqual(["provider.operations"]);
    expect(permissionsOf(account("site_admin"), undefined).has("provider.operations")).toBe(true);
  });
  it("shows the company settings with company.settings, and API tokens and webhooks with tokens.write or, for the provider, its tokens with provider.tokens", () => {
    expect(visibleNav(new PermissionSet(["company.settings"])).map((n) => n.path)).toEqual(["home", "companySettings", "securityData", "status"]);
    expect(visibleNav(new PermissionSet(["tokens.write"])).map((n) => n.path)).toEqual(["home", "tokens", "webhooks", "securityData", "status"]);
    const provider = visibleNav(new PermissionSet(["provider.tokens"]));
    expect(provider.map((n) => [n.path, n.section])).toEqual([
      ["home", "operate"],
      ["providerTokens", "provider"],
      ["securityData", "info"],
      ["status", "info"],
    ]);
    expect(screenPermissions(PATHS.companySettings)).toEqual(["company.settings"]);
    expect(screenPermissions(PATHS.tokens)).toEqual(["tokens.write"]);
    expect(screenPermissions(PATHS.providerTokens)).toEqual(["provider.tokens"]);
    expect(screenPermissions(PATHS.webhooks)).toEqual(["tokens.write"]);
    expect(screenPermissions(PATHS.webhook)).toEqual(["tokens.write"]);
    expect(permissionsOf(account("admin"), undefined).has("tokens.write")).toBe(true);
    expect(permissionsOf(account("site_admin"), undefined).has("provider.tokens")).toBe(true);
  });
  it("trusts the server's list over the account kind", () => {
    expect(permissionsOf(account("admin"), []).has("accounts.read")).toBe(false);
    expect(permissionsOf(account("admin"), undefined).has("accounts.read")).toBe(true);
    expect(permissionsOf(account("general"), undefined).list()).toEqual([]);
  });
  it("shows “Security and data” and the status page to every account, even one without permissions (DATA-7, OPS-2)", () => {
    expect(visibleNav(new PermissionSet([])).map((n) => [n.path, n.section])).toEqual([
      ["home", "operate"],
      ["securityData", "info"],
      ["status", "info"],
    ]);
    expect(screenPermissions(PATHS.securityData)).toEqual([]);
  });
  it("guards screens reached by URL", () => {
    expect(screenPermissions(PATHS.accounts)).toEqual(["accounts.read"]);
    expect(screenPermissions(PATHS.device)).toEqual(["devices.read"]);
    expect(screenPermissions(PATHS.home)).toEqual([]);
    expect(new PermissionSet(["devices.read"]).hasAny(screenPermissions(PATHS.roles))).toBe(false);
  });
});
