// Pieces of the device-allocation screens shared by the provider's page and the company's
// read-only list on the profiles page: the "what it covers" wording and the detail dialog
// (with the serial list of a list allocation).
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { keys } from "../api/queries";
import type { Allocation } from "../api/types";
import { coverage, type Message } from "../lib/allocations";
import { formatJst } from "../lib/time";
import { Button, Dialog, ErrorBanner, KeyValue, Spinner } from "./ui";

// A lib/allocations Message in the UI language.
export function useMessageText(): (m: Message) => string {
  const { t } = useTranslation();
  return (m) => t(m.key, m.values ?? {});
}

// "3 serials", "prefix AB…", "ACM000001–ACM000500", "whole OUI".
export function useCoverageText(): (a: Allocation) => string {
  const text = useMessageText();
  return (a) => text(coverage(a));
}

export function allocationTime(a: Allocation): string {
  return a.created_at_jst ?? formatJst(a.created_at);
}

export function AllocationDetailDialog({ allocation, onClose }: { allocation: Allocation; onClose: () => void }) {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const full = useQuery({
    queryKey: keys.allocation(allocation.id),
    queryFn: () => api<Allocation>(`/allocations/${encodeURIComponent(allocation.id)}`),
    enabled: allocation.kind === "serials",
  });
  const a = full.data ?? allocation;
  return (
    <Dialog
      open
      wide
      title={t("allocations.detail")}
      onClose={onClose}
      footer={<Button onClick={onClose}>{t("common.close")}</Button>}
    >
      <KeyValue
        items={[
          [t("allocations.companyCode"), <span className="mono">{a.company_code}</span>],
          [t("allocations.oui"), <span className="mono">{a.oui}</span>],
          [t("allocations.productClass"), a.product_class ?? t("allocations.anyProductClass")],
          [t("allocations.kind"), covers(a)],
          [t("allocations.note"), a.note],
          [t("allocations.createdBy"), a.created_by],
          [t("allocations.createdAt"), allocationTime(a)],
        ]}
      />
      {allocation.kind === "serials" ? (
        <div className="stack-sm">
          <h3 className="field-label">{t("allocations.serialList")}</h3>
          <ErrorBanner error={full.error} />
          {full.isLoading ? (
            <Spinner />
          ) : (
            <ul className="serial-list mono" aria-label={t("allocations.serialList")}>
              {(a.serials ?? []).map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </Dialog>
  );
}
