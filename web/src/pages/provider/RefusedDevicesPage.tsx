// Provider console: devices that contacted the service but were not attached (DEV-1): not
// allocated to any company, covered by several companies' allocations, no (or several equally
// good) profiles of their company, or failed authentication. They are never attached by guess;
// a device no company has can be allocated from here, and joins at its next contact.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, fetchAll } from "../../api/client";
import { keys } from "../../api/queries";
import type { Allocation, Company, RefusedDevice } from "../../api/types";
import { useCan } from "../../auth/session";
import { DataTable } from "../../components/DataTable";
import { useToast } from "../../components/Toast";
import { Alert, Badge, Button, Card, Dialog, EmptyState, ErrorBanner, Field, PageHeader, Select, Spinner } from "../../components/ui";
import { refusedAllocationBody, canAllocateRefused } from "../../lib/allocations";
import { formatJst } from "../../lib/time";
import { AllocationErrorBanner, useCompanies } from "./AllocationsPage";

function AllocateDialog({
  device,
  companies,
  onClose,
  onAllocated,
}: {
  device: RefusedDevice;
  companies: Company[];
  onClose: () => void;
  onAllocated: (a: Allocation) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [companyId, setCompanyId] = useState("");
  const [missing, setMissing] = useState(false);
  const allocate = useMutation({
    mutationFn: () => api<Allocation>("/allocations", { method: "POST", body: refusedAllocationBody(device, companyId) }),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: keys.allocations });
      onAllocated(a);
    },
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!companyId) {
      setMissing(true);
      return;
    }
    allocate.mutate();
  };
  return (
    <Dialog
      open
      title={t("refused.allocateTitle", { serial: device.serial_number })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={allocate.isPending} onClick={() => submit()}>
            {t("refused.allocateSubmit")}
          </Button>
        </>
      }
    >
      <form className="stack" onSubmit={submit} noValidate>
        <p>
          {t("refused.allocateBody", {
            serial: device.serial_number,
            oui: device.oui,
            productClass: device.product_class || "—",
          })}
        </p>
        <AllocationErrorBanner error={allocate.error} />
        <Field label={t("allocations.company")} required error={missing ? t("allocations.errors.company") : undefined}>
          {(p) => (
            <Select
              {...p}
              value={companyId}
              autoFocus
              onChange={(e) => {
                setCompanyId(e.target.value);
                setMissing(false);
              }}
            >
              <option value="">{t("allocations.chooseCompany")}</option>
              {companies.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} — {c.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

export function RefusedDevicesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const can = useCan();
  const mayAllocate = can("provider.devices");
  const refused = useQuery({
    queryKey: keys.refusedDevices,
    queryFn: () => fetchAll<RefusedDevice>("/refused-devices", {}, true),
    refetchInterval: 30_000,
  });
  const companies = useCompanies();
  const [allocating, setAllocating] = useState<RefusedDevice | null>(null);
  // Devices allocated from this page: they stay listed until their next contact attaches them.
  const [allocated, setAllocated] = useState<Record<string, string>>({});
  const [lastAllocated, setLastAllocated] = useState<{ serial: string; company: string } | null>(null);

  const col = createColumnHelper<RefusedDevice>();
  const columns = [
    col.accessor("serial_number", { header: t("refused.serial"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor("oui", { header: t("refused.oui"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("product_class", { header: t("refused.productClass") }),
    col.accessor("source_ip", { header: t("refused.sourceIp"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("reason", {
      header: t("refused.reason"),
      cell: (c) => (
        <span title={t(`refused.reasonHints.${c.getValue()}`)}>
          <Badge tone={c.getValue() === "bad_credentials" || c.getValue() === "overlap" ? "danger" : "warning"}>
            {t(`refused.reasons.${c.getValue()}`)}
          </Badge>
        </span>
      ),
    }),
    col.accessor("attempts", { header: t("refused.attempts"), meta: { className: "col-num" } }),
    col.accessor("first_at", { header: t("refused.firstAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span> }),
    col.accessor("last_at", { header: t("refused.lastAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span> }),
    ...(mayAllocate
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">{t("common.actions")}</span>,
            meta: { className: "col-actions" },
            cell: (c) => {
              const d = c.row.original;
              if (allocated[d.id])
                return (
                  <span title={t("refused.allocatedBadgeHint")}>
                    <Badge tone="success" dot>
                      {t("refused.allocatedBadge")}
                    </Badge>
                  </span>
                );
              if (!canAllocateRefused(d)) return null;
              return (
                <Button
                  className="btn-sm"
                  variant="ghost"
                  icon="allocate"
                  disabled={!companies.data}
                  onClick={() => setAllocating(d)}
                  aria-label={`${t("refused.allocate")}: ${d.serial_number}`}
                >
                  {t("refused.allocate")}
                </Button>
              );
            },
          }),
        ]
      : []),
  ];
  const unavailable = refused.error instanceof ApiError && (refused.error.status === 404 || refused.error.status === 405);
  return (
    <div className="stack">
      <PageHeader title={t("refused.title")} description={t("refused.description")} />
      {unavailable ? <Alert tone="info">{t("devices.unavailable")}</Alert> : <ErrorBanner error={refused.error ?? companies.error} />}
      {lastAllocated ? <Alert tone="success">{t("refused.allocatedNext", lastAllocated)}</Alert> : null}
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
      {allocating && companies.data ? (
        <AllocateDialog
          device={allocating}
          companies={companies.data}
          onClose={() => setAllocating(null)}
          onAllocated={(a) => {
            setAllocated({ ...allocated, [allocating.id]: a.id });
            setLastAllocated({ serial: allocating.serial_number, company: a.company_code });
            toast(t("refused.allocated", { serial: allocating.serial_number, company: a.company_code }));
            setAllocating(null);
          }}
        />
      ) : null}
    </div>
  );
}
