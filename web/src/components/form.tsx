// The console's one way to write a form: react-hook-form with a zod schema (useZodForm), each
// control in a Field that shows its error (useErrorMessage), submitted through submitWith; in
// a dialog, FormDialog. A schema's messages are translation keys (message("validation.required")
// of i18n, checked by tsc) translated when shown. An API error about one of the form's fields is shown
// on that field (showFieldError); anything else above the form.
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, type BaseSyntheticEvent, type ReactNode } from "react";
import {
  useForm,
  type FieldError,
  type FieldValues,
  type Path,
  type SubmitHandler,
  type UseFormProps,
  type UseFormReturn,
} from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { ApiError } from "../api/client";
import { problemField, problemMessageKey, refine, type ProblemCode } from "../api/problems";
import { useSession } from "../auth/session";
import { clearDraft, draftKey, loadDraft, saveDraft, sessionHasEnded } from "../lib/drafts";
import { isTranslationKey } from "../i18n";
import { Button, Dialog, ErrorBanner } from "./ui";

export function useZodForm<S extends z.ZodType<FieldValues>>(
  schema: S,
  options: Omit<UseFormProps<z.infer<S>>, "resolver"> = {},
): UseFormReturn<z.infer<S>> {
  return useForm<z.infer<S>>({ ...options, resolver: zodResolver(schema) });
}

// A field error's text: the translation of a schema's message, or the server's own words.
export function useErrorMessage(): (error: Pick<FieldError, "message"> | undefined) => string | undefined {
  const { t, i18n } = useTranslation();
  return (error) => {
    const text = error?.message;
    if (!text) return undefined;
    return isTranslationKey(i18n, text) ? t(text) : text;
  };
}

// The form's onSubmit: validates, then hands the values to `submit`.
export function submitWith<V extends FieldValues>(form: UseFormReturn<V>, submit: SubmitHandler<V>) {
  return (event?: BaseSyntheticEvent) => void form.handleSubmit(submit)(event);
}

// An API error about one of `fields` (its problem's "field", or the field its code implies:
// login_taken -> login), shown on that field in the reader's language (api/problems.ts; the
// server's detail only when the console has no message); says whether it was. `aliases` reads
// a generic code as the precise one it means on this form ({ conflict: "login_taken" }).
export function showFieldError<V extends FieldValues>(
  form: UseFormReturn<V>,
  error: unknown,
  fields: ReadonlyArray<Path<V>>,
  aliases: Partial<Record<string, ProblemCode>> = {},
): boolean {
  if (!(error instanceof ApiError)) return false;
  const problem = refine(error, aliases);
  if (!problem.field || !(fields as readonly string[]).includes(problem.field)) return false;
  form.setError(problem.field as Path<V>, { message: problemMessageKey(problem) ?? error.detail });
  return true;
}

// The error for the banner above a form: none when it is shown on one of `fields`.
export function bannerError(error: unknown, fields: readonly string[], aliases: Partial<Record<string, ProblemCode>> = {}): unknown {
  if (!(error instanceof ApiError)) return error;
  const field = problemField(refine(error, aliases));
  return field && fields.includes(field) ? null : error;
}

// Issue 18: keeps the form's draft (lib/drafts.ts) under `name` while it is shown, and fills
// the form from it when shown again, so a session that ends does not lose what was typed.
// Secret fields (passwords and the like, and `secretFields`) are never kept.
export function useFormDraft<V extends FieldValues>(form: UseFormReturn<V>, name: string | undefined, secretFields: readonly string[] = []) {
  const { session } = useSession();
  const key = name && session ? draftKey(session.account.id, name) : null;
  const secret = secretFields.join(",");
  // The form's methods are stable; the object holding them is not (react-hook-form).
  const { reset, getValues, watch } = form;
  useEffect(() => {
    if (!key) return;
    const secrets = secret ? secret.split(",") : [];
    const draft = loadDraft(key);
    if (draft) reset({ ...getValues(), ...draft }, { keepDefaultValues: true });
    const subscription = watch((values) => saveDraft(key, values, secrets));
    return () => {
      subscription.unsubscribe();
      // Closed, submitted or left while logged in: nothing to restore. Ended with the session: kept.
      if (!sessionHasEnded()) clearDraft(key);
    };
  }, [reset, getValues, watch, key, secret]);
}

// A form in a dialog: Cancel and the submit button in the footer, the error (unless it is
// about one of `errorFields`, or `banner` replaces it) above the fields.
export function FormDialog<V extends FieldValues>({
  form,
  title,
  submitLabel,
  onSubmit,
  onClose,
  busy,
  error,
  errorFields = [],
  banner,
  wide,
  layout = "grid",
  submitVariant = "primary",
  submitIcon,
  submitDisabled,
  draft,
  draftSecretFields,
  children,
}: {
  form: UseFormReturn<V>;
  title: string;
  submitLabel: string;
  onSubmit: SubmitHandler<V>;
  onClose: () => void;
  busy?: boolean;
  error?: unknown;
  errorFields?: readonly string[];
  banner?: ReactNode;
  wide?: boolean;
  layout?: "grid" | "stack";
  submitVariant?: "primary" | "danger";
  submitIcon?: string;
  submitDisabled?: boolean;
  // Issue 18: the form's name for its draft (kept while the dialog is open, restored after a
  // re-login); secret fields besides those named like passwords are listed in draftSecretFields.
  draft?: string;
  draftSecretFields?: readonly string[];
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  useFormDraft(form, draft, draftSecretFields);
  return (
    <Dialog
      open
      wide={wide}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" form={id} variant={submitVariant} icon={submitIcon} busy={busy} disabled={submitDisabled}>
            {submitLabel}
          </Button>
        </>
      }
    >
      {banner ?? <ErrorBanner error={bannerError(error, errorFields)} />}
      <form id={id} className={layout === "grid" ? "form-grid" : "form-stack"} onSubmit={submitWith(form, onSubmit)} noValidate>
        {children}
      </form>
    </Dialog>
  );
}
