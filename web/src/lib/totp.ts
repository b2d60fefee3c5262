// SEC-9's second factor (TOTP) in the console: the login's second step, the codes people type,
// the secret shown for manual entry, the QR code as an image, the recovery codes saved as text.
import { ApiError } from "../api/client";

// The second step of a login: the challenge the first answered with, and when it stops working
// (after that, the password step again).
export interface SecondStep {
  challenge: string;
  expiresAt: number; // ms since the epoch, by the browser's clock
}

// 401 totp_required to POST /session (the right password of an account with a second factor),
// else null.
export function secondStepOf(e: unknown, now: number = Date.now()): SecondStep | null {
  if (!(e instanceof ApiError) || e.status !== 401 || e.code !== "totp_required") return null;
  const challenge = e.problem.challenge;
  if (typeof challenge !== "string" || challenge === "") return null;
  const seconds = typeof e.problem.challenge_expires_in_seconds === "number" ? e.problem.challenge_expires_in_seconds : 300;
  return { challenge, expiresAt: now + seconds * 1000 };
}

// Whether the challenge has run out (a little early, so that a code sent just before is not
// refused for a reason the page cannot tell apart from a wrong code).
export function secondStepExpired(step: SecondStep, now: number = Date.now()): boolean {
  return now >= step.expiresAt - 2000;
}

// A code of the authenticator app as typed: spaces (some apps show "123 456") and dashes dropped.
export function normaliseTotpCode(typed: string): string {
  return typed.replace(/[\s-]/g, "");
}

export function isTotpCode(typed: string): boolean {
  return /^\d{6}$/.test(normaliseTotpCode(typed));
}

// A recovery code, e.g. "abcd-efgh-ijkl-mnop": 16 letters and digits; case, spaces and dashes
// do not matter (the server ignores them too).
export function isRecoveryCode(typed: string): boolean {
  return /^[a-z0-9]{16}$/i.test(typed.replace(/[\s-]/g, ""));
}

// What is sent for a recovery code: trimmed and in lower case, as it was shown.
export function normaliseRecoveryCode(typed: string): string {
  return typed.trim().toLowerCase();
}

// The base32 secret for typing into an app by hand: groups of four.
export function groupSecret(secret: string): string {
  return (secret.replace(/[\s=]/g, "").toUpperCase().match(/.{1,4}/g) ?? []).join(" ");
}

// The server's QR code (a complete SVG document) as an image URL: the CSP allows data: images
// but no inline markup, so the SVG is never put into the page itself.
export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return "data:image/svg+xml;base64," + btoa(binary);
}

// The recovery codes as a text file to keep (one a line, with what they are for).
export function recoveryCodesText(codes: string[], heading: string): string {
  return [heading, "", ...codes, ""].join("\n");
}

export function recoveryCodesFileName(company: string | null, login: string): string {
  const who = [company, login].filter(Boolean).join("-").replace(/[^\w.-]+/g, "_");
  return `kanri-recovery-codes-${who}.txt`;
}
