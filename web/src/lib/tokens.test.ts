import type { Permission } from "../api/types";
import { PermissionSet } from "../auth/permissions";
import { dateBounds, dateExpiry, expiryOf, grantablePermissions, presetExpiry, todayJst, tokenNameProblem } from "./tokens";

const NOW = Date.parse("2025-03-10T02:03:04.567Z"); // 11:03 JST
const DAY = 86_400_000;

describe("API token expiry (SEC-9)", () => {
  it("presets count days from now, to the minute", () => {
    expect(presetExpiry(30, NOW)).toBe("2025-04-09T02:03:00Z");
    expect(presetExpiry(90, NOW)).toBe("2025-06-08T02:03:00Z");
    expect(presetExpiry(365, NOW)).toBe("2026-03-10T02:03:00Z");
  });

  it("a chosen day (JST) is valid through its end: the next midnight JST", () => {
    expect(dateExpiry("2025-03-31")).toBe("2025-03-31T15:00:00Z");
    expect(dateExpiry("2024-02-29")).toBe("2024-02-29T15:00:00Z");
    expect(dateExpiry("2025-02-29")).toBeNull();
    expect(dateExpiry("")).toBeNull();
    expect(dateExpiry("2025-3-31")).toBeNull();
  });

  it("the date picker runs from today (JST) to the last day within the server's limit", () => {
    expect(todayJst(Date.parse("2025-03-09T15:00:00Z"))).toBe("2025-03-10");
    expect(todayJst(Date.parse("2025-03-09T14:59:59Z"))).toBe("2025-03-09");
    const { min, max } = dateBounds(NOW);
    expect(min).toBe("2025-03-10");
    expect(max).toBe("2026-03-10");
    // Its end is within 366 days of now, whatever the time of day.
    expect(Date.parse(dateExpiry(max)!) - NOW).toBeLessThanOrEqual(366 * DAY);
    expect(expiryOf({ expiry: "date", date: max }, Date.parse("2025-03-10T14:59:59Z")).ok).toBe(true);
  });

  it("checks the choice as the server does: in the future, at most a year ahead", () => {
    expect(expiryOf({ expiry: "90", date: "" }, NOW)).toEqual({ ok: true, expiresAt: "2025-06-08T02:03:00Z" });
    expect(expiryOf({ expiry: "date", date: "2025-03-10" }, NOW)).toEqual({ ok: true, expiresAt: "2025-03-10T15:00:00Z" });
    expect(expiryOf({ expiry: "date", date: "" }, NOW)).toEqual({ ok: false, error: { key: "tokens.errors.date" } });
    expect(expiryOf({ expiry: "date", date: "2025-03-09" }, NOW)).toEqual({ ok: false, error: { key: "tokens.errors.past" } });
    expect(expiryOf({ expiry: "date", date: "2026-03-12" }, NOW)).toEqual({ ok: false, error: { key: "tokens.errors.tooFar" } });
  });
});

describe("API token permissions (SEC-9)", () => {
  const p = (name: string, scope: "company" | "provider"): Permission => ({ name, scope, label_ja: name, label_en: name });
  const catalog = [
    p("accounts.read", "company"),
    p("devices.read", "company"),
    p("devices.reboot", "company"),
    p("tokens.write", "company"),
    p("provider.companies", "provider"),
    p("provider.tokens", "provider"),
  ];

  it("offers what the person holds, of the owner's scope, never the permissions that manage tokens", () => {
    const held = new PermissionSet(["devices.read", "devices.reboot", "tokens.write", "provider.companies"]);
    expect(grantablePermissions(catalog, held, false).map((x) => x.name)).toEqual(["devices.read", "devices.reboot"]);
    const root = new PermissionSet(["provider.companies", "provider.tokens"]);
    expect(grantablePermissions(catalog, root, true).map((x) => x.name)).toEqual(["provider.companies"]);
    expect(grantablePermissions(catalog, new PermissionSet(["tokens.write"]), false)).toEqual([]);
  });

  it("checks the name: not blank, at most 100 characters, no control characters", () => {
    expect(tokenNameProblem("在庫管理システム")).toBeNull();
    expect(tokenNameProblem("   ")).toBe("validation.required");
    expect(tokenNameProblem("あ".repeat(100))).toBeNull();
    expect(tokenNameProblem("😀".repeat(100))).toBeNull(); // characters, not UTF-16 units
    expect(tokenNameProblem("a".repeat(101))).toBe("validation.tooLong");
    expect(tokenNameProblem("line\nbreak")).toBe("tokens.errors.name");
  });
});
