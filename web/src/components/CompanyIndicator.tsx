// The top bar's word on where the console is logged in (issue 18): the company's name and code,
// as GET /session names them (whichever way the login went, a second step included), or the
// provider's console for a site administrator.
import { useTranslation } from "react-i18next";
import { useAuthed } from "../auth/session";
import { Icon } from "./Icon";

export function CompanyIndicator() {
  const { t } = useTranslation();
  const { account, company } = useAuthed();
  if (account.kind === "site_admin")
    return (
      <span className="company-chip provider" data-testid="company-indicator">
        <Icon name="shield" size={15} />
        <span>{t("nav.providerConsole")}</span>
      </span>
    );
  // A server that does not name the company: its ID, so that the header still tells companies apart.
  const name = company?.name ?? "";
  const code = company?.code ?? account.company_id ?? "";
  return (
    <span className="company-chip" data-testid="company-indicator" title={t("companyIndicator.title", { name: name || code, code })}>
      <Icon name="building" size={15} />
      <span className="company-chip-label">{t("companyIndicator.label")}</span>
      {name ? <strong className="company-chip-name">{name}</strong> : null}
      <span className={name ? "company-chip-code mono" : "mono"}>{code}</span>
    </span>
  );
}
