// The logged-in account's own page (from the account in the top bar), for every account: who
// it is, changing the password, and SEC-9's second factor — its state, setting it up, and
// switching it off with a current code (not where the company, or for site administrators the
// provider, requires it: the server answers 403 totp_required_by_policy).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import { PATHS } from "../app/paths";
import { useAuthed, useCan, useSession } from "../auth/session";
import { submitWith, useErrorMessage, useZodForm } from "../components/form";
import { Icon } from "../components/Icon";
import { useToast } from "../components/Toast";
import { TotpCodeInput, totpCodeSchema } from "../components/TotpCodeInput";
import { TotpEnrolment } from "../components/TotpEnrolment";
import { Alert, Badge, Button, Card, ErrorBanner, KeyValue, PageHeader } from "../components/ui";
import { normaliseTotpCode } from "../lib/totp";
import { useCompanySettings } from "../resources/companySettings";
import { useDisableTotp } from "../resources/totp";

function DisableTotpForm({ onRefused }: { onRefused: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const { refresh } = useSession();
  const disable = useDisableTotp();
  const form = useZodForm(totpCodeSchema, { defaultValues: { code: "" } });
  const submit = ({ code }: { code: string }) =>
    disable.mutate(normaliseTotpCode(code), {
      onSuccess: () => {
        toast(t("totp.disabled"));
        void refresh();
      },
      onError: (e) => {
        if (e instanceof ApiError && e.code === "totp_required_by_policy") onRefused();
        else if (e instanceof ApiError && (e.code === "wrong_code" || e.field === "code")) form.setError("code", { message: "totp.wrongCode" });
      },
    });
  const wrong = disable.error instanceof ApiError && (disable.error.code === "wrong_code" || disable.error.field === "code");
  return (
    <form className="stack-sm totp-disable" onSubmit={submitWith(form, submit)} noValidate aria-label={t("totp.disableTitle")}>
      <h3 className="section-title">{t("totp.disableTitle")}</h3>
      <p className="field-hint">{t("totp.disableIntro")}</p>
      <ErrorBanner error={wrong ? null : disable.error} />
      <div className="row row-end">
        <TotpCodeInput label={t("totp.code")} error={errorText(form.formState.errors.code)} {...form.register("code")} />
        <Button type="submit" variant="danger" busy={disable.isPending}>
          {t("totp.disable")}
        </Button>
      </div>
    </form>
  );
}

function SecondFactorCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const account = useAuthed().account;
  const { refresh } = useSession();
  const can = useCan();
  // Whether it is required: the company's settings when the account may read them, else
  // learned from the refusal.
  const settings = useCompanySettings(null, can("company.settings"));
  const [refused, setRefused] = useState(false);
  // On since the recovery codes showed (the session is read again once they are kept).
  const [justEnabled, setJustEnabled] = useState(false);
  const enabled = account.totp_enabled || justEnabled;
  const required = refused || settings.data?.totp_required === true;
  return (
    <Card
      title={t("totp.title")}
      actions={
        <Badge tone={enabled ? "success" : "neutral"} dot>
          {enabled ? t("totp.on") : t("totp.off")}
        </Badge>
      }
    >
      <div className="stack">
        <p className="ip-explanation">{t("totp.description")}</p>
        {account.totp_enabled ? (
          <>
            <Alert tone="success">{t("totp.statusOn")}</Alert>
            {required ? <Alert>{t("totp.requiredByPolicy")}</Alert> : <DisableTotpForm onRefused={() => setRefused(true)} />}
          </>
        ) : (
          <>
            <p>{enabled ? t("totp.statusOn") : t("totp.statusOff")}</p>
            <TotpEnrolment
              onEnabled={() => setJustEnabled(true)}
              onDone={() => {
                toast(t("totp.enabled"));
                void refresh().then(() => setJustEnabled(false));
              }}
            />
          </>
        )}
      </div>
    </Card>
  );
}

export function OwnAccountPage() {
  const { t } = useTranslation();
  const account = useAuthed().account;
  return (
    <div className="stack">
      <PageHeader title={t("ownAccount.title")} description={t("ownAccount.description")} />
      <Card
        title={t("ownAccount.profile")}
        actions={
          // Issue 18: every account's way to its own password (a link: it opens another screen).
          <Link className="btn btn-secondary btn-sm" to={PATHS.password}>
            <Icon name="key" size={16} />
            <span>{t("ownAccount.changePassword")}</span>
          </Link>
        }
      >
        <KeyValue
          items={[
            [t("accounts.login"), account.login],
            [t("accounts.name"), account.name],
            [t("accounts.email"), account.email],
            [t("accounts.kind"), t(`accountKind.${account.kind}`)],
          ]}
        />
      </Card>
      <SecondFactorCard />
    </div>
  );
}
