// Issue 18's small rules: a temporary lock, the session's idle minutes and remembered company
// code, firmware that fits a model, and a failed task read from the operation history.
import type { FirmwareFile } from "../api/types";
import { temporaryLockUntil } from "./accounts";
import { firmwareFits, firmwareForModel } from "./firmware";
import { companyCodeOf, idleMinutes, rememberCompanyCode, rememberedIdleTimeout, rememberIdleTimeout } from "./sessionMemory";
import { taskFailureOf } from "./taskFailures";

describe("issue 18 logic", () => {
  it("SEC-1: an active account with locked_until ahead is temporarily locked, until then", () => {
    const now = Date.parse("2026-12-07T10:00:00Z");
    expect(temporaryLockUntil({ status: "active", locked_until: "2026-12-07T10:15:00Z" }, now)).toBe("2026-12-07T10:15:00Z");
    expect(temporaryLockUntil({ status: "active", locked_until: "2026-12-07T09:59:00Z" }, now)).toBeNull();
    expect(temporaryLockUntil({ status: "active", locked_until: null }, now)).toBeNull();
    expect(temporaryLockUntil({ status: "locked", locked_until: "2026-12-07T10:15:00Z" }, now)).toBeNull();
  });

  it("says the idle timeout in whole minutes, remembered across reloads", () => {
    expect(idleMinutes(3600)).toBe(60);
    expect(idleMinutes(1800)).toBe(30);
    expect(idleMinutes(90)).toBe(2);
    expect(idleMinutes(null)).toBeNull();
    rememberIdleTimeout(1800);
    expect(rememberedIdleTimeout()).toBe(1800);
    rememberIdleTimeout(0);
    expect(rememberedIdleTimeout()).toBe(1800);
  });

  it("remembers the company ID typed at login, per company", () => {
    rememberCompanyCode("c1", " ACME ");
    rememberCompanyCode(null, "NOPE");
    expect(companyCodeOf("c1")).toBe("ACME");
    expect(companyCodeOf("c2")).toBe("");
    expect(companyCodeOf(null)).toBe("");
  });

  it("lists the firmware that fits the device's model, the model's own first", () => {
    const files = [
      { id: "any", model: "" },
      { id: "other", model: "RT-500" },
      { id: "mine", model: "sim-gw" },
    ] as FirmwareFile[];
    expect(firmwareForModel(files, "SIM-GW").map((f) => f.id)).toEqual(["mine", "any"]);
    expect(firmwareForModel(files, "").map((f) => f.id)).toEqual(["other", "mine", "any"]);
    expect(firmwareFits({ model: "*" }, "X")).toBe(true);
  });

  it("reads a failed task from its operation-history record", () => {
    const record = {
      seq: 7,
      time: "2026-12-07T01:00:00Z",
      target_id: "task-1",
      error_code: "cpe_fault_9005",
      details: { device_id: "dev-1", serial_number: "LNG000001", type: "setParameterValues", state: "failed", fault_code: 9005, fault_meaning: "Invalid parameter name" },
    };
    expect(taskFailureOf(record)).toEqual({
      seq: 7,
      time: "2026-12-07T01:00:00Z",
      taskId: "task-1",
      deviceId: "dev-1",
      serial: "LNG000001",
      type: "setParameterValues",
      faultCode: 9005,
      error: "",
    });
    // Expired while waiting: no device session named it.
    expect(taskFailureOf({ ...record, error_code: "timeout", details: { device_id: "dev-1", serial_number: "", type: "reboot" } })).toMatchObject({
      faultCode: null,
      error: "expiredWaiting",
      type: "reboot",
    });
    expect(taskFailureOf({ ...record, error_code: "interrupted", details: { type: "nonsense" } })).toMatchObject({ deviceId: null, type: null, error: "interrupted" });
  });
});
