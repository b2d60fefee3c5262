import { describe, expect, it } from "vitest";
import { chunks, knownCursor, pageFromParam, searchForPage, withCursor } from "./paging";

describe("the device list's page in the URL", () => {
  it("reads ?page= as a whole number from 1", () => {
    expect(pageFromParam(null)).toBe(1);
    expect(pageFromParam("3")).toBe(3);
    expect(pageFromParam("0")).toBe(1);
    expect(pageFromParam("-2")).toBe(1);
    expect(pageFromParam("2.5")).toBe(1);
    expect(pageFromParam("abc")).toBe(1);
  });
  it("keeps the cursors of the pages seen in the history state", () => {
    expect(knownCursor(null, 1)).toBeNull();
    expect(knownCursor(null, 2)).toBeUndefined();
    const s = withCursor(withCursor({ other: 1 }, 2, "c2"), 3, "c3");
    expect(s).toEqual({ other: 1, pageCursors: { "2": "c2", "3": "c3" } });
    expect(knownCursor(s, 3)).toBe("c3");
    expect(knownCursor(s, 4)).toBeUndefined();
    // The first page needs none, and an unknown cursor is not kept.
    expect(withCursor(null, 1, "x")).toEqual({ pageCursors: {} });
    expect(withCursor(null, 2, undefined)).toEqual({ pageCursors: {} });
  });
  it("writes the page into the search, the first page as none", () => {
    expect(searchForPage(new URLSearchParams("q=SIM&sort=model"), 2)).toBe("q=SIM&sort=model&page=2");
    expect(searchForPage(new URLSearchParams("q=SIM&page=2"), 1)).toBe("q=SIM");
  });
  it("reads the items before a page in as few requests as the API allows", () => {
    expect(chunks(0, 200)).toEqual([]);
    expect(chunks(50, 200)).toEqual([50]);
    expect(chunks(450, 200)).toEqual([200, 200, 50]);
  });
});
