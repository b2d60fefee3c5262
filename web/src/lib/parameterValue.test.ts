import { describe, expect, it } from "vitest";
import { isValidXsdValue, parameterValueProblem } from "./parameterValue";

// The same cases as the server's (src/devices/parameter_value_test.cpp): the form and the API agree.
const CASES: Array<[string, string[], string[]]> = [
  ["unsignedInt", ["0", "300", "4294967295", "+7", "007"], ["abc", "-1", "4294967296", "", " 1", "1.5", "1e3"]],
  ["int", ["-2147483648", "2147483647", "0", "-1"], ["2147483648", "x", "", "--1", "+-1"]],
  ["long", ["-9223372036854775808", "9223372036854775807"], ["9223372036854775808", "1,000"]],
  ["unsignedLong", ["18446744073709551615", "0"], ["18446744073709551616", "-5"]],
  ["boolean", ["true", "false", "0", "1"], ["yes", "TRUE", "", "2"]],
  [
    "dateTime",
    ["2025-04-01T09:00:00Z", "2025-04-01T09:00:00", "2025-04-01T09:00:00.123+09:00", "0001-01-01T00:00:00Z"],
    ["2025-04-01", "2025-13-01T00:00:00Z", "2025-04-01 09:00:00", "tomorrow", "2025-04-01T09:00:00+0900"],
  ],
  ["base64", ["", "QUJD", "QUI=", "QQ=="], ["QUJ", "Q===", "QU*D"]],
  ["hexBinary", ["", "00ff", "A0b1"], ["0", "zz", "0x00"]],
  ["string", ["", "anything at all", "東京"], []],
  ["", ["abc", "-1"], []],
];

describe("parameter values (DEV-3)", () => {
  it.each(CASES)("%s", (type, valid, invalid) => {
    for (const v of valid) expect(isValidXsdValue(type, v), `${type} '${v}'`).toBe(true);
    for (const v of invalid) expect(isValidXsdValue(type, v), `${type} '${v}'`).toBe(false);
  });

  it("names what is wrong: read-only first, then the type", () => {
    expect(parameterValueProblem({ type: "unsignedInt", writable: true }, "abc")).toBe("parameterValue.unsigned");
    expect(parameterValueProblem({ type: "unsignedInt", writable: false }, "5")).toBe("parameterValue.notWritable");
    expect(parameterValueProblem({ type: "unsignedInt", writable: null }, "5")).toBeNull();
    expect(parameterValueProblem({ type: "", writable: null }, "abc")).toBeNull();
  });
});
