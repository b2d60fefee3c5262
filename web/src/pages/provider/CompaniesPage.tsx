import { useTranslation } from "react-i18next";
import { PageHeader } from "../../components/ui";

export function CompaniesPage() {
  const { t } = useTranslation();
  return <PageHeader title={t("app.title")} />;
}
