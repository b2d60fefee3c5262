// The top bar's word on where the console is logged in (issue 18): the company (its company ID
// as typed at login; the server's GET /session does not name the company yet, so its name is
// not shown), or the provider's console for a site administrator.
import { useTranslation } from "react-i18next";
import { useAuthed } from "../auth/session";
import { companyCodeOf } from "../lib/sessionMemory";
import { Icon } from "./Icon";

export function CompanyIndicator() {
  const { t } = useTranslation();
  const { account } = useAuthed();
  if (account.kind === "site_admin")
    return (
      <span className="company-chip provider" data-testid="company-indicator">
        <Icon name="shield" size={15} />
        <span>{t("nav.providerConsole")}</span>
      </span>
    );
  const code = companyCodeOf(account.company_id);
  const shown = code || account.company_id || "";
  return (
    <span className="company-chip" data-testid="company-indicator" title={t("companyIndicator.title", { code: shown })}>
      <Icon name="building" size={15} />
      <span className="company-chip-label">{t("companyIndicator.label")}</span>
      <strong className="mono">{shown}</strong>
    </span>
  );
}
