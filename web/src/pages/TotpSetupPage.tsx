// SEC-9: the forced set-up. While the company (or, for site administrators, the provider)
// requires a second factor the account has not set up, every route but the session's answers
// 403 totp_enrolment_required, and the console shows only this, like the forced password change.
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate } from "react-router-dom";
import { PATHS } from "../app/paths";
import { useSession } from "../auth/session";
import { LanguageSwitch } from "../components/Layout";
import { useToast } from "../components/Toast";
import { TotpEnrolment } from "../components/TotpEnrolment";
import { Alert, Button } from "../components/ui";

export function TotpSetupPage() {
  const { t } = useTranslation();
  const { enrolmentRequired, refresh, logout } = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  if (!enrolmentRequired) return <Navigate to={PATHS.ownAccount} replace />;
  return (
    <div className="login-page">
      <header className="login-top">
        <LanguageSwitch />
      </header>
      <main className="login-card login-card-wide">
        <h1 className="login-title">{t("totp.requiredTitle")}</h1>
        <Alert tone="warning">{t("totp.requiredBody")}</Alert>
        <p className="field-hint">{t("totp.description")}</p>
        <TotpEnrolment
          onDone={() => {
            toast(t("totp.enabled"));
            void refresh().then(() => navigate(PATHS.home, { replace: true }));
          }}
        />
        <Button variant="ghost" className="btn-block" onClick={() => void logout()}>
          {t("nav.logout")}
        </Button>
      </main>
    </div>
  );
}
