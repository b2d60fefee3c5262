// Provider console: accounts locked by failed logins or inactivity, and unlocking them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, fetchAll } from "../../api/client";
import { keys } from "../../api/queries";
import type { LockedAccount } from "../../api/types";
import { DataTable } from "../../components/DataTable";
import { useToast } from "../../components/Toast";
import { Badge, Button, Card, ConfirmDialog, EmptyState, ErrorBanner, PageHeader, Spinner } from "../../components/ui";
import { formatJst } from "../../lib/time";

export function LockedAccountsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const locked = useQuery({ queryKey: keys.lockedAccounts, queryFn: () => fetchAll<LockedAccount>("/locked-accounts") });
  const [target, setTarget] = useState<LockedAccount | null>(null);
  const unlock = useMutation({
    mutationFn: (l: LockedAccount) => api<unknown>(`/locked-accounts/${l.account.id}/unlock`, { method: "POST" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.lockedAccounts });
      setTarget(null);
      toast(t("locked.unlocked"));
    },
  });

  const col = createColumnHelper<LockedAccount>();
  const columns = [
    col.accessor("company_code", { header: t("locked.company"), cell: (c) => <span className="mono cell-main">{c.getValue() || "—"}</span> }),
    col.accessor((l) => l.account.login, {
      id: "login",
      header: t("accounts.login"),
      cell: (c) => (
        <div>
          <div className="cell-main">{c.row.original.account.name}</div>
          <div className="cell-sub">{c.getValue()}</div>
        </div>
      ),
    }),
    col.accessor((l) => l.account.kind, { id: "kind", header: t("accounts.kind"), cell: (c) => <Badge>{t(`accountKind.${c.getValue()}`)}</Badge> }),
    col.accessor((l) => l.account.locked_until, {
      id: "until",
      header: t("locked.lockedUntil"),
      cell: (c) => <span className="nowrap">{c.getValue() ? formatJst(c.getValue(), false) : t("locked.indefinite")}</span>,
    }),
    col.accessor((l) => l.account.last_login_at, {
      id: "last",
      header: t("accounts.lastLogin"),
      cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span>,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => (
        <Button className="btn-sm" icon="lock" onClick={() => setTarget(c.row.original)}>
          {t("locked.unlock")}
        </Button>
      ),
    }),
  ];

  return (
    <div className="stack">
      <PageHeader title={t("locked.title")} description={t("locked.description")} />
      <ErrorBanner error={locked.error} />
      <Card className="card-flush">
        {locked.isLoading ? (
          <Spinner />
        ) : (
          <DataTable
            data={locked.data ?? []}
            columns={columns}
            getRowId={(l) => l.account.id}
            caption={t("locked.title")}
            empty={<EmptyState icon="check" title={t("common.noData")} />}
          />
        )}
      </Card>
      <p className="footnote">{t("common.timesInJst")}</p>
      <ConfirmDialog
        open={target !== null}
        title={t("locked.unlock")}
        message={target ? t("locked.unlockConfirm", { login: target.account.login, company: target.company_code || "—" }) : ""}
        confirmLabel={t("locked.unlock")}
        busy={unlock.isPending}
        error={unlock.error}
        onConfirm={() => target && unlock.mutate(target)}
        onClose={() => {
          setTarget(null);
          unlock.reset();
        }}
      />
    </div>
  );
}
