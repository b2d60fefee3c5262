// Login with company ID, login ID and password. Every failure (wrong password, unknown
// account, locked account) gets the same message, so the page reveals nothing (SEC-1).
// Site administrators leave the company ID empty.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router-dom";
import { z } from "zod";
import { ApiError } from "../api/client";
import { PATHS } from "../app/paths";
import { useSession } from "../auth/session";
import { submitWith, useZodForm } from "../components/form";
import { LanguageSwitch } from "../components/Layout";
import { Alert, Button, Field, Input, Spinner } from "../components/ui";

const schema = z.object({
  company: z.string().max(32),
  login: z.string().min(1),
  password: z.string().min(1),
});
type FailureKey = "login.throttled" | "login.busy" | "errors.network" | "login.failed";

export function loginFailureKey(e: unknown): FailureKey {
  if (e instanceof ApiError) {
    if (e.status === 429 || e.code === "too_many_attempts") return "login.throttled";
    if (e.status === 503 || e.code === "overloaded") return "login.busy";
    if (e.status === 0) return "errors.network";
  }
  // Wrong password, unknown or locked account, company out of service: one answer.
  return "login.failed";
}

export function LoginPage() {
  const { t } = useTranslation();
  const { session, loading, login, endReason, clearEndReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [failure, setFailure] = useState<FailureKey | null>(null);
  const form = useZodForm(schema, {
    defaultValues: { company: localStorage.getItem("kanri.company") ?? "", login: "", password: "" },
  });
  const {
    register,
    formState: { errors, isSubmitting },
  } = form;

  // Back to where an expired session left off; after an explicit log-out, the start page.
  const from = endReason === "logged_out" ? undefined : (location.state as { from?: string } | null)?.from;
  const target = from && from !== PATHS.login ? from : PATHS.home;

  if (loading) return <Spinner />;
  if (session) return <Navigate to={target} replace />;

  const onSubmit = submitWith(form, async (values) => {
    setFailure(null);
    clearEndReason();
    try {
      await login(values.company, values.login, values.password);
      try {
        localStorage.setItem("kanri.company", values.company.trim());
      } catch {
        // not remembered; fine
      }
      navigate(target, { replace: true });
    } catch (e) {
      setFailure(loginFailureKey(e));
      form.resetField("password");
      form.setFocus("password");
    }
  });

  return (
    <div className="login-page">
      <div className="login-top">
        <LanguageSwitch />
      </div>
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark brand-mark-lg" aria-hidden="true">
            K
          </span>
          <div>
            <h1>Kanri</h1>
            <p>{t("login.subtitle")}</p>
          </div>
        </div>
        {endReason === "expired" ? <Alert tone="warning">{t("login.expired")}</Alert> : null}
        {endReason === "unauthenticated" ? <Alert tone="warning">{t("login.ended")}</Alert> : null}
        {endReason === "logged_out" ? <Alert tone="success">{t("login.loggedOut")}</Alert> : null}
        {failure ? (
          <div className="alert alert-danger" role="alert" data-testid="login-error">
            <div>{t(failure)}</div>
          </div>
        ) : null}
        <form onSubmit={onSubmit} noValidate className="form-stack">
          <Field label={t("login.company")} hint={t("login.companyHint")} error={errors.company && t("validation.tooLong")}>
            {(p) => <Input {...p} {...register("company")} autoComplete="organization" autoCapitalize="characters" spellCheck={false} />}
          </Field>
          <Field label={t("login.login")} required error={errors.login && t("validation.required")}>
            {(p) => <Input {...p} {...register("login")} autoComplete="username" spellCheck={false} />}
          </Field>
          <Field label={t("login.password")} required error={errors.password && t("validation.required")}>
            {(p) => <Input {...p} {...register("password")} type="password" autoComplete="current-password" />}
          </Field>
          <Button type="submit" variant="primary" busy={isSubmitting} className="btn-block">
            {t("login.submit")}
          </Button>
        </form>
        <p className="login-footnote">{t("login.footnote")}</p>
      </div>
    </div>
  );
}
