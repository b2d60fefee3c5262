// DEV-6: one firmware campaign. How it stands and, paused, why (in words); pausing, resuming
// (after a pause at the threshold: the wave's failures are accepted) and cancelling (asked
// first); the totals; a stacked bar per wave with its numbers as text and its times (JST); why
// devices were skipped or failed, in words; and its devices, filtered by wave and state (kept
// in the URL), each leading to its page. Polled every 3 s while running or paused.
import { createColumnHelper } from "@tanstack/react-table";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router-dom";
import type { Campaign, CampaignDevice, CampaignDeviceState } from "../api/types";
import { pathTo, PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { CampaignBar, WaveChart } from "../components/CampaignChart";
import { useConfirmedMutation } from "../components/Confirmation";
import { DataTable } from "../components/DataTable";
import { Icon } from "../components/Icon";
import { MorePager } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, EmptyState, ErrorBanner, KeyValue, PageHeader, Select, Spinner } from "../components/ui";
import { BAR_STATES, campaignLive, pauseReasonText, reasonRows, reasonText, WEEKDAYS, waveOf } from "../lib/campaigns";
import { describeFilter, deviceFilterOf, type FilterNames } from "../lib/deviceFilter";
import { firmwareLabel } from "../lib/taskText";
import { formatJst } from "../lib/time";
import { useCampaign, useCampaignAction, useCampaignDevices } from "../resources/campaigns";
import { useDeviceGroups } from "../resources/deviceGroups";
import { useProfiles } from "../resources/profiles";
import { CampaignStateBadge } from "./CampaignsPage";
import "../styles/campaigns.css";

const DEVICE_STATES: CampaignDeviceState[] = ["pending", "running", "done", "failed", "skipped", "cancelled"];
const STATE_TONE: Record<CampaignDeviceState, "neutral" | "info" | "success" | "danger" | "warning"> = {
  pending: "neutral",
  running: "info",
  done: "success",
  failed: "danger",
  skipped: "warning",
  cancelled: "neutral",
};

// The devices a campaign was started on: a group (by name while it exists), every device, or
// the device list's filter in words.
export function campaignTarget(c: Pick<Campaign, "target">, names: FilterNames, t: TFunction): string {
  if (c.target.group_id) {
    const group = names.groups?.find((g) => g.id === c.target.group_id);
    return group ? t("campaigns.targets.group", { name: group.name }) : t("campaigns.targets.groupDeleted");
  }
  const described = describeFilter(deviceFilterOf(c.target.filter), t, names);
  return described ? t("campaigns.targets.filter", { filter: described }) : t("campaigns.targets.all");
}

// 「月・水 01:00〜05:00（JST）」 / 「毎日 22:00〜翌 04:00（JST）」 / 「いつでも」.
export function windowText(t: TFunction, window: Campaign["window"]): string {
  if (!window) return t("campaigns.window.any");
  const days = window.days.length === 0 || window.days.length === 7 ? t("campaigns.window.everyDay") : WEEKDAYS.filter((d) => window.days.includes(d)).map((d) => t(`campaigns.weekdays.${d}`)).join(t("campaigns.window.daySeparator"));
  const overnight = window.to <= window.from;
  return t(overnight ? "campaigns.window.overnight" : "campaigns.window.range", { days, from: window.from, to: window.to });
}

function Reasons({ title, rows, empty }: { title: string; rows: Array<{ reason: string; text: string; count: number }>; empty: string }) {
  const { t } = useTranslation();
  return (
    <Card title={title}>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="campaign-reasons" aria-label={title}>
          {rows.map((r) => (
            <li key={r.reason}>
              <span>{r.text}</span>
              <span className="nowrap">{t("campaigns.devicesCount", { count: r.count })}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function CampaignDevices({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const wave = params.get("wave") ?? "";
  const state = params.get("state") ?? "";
  const devices = useCampaignDevices(campaign.id, wave, state, campaignLive(campaign));
  const rows = devices.data?.pages.flatMap((p) => p.items) ?? [];
  const setFilter = (name: "wave" | "state", value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const col = createColumnHelper<CampaignDevice>();
  const columns = [
    col.accessor((d) => d.device.serial_number, {
      id: "serial",
      header: t("campaigns.devices.serial"),
      cell: (c) => (
        <Link className="cell-main mono" to={pathTo("device", { id: c.row.original.device.id })}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor((d) => d.device.model, { id: "model", header: t("campaigns.devices.model") }),
    col.accessor("wave", { header: t("campaigns.devices.wave"), cell: (c) => c.getValue() ?? "—" }),
    col.accessor("state", {
      header: t("campaigns.devices.state"),
      cell: (c) => (
        <Badge tone={STATE_TONE[c.getValue()]} dot>
          {t(`campaigns.deviceStates.${c.getValue()}`)}
        </Badge>
      ),
    }),
    col.accessor((d) => reasonText(t, d.reason, d.state), {
      id: "reason",
      header: t("campaigns.devices.reason"),
      cell: (c) => <span className="cell-sub">{reasonText(t, c.row.original.reason, c.row.original.state)}</span>,
    }),
    col.accessor("finished_at", { header: t("campaigns.devices.finishedAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
  ];
  return (
    <Card className="card-flush" title={t("campaigns.devices.title")}>
      <div className="toolbar" role="group" aria-label={t("campaigns.devices.filters")}>
        <div className="field">
          <label htmlFor="campaign-wave">{t("campaigns.devices.wave")}</label>
          <Select id="campaign-wave" value={wave} onChange={(e) => setFilter("wave", e.target.value)}>
            <option value="">{t("campaigns.devices.allWaves")}</option>
            {campaign.waves.map((w) => (
              <option key={w.wave} value={String(w.wave)}>
                {t("campaigns.form.waveN", { wave: w.wave })}
              </option>
            ))}
          </Select>
        </div>
        <div className="field">
          <label htmlFor="campaign-state">{t("campaigns.devices.state")}</label>
          <Select id="campaign-state" value={state} onChange={(e) => setFilter("state", e.target.value)}>
            <option value="">{t("campaigns.devices.allStates")}</option>
            {DEVICE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`campaigns.deviceStates.${s}`)}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <ErrorBanner error={devices.error} />
      {devices.isLoading ? (
        <Spinner />
      ) : (
        <DataTable
          data={rows}
          columns={columns}
          getRowId={(d) => d.device.id}
          caption={t("campaigns.devices.title")}
          empty={<EmptyState icon="router" title={t("campaigns.devices.empty")} />}
        />
      )}
      <MorePager
        shown={rows.length}
        hasMore={Boolean(devices.hasNextPage)}
        loadingMore={devices.isFetchingNextPage}
        onMore={() => void devices.fetchNextPage()}
        moreLabel={t("campaigns.more")}
      />
    </Card>
  );
}

export function CampaignPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const campaign = useCampaign(id);
  const groups = useDeviceGroups();
  const profiles = useProfiles(can("profiles.read"));
  const names: FilterNames = { groups: groups.data, profiles: profiles.data };
  const pause = useCampaignAction("pause");
  const resume = useCampaignAction("resume");
  const cancel = useConfirmedMutation(useCampaignAction("cancel"), {
    title: t("campaigns.cancelTitle"),
    confirmLabel: t("campaigns.cancel"),
    message: (c: Campaign) => t("campaigns.cancelConfirm", { name: c.name, count: c.counts.pending }),
    done: t("campaigns.cancelled"),
  });
  const resumeAfterPause = useConfirmedMutation(resume, {
    title: t("campaigns.resumeTitle"),
    confirmLabel: t("campaigns.resume"),
    danger: false,
    message: (c: Campaign) => (
      <div className="stack">
        <p>{pauseReasonText(t, c)}</p>
        <p>{t("campaigns.resumeAccepts", { wave: c.current_wave, count: c.waves[c.current_wave - 1]?.counts.failed ?? 0 })}</p>
      </div>
    ),
    done: t("campaigns.resumed"),
  });

  if (campaign.isLoading) return <Spinner />;
  const c = campaign.data;
  if (!c) return <ErrorBanner error={campaign.error} />;
  const mayChange = can("devices.firmware");
  const live = campaignLive(c);
  const skipped = reasonRows(t, c.skipped_reasons, false);
  const failures = reasonRows(t, c.failure_reasons, true);
  return (
    <div className="stack">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to={PATHS.campaigns}>{t("campaigns.back")}</Link>
        <Icon name="chevronRight" size={12} />
        <span>{c.name}</span>
      </nav>
      <PageHeader
        title={c.name}
        description={`${firmwareLabel(c.firmware)} · ${formatJst(c.created_at)} · ${c.created_by.login}`}
        actions={
          <>
            {live ? (
              <span className="live" role="status">
                <span className="live-dot" aria-hidden="true" />
                {t("jobList.live")}
              </span>
            ) : null}
            {mayChange && c.state === "running" ? (
              <Button icon="pause" busy={pause.isPending} onClick={() => pause.mutate(c, { onSuccess: () => toast(t("campaigns.paused")) })}>
                {t("campaigns.pause")}
              </Button>
            ) : null}
            {mayChange && c.state === "paused" ? (
              <Button
                variant="primary"
                icon="play"
                busy={resume.isPending}
                onClick={() => (c.pause_reason === "operator" ? resume.mutate(c, { onSuccess: () => toast(t("campaigns.resumed")) }) : resumeAfterPause.ask(c))}
              >
                {t("campaigns.resume")}
              </Button>
            ) : null}
            {mayChange && live ? (
              <Button variant="danger" icon="x" onClick={() => cancel.ask(c)}>
                {t("campaigns.cancel")}
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorBanner error={campaign.error ?? pause.error ?? (c.pause_reason === "operator" ? resume.error : null)} />
      {c.state === "paused" ? (
        <Alert tone="warning">
          <strong>{t("campaigns.pausedTitle")}</strong>
          <p data-testid="pause-reason">{pauseReasonText(t, c)}</p>
          {mayChange ? <p>{c.pause_reason === "operator" ? t("campaigns.resumeHint") : t("campaigns.resumeAcceptsHint")}</p> : null}
        </Alert>
      ) : null}
      <Card
        title={t("campaigns.progress")}
        actions={
          <span data-testid="campaign-state">
            <CampaignStateBadge campaign={c} />
          </span>
        }
      >
        <div className="stack">
          <CampaignBar counts={c.counts} />
          <dl className="campaign-totals" aria-label={t("campaigns.totals")}>
            <div>
              <dt>{t("campaigns.total")}</dt>
              <dd>{c.counts.total}</dd>
            </div>
            {BAR_STATES.map((s) => (
              <div key={s}>
                <dt>{t(`campaigns.deviceStates.${s}`)}</dt>
                <dd>{c.counts[s]}</dd>
              </div>
            ))}
          </dl>
          <KeyValue
            items={[
              [t("campaigns.state"), `${t(`campaigns.states.${c.state}`)}${c.state === "paused" ? ` — ${pauseReasonText(t, c)}` : ""}`],
              [t("campaigns.firmware"), firmwareLabel(c.firmware)],
              [t("campaigns.target"), campaignTarget(c, names, t)],
              [t("campaigns.currentWave"), waveOf(c)],
              [t("campaigns.form.threshold"), t("campaigns.percent", { value: c.failure_threshold_percent })],
              [t("campaigns.form.minSuccess"), t("campaigns.devicesCount", { count: c.min_success_before_next_wave })],
              [t("campaigns.form.concurrency"), t("campaigns.devicesCount", { count: c.concurrency })],
              [t("campaigns.form.timeout"), t("campaigns.hours", { count: c.device_timeout_hours })],
              [t("campaigns.form.window"), windowText(t, c.window)],
              [t("campaigns.createdAt"), `${formatJst(c.created_at)} · ${c.created_by.login}`],
              [t("campaigns.finishedAt"), c.finished_at ? formatJst(c.finished_at) : ""],
            ]}
          />
        </div>
      </Card>
      <Card title={t("campaigns.chart.title")}>
        <WaveChart campaign={c} />
      </Card>
      <div className="grid-2">
        <Reasons title={t("campaigns.skippedReasons")} rows={skipped} empty={t("campaigns.noSkipped")} />
        <Reasons title={t("campaigns.failureReasons")} rows={failures} empty={t("campaigns.noFailures")} />
      </div>
      <CampaignDevices campaign={c} />
      <p className="footnote">{t("common.timesInJst")}</p>
      {cancel.dialog}
      {resumeAfterPause.dialog}
    </div>
  );
}
