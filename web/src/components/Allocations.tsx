// Pieces of the device-allocation screens shared by the provider's pages and the company's
// read-only list on the profiles page: the "what it covers" wording, the detail dialog (with
// the serial list of a list allocation), and the choice of a company.
import { forwardRef, type SelectHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import type { Allocation, Company } from "../api/types";
import { coverage, type Message } from "../lib/allocations";
import { formatJst } from "../lib/time";
import { useAllocation } from "../resources/allocations";
import { Button, Dialog, ErrorBanner, KeyValue, Select, Spinner } from "./ui";

// A lib/allocations Message in the UI language.
export function useMessageText(): (m: Message) => string {
  const { t } = useTranslation();
  return (m) => t(m.key, m.values);
}

// "3 serials", "prefix AB…", "ACM000001–ACM000500", "whole OUI".
export function useCoverageText(): (a: Allocation) => string {
  const text = useMessageText();
  return (a) => text(coverage(a));
}

export function allocationTime(a: Allocation): string {
  return a.created_at_jst || formatJst(a.created_at);
}

export function AllocationDetailDialog({ allocation, onClose }: { allocation: Allocation; onClose: () => void }) {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const full = useAllocation(allocation.id, allocation.kind === "serials");
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

// The company an allocation is for: "ACME — アクメ通信株式会社".
export const CompanySelect = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & { companies: Company[] }>(
  function CompanySelect({ companies, ...props }, ref) {
    const { t } = useTranslation();
    return (
      <Select ref={ref} {...props}>
        <option value="">{t("allocations.chooseCompany")}</option>
        {companies.map((c) => (
          <option key={c.id} value={c.id}>
            {c.code} — {c.name}
          </option>
        ))}
      </Select>
    );
  },
);
