import { createI18n } from "../i18n";
import { describeFilter, deviceFilterOf, filterParts, filterSearch } from "./deviceFilter";

const ja = createI18n("ja").t;
const en = createI18n("en").t;

describe("the device list's filter in words (issue 18)", () => {
  it("reads a job's filter, keeping only known conditions of the right type", () => {
    expect(deviceFilterOf(null)).toBeNull();
    expect(deviceFilterOf([])).toBeNull();
    expect(deviceFilterOf({})).toEqual({});
    expect(deviceFilterOf({ q: "BLK", online: true, tag: "", model: 7, extra: "x", group_id: "g1" })).toEqual({ q: "BLK", online: true, group_id: "g1" });
  });

  it("names each condition in the reader's language, a profile and a group by name", () => {
    const names = { profiles: [{ id: "p1", name: "標準仕向け" }], groups: [{ id: "g1", name: "本社" }] };
    const filter = { q: "BLK", online: false, profile_id: "p1", group_id: "g1", model: "HG-1", software_version: "2.3", tag: "east" };
    expect(describeFilter(filter, ja, names)).toBe("検索: BLK · 状態: オフライン · 仕向け: 標準仕向け · グループ: 本社 · 機種: HG-1 · ファームウェア: 2.3 · タグ: east");
    expect(filterParts({ online: true }, en).map((p) => `${p.label}=${p.value}`)).toEqual(["Status=Online"]);
    expect(describeFilter({}, ja)).toBe("");
    expect(describeFilter(null, ja)).toBe("");
  });

  it("says a group deleted since, and shows an ID whose names are not known", () => {
    expect(describeFilter({ group_id: "gone" }, ja, { groups: [] })).toBe("グループ: （削除済み）");
    expect(describeFilter({ group_id: "gone" }, en, { groups: [] })).toBe("Group: (deleted)");
    expect(describeFilter({ profile_id: "p9" }, ja)).toBe("仕向け: p9");
  });

  it("reads, names and opens DEV-7's compliance state", () => {
    expect(deviceFilterOf({ compliance: "drift" })).toEqual({ compliance: "drift" });
    expect(deviceFilterOf({ compliance: "broken" })).toEqual({});
    expect(describeFilter({ profile_id: "p1", compliance: "drift" }, ja, { profiles: [{ id: "p1", name: "標準" }] })).toBe("仕向け: 標準 · 準拠状況: 不一致");
    expect(describeFilter({ compliance: "in_sync" }, en)).toBe("Compliance: In sync");
    expect(filterSearch({ profile_id: "p1", compliance: "pending" })).toBe("profile_id=p1&compliance=pending");
  });

  it("opens the device list on the same filter", () => {
    expect(filterSearch({ q: "BLK 1", online: false, tag: "east" })).toBe("q=BLK+1&tag=east&online=false");
    expect(filterSearch({})).toBe("");
  });
});
