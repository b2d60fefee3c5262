import { createI18n, LANGUAGE_STORAGE_KEY, storedLanguage, switchLanguage } from ".";
import { en } from "./en";
import { ja } from "./ja";

function keysOf(o: object, prefix = ""): string[] {
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
    v && typeof v === "object" ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function textOf(o: object, key: string): string {
  const v = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], o);
  return typeof v === "string" ? v : "";
}

describe("i18n", () => {
  it("is Japanese unless English was chosen", () => {
    expect(storedLanguage()).toBe("ja");
    localStorage.setItem(LANGUAGE_STORAGE_KEY, "en");
    expect(storedLanguage()).toBe("en");
    localStorage.setItem(LANGUAGE_STORAGE_KEY, "fr");
    expect(storedLanguage()).toBe("ja");
  });
  it("remembers the switch", () => {
    const i18n = createI18n("ja");
    expect(i18n.t("login.submit")).toBe("ログイン");
    switchLanguage(i18n, "en");
    expect(i18n.t("login.submit")).toBe("Log in");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("en");
    expect(document.documentElement.lang).toBe("en");
  });
  it("falls back to Japanese for a key English lacks, never to the bare key", () => {
    const i18n = createI18n("en");
    i18n.addResource("ja", "translation", "only.ja", "日本語だけ");
    // A key the types do not know, on purpose.
    const untyped = i18n.t as unknown as (key: string) => string;
    expect(untyped("only.ja")).toBe("日本語だけ");
  });
  it("translates every Japanese key into English", () => {
    const missing = keysOf(ja).filter((k) => !keysOf(en).includes(k));
    expect(missing).toEqual([]);
  });
  it("interpolates counts", () => {
    expect(createI18n("ja").t("devices.queued", { count: 3 })).toBe("3 件のタスクを登録しました");
    expect(createI18n("en").t("common.selected", { count: 2 })).toBe("2 selected");
  });
  it("calls retiring a device 撤去 wherever it is mentioned, never 廃止 (issue 18)", () => {
    const retiring = keysOf(en).filter((k) => /\bretir/i.test(textOf(en, k)));
    expect(retiring.length).toBeGreaterThan(5);
    expect(retiring.filter((k) => !textOf(ja, k).includes("撤去"))).toEqual([]);
    expect(keysOf(ja).filter((k) => textOf(ja, k).includes("廃止"))).toEqual([]);
  });
});
