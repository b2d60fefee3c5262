import { api, ApiError, onSessionEnded, setCsrfToken } from "./client";

function respond(status: number, body: unknown, type = "application/problem+json") {
  return vi.fn().mockImplementation(() =>
    Promise.resolve(new Response(body === null ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } })),
  );
}

describe("API client", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    onSessionEnded(null);
    setCsrfToken(null);
  });

  it("sends the CSRF header on writes only, and the background header on polls", async () => {
    const fetchMock = respond(200, { ok: true }, "application/json");
    vi.stubGlobal("fetch", fetchMock);
    setCsrfToken("tok");
    await api("/accounts", { method: "POST", body: { a: 1 } });
    await api("/accounts", { background: true });
    const write = fetchMock.mock.calls[0]![1] as RequestInit;
    const poll = fetchMock.mock.calls[1]![1] as RequestInit;
    expect(new Headers(write.headers).get("X-CSRF-Token")).toBe("tok");
    expect(new Headers(write.headers).get("Content-Type")).toBe("application/json");
    expect(new Headers(poll.headers).get("X-CSRF-Token")).toBeNull();
    expect(new Headers(poll.headers).get("X-Kanri-Background")).toBe("1");
    expect(new Headers(write.headers).get("X-Kanri-Background")).toBeNull();
  });

  it("turns problem+json into an ApiError with its code and field", async () => {
    vi.stubGlobal("fetch", respond(400, { status: 400, code: "invalid_argument", field: "email", detail: "bad email" }));
    const error = await api("/accounts", { method: "POST", body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("invalid_argument");
    expect((error as ApiError).field).toBe("email");
    expect((error as ApiError).detail).toBe("bad email");
  });

  it("copes with an error that is not problem+json", async () => {
    vi.stubGlobal("fetch", respond(502, "Bad gateway", "text/plain"));
    const error = (await api("/x").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.code).toBe("internal");
  });

  it("reports an ended session once, telling idle expiry from other ends (SEC-3)", async () => {
    const ended = vi.fn();
    onSessionEnded(ended);
    vi.stubGlobal("fetch", respond(401, { status: 401, code: "session_expired" }));
    await expect(api("/accounts")).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledWith("expired");
    vi.stubGlobal("fetch", respond(401, { status: 401, code: "unauthenticated" }));
    await expect(api("/roles")).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenLastCalledWith("unauthenticated");
  });

  it("does not treat a failed login as an ended session", async () => {
    const ended = vi.fn();
    onSessionEnded(ended);
    vi.stubGlobal("fetch", respond(401, { status: 401, code: "login_failed" }));
    await expect(api("/session", { method: "POST", body: {} })).rejects.toBeInstanceOf(ApiError);
    expect(ended).not.toHaveBeenCalled();
  });

  it("reports a network failure as an ApiError", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    const error = (await api("/x").catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("network");
  });
});
