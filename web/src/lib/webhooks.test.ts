import { ApiError } from "../api/client";
import { orderedEvents, subscribableEvents, webhookNameProblem, webhookRefusal, webhookSecretProblem, webhookStatus, webhookUrlProblem, WEBHOOK_EVENTS } from "./webhooks";

// 24 and 64 bytes, and one byte fewer and more, in base64.
const b64 = (bytes: number) => btoa(String.fromCharCode(...Array.from({ length: bytes }, (_, i) => (i * 37) % 256)));

describe("webhooks (SEC-9)", () => {
  it("offers the subscribable events, never the test event", () => {
    expect(WEBHOOK_EVENTS).toEqual(["device.created", "device.deleted", "task.done", "task.failed", "job.finished", "campaign.paused", "campaign.finished"]);
    expect(WEBHOOK_EVENTS).not.toContain("webhook.test");
  });

  it("tells enabled, failing, disabled and stopped (disabled by Kanri for failures) apart", () => {
    const w = { enabled: true, disabled_reason: null, failing_since: null };
    expect(webhookStatus(w)).toBe("enabled");
    expect(webhookStatus({ ...w, failing_since: "2025-03-10T00:00:00Z" })).toBe("failing");
    expect(webhookStatus({ ...w, enabled: false, disabled_reason: "" })).toBe("disabled");
    expect(webhookStatus({ ...w, enabled: false, disabled_reason: "failing", failing_since: "2025-03-09T00:00:00Z" })).toBe("stopped");
  });

  it("takes https URLs with a host, no user info and no fragment, as the server does", () => {
    expect(webhookUrlProblem("https://hooks.example.com/kanri?x=1")).toBeNull();
    expect(webhookUrlProblem("  ")).toBe("validation.required");
    expect(webhookUrlProblem("http://hooks.example.com/")).toBe("webhooks.errors.https");
    expect(webhookUrlProblem("hooks.example.com")).toBe("webhooks.errors.url");
    expect(webhookUrlProblem("https://user:pw@hooks.example.com/")).toBe("webhooks.errors.userInfo");
    expect(webhookUrlProblem("https://hooks.example.com/kanri#events")).toBe("webhooks.errors.fragment");
    expect(webhookUrlProblem("https://example.com/" + "a".repeat(2048))).toBe("validation.tooLong");
  });

  it("takes a name of 1-100 characters without control characters", () => {
    expect(webhookNameProblem("監視システム")).toBeNull();
    expect(webhookNameProblem(" ")).toBe("validation.required");
    expect(webhookNameProblem("あ".repeat(101))).toBe("validation.tooLong");
    expect(webhookNameProblem("a\nb")).toBe("webhooks.errors.name");
  });

  it("takes an own secret in the Standard Webhooks form: whsec_ and base64 of 24 to 64 bytes", () => {
    expect(webhookSecretProblem("")).toBeNull();
    expect(webhookSecretProblem("whsec_" + b64(24))).toBeNull();
    expect(webhookSecretProblem("whsec_" + b64(64))).toBeNull();
    expect(webhookSecretProblem(b64(32))).toBe("webhooks.errors.secretPrefix");
    expect(webhookSecretProblem("whsec_not base64!")).toBe("webhooks.errors.secretBase64");
    expect(webhookSecretProblem("whsec_" + b64(23))).toBe("webhooks.errors.secretLength");
    expect(webhookSecretProblem("whsec_" + b64(65))).toBe("webhooks.errors.secretLength");
  });

  it("lists a webhook's events in the form's order, keeping types this console does not know", () => {
    expect(orderedEvents(["task.failed", "device.created", "device.rebooted"])).toEqual(["device.created", "task.failed", "device.rebooted"]);
    expect(subscribableEvents(["task.failed", "device.created", "device.rebooted"])).toEqual(["device.created", "task.failed"]);
  });

  it("explains the server's refusals on their fields", () => {
    const problem = (status: number, code: string, field?: string) => new ApiError({ status, code, field, detail: "server words" });
    expect(webhookRefusal(problem(422, "address_not_allowed", "url"))).toEqual({ field: "url", key: "webhooks.serverErrors.address_not_allowed" });
    expect(webhookRefusal(problem(422, "limit_exceeded"))).toEqual({ field: null, key: "webhooks.serverErrors.limit_exceeded" });
    expect(webhookRefusal(problem(400, "invalid_request", "secret"))).toEqual({ field: "secret", key: "webhooks.serverErrors.secret" });
    expect(webhookRefusal(problem(400, "invalid_request", "events"))).toEqual({ field: "events", key: "webhooks.serverErrors.events" });
    expect(webhookRefusal(problem(400, "invalid_request", "other"))).toBeNull();
    expect(webhookRefusal(problem(409, "webhook_disabled"))).toBeNull();
    expect(webhookRefusal(problem(500, "internal"))).toBeNull();
    expect(webhookRefusal(new Error("x"))).toBeNull();
  });
});
