// Changing one's own password; required before anything else after an administrator reset
// it (the account then has must_change_password).
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { z } from "zod";
import { api, ApiError } from "../api/client";
import { PATHS } from "../app/paths";
import { useAuthed, useSession } from "../auth/session";
import { LanguageSwitch } from "../components/Layout";
import { Alert, Button, ErrorBanner, Field, Input } from "../components/ui";
import { useToast } from "../components/Toast";
import { useErrorMessage } from "../components/form";
import { useState } from "react";

const schema = z
  .object({
    current: z.string().min(1, "validation.required"),
    next: z.string().min(8, "validation.passwordLength").max(128, "validation.passwordLength"),
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "validation.passwordMismatch" })
  .refine((v) => v.next !== v.current, { path: ["next"], message: "validation.passwordSame" });
type FormValues = z.infer<typeof schema>;

export function PasswordChangePage() {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const session = useAuthed();
  const { refresh, logout } = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  const [error, setError] = useState<unknown>(null);
  const {
    register,
    handleSubmit,
    setError: setFieldError,
    formState: { errors, isSubmitting },
  } = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: { current: "", next: "", confirm: "" } });

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    try {
      await api<void>("/session/password", { method: "PUT", body: { current: values.current, new: values.next } });
      await refresh();
      toast(t("password.changed"));
      navigate(PATHS.home, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.field === "current") setFieldError("current", { message: "password.wrongCurrent" });
      else if (e instanceof ApiError && (e.field === "new" || e.field === "password"))
        setFieldError("next", { message: e.detail || "validation.passwordWeak" });
      else setError(e);
    }
  });

  return (
    <div className="login-page">
      <div className="login-top">
        <LanguageSwitch />
      </div>
      <div className="login-card">
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
      </div>
    </div>
  );
}
