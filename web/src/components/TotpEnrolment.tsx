// Setting up SEC-9's second factor for the logged-in account: a new secret (the server's QR
// code as an image, and the key in groups of four for typing by hand), a current code to switch
// it on, then the ten recovery codes, shown this once with copy and save-as-text. Used by the
// own account's page and by the forced set-up when the company requires a second factor.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";
import { useAuthed } from "../auth/session";
import { groupSecret, normaliseTotpCode, recoveryCodesFileName, recoveryCodesText, svgDataUri } from "../lib/totp";
import { useBeginEnrolment, useConfirmEnrolment } from "../resources/totp";
import { submitWith, useErrorMessage, useZodForm } from "./form";
import { CopyButton, useCopy } from "./SecretField";
import { TotpCodeInput, totpCodeSchema } from "./TotpCodeInput";
import { Alert, Button, ErrorBanner } from "./ui";

// The recovery codes, once: a warning, copy, save as a text file, and "done" after the reader
// says they kept them.
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const account = useAuthed().account;
  const copy = useCopy();
  const [kept, setKept] = useState(false);
  const text = recoveryCodesText(codes, t("totp.fileHeading", { login: account.login }));
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = recoveryCodesFileName(null, account.login);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section className="stack-sm" aria-label={t("totp.recoveryTitle")}>
      <h3 className="section-title">{t("totp.recoveryTitle")}</h3>
      <Alert tone="warning">
        <strong>{t("totp.recoveryOnce")}</strong>
        <p>{t("totp.recoveryWarning")}</p>
      </Alert>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c} className="mono">
            {c}
          </li>
        ))}
      </ol>
      <div className="row">
        <CopyButton state={copy.state} onCopy={() => copy.copy(codes.join("\n"))} />
        <Button className="btn-sm" icon="download" onClick={download}>
          {t("totp.download")}
        </Button>
      </div>
      {copy.state === "failed" ? <p className="field-error">{t("common.copyFailed")}</p> : null}
      <label className="checkbox">
        <input type="checkbox" checked={kept} onChange={(e) => setKept(e.target.checked)} />
        <span>{t("totp.savedCheck")}</span>
      </label>
      <div className="row">
        <Button variant="primary" disabled={!kept} onClick={onDone}>
          {t("totp.finish")}
        </Button>
      </div>
    </section>
  );
}

// The steps of setting up. `onEnabled` once switched on (the codes are still showing);
// `onDone` after the reader kept the recovery codes; `onCancel` leaves before it is on.
export function TotpEnrolment({ onEnabled, onDone, onCancel }: { onEnabled?: () => void; onDone: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const begin = useBeginEnrolment();
  const confirm = useConfirmEnrolment();
  const form = useZodForm(totpCodeSchema, { defaultValues: { code: "" } });
  const errors = form.formState.errors;

  if (confirm.data) return <RecoveryCodes codes={confirm.data.recovery_codes} onDone={onDone} />;

  const start = () => {
    confirm.reset();
    form.reset({ code: "" });
    begin.mutate();
  };
  const submit = ({ code }: { code: string }) =>
    confirm.mutate(normaliseTotpCode(code), {
      onSuccess: () => onEnabled?.(),
      onError: (e) => {
        if (e instanceof ApiError && (e.code === "wrong_code" || e.field === "code")) {
          form.setError("code", { message: "totp.wrongCode" });
          form.setFocus("code");
        }
      },
    });
  const staleEnrolment = confirm.error instanceof ApiError && confirm.error.code === "no_enrolment";

  if (!begin.data)
    return (
      <div className="stack-sm">
        <ErrorBanner error={begin.error} />
        <div className="row">
          <Button variant="primary" icon="shield" busy={begin.isPending} onClick={start}>
            {t("totp.start")}
          </Button>
          {onCancel ? <Button onClick={onCancel}>{t("totp.cancel")}</Button> : null}
        </div>
      </div>
    );

  const enrolment = begin.data;
  return (
    <div className="totp-enrolment">
      <div className="stack-sm">
        <h3 className="section-title">{t("totp.scan")}</h3>
        <img className="totp-qr" src={svgDataUri(enrolment.qr_svg)} alt={t("totp.qrAlt")} width={200} height={200} data-testid="totp-qr" />
        <p className="field-hint">{t("totp.manual")}</p>
        <div className="stack-xs">
          <span className="address-label">{t("totp.secret")}</span>
          <code className="totp-secret" data-testid="totp-secret" data-secret={enrolment.secret}>
            {groupSecret(enrolment.secret)}
          </code>
        </div>
      </div>
      <form className="stack-sm" onSubmit={submitWith(form, submit)} noValidate aria-label={t("totp.enterCode")}>
        <h3 className="section-title">{t("totp.enterCode")}</h3>
        {staleEnrolment ? <Alert tone="warning">{t("errors.no_enrolment")}</Alert> : <ErrorBanner error={errors.code ? null : confirm.error instanceof ApiError && confirm.error.code === "wrong_code" ? null : confirm.error} />}
        <TotpCodeInput label={t("totp.code")} error={errorText(errors.code)} {...form.register("code")} />
        <div className="row">
          <Button type="submit" variant="primary" icon="check" busy={confirm.isPending} disabled={staleEnrolment}>
            {t("totp.confirm")}
          </Button>
          <Button onClick={start} busy={begin.isPending}>
            {t("totp.restart")}
          </Button>
          {onCancel ? <Button onClick={onCancel}>{t("totp.cancel")}</Button> : null}
        </div>
      </form>
    </div>
  );
}
