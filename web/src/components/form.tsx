// The console's one way to write a form: react-hook-form with a zod schema (useZodForm), each
// control in a Field that shows its error (useErrorMessage), submitted through submitWith; in
// a dialog, FormDialog. A schema's messages are translation keys (message("validation.required")
// of i18n, checked by tsc) translated when shown. An API error about one of the form's fields is shown
// on that field (showFieldError); anything else above the form.
import { zodResolver } from "@hookform/resolvers/zod";
import { useId, type BaseSyntheticEvent, type ReactNode } from "react";
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

// An API error that names one of `fields` (its problem's "field"), shown on that field; says
// whether it was.
export function showFieldError<V extends FieldValues>(form: UseFormReturn<V>, error: unknown, fields: ReadonlyArray<Path<V>>): boolean {
  if (!(error instanceof ApiError) || !error.field || !(fields as readonly string[]).includes(error.field)) return false;
  form.setError(error.field as Path<V>, { message: error.detail });
  return true;
}

// The error for the banner above a form: none when it is shown on one of `fields`.
export function bannerError(error: unknown, fields: readonly string[]): unknown {
  return error instanceof ApiError && error.field && fields.includes(error.field) ? null : error;
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
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
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
