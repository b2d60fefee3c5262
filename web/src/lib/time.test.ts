import { formatJst, formatRelative, jstLocalToUtc, utcToJstLocal } from "./time";

describe("JST formatting (DATA-1)", () => {
  it("shows UTC instants in JST whatever the browser's zone", () => {
    expect(formatJst("2025-03-09T15:30:05Z")).toBe("2025-03-10 00:30:05");
    expect(formatJst("2025-12-31T15:00:00Z", false)).toBe("2026-01-01 00:00");
    expect(formatJst(0)).toBe("1970-01-01 09:00:00");
  });
  it("shows a dash for missing or malformed times", () => {
    expect(formatJst(null)).toBe("—");
    expect(formatJst("")).toBe("—");
    expect(formatJst("yesterday")).toBe("—");
  });
  it("reads a datetime-local value as JST and gives the API's UTC form", () => {
    expect(jstLocalToUtc("2025-03-10T00:30")).toBe("2025-03-09T15:30:00Z");
    expect(jstLocalToUtc("2025-01-01T08:59:59")).toBe("2024-12-31T23:59:59Z");
    expect(jstLocalToUtc("")).toBeNull();
    expect(jstLocalToUtc("10 March")).toBeNull();
  });
  it("gives a UTC instant as a datetime-local value in JST, and back", () => {
    expect(utcToJstLocal("2025-03-09T15:30:00Z")).toBe("2025-03-10T00:30");
    expect(utcToJstLocal("2025-12-31T15:00:00.000Z")).toBe("2026-01-01T00:00");
    expect(jstLocalToUtc(utcToJstLocal("2025-06-30T23:45:00Z"))).toBe("2025-06-30T23:45:00Z");
    expect(utcToJstLocal(null)).toBe("");
    expect(utcToJstLocal("soon")).toBe("");
  });
  it("says how long ago in the UI language", () => {
    const now = Date.parse("2025-03-10T00:00:00Z");
    expect(formatRelative("2025-03-09T23:57:00Z", "ja", now)).toBe("3分前");
    expect(formatRelative("2025-03-09T23:57:00Z", "en", now)).toBe("3 min ago");
    expect(formatRelative("2025-02-01T00:00:00Z", "ja", now)).toBe("2025-02-01 09:00");
  });
});
