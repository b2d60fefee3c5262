// Every time the console shows is in JST (Asia/Tokyo, UTC+9, no daylight saving), whatever
// the browser's own time zone (DATA-1, SEC-6). Computed by offset rather than through the
// browser's time-zone database, so it is the same on every machine.

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function toJstParts(input: string | number | Date): Date | null {
  const ms = input instanceof Date ? input.getTime() : typeof input === "number" ? input : Date.parse(input);
  if (Number.isNaN(ms)) return null;
  return new Date(ms + JST_OFFSET_MS);
}

// "2025-03-10 00:30:05" for 2025-03-09T15:30:05Z. Empty input gives "—".
export function formatJst(input: string | number | Date | null | undefined, withSeconds = true): string {
  if (input === null || input === undefined || input === "") return "—";
  const d = toJstParts(input);
  if (!d) return "—";
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` + (withSeconds ? `:${pad(d.getUTCSeconds())}` : "");
  return `${date} ${time}`;
}

// The value of an <input type="datetime-local"> read as JST, in the API's UTC form
// ("2025-03-09T15:30:00Z"); null when empty or malformed.
export function jstLocalToUtc(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? "0")) - JST_OFFSET_MS;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// The other way: a UTC instant as the value of an <input type="datetime-local"> in JST
// ("2025-03-10T00:30"); "" when empty or malformed.
export function utcToJstLocal(input: string | null | undefined): string {
  if (!input) return "";
  const d = toJstParts(input);
  if (!d) return "";
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

// How long ago, in the UI language: "3分前" / "3 min ago". Falls back to the JST time after a week.
export function formatRelative(input: string | null | undefined, lang: string, now: number = Date.now()): string {
  if (!input) return "—";
  const ms = Date.parse(input);
  if (Number.isNaN(ms)) return "—";
  const seconds = Math.round((now - ms) / 1000);
  const ja = lang.startsWith("ja");
  if (seconds < 60) return ja ? "たった今" : "just now";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return ja ? `${minutes}分前` : `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return ja ? `${hours}時間前` : `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return ja ? `${days}日前` : `${days} d ago`;
  return formatJst(input, false);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
