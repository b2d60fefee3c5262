// Remote login to a device (DEV-5) in the console's words: how often its state is read again,
// the countdown to expires_at (the login ID and one-time password are removed 60 minutes after
// issue, DATA-5), and which states still hold the device's web UI open.
import type { OpenedRemoteLogin, RemoteLogin, RemoteLoginState } from "../api/types";
import type { Tone } from "../components/ui";

// While the device is being set up or cleaned up, the state changes within seconds.
export const TRANSITION_POLL_MS = 3_000;
// While open, it changes only when it expires or someone ends it.
export const ACTIVE_POLL_MS = 15_000;

// How often to read the state again; false once it is over (or there is none).
export function remoteLoginPollMs(state: RemoteLoginState | undefined): number | false {
  if (state === "opening" || state === "closing") return TRANSITION_POLL_MS;
  if (state === "active") return ACTIVE_POLL_MS;
  return false;
}

// A remote login that still holds (or is about to hold, or to give up) the device's web UI:
// no new one can be opened while it is there.
export function isOpen(state: RemoteLoginState | null | undefined): state is "opening" | "active" | "closing" {
  return state === "opening" || state === "active" || state === "closing";
}

export const REMOTE_LOGIN_TONE: Record<RemoteLoginState, Tone> = {
  opening: "info",
  active: "success",
  closing: "warning",
  closed: "neutral",
  failed: "danger",
};

// The time left until `expiresAt` as "59:07", or "1:00:00" from an hour on; "0:00" once past.
export function countdown(expiresAt: string, now: number = Date.now()): string {
  const end = Date.parse(expiresAt);
  const left = Number.isNaN(end) ? 0 : Math.max(0, Math.ceil((end - now) / 1000));
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = String(left % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

export function hasExpired(expiresAt: string, now: number = Date.now()): boolean {
  const end = Date.parse(expiresAt);
  return Number.isNaN(end) || end <= now;
}

// The opening's answer as GET would tell it: without the login ID and the one-time password,
// which leave the query cache that way.
export function withoutCredentials(opened: OpenedRemoteLogin): RemoteLogin {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { username, password, ...shown } = opened;
  return shown;
}
