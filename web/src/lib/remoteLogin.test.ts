import { countdown, hasExpired, isOpen, remoteLoginPollMs, withoutCredentials } from "./remoteLogin";

describe("remote login (DEV-5)", () => {
  const now = Date.parse("2025-03-10T00:00:00Z");

  it("counts down to the expiry in minutes and seconds, hours from an hour on, and stops at zero", () => {
    expect(countdown("2025-03-10T01:00:00Z", now)).toBe("1:00:00");
    expect(countdown("2025-03-10T00:59:59Z", now)).toBe("59:59");
    expect(countdown("2025-03-10T00:00:07Z", now)).toBe("0:07");
    // A part of a second left still shows as a second.
    expect(countdown("2025-03-10T00:00:00.400Z", now)).toBe("0:01");
    expect(countdown("2025-03-09T23:59:00Z", now)).toBe("0:00");
    expect(countdown("not a time", now)).toBe("0:00");
    expect(hasExpired("2025-03-10T00:00:01Z", now)).toBe(false);
    expect(hasExpired("2025-03-10T00:00:00Z", now)).toBe(true);
  });

  it("reads the state again every few seconds while it changes, less often while open, not at all once over", () => {
    expect(remoteLoginPollMs("opening")).toBe(3_000);
    expect(remoteLoginPollMs("closing")).toBe(3_000);
    expect(remoteLoginPollMs("active")).toBe(15_000);
    expect(remoteLoginPollMs("closed")).toBe(false);
    expect(remoteLoginPollMs("failed")).toBe(false);
    expect(remoteLoginPollMs(undefined)).toBe(false);
  });

  it("counts opening, open and closing as holding the device", () => {
    expect(["opening", "active", "closing", "closed", "failed", null].map((s) => isOpen(s as never))).toEqual([true, true, true, false, false, false]);
  });

  it("keeps the opening's answer in the cache without the login ID and password", () => {
    const shown = withoutCredentials({
      id: "r1",
      device_id: "d1",
      state: "opening",
      url: null,
      created_by_login: "taro",
      error: "",
      created_at: "2025-03-10T00:00:00Z",
      opened_at: null,
      expires_at: "2025-03-10T01:00:00Z",
      closed_at: null,
      connection_request: { outcome: "delivered" },
      username: "kanri-ab12cd34",
      password: "secret-once",
    });
    expect(shown).toMatchObject({ id: "r1", state: "opening", expires_at: "2025-03-10T01:00:00Z" });
    expect(JSON.stringify(shown)).not.toMatch(/kanri-ab12cd34|secret-once/);
  });
});
