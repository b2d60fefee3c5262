import { describe, expect, it } from "vitest";
import { tabKeyTarget, treeKeyTarget, type ShownNode } from "./keyboard";

describe("tabKeyTarget (WAI-ARIA tabs)", () => {
  it("moves right and left, wrapping around", () => {
    expect(tabKeyTarget("ArrowRight", 0, 3)).toBe(1);
    expect(tabKeyTarget("ArrowRight", 2, 3)).toBe(0);
    expect(tabKeyTarget("ArrowLeft", 0, 3)).toBe(2);
    expect(tabKeyTarget("ArrowLeft", 2, 3)).toBe(1);
  });
  it("jumps to the first and last tab with Home and End", () => {
    expect(tabKeyTarget("Home", 2, 3)).toBe(0);
    expect(tabKeyTarget("End", 0, 3)).toBe(2);
  });
  it("leaves other keys alone", () => {
    expect(tabKeyTarget("ArrowDown", 0, 3)).toBeNull();
    expect(tabKeyTarget("Enter", 0, 3)).toBeNull();
    expect(tabKeyTarget("ArrowRight", 0, 0)).toBeNull();
  });
});

// Device. (open) > DeviceInfo. (closed, has children), Time. (end node); Other. (closed top node)
const nodes: ShownNode[] = [
  { key: "Device.", parent: null, hasChildren: true, expanded: true },
  { key: "Device.DeviceInfo.", parent: "Device.", hasChildren: true, expanded: false },
  { key: "Device.Time.", parent: "Device.", hasChildren: false, expanded: false },
  { key: "Other.", parent: null, hasChildren: true, expanded: false },
];

describe("treeKeyTarget (WAI-ARIA tree view)", () => {
  it("moves down and up through the shown nodes, stopping at the ends", () => {
    expect(treeKeyTarget("ArrowDown", nodes, "Device.")).toEqual({ focus: "Device.DeviceInfo." });
    expect(treeKeyTarget("ArrowDown", nodes, "Other.")).toEqual({ focus: "Other." });
    expect(treeKeyTarget("ArrowUp", nodes, "Device.Time.")).toEqual({ focus: "Device.DeviceInfo." });
    expect(treeKeyTarget("ArrowUp", nodes, "Device.")).toEqual({ focus: "Device." });
  });
  it("jumps to the first and last shown node with Home and End", () => {
    expect(treeKeyTarget("Home", nodes, "Device.Time.")).toEqual({ focus: "Device." });
    expect(treeKeyTarget("End", nodes, "Device.")).toEqual({ focus: "Other." });
  });
  it("Right opens a closed node, moves into an open one, and does nothing on an end node", () => {
    expect(treeKeyTarget("ArrowRight", nodes, "Device.DeviceInfo.")).toEqual({ expand: "Device.DeviceInfo." });
    expect(treeKeyTarget("ArrowRight", nodes, "Device.")).toEqual({ focus: "Device.DeviceInfo." });
    expect(treeKeyTarget("ArrowRight", nodes, "Device.Time.")).toEqual({});
  });
  it("Left closes an open node, else moves to the parent; a closed top node stays", () => {
    expect(treeKeyTarget("ArrowLeft", nodes, "Device.")).toEqual({ collapse: "Device." });
    expect(treeKeyTarget("ArrowLeft", nodes, "Device.Time.")).toEqual({ focus: "Device." });
    expect(treeKeyTarget("ArrowLeft", nodes, "Device.DeviceInfo.")).toEqual({ focus: "Device." });
    expect(treeKeyTarget("ArrowLeft", nodes, "Other.")).toEqual({});
  });
  it("starts at the first node when the focused one is gone, and ignores other keys", () => {
    expect(treeKeyTarget("ArrowDown", nodes, "Gone.")).toEqual({ focus: "Device." });
    expect(treeKeyTarget("Enter", nodes, "Device.")).toBeNull();
  });
});
