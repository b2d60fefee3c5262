import type { Parameter, Role, Task } from "../api/types";
import { PATHS, pathTo, routePattern, SPA_PATHS } from "../app/paths";
import { loginFailureKey } from "../pages/LoginPage";
import { auditQuery } from "../pages/AuditPage";
import { changedRoles, groupPermissions } from "../pages/RolesPage";
import { deviceQuery, filterOf, sortingFromParam, sortParam } from "../pages/DevicesPage";
import { parseParameterLines, profileBody, profileValues } from "../pages/ProfilesPage";
import { groupBody, parseSerials } from "../pages/DeviceGroupsPage";
import { actionRequest } from "../components/DeviceActionDialog";
import { fillPath } from "../api/call";
import { ApiError } from "../api/client";
import { buildTree, parametersOf, searchParameters } from "./paramTree";
import { taskOutcome } from "./tasks";
import { createI18n } from "../i18n";

describe("console logic", () => {
  it("lists every client path for the server, in its {param} syntax", () => {
    expect(SPA_PATHS).toContain("/devices/{id}");
    expect(routePattern(PATHS.device)).toBe("/devices/:id");
    expect(pathTo("device", { id: "a/b" })).toBe("/devices/a%2Fb");
    expect(SPA_PATHS.every((p) => p.startsWith("/") && !p.startsWith("/api/"))).toBe(true);
  });

  it("one login message for every failure but throttling (SEC-1)", () => {
    expect(loginFailureKey(new ApiError({ status: 401, code: "login_failed" }))).toBe("login.failed");
    expect(loginFailureKey(new ApiError({ status: 403, code: "anything" }))).toBe("login.failed");
    expect(loginFailureKey(new ApiError({ status: 429, code: "too_many_attempts" }))).toBe("login.throttled");
  });

  it("audit filter: JST input, UTC query, empty fields left out", () => {
    expect(auditQuery({ from: "2025-03-10T09:00", to: "", actor: " taro ", action: "", outcome: "failed" })).toEqual({
      from: "2025-03-10T00:00:00Z",
      actor: "taro",
      outcome: "failed",
    });
  });

  it("roles matrix: groups by prefix and finds changed roles", () => {
    const perms = [
      { name: "accounts.read", scope: "company" as const, label_ja: "", label_en: "" },
      { name: "devices.read", scope: "company" as const, label_ja: "", label_en: "" },
      { name: "devices.reboot", scope: "company" as const, label_ja: "", label_en: "" },
    ];
    expect(groupPermissions(perms).map(([g, ps]) => [g, ps.length])).toEqual([
      ["accounts", 1],
      ["devices", 2],
    ]);
    const role = (id: string, permissions: string[]): Role => ({ id, name: id, name_en: id, description: "", permissions, builtin: false, created_at: null, updated_at: null });
    const roles = [role("a", ["x", "y"]), role("b", ["x"])];
    expect(changedRoles(roles, { a: ["y", "x"], b: ["x", "z"] }).map((r) => r.id)).toEqual(["b"]);
  });

  it("device list: URL to API query and sort round trip", () => {
    const q = deviceQuery(new URLSearchParams("q=abc&online=true&cursor=zzz&sort=-last_contact_at"));
    expect(q).toEqual({ q: "abc", online: "true", sort: "-last_contact_at" });
    expect(sortParam(sortingFromParam("-last_contact_at"))).toBe("-last_contact_at");
    expect(sortParam(sortingFromParam("model"))).toBe("model");
    expect(sortParam([])).toBe("");
  });

  it("profile parameters from lines", () => {
    expect(parseParameterLines("Device.A=1\n\n Device.B = x=y \nbad")).toEqual({ "Device.A": "1", "Device.B": "x=y" });
  });

  it("parameter tree: objects, their own parameters, search", () => {
    const p = (path: string, value = ""): Parameter => ({ path, value, type: "string", writable: false });
    const params = [p("Device."), p("Device.DeviceInfo.SerialNumber", "SN1"), p("Device.WiFi.SSID.2.SSID", "guest"), p("Device.WiFi.SSID.10.SSID", "x"), p("Device.WiFi.SSID.1.SSID", "home")];
    const tree = buildTree(params);
    expect(tree.map((n) => n.path)).toEqual(["Device."]);
    const wifi = tree[0]!.children.find((n) => n.name === "WiFi")!;
    expect(wifi.children[0]!.children.map((n) => n.name)).toEqual(["1", "2", "10"]);
    expect(parametersOf(params, "Device.DeviceInfo.").map((x) => x.value)).toEqual(["SN1"]);
    expect(searchParameters(params, "GUEST").map((x) => x.path)).toEqual(["Device.WiFi.SSID.2.SSID"]);
  });

  it("task outcome: CPE fault with its meaning, or the values", () => {
    const base: Omit<Task, "state" | "result" | "fault"> = {
      id: "t",
      device_id: "d",
      job_id: null,
      type: "getParameterValues",
      request: null,
      command_key: "",
      internal: false,
      created_by: { id: null, login: "" },
      created_at: "",
      created_at_jst: "",
      started_at: null,
      started_at_jst: null,
      finished_at: null,
      finished_at_jst: null,
      expires_at: "",
      expires_at_jst: "",
      wakeup: null,
      wakeup_at: null,
      wakeup_at_jst: null,
      error: null,
    };
    const { t } = createI18n("en");
    expect(taskOutcome({ ...base, state: "failed", result: null, fault: { code: 9005, string: "", meaning: "Invalid parameter name" } }, t)).toBe(
      "9005 Invalid parameter name (the device has no such parameter)",
    );
    expect(taskOutcome({ ...base, state: "done", fault: null, result: { values: { "Device.DeviceInfo.UpTime": { value: "42" } } } }, t)).toBe("UpTime=42");
  });

  it("API paths: {parameters} filled in and encoded", () => {
    expect(fillPath("/devices/{id}/tags/{tag}", { id: "d1", tag: "a b/c" })).toBe("/devices/d1/tags/a%20b%2Fc");
    expect(fillPath("/roles")).toBe("/roles");
  });

  it("profile form: the whole profile as the API takes it, the stored password kept unless typed", () => {
    const values = { ...profileValues(null), name: "本社", oui: " 00D09E ", serials: "A1\n\nA2 ", interval: "300", parameters: "Device.X=1" };
    expect(profileBody({ ...values, username: "cpe", password: "" })).toEqual({
      name: "本社",
      match: { oui: "00D09E", product_class: null, serial_prefix: null, serials: ["A1", "A2"] },
      device_auth: { mode: "rotate", username: "cpe" },
      periodic_inform_interval: 300,
      parameters: { "Device.X": "1" },
    });
    expect(profileBody({ ...values, mode: "none", username: "ignored", password: "ignored" }).device_auth).toEqual({ mode: "none" });
  });

  it("device group form: a saved search of what was filled in, or a list of serial numbers", () => {
    const base = { name: "g", q: " abc ", online: "false", model: "", tag: "", serials: "SN1\n\n SN2 ,SN3\tSN4", replace: false } as const;
    expect(groupBody({ ...base, kind: "filter" })).toEqual({ name: "g", kind: "filter", filter: { q: "abc", online: false } });
    expect(groupBody({ ...base, kind: "static" })).toEqual({ name: "g", kind: "static", serials: ["SN1", "SN2", "SN3", "SN4"] });
  });

  it("issue 18: the device list's query as a job's filter, and serial numbers as pasted", () => {
    expect(filterOf({ q: "blk", online: "false", sort: "-model", tag: "東京" })).toEqual({ q: "blk", online: false, tag: "東京" });
    expect(filterOf({})).toEqual({});
    expect(parseSerials(" SN1\r\nSN2,,SN3\t\n")).toEqual(["SN1", "SN2", "SN3"]);
  });

  it("device operations: a firmware update names its file", () => {
    expect(actionRequest("reboot", "f1", true)).toEqual({ type: "reboot", now: true });
    expect(actionRequest("download", "f1", false)).toEqual({ type: "download", file_id: "f1", now: false });
  });
});
