// The parts both notice forms of the provider (a maintenance window, OPS-1; an incident, OPS-2)
// share: who the notice is for (every company, or the ones chosen), and its title and body in
// Japanese and English (the console and the mails speak both). The checks are lib/serviceNotices'.
import { useId } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { message } from "../i18n";
import { bodyProblem, titleProblem } from "../lib/serviceNotices";
import { useCompanies } from "../resources/companies";
import { Field, Input } from "./ui";

// The form values of the shared fields.
export const noticeFieldsSchema = z.object({
  scope: z.enum(["all", "companies"]),
  companies: z.array(z.string()),
  title_ja: z.string(),
  title_en: z.string(),
  body_ja: z.string(),
  body_en: z.string(),
});
export type NoticeFields = z.infer<typeof noticeFieldsSchema>;

// Adds the shared fields' problems to a form schema's refinement.
export function checkNoticeFields(v: NoticeFields, ctx: z.RefinementCtx, bodyRequired = false) {
  const problems = [
    ["companies", v.scope === "companies" && v.companies.length === 0 ? "serviceNotices.errors.noCompany" : null],
    ["title_ja", titleProblem(v.title_ja)],
    ["title_en", titleProblem(v.title_en)],
    ["body_ja", bodyProblem(v.body_ja, bodyRequired)],
    ["body_en", bodyProblem(v.body_en, bodyRequired)],
  ] as const;
  for (const [path, problem] of problems) if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: message(problem) });
}

// The form's values of a notice's scope: "all", or the IDs of its companies.
export function scopeFields(scope: "all" | readonly string[]): Pick<NoticeFields, "scope" | "companies"> {
  return scope === "all" ? { scope: "all", companies: [] } : { scope: "companies", companies: [...scope] };
}

// "All companies", or a choice among the companies (in the provider's list, by company ID).
export function ScopeFields({
  all,
  onAll,
  chosen,
  onChosen,
  error,
  disabled,
  hint,
}: {
  all: boolean;
  onAll: (all: boolean) => void;
  chosen: readonly string[];
  onChosen: (ids: string[]) => void;
  error?: string;
  disabled?: boolean;
  hint?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const companies = useCompanies({ enabled: !all });
  const toggle = (companyId: string, on: boolean) => onChosen(on ? [...chosen, companyId] : chosen.filter((c) => c !== companyId));
  return (
    <fieldset className="span-2" disabled={disabled} aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}>
      <legend>{t("serviceNotices.scope")}</legend>
      <div className="choice-list">
        <label className="checkbox">
          <input type="radio" name={`${id}-scope`} checked={all} onChange={() => onAll(true)} />
          <span>{t("serviceNotices.scopeAll")}</span>
        </label>
        <label className="checkbox">
          <input type="radio" name={`${id}-scope`} checked={!all} onChange={() => onAll(false)} />
          <span>{t("serviceNotices.scopeCompanies")}</span>
        </label>
      </div>
      {all ? null : companies.isLoading ? (
        <p className="muted">{t("common.loading")}</p>
      ) : companies.error ? (
        <p className="field-error">{t("serviceNotices.companiesUnavailable")}</p>
      ) : (
        <div className="checkbox-list scope-companies" role="group" aria-label={t("serviceNotices.scopeCompanies")}>
          {(companies.data ?? []).map((c) => (
            <label key={c.id} className="checkbox">
              <input type="checkbox" checked={chosen.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
              <span>{c.name}</span>
              <span className="cell-sub mono">{c.code}</span>
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}

type TextName = "title_ja" | "title_en" | "body_ja" | "body_en";

// The title and body in both languages, Japanese on the left.
export function NoticeTextFields({
  register,
  errors,
  bodyRequired = false,
  bodyHint,
}: {
  register: (name: TextName) => UseFormRegisterReturn;
  errors: Partial<Record<TextName, string | undefined>>;
  bodyRequired?: boolean;
  bodyHint?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t("serviceNotices.titleJa")} required error={errors.title_ja}>
        {(p) => <Input {...p} lang="ja" autoComplete="off" {...register("title_ja")} />}
      </Field>
      <Field label={t("serviceNotices.titleEn")} required error={errors.title_en}>
        {(p) => <Input {...p} lang="en" autoComplete="off" {...register("title_en")} />}
      </Field>
      <Field label={t("serviceNotices.bodyJa")} required={bodyRequired} error={errors.body_ja} hint={bodyHint}>
        {(p) => <textarea {...p} lang="ja" className="input input-prose" rows={4} {...register("body_ja")} />}
      </Field>
      <Field label={t("serviceNotices.bodyEn")} required={bodyRequired} error={errors.body_en} hint={bodyHint}>
        {(p) => <textarea {...p} lang="en" className="input input-prose" rows={4} {...register("body_en")} />}
      </Field>
    </>
  );
}
