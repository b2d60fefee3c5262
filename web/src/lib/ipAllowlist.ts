// SEC-4's IP address restriction as the console edits it: the allow-list typed one entry per
// line, checked as the server checks it (an IPv4 or IPv6 address, or a network in CIDR
// notation with no bit set past its prefix; at most 100), and whether an address (the
// caller's own) is inside it. Addresses follow the server's reading: an IPv4-mapped IPv6
// address (::ffff:192.0.2.1) is the IPv4 address it carries.
import type { TranslationKey } from "../i18n";
import type { Message } from "./allocations";

export const MAX_ALLOWLIST_ENTRIES = 100;

// An address as its bytes: 4 for IPv4, 16 for IPv6.
export interface IpAddress {
  v4: boolean;
  bytes: number[];
}

export interface IpNetwork {
  address: IpAddress;
  prefix: number;
}

function parseV4Bytes(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    // Decimal only, no leading zero (as inet_pton).
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

function groupsOf(text: string): number[] | null {
  if (text === "") return [];
  const out: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    // The last group may be an IPv4 address (::ffff:192.0.2.1).
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseV4Bytes(part);
      if (!v4) return null;
      out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
    out.push(parseInt(part, 16));
  }
  return out;
}

function parseV6Bytes(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0] ?? "");
    const tail = groupsOf(halves[1] ?? "");
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = groupsOf(text);
    if (!all || all.length !== 8) return null;
    groups = all;
  }
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

// A literal address (no zone, no port, no brackets); null when it is none.
export function parseAddress(text: string): IpAddress | null {
  if (text.includes(".") && !text.includes(":")) {
    const bytes = parseV4Bytes(text);
    return bytes ? { v4: true, bytes } : null;
  }
  if (!text.includes(":")) return null;
  const bytes = parseV6Bytes(text);
  if (!bytes) return null;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? { v4: true, bytes: bytes.slice(12) } : { v4: false, bytes };
}

export function formatAddress(a: IpAddress): string {
  if (a.v4) return a.bytes.join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a.bytes[i] ?? 0) << 8) | (a.bytes[i + 1] ?? 0));
  // The longest run of two or more zero groups (the first of equals) becomes "::" (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (best.length < 2) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

// "192.0.2.0/24", "2001:db8::/32", "192.0.2.7" (one address: its full prefix); null with why not.
export function parseNetwork(text: string): { network: IpNetwork } | { problem: "invalid" | "prefix" } {
  const slash = text.indexOf("/");
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return { problem: "invalid" };
  const max = address.v4 ? 32 : 128;
  if (slash < 0) return { network: { address, prefix: max } };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return { problem: "prefix" };
  return { network: { address, prefix: Number(p) } };
}

function maskedBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & (0xff << (8 - keep)) & 0xff;
  });
}

// The network with the bits past its prefix cleared (192.0.2.7/24 -> 192.0.2.0/24).
export function masked(n: IpNetwork): IpNetwork {
  return { address: { v4: n.address.v4, bytes: maskedBytes(n.address.bytes, n.prefix) }, prefix: n.prefix };
}

export function formatNetwork(n: IpNetwork): string {
  return `${formatAddress(n.address)}/${n.prefix}`;
}

export function contains(n: IpNetwork, a: IpAddress): boolean {
  if (n.address.v4 !== a.v4) return false;
  const x = maskedBytes(n.address.bytes, n.prefix);
  const y = maskedBytes(a.bytes, n.prefix);
  return x.every((b, i) => b === y[i]);
}

// The textarea's entries: one per line (spaces, commas and semicolons separate too), blanks dropped.
export function parseAllowlistText(text: string): string[] {
  return text.split(/[\s,;]+/).filter((s) => s !== "");
}

export function allowlistText(list: readonly string[]): string {
  return list.join("\n");
}

const fail = (key: TranslationKey, values?: Message["values"]): Message => ({ key, values });

// What is wrong with one entry, or null.
export function entryProblem(entry: string): Message | null {
  const parsed = parseNetwork(entry);
  if ("problem" in parsed)
    return parsed.problem === "invalid" ? fail("ipRestriction.errors.invalid", { entry }) : fail("ipRestriction.errors.prefix", { entry });
  const n = parsed.network;
  const m = masked(n);
  if (formatNetwork(m) !== formatNetwork(n)) {
    // 192.0.2.7/24: the network 192.0.2.0/24, or the one address 192.0.2.7? The server asks too.
    const host = formatNetwork({ address: n.address, prefix: n.address.v4 ? 32 : 128 });
    return fail("ipRestriction.errors.hostBits", { entry, network: formatNetwork(m), host });
  }
  return null;
}

export type AllowlistResult = { ok: true; list: string[] } | { ok: false; error: Message };

// The list to send for the textarea's text: each entry checked, the same network kept once
// (192.0.2.7 and 192.0.2.7/32 are one), at most MAX_ALLOWLIST_ENTRIES.
export function checkAllowlist(text: string): AllowlistResult {
  const list: string[] = [];
  const seen = new Set<string>();
  for (const entry of parseAllowlistText(text)) {
    const problem = entryProblem(entry);
    if (problem) return { ok: false, error: problem };
    const parsed = parseNetwork(entry);
    const key = "network" in parsed ? formatNetwork(parsed.network) : entry;
    if (seen.has(key)) continue;
    seen.add(key);
    list.push(entry);
  }
  if (list.length > MAX_ALLOWLIST_ENTRIES)
    return { ok: false, error: fail("ipRestriction.errors.tooMany", { max: MAX_ALLOWLIST_ENTRIES, count: list.length }) };
  return { ok: true, list };
}

// Whether an entry of the text holds the address (entries that do not parse hold nothing).
export function admits(text: string, address: string): boolean {
  const a = parseAddress(address);
  if (!a) return false;
  return parseAllowlistText(text).some((entry) => {
    const parsed = parseNetwork(entry);
    return "network" in parsed && contains(parsed.network, a);
  });
}

// The text with the address added as a line of its own, unless an entry holds it already.
export function withAddress(text: string, address: string): string {
  if (admits(text, address)) return text;
  const trimmed = text.replace(/\s+$/, "");
  return trimmed ? `${trimmed}\n${address}` : address;
}
