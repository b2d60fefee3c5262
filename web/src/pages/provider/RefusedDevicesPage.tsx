// Provider console: devices that contacted the service but were not attached (DEV-1): not
// allocated to any company, covered by several companies' allocations, allocated to a company
// whose contract ended (DATA-6), no (or several equally good) profiles of their company, or
// failed authentication. They are never attached by guess;
// a device no company has can be allocated from here, and joins at its next contact.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../../api/client";
import type { Allocation, Company, RefusedDevice } from "../../api/types";
import { useCan } from "../../auth/session";
import { FormDialog, useErrorMessage, useZodForm } from "../../components/form";
import { message } from "../../i18n";
import { ListPage } from "../../components/ListPage";
import { useToast } from "../../components/Toast";
import { CompanySelect } from "../../components/Allocations";
import { Alert, Badge, Button, EmptyState, Field } from "../../components/ui";
import { canAllocateRefused, refusedAllocationBody } from "../../lib/allocations";
import { formatJst } from "../../lib/time";
import { useCreateAllocation } from "../../resources/allocations";
import { useCompanies } from "../../resources/companies";
import { useRefusedDevices } from "../../resources/devices";
import { AllocationErrorBanner } from "./AllocationsPage";

const REFRESH_MS = 30_000;

const allocateSchema = z.object({ company_id: z.string().min(1, message("allocations.errors.company")) });

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
  const errorText = useErrorMessage();
  const allocate = useCreateAllocation();
  const form = useZodForm(allocateSchema, { defaultValues: { company_id: "" } });
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={t("refused.allocateTitle", { serial: device.serial_number })}
      submitLabel={t("refused.allocateSubmit")}
      onSubmit={({ company_id }) => allocate.mutate(refusedAllocationBody(device, company_id), { onSuccess: onAllocated })}
      onClose={onClose}
      busy={allocate.isPending}
    >
      <p>
        {t("refused.allocateBody", {
          serial: device.serial_number,
          oui: device.oui,
          productClass: device.product_class || "—",
        })}
      </p>
      <AllocationErrorBanner error={allocate.error} />
      <Field label={t("allocations.company")} required error={errorText(form.formState.errors.company_id)}>
        {(p) => <CompanySelect {...p} autoFocus {...form.register("company_id")} companies={companies} />}
      </Field>
    </FormDialog>
  );
}

export function RefusedDevicesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const can = useCan();
  const mayAllocate = can("provider.devices");
  const refused = useRefusedDevices({ background: true, refetchInterval: REFRESH_MS });
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
    <ListPage
      title={t("refused.title")}
      description={t("refused.description")}
      alert={unavailable ? <Alert tone="info">{t("devices.unavailable")}</Alert> : undefined}
      error={refused.error ?? companies.error}
      notice={lastAllocated ? <Alert tone="success">{t("refused.allocatedNext", lastAllocated)}</Alert> : null}
      rows={refused.data}
      loading={refused.isLoading}
      columns={columns}
      getRowId={(r) => r.id}
      empty={<EmptyState icon="check" title={t("common.noData")} />}
    >
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
    </ListPage>
  );
}
