// Login with company ID, login ID and password. Every failure (wrong password, unknown
// account, locked account) gets the same message, so the page reveals nothing (SEC-1).
// Site administrators leave the company ID empty. SEC-9: an account with a second factor then
// enters the code of its authenticator app (or a recovery code) for the challenge the password
// step answered with; once the challenge expired (5 minutes), the password step again.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { z } from "zod";
import { ApiError } from "../api/client";
import { PATHS } from "../app/paths";
import { useSession } from "../auth/session";
import { submitWith, useZodForm } from "../components/form";
import { LanguageSwitch } from "../components/Layout";
import { SessionExpiredText } from "../components/SessionExpired";
import { TotpCodeInput } from "../components/TotpCodeInput";
import { Alert, Button, Field, Input, Spinner } from "../components/ui";
import { isRecoveryCode, isTotpCode, normaliseRecoveryCode, normaliseTotpCode, secondStepExpired, type SecondStep } from "../lib/totp";

const schema = z.object({
  company: z.string().max(32),
  login: z.string().min(1),
  password: z.string().min(1),
});
type FailureKey =
  | "login.throttled"
  | "login.busy"
  | "errors.network"
  | "login.failed"
  | "login.codeFailed"
  | "login.recoveryFailed"
  | "login.codeExpired";

export function loginFailureKey(e: unknown): FailureKey {
  if (e instanceof ApiError) {
    if (e.status === 429 || e.code === "too_many_attempts") return "login.throttled";
    if (e.status === 503 || e.code === "overloaded") return "login.busy";
    if (e.status === 0) return "errors.network";
  }
  // Wrong password, unknown or locked account, company out of service: one answer.
  return "login.failed";
}

// The second step's failures: a wrong or reused code may be retried with the same challenge;
// an expired challenge (challenge_expired, or the local clock says so) means the password again.
export function codeFailureKey(e: unknown, step: SecondStep, recovery: boolean, now: number = Date.now()): FailureKey {
  if (e instanceof ApiError && e.code === "challenge_expired") return "login.codeExpired";
  if (e instanceof ApiError && e.code === "totp_failed" && secondStepExpired(step, now)) return "login.codeExpired";
  if (e instanceof ApiError && e.code === "totp_failed") return recovery ? "login.recoveryFailed" : "login.codeFailed";
  return loginFailureKey(e);
}

const codeSchema = z.object({ code: z.string() });

function SecondStepForm({
  step,
  onDone,
  onExpired,
}: {
  step: SecondStep;
  onDone: () => void;
  onExpired: (failure: FailureKey) => void;
}) {
  const { t } = useTranslation();
  const { loginWithCode } = useSession();
  const [recovery, setRecovery] = useState(false);
  const [failure, setFailure] = useState<FailureKey | null>(null);
  const form = useZodForm(codeSchema, { defaultValues: { code: "" } });
  const {
    register,
    formState: { errors, isSubmitting },
  } = form;

  const onSubmit = submitWith(form, async ({ code }) => {
    setFailure(null);
    if (secondStepExpired(step)) {
      onExpired("login.codeExpired");
      return;
    }
    if (recovery ? !isRecoveryCode(code) : !isTotpCode(code)) {
      form.setError("code", { message: recovery ? "login.recoveryInvalid" : "login.codeInvalid" });
      return;
    }
    try {
      await loginWithCode(step.challenge, recovery ? normaliseRecoveryCode(code) : normaliseTotpCode(code));
      onDone();
    } catch (e) {
      const key = codeFailureKey(e, step, recovery);
      if (key === "login.codeExpired") {
        onExpired(key);
        return;
      }
      setFailure(key);
      form.resetField("code");
      form.setFocus("code");
    }
  });

  const codeError = errors.code?.message === "login.recoveryInvalid" ? t("login.recoveryInvalid") : errors.code ? t("login.codeInvalid") : undefined;
  return (
    <>
      <h2 className="login-title">{t("login.codeTitle")}</h2>
      <p className="muted">{recovery ? t("login.recoveryIntro") : t("login.codeIntro")}</p>
      {failure ? (
        <div className="alert alert-danger" role="alert" data-testid="login-error">
          <div>{t(failure)}</div>
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="form-stack" aria-label={t("login.codeTitle")}>
        {recovery ? (
          <Field key="recovery" label={t("login.recoveryCode")} required error={codeError}>
            {(p) => (
              <Input
                {...p}
                {...register("code")}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                className="mono"
                placeholder="abcd-efgh-ijkl-mnop"
                autoFocus
              />
            )}
          </Field>
        ) : (
          <TotpCodeInput key="app" label={t("login.code")} error={codeError} autoFocus {...register("code")} />
        )}
        <Button type="submit" variant="primary" busy={isSubmitting} className="btn-block">
          {t("login.verify")}
        </Button>
        <button
          type="button"
          className="btn-link"
          onClick={() => {
            setRecovery((r) => !r);
            setFailure(null);
            form.reset({ code: "" });
          }}
        >
          {recovery ? t("login.useApp") : t("login.useRecovery")}
        </button>
        <button type="button" className="btn-link" onClick={() => onExpired("login.failed")}>
          {t("login.back")}
        </button>
      </form>
    </>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const { session, loading, login, endReason, clearEndReason } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [failure, setFailure] = useState<FailureKey | null>(null);
  const [second, setSecond] = useState<SecondStep | null>(null);
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

  const remember = (company: string) => {
    try {
      localStorage.setItem("kanri.company", company.trim());
    } catch {
      // not remembered; fine
    }
  };

  const onSubmit = submitWith(form, async (values) => {
    setFailure(null);
    clearEndReason();
    try {
      const step = await login(values.company, values.login, values.password);
      remember(values.company);
      if (step) {
        form.resetField("password");
        setSecond(step);
        return;
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
      <header className="login-top">
        <LanguageSwitch />
      </header>
      <main className="login-card">
        <div className="login-brand">
          <span className="brand-mark brand-mark-lg" aria-hidden="true">
            K
          </span>
          <div>
            <h1>Kanri</h1>
            <p>{t("login.subtitle")}</p>
          </div>
        </div>
        {second ? (
          <SecondStepForm
            step={second}
            onDone={() => navigate(target, { replace: true })}
            onExpired={(why) => {
              setSecond(null);
              setFailure(why === "login.failed" ? null : why);
              setTimeout(() => form.setFocus("password"));
            }}
          />
        ) : (
          <>
        {endReason === "expired" ? <Alert tone="warning"><SessionExpiredText /></Alert> : null}
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
          </>
        )}
        <p className="login-footnote">{t("login.footnote")}</p>
      </main>
      {/* OPS-2: the public status page, for whoever cannot log in or wonders why. */}
      <footer className="login-status">
        <Link to={PATHS.status}>{t("login.statusLink")}</Link>
      </footer>
    </div>
  );
}
