// The login page's word on a session that ended for inactivity (SEC-3, issue 18): after how
// long, as the service is configured (the session's idle_timeout_seconds), not a fixed hour.
import { useTranslation } from "react-i18next";
import { useSession } from "../auth/session";
import { idleMinutes } from "../lib/sessionMemory";

export function SessionExpiredText() {
  const { t } = useTranslation();
  const { endedIdleTimeoutSeconds } = useSession();
  const minutes = idleMinutes(endedIdleTimeoutSeconds);
  return <>{minutes ? t("login.expired", { count: minutes }) : t("login.expiredUnknown")}</>;
}
