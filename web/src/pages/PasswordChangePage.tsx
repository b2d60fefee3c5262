// Changing one's own password; required before anything else after an administrator reset
// it (the account then has must_change_password).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { z } from "zod";
import { ApiError } from "../api/client";
import { problemMessageKey } from "../api/problems";
import { PATHS } from "../app/paths";
import { useAuthed, useSession } from "../auth/session";
import { submitWith, useErrorMessage, useZodForm } from "../components/form";
import { message } from "../i18n";
import { LanguageSwitch } from "../components/Layout";
import { useToast } from "../components/Toast";
import { Alert, Button, ErrorBanner, Field, Input } from "../components/ui";
import { newPassword } from "../lib/validation";

const schema = z
  .object({
    current: z.string().min(1, message("validation.required")),
    next: newPassword,
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: message("validation.passwordMismatch") })
  .refine((v) => v.next !== v.current, { path: ["next"], message: message("validation.passwordSame") });

export function PasswordChangePage() {
  const { t } = useTranslation();
  const session = useAuthed();
  const { changePassword, logout } = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  const errorText = useErrorMessage();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(schema, { defaultValues: { current: "", next: "", confirm: "" } });
  const {
    register,
    formState: { errors, isSubmitting },
  } = form;

  const onSubmit = submitWith(form, async (values) => {
    setError(null);
    try {
      await changePassword(values.current, values.next);
      toast(t("password.changed"));
      navigate(PATHS.home, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.field === "current") form.setError("current", { message: message("password.wrongCurrent") });
      else if (e instanceof ApiError && (e.field === "new" || e.field === "password"))
        form.setError("next", { message: problemMessageKey({ code: e.code, field: "new" }) ?? message("validation.passwordWeak") });
      else setError(e);
    }
  });

  return (
    <div className="login-page">
      <header className="login-top">
        <LanguageSwitch />
      </header>
      <main className="login-card">
        <h1 className="login-title">{t("password.title")}</h1>
        {session.account.must_change_password ? <Alert tone="warning">{t("password.required")}</Alert> : null}
        <ErrorBanner error={error} />
        <form onSubmit={onSubmit} noValidate className="form-stack">
          <Field label={t("password.current")} required error={errorText(errors.current)}>
            {(p) => <Input {...p} {...register("current")} type="password" autoComplete="current-password" />}
          </Field>
          <Field label={t("password.new")} required hint={t("password.rules")} error={errorText(errors.next)}>
            {(p) => <Input {...p} {...register("next")} type="password" autoComplete="new-password" />}
          </Field>
          <Field label={t("password.confirm")} required error={errorText(errors.confirm)}>
            {(p) => <Input {...p} {...register("confirm")} type="password" autoComplete="new-password" />}
          </Field>
          <Button type="submit" variant="primary" busy={isSubmitting} className="btn-block">
            {t("password.submit")}
          </Button>
          <Button variant="ghost" className="btn-block" onClick={() => void logout()}>
            {t("nav.logout")}
          </Button>
        </form>
      </main>
    </div>
  );
}
