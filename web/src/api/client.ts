// The console's one way to call the API (/api/v1). It sends the CSRF header on every
// state-changing request, marks background refreshes with X-Kanri-Background: 1 so they do
// not count as an operation (SEC-3), and turns RFC 9457 problem+json answers into ApiError.
// When the session has ended, it tells the app once (onSessionEnded) so the next screen is
// the login page with an explanation.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  field?: string;
  // Extension members of a particular problem (e.g. an import's "errors" and "error_count").
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly detail: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title || problem.code);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.field = problem.field;
    this.detail = problem.detail ?? "";
    this.problem = problem;
  }
}

export type SessionEndReason = "expired" | "unauthenticated";

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  // A refresh the user did not ask for (polling); does not keep the session alive.
  background?: boolean;
  signal?: AbortSignal;
}

const BASE = "/api/v1";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

let csrfToken: string | null = null;
let sessionEndedListener: ((reason: SessionEndReason) => void) | null = null;
let enrolmentRequiredListener: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function onSessionEnded(listener: ((reason: SessionEndReason) => void) | null): void {
  sessionEndedListener = listener;
}

// SEC-9: a call refused with 403 totp_enrolment_required (the company, or the provider's policy
// for site administrators, requires a second factor the account has not set up yet).
export function onEnrolmentRequired(listener: (() => void) | null): void {
  enrolmentRequiredListener = listener;
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ""}`;
}

export function requestHeaders(method: string, background: boolean, hasBody: boolean): Headers {
  const headers = new Headers({ Accept: "application/json" });
  if (hasBody) headers.set("Content-Type", "application/json");
  if (!SAFE_METHODS.has(method) && csrfToken) headers.set("X-CSRF-Token", csrfToken);
  if (background) headers.set("X-Kanri-Background", "1");
  return headers;
}

// Reads a problem from a failed response; a body that is not problem+json still yields one.
export async function problemFrom(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === "object" && typeof parsed.code === "string") {
      return { ...parsed, status: typeof parsed.status === "number" ? parsed.status : response.status, code: parsed.code };
    }
  } catch {
    // fall through
  }
  return { status: response.status, code: response.status >= 500 ? "internal" : "http_" + response.status };
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? "GET";
  const hasBody = options.body !== undefined;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers: requestHeaders(method, options.background ?? false, hasBody),
      body: hasBody ? JSON.stringify(options.body) : undefined,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError({ status: 0, code: "network", detail: String(e) });
  }
  if (response.ok) return response;
  const problem = await problemFrom(response);
  if (response.status === 401 && path !== "/session") {
    sessionEndedListener?.(problem.code === "session_expired" ? "expired" : "unauthenticated");
  } else if (response.status === 401 && path === "/session" && method === "GET") {
    if (problem.code === "session_expired") sessionEndedListener?.("expired");
  } else if (response.status === 403 && problem.code === "totp_enrolment_required") {
    enrolmentRequiredListener?.();
  }
  throw new ApiError(problem);
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) return (await response.json()) as T;
  return (await response.text()) as T;
}

// Downloads a CSV export and hands it to the browser as a file.
export async function downloadCsv(path: string, query: RequestOptions["query"], fileName: string): Promise<void> {
  const response = await send(path, { query: { ...query, format: "csv" } });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Uploads a file as the request body (application/octet-stream unless told), metadata in the query.
export async function uploadBinary<T>(
  path: string,
  query: RequestOptions["query"],
  file: Blob | string,
  contentType = "application/octet-stream",
): Promise<T> {
  const headers = requestHeaders("POST", false, false);
  headers.set("Content-Type", contentType);
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), { method: "POST", headers, body: file, credentials: "same-origin" });
  } catch (e) {
    throw new ApiError({ status: 0, code: "network", detail: String(e) });
  }
  if (!response.ok) {
    const problem = await problemFrom(response);
    if (response.status === 401) sessionEndedListener?.(problem.code === "session_expired" ? "expired" : "unauthenticated");
    throw new ApiError(problem);
  }
  return (await response.json()) as T;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// Every item of a paginated list (for the small lists the console shows whole).
export async function fetchAll<T>(path: string, query: RequestOptions["query"] = {}, background = false): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: Page<T> = await api<Page<T>>(path, { query: { ...query, limit: 200, cursor }, background });
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}
