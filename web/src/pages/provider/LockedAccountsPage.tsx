// Provider console: accounts locked by failed logins or inactivity, and unlocking them.
import { createColumnHelper } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import type { LockedAccount } from "../../api/types";
import { useConfirmedMutation } from "../../components/Confirmation";
import { ListPage } from "../../components/ListPage";
import { Badge, Button, EmptyState } from "../../components/ui";
import { formatJst } from "../../lib/time";
import { useLockedAccounts, useUnlockAccount } from "../../resources/accounts";

export function LockedAccountsPage() {
  const { t } = useTranslation();
  const locked = useLockedAccounts();
  const unlock = useConfirmedMutation(useUnlockAccount(), {
    title: t("locked.unlock"),
    message: (l) => t("locked.unlockConfirm", { login: l.account.login, company: l.company_code || "—" }),
    confirmLabel: t("locked.unlock"),
    danger: false,
    done: t("locked.unlocked"),
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
        <Button className="btn-sm" icon="lock" onClick={() => unlock.ask(c.row.original)}>
          {t("locked.unlock")}
        </Button>
      ),
    }),
  ];

  return (
    <ListPage
      title={t("locked.title")}
      description={t("locked.description")}
      error={locked.error}
      rows={locked.data}
      loading={locked.isLoading}
      columns={columns}
      getRowId={(l) => l.account.id}
      empty={<EmptyState icon="check" title={t("common.noData")} />}
      jstFootnote
    >
      {unlock.dialog}
    </ListPage>
  );
}
