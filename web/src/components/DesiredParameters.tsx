// DEV-7: desired parameters (a profile's, a device's overrides) as rows of path and value,
// each labelled with its data model (TR-181 Device., TR-098 InternetGatewayDevice.): a table to
// read, and an editor (add, edit, remove rows) whose mistakes are shown on their row before
// anything is sent, and the server's refusal too, in the reader's language.
import { useId } from "react";
import { useFieldArray, type FieldValues, type UseFormReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../api/client";
import { message } from "../i18n";
import { dataModelOf, duplicateRows, MAX_PARAMETERS, modelCounts, parameterRows, pathProblem, PLACEHOLDERS, rowNamedIn, unknownPlaceholder, valueProblem, type ParameterRow } from "../lib/desiredState";
import { BreakAtDots } from "./BreakAtDots";
import { useErrorMessage } from "./form";
import { Badge, Button, EmptyState, Input } from "./ui";

// The rows' schema: each row's path and value as the server checks them, a path once.
export const parameterRowsSchema = z
  .array(z.object({ path: z.string(), value: z.string() }))
  .max(MAX_PARAMETERS, message("desired.tooMany"))
  .superRefine((rows, ctx) => {
    rows.forEach((row, i) => {
      if (!row.path.trim() && !row.value) return; // an empty row is dropped
      const path = pathProblem(row.path);
      if (path) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, "path"], message: path });
      const value = valueProblem(row.value);
      if (value) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, "value"], message: value });
    });
    for (const i of duplicateRows(rows)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, "path"], message: message("desired.duplicate") });
  });

// The form the editor works in: its rows under `parameters`.
export interface WithParameterRows extends FieldValues {
  parameters: ParameterRow[];
}

// The server's refusal of the map (400, field "parameters") on the row it names, else on the
// first row; says whether it was shown.
export function showParametersError<V extends WithParameterRows>(form: UseFormReturn<V>, error: unknown): boolean {
  if (!(error instanceof ApiError) || error.field !== "parameters") return false;
  const f = form as unknown as UseFormReturn<WithParameterRows>;
  const rows = f.getValues("parameters");
  const i = Math.max(0, rowNamedIn(error.detail ?? "", rows));
  const placeholder = rows[i] ? unknownPlaceholder(rows[i].value) : null;
  if (placeholder) f.setError(`parameters.${i}.value`, { message: message("desired.unknownPlaceholder") });
  else f.setError(`parameters.${i}.path`, { message: message("desired.refused") });
  return true;
}

function ModelBadge({ path }: { path: string }) {
  const model = dataModelOf(path.trim());
  return <Badge tone={model ? "info" : "neutral"}>{model === "tr098" ? "TR-098" : model === "tr181" ? "TR-181" : "—"}</Badge>;
}

// "TR-181（Device.）3 件 · TR-098（InternetGatewayDevice.）1 件"
function ModelSummary({ rows }: { rows: readonly ParameterRow[] }) {
  const { t } = useTranslation();
  const counts = modelCounts(rows);
  return <p className="muted">{t("desired.modelCounts", { tr181: counts.tr181, tr098: counts.tr098 })}</p>;
}

export function PlaceholderHint() {
  const { t } = useTranslation();
  return <p className="field-hint">{t("desired.placeholderHint", { placeholders: PLACEHOLDERS.join(" ") })}</p>;
}

// The rows to read (no permission to change them); a secret's value is never shown.
export function DesiredParametersTable({ parameters, caption }: { parameters: Record<string, string>; caption: string }) {
  const { t } = useTranslation();
  const rows = parameterRows(parameters);
  if (rows.length === 0) return <EmptyState icon="profile" title={t("desired.none")} />;
  return (
    <div className="stack-sm">
      <ModelSummary rows={rows} />
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("desired.dataModel")}</th>
              <th scope="col">{t("desired.path")}</th>
              <th scope="col">{t("desired.value")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.path}>
                <td>
                  <ModelBadge path={row.path} />
                </td>
                <td className="param-path">
                  <BreakAtDots text={row.path} />
                </td>
                <td className="param-value">{row.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

// The rows to edit, in `form` (its `parameters`); a new row starts with the root `root` (the
// device's own data model, for overrides).
export function DesiredParametersEditor<V extends WithParameterRows>({ form, caption, root = "Device." }: { form: UseFormReturn<V>; caption: string; root?: string }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const id = useId();
  const f = form as unknown as UseFormReturn<WithParameterRows>;
  const { fields, append, remove } = useFieldArray({ control: f.control, name: "parameters" });
  const rows = f.watch("parameters");
  const errors = f.formState.errors.parameters;
  return (
    <div className="stack-sm">
      <ModelSummary rows={rows} />
      <div className="table-wrap">
        <table className="table desired-table">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("desired.dataModel")}</th>
              <th scope="col">{t("desired.path")}</th>
              <th scope="col">{t("desired.value")}</th>
              <th scope="col">
                <span className="sr-only">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {fields.length === 0 ? (
              <tr>
                <td colSpan={4} className="table-empty">
                  {t("desired.none")}
                </td>
              </tr>
            ) : null}
            {fields.map((field, i) => {
              const pathError = errorText(errors?.[i]?.path);
              const valueError = errorText(errors?.[i]?.value);
              const n = i + 1;
              return (
                <tr key={field.id}>
                  <td className="desired-model">
                    <ModelBadge path={rows[i]?.path ?? ""} />
                  </td>
                  <td className={pathError ? "desired-path field-invalid" : "desired-path"}>
                    <Input
                      className="mono"
                      aria-label={t("desired.pathOfRow", { n })}
                      aria-invalid={pathError ? true : undefined}
                      aria-describedby={pathError ? `${id}-${i}-path` : undefined}
                      spellCheck={false}
                      {...f.register(`parameters.${i}.path`)}
                    />
                    {pathError ? (
                      <p className="field-error" id={`${id}-${i}-path`}>
                        {pathError}
                      </p>
                    ) : null}
                  </td>
                  <td className={valueError ? "field-invalid" : undefined}>
                    <Input
                      aria-label={t("desired.valueOfRow", { n })}
                      aria-invalid={valueError ? true : undefined}
                      aria-describedby={valueError ? `${id}-${i}-value` : undefined}
                      spellCheck={false}
                      {...f.register(`parameters.${i}.value`)}
                    />
                    {valueError ? (
                      <p className="field-error" id={`${id}-${i}-value`}>
                        {valueError}
                      </p>
                    ) : null}
                  </td>
                  <td className="col-actions">
                    <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => remove(i)} aria-label={t("desired.removeRow", { n })} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {errors?.root?.message || errors?.message ? <p className="field-error">{errorText(errors.root ?? errors)}</p> : null}
      <div className="row">
        <Button className="btn-sm" icon="plus" onClick={() => append({ path: root, value: "" })}>
          {t("desired.addRow")}
        </Button>
      </div>
      <PlaceholderHint />
    </div>
  );
}
