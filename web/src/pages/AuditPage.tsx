import { useTranslation } from "react-i18next";
import { PageHeader } from "../components/ui";

export function AuditPage({ scope }: { scope: "company" | "provider" }) {
  const { t } = useTranslation();
  return <PageHeader title={t("app.title") + scope} />;
}
