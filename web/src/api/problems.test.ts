import { createI18n } from "../i18n";
import { en } from "../i18n/en";
import { ja } from "../i18n/ja";
import { PROBLEM_CODES, PROBLEM_MESSAGES, problemMessageKey, refine } from "./problems";

describe("problem messages", () => {
  it("has a non-empty Japanese and English message for every code the API can answer", () => {
    const jaI18n = createI18n("ja");
    const enI18n = createI18n("en");
    const untranslated = PROBLEM_CODES.filter((code) => {
      const key = problemMessageKey({ code });
      if (!key) return true;
      const jaText = jaI18n.t(key);
      const enText = enI18n.t(key);
      // Japanese text has Japanese in it; the English one is not the Japanese one.
      return !jaText.trim() || !enText.trim() || jaText === key || enText === key || !/[ぁ-んァ-ヶ一-龠]/.test(jaText) || enText === jaText;
    });
    expect(untranslated).toEqual([]);
    for (const code of PROBLEM_CODES) {
      expect(PROBLEM_MESSAGES.ja[code].length).toBeGreaterThan(0);
      expect(PROBLEM_MESSAGES.en[code].length).toBeGreaterThan(0);
    }
  });

  it("has a message in both languages for every field rule", () => {
    const fields = Object.keys(ja.problemFields) as Array<keyof typeof ja.problemFields>;
    expect(fields.length).toBeGreaterThan(20);
    for (const f of fields) {
      expect(ja.problemFields[f].trim()).not.toBe("");
      expect(en.problemFields[f].trim()).not.toBe("");
      expect(en.problemFields[f]).not.toBe(ja.problemFields[f]);
    }
  });

  it("reads invalid_request by its field, the rest by their code, and nothing it does not know", () => {
    expect(problemMessageKey({ code: "invalid_request", field: "contract_end" })).toBe("problemFields.contract_end");
    expect(problemMessageKey({ code: "invalid_request", field: "filter.tag" })).toBe("problemFields.filter_tag");
    expect(problemMessageKey({ code: "invalid_request", field: "match.oui" })).toBe("problemFields.oui");
    expect(problemMessageKey({ code: "invalid_request", field: "no_such_field" })).toBe("errors.invalid_request");
    expect(problemMessageKey({ code: "invalid_request" })).toBe("errors.invalid_request");
    expect(problemMessageKey({ code: "login_taken", field: "login" })).toBe("errors.login_taken");
    expect(problemMessageKey({ code: "brand_new_code" })).toBeNull();
    // Not a text: a section of texts.
    expect(problemMessageKey({ code: "invalid_request", field: "" })).toBe("errors.invalid_request");
    expect(createI18n("ja").t("problemFields.password")).toContain("8〜128 文字");
    expect(createI18n("en").t("problemFields.tag")).toContain("no spaces, commas or slashes");
  });

  it("puts a code on the field it implies, and reads a screen's generic code as the precise one", () => {
    expect(refine({ code: "login_taken" })).toEqual({ code: "login_taken", field: "login" });
    expect(refine({ code: "conflict" }, { conflict: "login_taken" })).toEqual({ code: "login_taken", field: "login" });
    expect(refine({ code: "conflict" })).toEqual({ code: "conflict", field: undefined });
    expect(refine({ code: "invalid_request", field: "email" })).toEqual({ code: "invalid_request", field: "email" });
  });
});
