// Issue 18: the tabs and the parameter tree as WAI-ARIA's patterns, in the DOM; parameter
// names that break at their dots.
import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { I18nextProvider } from "react-i18next";
import type { Parameter } from "../api/types";
import { createI18n } from "../i18n";
import { buildTree } from "../lib/paramTree";
import { BreakAtDots } from "./BreakAtDots";
import { ParameterTree } from "./ParameterTree";
import { Tabs } from "./Tabs";

function TabsHarness() {
  const [tab, setTab] = useState<"a" | "b" | "c">("a");
  return (
    <>
      <Tabs label="t" tabs={[{ id: "a", label: "A" }, { id: "b", label: "B" }, { id: "c", label: "C" }]} selected={tab} onSelect={setTab} />
      <p data-testid="shown">{tab}</p>
    </>
  );
}

describe("Tabs", () => {
  it("has one tab stop and moves with the arrows, Home and End", () => {
    render(<TabsHarness />);
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    tabs[0]!.focus();
    fireEvent.keyDown(tabs[0]!, { key: "ArrowRight" });
    expect(screen.getByTestId("shown").textContent).toBe("b");
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "B" }));
    expect(screen.getAllByRole("tab").map((t) => t.tabIndex)).toEqual([-1, 0, -1]);
    fireEvent.keyDown(document.activeElement!, { key: "End" });
    expect(screen.getByTestId("shown").textContent).toBe("c");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" });
    expect(screen.getByTestId("shown").textContent).toBe("a");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowLeft" });
    expect(screen.getByTestId("shown").textContent).toBe("c");
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    expect(screen.getByTestId("shown").textContent).toBe("a");
    expect(screen.getByRole("tab", { name: "A" }).getAttribute("aria-selected")).toBe("true");
  });
});

const param = (path: string): Parameter => ({ path, value: "", type: "string", writable: false });
const params = ["Device.", "Device.DeviceInfo.", "Device.DeviceInfo.SerialNumber", "Device.DeviceInfo.Memory.", "Device.DeviceInfo.Memory.Total", "Device.Time.", "Device.Time.NTPServer1"].map(param);

function TreeHarness() {
  const [selected, setSelected] = useState("Device.");
  return (
    <I18nextProvider i18n={createI18n("ja")}>
      <ParameterTree nodes={buildTree(params)} selected={selected} onSelect={setSelected} />
      <p data-testid="selected">{selected}</p>
    </I18nextProvider>
  );
}

describe("ParameterTree", () => {
  it("moves, opens and closes with the keys; the selection follows the focus", () => {
    render(<TreeHarness />);
    const item = (name: string) => screen.getByRole("treeitem", { name });
    const key = (k: string) => fireEvent.keyDown(document.activeElement!, { key: k });
    expect(item("Device").tabIndex).toBe(0);
    expect(item("DeviceInfo").tabIndex).toBe(-1);
    item("Device").focus();
    key("ArrowDown");
    expect(document.activeElement).toBe(item("DeviceInfo"));
    expect(screen.getByTestId("selected").textContent).toBe("Device.DeviceInfo.");
    // Moving onto it does not open it; Right opens it and then moves into it, Left goes back
    // to it and then closes it.
    expect(item("DeviceInfo").getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("treeitem", { name: "Memory" })).toBeNull();
    key("ArrowRight");
    expect(item("DeviceInfo").getAttribute("aria-expanded")).toBe("true");
    key("ArrowRight");
    expect(document.activeElement).toBe(item("Memory"));
    expect(item("Memory").getAttribute("aria-level")).toBe("3");
    key("ArrowLeft");
    expect(document.activeElement).toBe(item("DeviceInfo"));
    key("ArrowLeft");
    expect(item("DeviceInfo").getAttribute("aria-expanded")).toBe("false");
    key("ArrowRight");
    key("End");
    expect(document.activeElement).toBe(item("Time"));
    key("Home");
    expect(document.activeElement).toBe(item("Device"));
    expect(item("Device").getAttribute("aria-selected")).toBe("true");
  });
});

describe("BreakAtDots", () => {
  it("puts a <wbr> after each dot and keeps the text", () => {
    const { container } = render(<BreakAtDots text="Device.WiFi.SSID.1.SSID" />);
    expect(container.textContent).toBe("Device.WiFi.SSID.1.SSID");
    expect(container.querySelectorAll("wbr")).toHaveLength(4);
  });
});
