// The API's shapes for webhooks (SEC-9) and remote login (DEV-5), written by hand from the
// server's contract until its route table lists them: then schema.d.ts has them, each type
// here becomes a name in types.ts (Webhook = Answer<"webhooks.get">, …), the resources call
// through `call` instead of `api`, and this file goes. Nothing else should need to change.
import { api, type RequestOptions } from "./client";
import { fillPath } from "./call";
import type { CompanySettings, CompanySettingsPatch, Device } from "./types";

// ---- Webhooks (tokens.write) ----

export type DeliveryState = "queued" | "sending" | "delivered" | "failed";

export interface LastDelivery {
  at: string;
  state: DeliveryState;
  // The HTTP status of the receiver's last answer; null when none came (timeout, refused).
  status: number | null;
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  // "failing": Kanri disabled it after 24 hours of failed deliveries; "" or null otherwise.
  disabled_reason: string | null;
  // The first failed attempt since the last success.
  failing_since: string | null;
  last_delivery: LastDelivery | null;
  created_at: string;
  created_by_login: string;
}

// The creation's answer: the webhook and its signing secret ("whsec_…"), this once.
export interface IssuedWebhook extends Webhook {
  secret: string;
}

export interface WebhookCreate {
  name: string;
  url: string;
  events: string[];
  secret?: string;
}

export interface WebhookPatch {
  name?: string;
  url?: string;
  events?: string[];
  // true again clears the failing state.
  enabled?: boolean;
}

// One event for one webhook; never its body or the secret.
export interface WebhookDelivery {
  id: string;
  event_id: string;
  event_type: string;
  created_at: string;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_error: string;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

export interface DeliveryPage {
  items: WebhookDelivery[];
  next_cursor?: string | null;
}

// ---- Remote login to a device (devices.remote_login) ----

export type RemoteLoginState = "opening" | "active" | "closing" | "closed" | "failed";

// What GET (and DELETE) answer: no password, ever.
export interface RemoteLogin {
  id: string;
  state: RemoteLoginState;
  url: string | null;
  expires_at: string;
  opened_at: string | null;
  closed_at: string | null;
  error: string;
}

// What POST answers, this once: the login ID and the one-time password.
export interface OpenedRemoteLogin {
  id: string;
  state: "opening";
  url: string | null;
  username: string;
  password: string;
  expires_at: string;
  created_at: string;
}

// A device as the list and the detail page read it, with its remote login's state.
export type DeviceWithRemoteLogin = Device & { remote_login?: "opening" | "active" | "closing" | null };

// The company's settings with DEV-5's switch (true unless the company switched it off).
export type CompanySettingsWithRemoteLogin = CompanySettings & { remote_login_enabled?: boolean };
export type CompanySettingsPatchWithRemoteLogin = CompanySettingsPatch & { remote_login_enabled?: boolean };

// ---- The calls ----

// A route of this file, its {parameters} filled in: the stand-in for `call` until the
// document lists these routes.
export function callIntegration<T>(
  method: NonNullable<RequestOptions["method"]>,
  path: string,
  options: { path?: Record<string, string>; body?: unknown; query?: RequestOptions["query"]; background?: boolean } = {},
): Promise<T> {
  return api<T>(fillPath(path, options.path), { method, body: options.body, query: options.query, background: options.background });
}
