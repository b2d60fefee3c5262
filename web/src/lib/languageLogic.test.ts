// Issue 18's small rules: a temporary lock, the session's idle minutes, and firmware that fits a
// model.
import type { FirmwareFile } from "../api/types";
import { temporaryLockUntil } from "./accounts";
import { firmwareFits, firmwareForModel } from "./firmware";
import { idleMinutes, rememberedIdleTimeout, rememberIdleTimeout } from "./sessionMemory";

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

  it("lists the firmware that fits the device's model (DEV-6: its models, exactly), the model's own first", () => {
    const files = [
      { id: "any", models: [], product_class: null },
      { id: "other", models: ["RT-500"], product_class: null },
      { id: "mine", models: ["HG-5", "SIM-GW"], product_class: null },
      { id: "otherClass", models: ["SIM-GW"], product_class: "IGD" },
    ] as unknown as FirmwareFile[];
    expect(firmwareForModel(files, "SIM-GW").map((f) => f.id)).toEqual(["mine", "otherClass", "any"]);
    expect(firmwareForModel(files, "SIM-GW", "SimGateway").map((f) => f.id)).toEqual(["mine", "any"]);
    expect(firmwareForModel(files, "sim-gw").map((f) => f.id)).toEqual(["any"]);
    expect(firmwareForModel(files, "").map((f) => f.id)).toEqual(["other", "mine", "otherClass", "any"]);
    expect(firmwareFits({ models: ["*"], product_class: null }, { model: "X" })).toBe(true);
    expect(firmwareFits({ models: [], product_class: "IGD" }, { model: "X", productClass: "IGD" })).toBe(true);
    expect(firmwareFits({ models: [], product_class: "IGD" }, { model: "X", productClass: null })).toBe(true);
  });
});
