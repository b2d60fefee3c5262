// The login's second step: which message a failure shows.
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { codeFailureKey } from "./LoginPage";

const problem = (code: string) => new ApiError({ type: "", title: "", status: 401, detail: "", code });
const step = { challenge: "c", expiresAt: Date.now() + 300_000 };

describe("codeFailureKey (SEC-9)", () => {
  it("sends an expired challenge back to the password step", () => {
    expect(codeFailureKey(problem("challenge_expired"), step, false)).toBe("login.codeExpired");
  });
  it("lets a wrong code be retried, with the message of the kind of code typed", () => {
    expect(codeFailureKey(problem("totp_failed"), step, false)).toBe("login.codeFailed");
    expect(codeFailureKey(problem("totp_failed"), step, true)).toBe("login.recoveryFailed");
  });
});
