// Issue 18: the company's own devices refused at onboarding (its allocation covers them, but the
// credential was wrong, no or several profiles matched, or the device was retired), latest first,
// each reason explained with what to do about it.
import { createColumnHelper } from "@tanstack/react-table";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { RefusedDevice } from "../api/types";
import { PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { ListPage, MorePager } from "../components/ListPage";
import { Badge, EmptyState } from "../components/ui";
import { REFUSED_FIX_SCREEN, REFUSED_TONE } from "../lib/lifecycle";
import { formatJst } from "../lib/time";
import { useOwnRefusedDevices } from "../resources/devices";

export function OwnRefusedDevicesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const refused = useOwnRefusedDevices();
  const rows = refused.data?.pages.flatMap((p) => p.items) ?? [];
  const col = createColumnHelper<RefusedDevice>();
  const columns = [
    col.accessor("serial_number", {
      header: t("refused.serial"),
      cell: (c) => (
        <div>
          <div className="cell-main mono">{c.getValue()}</div>
          <div className="cell-sub mono">
            {c.row.original.oui}-{c.row.original.product_class || "—"}
          </div>
        </div>
      ),
    }),
    col.accessor("reason", {
      header: t("ownRefused.reason"),
      cell: (c) => {
        const reason = c.getValue();
        const fix = REFUSED_FIX_SCREEN[reason];
        return (
          <div className="stack-sm">
            <Badge tone={REFUSED_TONE[reason]}>{t(`ownRefused.reasons.${reason}`)}</Badge>
            <p className="cell-sub prose">{t(`ownRefused.todo.${reason}`)}</p>
            {fix && can("profiles.read") ? (
              <Link className="btn-link" to={PATHS[fix]}>
                {t("ownRefused.openProfiles")}
              </Link>
            ) : null}
          </div>
        );
      },
    }),
    col.accessor("source_ip", { header: t("refused.sourceIp"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("attempts", { header: t("refused.attempts"), meta: { className: "col-num" } }),
    col.accessor("first_at", { header: t("refused.firstAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span> }),
    col.accessor("last_at", { header: t("refused.lastAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span> }),
  ];
  return (
    <ListPage
      title={t("ownRefused.title")}
      description={t("ownRefused.description")}
      error={refused.error}
      rows={rows}
      loading={refused.isLoading}
      columns={columns}
      getRowId={(r) => r.id}
      empty={<EmptyState icon="check" title={t("ownRefused.empty")} />}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={Boolean(refused.hasNextPage)}
          loadingMore={refused.isFetchingNextPage}
          onMore={() => void refused.fetchNextPage()}
          moreLabel={t("ownRefused.more")}
        />
      }
      jstFootnote
    />
  );
}
