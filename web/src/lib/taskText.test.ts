import type { FirmwareFile, Task } from "../api/types";
import { createI18n } from "../i18n";
import { faultMeaningKey, faultText, taskOutcomeText, taskRequestText } from "./taskText";

const base: Task = {
  id: "t1",
  device_id: "d1",
  job_id: null,
  type: "getParameterNames",
  state: "done",
  request: null,
  result: null,
  fault: null,
  error: null,
  command_key: "",
  internal: false,
  created_by: { id: null, login: "taro" },
  created_at: "2026-12-07T01:00:00Z",
  created_at_jst: "",
  started_at: null,
  started_at_jst: null,
  finished_at: "2026-12-07T01:00:05Z",
  finished_at_jst: null,
  expires_at: "2026-12-14T01:00:00Z",
  expires_at_jst: "",
  wakeup: null,
  wakeup_at: null,
  wakeup_at_jst: null,
};
const ja = createI18n("ja").t;
const en = createI18n("en").t;

describe("task texts (issue 18)", () => {
  it("gives every CWMP fault code of TR-069 a meaning in both languages", () => {
    const codes = [...Array.from({ length: 20 }, (_, i) => 9000 + i), ...Array.from({ length: 7 }, (_, i) => 8000 + i)];
    for (const code of codes) {
      const key = faultMeaningKey(code);
      expect(key).toBe(`cwmpFaults.${code}`);
      expect(ja(key)).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      expect(en(key)).not.toBe(ja(key));
      expect(en(key).length).toBeGreaterThan(5);
    }
    expect(faultMeaningKey(9850)).toBe("cwmpFaults.vendor");
    expect(faultMeaningKey(1234)).toBe("cwmpFaults.unknown");
    expect(faultText(ja, 9003)).toBe("9003 引数が正しくありません");
    expect(faultText(en, 9003)).toBe("9003 Invalid arguments");
  });

  it("shows a fault with each parameter's fault, and the device's own words only when they say more", () => {
    const failed: Task = {
      ...base,
      type: "setParameterValues",
      state: "failed",
      fault: { code: 9003, string: "Invalid arguments", meaning: "Invalid arguments" },
      result: { set_parameter_values_faults: [{ parameter: "Device.WiFi.Radio.1.Channel", code: 9007, string: "", meaning: "Invalid parameter value" }] },
    };
    expect(taskOutcomeText(ja, failed)).toEqual({
      text: "9003 引数が正しくありません",
      detail: ["Device.WiFi.Radio.1.Channel: 9007 パラメータの値が正しくありません"],
    });
    const vendor: Task = { ...base, state: "failed", fault: { code: 9002, string: "flash busy", meaning: "Internal error" } };
    expect(taskOutcomeText(en, vendor)).toEqual({ text: "9002 Internal error on the device", detail: ["The device said: flash busy"] });
  });

  it("says what a finished task gave, not raw counts", () => {
    expect(taskOutcomeText(ja, { ...base, result: { parameters: new Array(205).fill({ name: "x", writable: false }) } }).text).toBe("パラメータ 205 個");
    expect(taskOutcomeText(en, { ...base, result: { parameters: new Array(205).fill({ name: "x", writable: false }) } }).text).toBe("205 parameters");
    expect(taskOutcomeText(en, { ...base, result: { parameters: [{ name: "x" }] } }).text).toBe("1 parameter");
    expect(taskOutcomeText(ja, { ...base, type: "setParameterValues", result: { status: 0 } }).text).toBe("設定しました");
    expect(taskOutcomeText(ja, { ...base, type: "setParameterValues", result: { status: 1 } }).text).toBe("設定しました（装置の再起動後に反映）");
    expect(taskOutcomeText(en, { ...base, type: "addObject", result: { instance_number: 3, status: 0 } }).text).toBe("Instance 3 added");
    expect(taskOutcomeText(ja, { ...base, type: "download", result: { start_time: "2026-12-07T01:00:00Z", complete_time: "2026-12-07T01:02:00Z" } }).text).toBe(
      "更新しました（2026-12-07 10:02:00 完了）",
    );
    expect(taskOutcomeText(ja, { ...base, type: "reboot", result: null }).text).toBe("完了しました");
    const values = { "Device.DeviceInfo.UpTime": { value: "42" }, "Device.X.Password": { redacted: true }, "Device.A": { value: "1" }, "Device.B": { value: "2" } };
    expect(taskOutcomeText(ja, { ...base, type: "getParameterValues", result: { values } }).text).toBe("UpTime=42, Password=••••, A=1, ほか 1 件");
  });

  it("tells an expired task from a device that went quiet, and translates our errors", () => {
    const expired: Task = { ...base, state: "failed", error: "timeout", finished_at: "2026-12-14T01:00:30Z" };
    expect(taskOutcomeText(ja, expired).text).toBe("期限切れ: 2026-12-14 10:00:00 までに装置が接続しませんでした");
    expect(taskOutcomeText(en, { ...base, state: "failed", error: "timeout" }).text).toBe("The device did not answer");
    expect(taskOutcomeText(en, { ...base, state: "failed", error: "interrupted" }).text).toBe("Interrupted: the device started a new session instead of answering");
    expect(taskOutcomeText(en, { ...base, state: "failed", error: "something_new" }).text).toBe("something_new");
    expect(taskOutcomeText(ja, { ...base, state: "queued", finished_at: null }).text).toBe("");
  });

  it("names a firmware update's file and version, not its ID", () => {
    const files = [{ id: "f1", name: "rt-fw.bin", version: "2.1.0" }] as FirmwareFile[];
    const download: Task = { ...base, type: "download", request: { file_id: "f1" } };
    expect(taskRequestText(ja, download, files)).toBe("rt-fw.bin (2.1.0)");
    expect(taskRequestText(ja, { ...download, request: { file_id: "gone" } }, files)).toBe("（削除されたファームウェアファイル）");
    expect(taskRequestText(en, { ...base, type: "setParameterValues", request: { values: { "Device.WiFi.SSID.1.SSID": "guest" } } })).toBe("Device.WiFi.SSID.1.SSID = guest");
    expect(taskRequestText(ja, { ...base, type: "getParameterValues", request: { names: ["A.", "B.", "C.", "D.", "E."] } })).toBe("A., B., C., ほか 2 件");
  });
});
