// Provider console: devices of companies deleted after their contract ended (DATA-6). When a
// company's configuration is deleted its devices are detached and kept here, with what they
// last reported, out of every company's reach; each is deleted once silent for the device
// retention (90 days by default). Allocated to a company again, a device joins it afresh at its
// next contact (the allocations page).
import { createColumnHelper } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import type { UnassignedDevice } from "../../api/types";
import { ListPage } from "../../components/ListPage";
import { Alert, EmptyState } from "../../components/ui";
import { jstText } from "../../lib/operations";
import { useUnassignedDevices } from "../../resources/devices";

const REFRESH_MS = 30_000;

export function UnassignedDevicesPage() {
  const { t } = useTranslation();
  const devices = useUnassignedDevices({ background: true, refetchInterval: REFRESH_MS });

  const col = createColumnHelper<UnassignedDevice>();
  const columns = [
    col.accessor("serial_number", { header: t("unassigned.serial"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor((d) => `${d.oui} ${d.product_class}`, {
      id: "oui",
      header: t("unassigned.ouiProductClass"),
      cell: (c) => (
        <div>
          <div className="mono">{c.row.original.oui}</div>
          <div className="cell-sub">{c.row.original.product_class || "—"}</div>
        </div>
      ),
    }),
    col.accessor((d) => d.model, {
      id: "model",
      header: t("unassigned.model"),
      cell: (c) => (
        <div>
          <div>{c.row.original.model || "—"}</div>
          {c.row.original.manufacturer ? <div className="cell-sub">{c.row.original.manufacturer}</div> : null}
        </div>
      ),
    }),
    col.accessor("software_version", { header: t("unassigned.softwareVersion"), cell: (c) => <span className="mono">{c.getValue() || "—"}</span> }),
    col.accessor("former_company_code", { header: t("unassigned.formerCompany"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor((d) => jstText(d.last_contact_at_jst, d.last_contact_at), {
      id: "last_contact",
      header: t("unassigned.lastContact"),
      cell: (c) => <span className="nowrap">{c.getValue()}</span>,
    }),
    col.accessor((d) => jstText(d.detached_at_jst, d.detached_at), {
      id: "detached",
      header: t("unassigned.detachedAt"),
      cell: (c) => <span className="nowrap">{c.getValue()}</span>,
    }),
    col.accessor("source_ip", { header: t("unassigned.sourceIp"), cell: (c) => <span className="mono">{c.getValue() || "—"}</span> }),
  ];
  // An older server without the list.
  const unavailable = devices.error instanceof ApiError && (devices.error.status === 404 || devices.error.status === 405);
  return (
    <ListPage
      title={t("unassigned.title")}
      description={t("unassigned.description")}
      alert={unavailable ? <Alert tone="info">{t("devices.unavailable")}</Alert> : undefined}
      error={devices.error}
      rows={devices.data}
      loading={devices.isLoading}
      columns={columns}
      getRowId={(d) => d.id}
      empty={<EmptyState icon="check" title={t("unassigned.empty")} />}
    />
  );
}
