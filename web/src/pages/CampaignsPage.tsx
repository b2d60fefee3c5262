// DEV-6: the company's firmware campaigns, newest first: the file and version each sends, how
// it stands (a paused one says why), its progress and wave, when it was started (JST); each
// opens on its page. Accounts that may update firmware start new ones here.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import type { Campaign } from "../api/types";
import { pathTo } from "../app/paths";
import { useCan } from "../auth/session";
import { CampaignBar } from "../components/CampaignChart";
import { CampaignDialog } from "../components/CampaignDialog";
import { ListPage, MorePager } from "../components/ListPage";
import { Badge, Button, EmptyState } from "../components/ui";
import { CAMPAIGN_STATE_TONE, campaignLive, endedCount, stateText, waveOf } from "../lib/campaigns";
import { firmwareLabel } from "../lib/taskText";
import { formatJst } from "../lib/time";
import { useCampaigns } from "../resources/campaigns";
import { deviceQuery, filterOf } from "./DevicesPage";

export function CampaignStateBadge({ campaign }: { campaign: Pick<Campaign, "state" | "pause_reason"> }) {
  const { t } = useTranslation();
  return (
    <Badge tone={CAMPAIGN_STATE_TONE[campaign.state]} dot>
      {campaign.state === "running" ? <span className="spinner spinner-xs" aria-hidden="true" /> : null}
      {stateText(t, campaign)}
    </Badge>
  );
}

// 「完了 3・失敗 1 / 10 台」 under a small bar.
export function CampaignProgress({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const c = campaign.counts;
  return (
    <div className="campaign-progress">
      <CampaignBar counts={c} small />
      <span className="cell-sub nowrap">
        {t("campaigns.progressText", { done: c.done, failed: c.failed, ended: endedCount(c), total: c.total })}
      </span>
    </div>
  );
}

export function CampaignsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const campaigns = useCampaigns();
  // Opened from the device list (?new=1 and its filter): the dialog, that filter offered as the target.
  const [params, setParams] = useSearchParams();
  const fromList = params.get("new") === "1" && can("devices.firmware");
  const [creating, setCreating] = useState(fromList);
  const [listFilter] = useState(() => (fromList ? filterOf(deviceQuery(params)) : undefined));
  const closeDialog = () => {
    setCreating(false);
    if (params.toString()) setParams({}, { replace: true });
  };
  const rows = campaigns.data?.pages.flatMap((p) => p.items) ?? [];
  const col = createColumnHelper<Campaign>();
  const columns = [
    col.accessor("name", {
      header: t("campaigns.name"),
      cell: (c) => (
        <Link className="cell-main" to={pathTo("campaign", { id: c.row.original.id })}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor((c) => firmwareLabel(c.firmware), { id: "firmware", header: t("campaigns.firmware") }),
    col.accessor((c) => stateText(t, c), { id: "state", header: t("campaigns.state"), cell: (c) => <CampaignStateBadge campaign={c.row.original} /> }),
    col.display({ id: "progress", header: t("campaigns.progress"), cell: (c) => <CampaignProgress campaign={c.row.original} /> }),
    col.accessor((c) => waveOf(c), { id: "wave", header: t("campaigns.currentWave"), cell: (c) => <span className="nowrap">{c.getValue()}</span> }),
    col.accessor("created_at", { header: t("campaigns.createdAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
    col.accessor((c) => c.created_by.login, { id: "by", header: t("campaigns.createdBy") }),
  ];
  const live = rows.some(campaignLive);
  return (
    <ListPage
      title={t("campaigns.title")}
      description={t("campaigns.description")}
      actions={
        <>
          {live ? (
            <span className="live" role="status">
              <span className="live-dot" aria-hidden="true" />
              {t("jobList.live")}
            </span>
          ) : null}
          {can("devices.firmware") ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              {t("campaigns.create")}
            </Button>
          ) : null}
        </>
      }
      error={campaigns.error}
      rows={rows}
      loading={campaigns.isLoading}
      columns={columns}
      getRowId={(c) => c.id}
      empty={<EmptyState icon="campaign" title={t("campaigns.empty")} />}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={Boolean(campaigns.hasNextPage)}
          loadingMore={campaigns.isFetchingNextPage}
          onMore={() => void campaigns.fetchNextPage()}
          moreLabel={t("campaigns.more")}
        />
      }
      jstFootnote
    >
      {creating ? <CampaignDialog onClose={closeDialog} filter={listFilter} /> : null}
    </ListPage>
  );
}
