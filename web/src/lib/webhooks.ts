// Webhooks (SEC-9) in the console's words: the events one may subscribe to (one list; the
// labels are webhooks.events.<type>), a webhook's state as the list shows it, the delivery
// states, and the checks the server makes on a name, a URL and an own secret, made before
// anything is sent.
import { ApiError } from "../api/client";
import type { DeliveryState, Webhook, WebhookEvent } from "../api/types";
import type { Tone } from "../components/ui";
import type { TranslationKey } from "../i18n";

// What a webhook may subscribe to, in the order the form lists them: each type the server takes,
// once (a type it adds fails `tsc` here until it is listed). "webhook.test" is sent only by the
// test action and is not among them.
const LISTED: Record<WebhookEvent, true> = {
  "device.created": true,
  "device.deleted": true,
  "task.done": true,
  "task.failed": true,
  "job.finished": true,
  "campaign.paused": true,
  "campaign.finished": true,
};
export const WEBHOOK_EVENTS = Object.keys(LISTED) as WebhookEvent[];
export const TEST_EVENT = "webhook.test";

// The server's limits (webhooks/webhooks.h).
export const MAX_WEBHOOKS = 10;
export const MAX_NAME_LENGTH = 100;
export const MAX_URL_LENGTH = 2048;
// Standard Webhooks: "whsec_" and the base64 of 24 to 64 random bytes.
export const SECRET_PREFIX = "whsec_";
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

export type WebhookStatus = "enabled" | "failing" | "disabled" | "stopped";

// "enabled"; "failing": enabled, but deliveries have failed since failing_since (24 hours of
// it stop the webhook); "stopped": Kanri disabled it for those failures; "disabled": switched off.
export function webhookStatus(w: Pick<Webhook, "enabled" | "disabled_reason" | "failing_since">): WebhookStatus {
  if (!w.enabled) return w.disabled_reason === "failing" ? "stopped" : "disabled";
  return w.failing_since ? "failing" : "enabled";
}

export const WEBHOOK_STATUS_TONE: Record<WebhookStatus, Tone> = { enabled: "success", failing: "warning", disabled: "neutral", stopped: "danger" };

export const DELIVERY_STATES: DeliveryState[] = ["queued", "sending", "delivered", "failed"];

// A webhook's last delivery tells its state as a plain string.
export function isDeliveryState(state: string): state is DeliveryState {
  return (DELIVERY_STATES as string[]).includes(state);
}

export const DELIVERY_STATE_TONE: Record<DeliveryState, Tone> = { queued: "neutral", sending: "info", delivered: "success", failed: "danger" };

// A delivery still on its way: the log is read again until none is.
export function isPending(state: DeliveryState): boolean {
  return state === "queued" || state === "sending";
}

// A name as the server takes it: 1-100 characters, not only spaces, no control characters.
export function webhookNameProblem(name: string): TranslationKey | null {
  if (name.trim() === "") return "validation.required";
  if ([...name].length > MAX_NAME_LENGTH) return "validation.tooLong";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "webhooks.errors.name";
  return null;
}

// The URL's shape (the server also resolves its host, at creation and at each delivery):
// https, a host, no user name or password and no #fragment in it, at most 2048 characters.
export function webhookUrlProblem(url: string): TranslationKey | null {
  const text = url.trim();
  if (text === "") return "validation.required";
  if (text.length > MAX_URL_LENGTH) return "validation.tooLong";
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return "webhooks.errors.url";
  }
  if (parsed.protocol !== "https:") return "webhooks.errors.https";
  if (!parsed.hostname) return "webhooks.errors.url";
  if (parsed.username || parsed.password) return "webhooks.errors.userInfo";
  if (text.includes("#")) return "webhooks.errors.fragment";
  return null;
}

// An own secret: empty (Kanri chooses one), or "whsec_" and the base64 of 24 to 64 bytes.
export function webhookSecretProblem(secret: string): TranslationKey | null {
  const text = secret.trim();
  if (text === "") return null;
  if (!text.startsWith(SECRET_PREFIX)) return "webhooks.errors.secretPrefix";
  const encoded = text.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return "webhooks.errors.secretBase64";
  const bytes = (encoded.length / 4) * 3 - (encoded.endsWith("==") ? 2 : encoded.endsWith("=") ? 1 : 0);
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) return "webhooks.errors.secretLength";
  return null;
}

// The events of a webhook that may be chosen in the form, in its order.
export function subscribableEvents(events: readonly string[]): WebhookEvent[] {
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}

// The subscribable events of a webhook, in the form's order; a type this console does not know
// (the server's list grew) stays, after them.
export function orderedEvents(events: readonly string[]): string[] {
  return [...subscribableEvents(events), ...events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e))];
}

export const WEBHOOK_FIELDS = ["name", "url", "events", "secret"] as const;
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

// A refusal of the server the form explains in the reader's language, on the field it is about
// (null: above the form); null for any other error (shown as the console shows errors).
export function webhookRefusal(e: unknown): { field: WebhookField | null; key: TranslationKey } | null {
  if (!(e instanceof ApiError)) return null;
  if (e.code === "address_not_allowed") return { field: "url", key: "webhooks.serverErrors.address_not_allowed" };
  if (e.code === "limit_exceeded") return { field: null, key: "webhooks.serverErrors.limit_exceeded" };
  const field = WEBHOOK_FIELDS.find((f) => f === e.field);
  if (e.code === "invalid_request" && field) return { field, key: `webhooks.serverErrors.${field}` };
  return null;
}
