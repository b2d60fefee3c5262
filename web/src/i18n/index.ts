// Japanese by default; English on a switch the browser remembers (localStorage).
// Keys are typed (i18next.d.ts): English has every Japanese key; a key added at run time and
// missing in English still falls back to Japanese, never to a bare key.
import i18next, { type i18n as I18n, type ParseKeys } from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { ja } from "./ja";

export const LANGUAGES = ["ja", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_STORAGE_KEY = "kanri.language";

// A key of the console's translations, for code that passes one on to be translated later.
export type TranslationKey = ParseKeys;

// A translation key kept as text, translated when shown (a form schema's message, checked by tsc).
export function message(key: TranslationKey): string {
  return key;
}

// Whether a key built from the server's data ("errors." + a problem's code) is one of ours.
export function isTranslationKey(instance: Pick<I18n, "exists">, key: string): key is TranslationKey {
  return instance.exists(key);
}

export function storedLanguage(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): Language {
  try {
    const v = storage?.getItem(LANGUAGE_STORAGE_KEY);
    return v === "en" ? "en" : "ja";
  } catch {
    return "ja";
  }
}

export function createI18n(lng: Language = storedLanguage()): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: "ja",
    supportedLngs: [...LANGUAGES],
    // Copies: i18next writes added resources into these objects.
    resources: { ja: { translation: structuredClone(ja) }, en: { translation: structuredClone(en) } },
    interpolation: { escapeValue: false },
    returnNull: false,
    initImmediate: false,
  });
  return instance;
}

export function switchLanguage(instance: I18n, lng: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
  } catch {
    // Private mode: the switch still works for this page.
  }
  void instance.changeLanguage(lng);
  document.documentElement.lang = lng;
}
