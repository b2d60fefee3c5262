import { ApiError } from "../api/client";
import {
  groupSecret,
  isRecoveryCode,
  isTotpCode,
  normaliseRecoveryCode,
  normaliseTotpCode,
  recoveryCodesFileName,
  recoveryCodesText,
  secondStepExpired,
  secondStepOf,
  svgDataUri,
} from "./totp";

describe("the login's second step", () => {
  const required = new ApiError({ status: 401, code: "totp_required", challenge: "ch-1", challenge_expires_in_seconds: 300 });

  it("reads the challenge and its expiry from 401 totp_required", () => {
    expect(secondStepOf(required, 1_000)).toEqual({ challenge: "ch-1", expiresAt: 301_000 });
  });

  it("is no second step for other failures or a challenge missing", () => {
    expect(secondStepOf(new ApiError({ status: 401, code: "login_failed" }))).toBeNull();
    expect(secondStepOf(new ApiError({ status: 401, code: "totp_required" }))).toBeNull();
    expect(secondStepOf(new Error("x"))).toBeNull();
  });

  it("takes 300 seconds when the answer does not say", () => {
    expect(secondStepOf(new ApiError({ status: 401, code: "totp_required", challenge: "c" }), 0)?.expiresAt).toBe(300_000);
  });

  it("expires a little before the server's time", () => {
    const step = { challenge: "c", expiresAt: 10_000 };
    expect(secondStepExpired(step, 7_999)).toBe(false);
    expect(secondStepExpired(step, 8_000)).toBe(true);
  });
});

describe("codes as typed", () => {
  it("accepts 6 digits, with spaces or a dash as some apps show them", () => {
    expect(isTotpCode("123456")).toBe(true);
    expect(isTotpCode(" 123 456 ")).toBe(true);
    expect(normaliseTotpCode("123-456")).toBe("123456");
    expect(isTotpCode("12345")).toBe(false);
    expect(isTotpCode("1234567")).toBe(false);
    expect(isTotpCode("12345a")).toBe(false);
  });

  it("accepts a recovery code with or without dashes, in either case", () => {
    expect(isRecoveryCode("abcd-efgh-ijkl-mnop")).toBe(true);
    expect(isRecoveryCode("ABCDEFGHIJKL2345")).toBe(true);
    expect(isRecoveryCode("abcd efgh ijkl mnop")).toBe(true);
    expect(isRecoveryCode("abcd-efgh-ijkl")).toBe(false);
    expect(isRecoveryCode("123456")).toBe(false);
    expect(normaliseRecoveryCode("  ABCD-efgh-IJKL-mnop ")).toBe("abcd-efgh-ijkl-mnop");
  });
});

describe("enrolment", () => {
  it("groups the secret in fours for typing by hand", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(groupSecret("jbswy3dpe==")).toBe("JBSW Y3DP E");
  });

  it("makes the QR code an image URL, UTF-8 intact", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>Kanri 山田</title></svg>';
    const uri = svgDataUri(svg);
    expect(uri.startsWith("data:image/svg+xml;base64,")).toBe(true);
    const bytes = Uint8Array.from(atob(uri.slice(uri.indexOf(",") + 1)), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(svg);
  });

  it("writes the recovery codes one a line under a heading, to a file named for the account", () => {
    expect(recoveryCodesText(["aaaa-bbbb-cccc-dddd", "eeee-ffff-gggg-hhhh"], "Kanri")).toBe("Kanri\n\naaaa-bbbb-cccc-dddd\neeee-ffff-gggg-hhhh\n");
    expect(recoveryCodesFileName("ACME", "taro")).toBe("kanri-recovery-codes-ACME-taro.txt");
    expect(recoveryCodesFileName(null, "ta ro/x")).toBe("kanri-recovery-codes-ta_ro_x.txt");
  });
});
