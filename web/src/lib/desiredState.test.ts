import { complianceParam, dataModelOf, duplicateRows, modelCounts, parameterMap, parameterRows, pathProblem, rowNamedIn, unknownPlaceholder, valueProblem } from "./desiredState";

describe("desired parameters (DEV-7)", () => {
  it("tells a path's data model by its root", () => {
    expect(dataModelOf("Device.WiFi.SSID.1.SSID")).toBe("tr181");
    expect(dataModelOf("InternetGatewayDevice.ManagementServer.PeriodicInformInterval")).toBe("tr098");
    expect(dataModelOf("Devices.X")).toBeNull();
  });

  it("lists TR-181 rows first, then TR-098, each by path, and counts them", () => {
    const rows = parameterRows({ "InternetGatewayDevice.B": "2", "Device.Z": "z", "Device.A": "a" });
    expect(rows.map((r) => r.path)).toEqual(["Device.A", "Device.Z", "InternetGatewayDevice.B"]);
    expect(modelCounts(rows)).toEqual({ tr181: 2, tr098: 1 });
    expect(modelCounts([{ path: "Device.", value: "" }, { path: "x", value: "" }])).toEqual({ tr181: 1, tr098: 0 });
  });

  it("sends the rows as a map, trimming paths and dropping wholly empty rows", () => {
    expect(parameterMap([{ path: " Device.A ", value: " v " }, { path: "", value: "" }, { path: "InternetGatewayDevice.B", value: "" }])).toEqual({
      "Device.A": " v ",
      "InternetGatewayDevice.B": "",
    });
  });

  it("checks a path as the server does", () => {
    expect(pathProblem("")).toBe("desired.pathRequired");
    expect(pathProblem("  ")).toBe("desired.pathRequired");
    expect(pathProblem("Device.WiFi.SSID.1.SSID")).toBeNull();
    expect(pathProblem("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID")).toBeNull();
    for (const bad of ["WiFi.SSID", "Device.WiFi.", "Device..X", "Device.Wi Fi", "Device.ＳＳＩＤ", "Device." + "x".repeat(256)]) expect(pathProblem(bad)).toBe("desired.pathInvalid");
  });

  it("knows the placeholders {serial_number}, {oui} and {product_class} and refuses any other", () => {
    expect(unknownPlaceholder("shop-{serial_number}-{oui}-{product_class}")).toBeNull();
    expect(unknownPlaceholder("shop-{serial}")).toBe("{serial}");
    expect(unknownPlaceholder("{serial_number}{")).toBe("{");
    expect(unknownPlaceholder("a}b")).toBeNull();
    expect(valueProblem("shop-{serial_number}")).toBeNull();
    expect(valueProblem("shop-{Serial_Number}")).toBe("desired.unknownPlaceholder");
    expect(valueProblem("あ".repeat(1365))).toBeNull();
    expect(valueProblem("あ".repeat(1366))).toBe("desired.valueTooLong");
  });

  it("finds a path given twice, and the row a server's refusal names", () => {
    const rows = [
      { path: "Device.A", value: "1" },
      { path: "Device.AB", value: "2" },
      { path: " Device.A", value: "3" },
      { path: "", value: "" },
    ];
    expect(duplicateRows(rows)).toEqual([2]);
    expect(rowNamedIn("the value of Device.AB must be at most 4096 bytes of text", rows)).toBe(1);
    expect(rowNamedIn("'Device.A' is not a parameter path", rows)).toBe(0);
    expect(rowNamedIn("at most 1000 parameters", rows)).toBe(-1);
  });

  it("reads a compliance state from the URL", () => {
    expect(complianceParam("drift")).toBe("drift");
    expect(complianceParam("in_sync")).toBe("in_sync");
    expect(complianceParam("none")).toBeNull();
    expect(complianceParam(null)).toBeNull();
  });
});
