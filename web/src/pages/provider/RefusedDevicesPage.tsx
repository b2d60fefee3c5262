// Provider console: devices that contacted the service but matched no company's profile
// (or several); they are never attached by guess (DEV-1).
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import { ApiError, fetchAll } from "../../api/client";
import { keys } from "../../api/queries";
import type { RefusedDevice } from "../../api/types";
import { DataTable } from "../../components/DataTable";
import { Alert, Badge, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui";
import { formatJst } from "../../lib/time";

export function RefusedDevicesPage() {
  const { t } = useTranslation();
  const refused = useQuery({
    queryKey: keys.refusedDevices,
    queryFn: () => fetchAll<RefusedDevice>("/refused-devices", {}, true),
    refetchInterval: 30_000,
  });
  const col = createColumnHelper<RefusedDevice>();
  const columns = [
    col.accessor("serial_number", { header: t("refused.serial"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor("oui", { header: t("refused.oui"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("product_class", { header: t("refused.productClass") }),
    col.accessor("source_ip", { header: t("refused.sourceIp"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("reason", {
      header: t("refused.reason"),
      cell: (c) => <Badge tone="warning">{t(`refused.reasons.${c.getValue()}`, { defaultValue: c.getValue() })}</Badge>,
    }),
    col.accessor("attempts", { header: t("refused.attempts"), meta: { className: "col-num" } }),
    col.accessor("first_at", { header: t("refused.firstAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
    col.accessor("last_at", { header: t("refused.lastAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
  ];
  const unavailable = refused.error instanceof ApiError && (refused.error.status === 404 || refused.error.status === 405);
  return (
    <div className="stack">
      <PageHeader title={t("refused.title")} description={t("refused.description")} />
      {unavailable ? <Alert tone="info">{t("devices.unavailable")}</Alert> : <ErrorBanner error={refused.error} />}
      <Card className="card-flush">
        {refused.isLoading ? (
          <Spinner />
        ) : (
          <DataTable
            data={refused.data ?? []}
            columns={columns}
            getRowId={(r) => r.id}
            caption={t("refused.title")}
            empty={<EmptyState icon="check" title={t("common.noData")} />}
          />
        )}
      </Card>
    </div>
  );
}
