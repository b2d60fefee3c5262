// One webhook (SEC-9, tokens.write): its settings and state, the test event, editing, enabling
// again after Kanri stopped it, deleting, and its delivery log — each event's state, attempts,
// the receiver's last HTTP status and error, the next attempt or the delivery, in JST, a page
// at a time, read again while a delivery is on its way.
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import type { DeliveryState, WebhookDelivery } from "../api/types";
import { PATHS } from "../app/paths";
import { DataTable } from "../components/DataTable";
import { Icon } from "../components/Icon";
import { MorePager } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, ErrorBanner, Field, KeyValue, PageHeader, Select, Spinner } from "../components/ui";
import { EventTags, LastDeliveryCell, useEventLabel, useWebhookDeletion, WebhookDialog, WebhookStatusBadge } from "../components/Webhook";
import { formatJst } from "../lib/time";
import { DELIVERY_STATE_TONE, DELIVERY_STATES, webhookStatus } from "../lib/webhooks";
import { useDeliveries, useSendTestEvent, useUpdateWebhook, useWebhook } from "../resources/webhooks";

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t } = useTranslation();
  const label = useEventLabel();
  const [state, setState] = useState<DeliveryState | "">("");
  const log = useDeliveries(webhookId, state);
  const rows = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);
  const live = rows.some((d) => d.state === "queued" || d.state === "sending");

  const col = createColumnHelper<WebhookDelivery>();
  const columns = [
    col.accessor("created_at", {
      header: t("webhooks.delivery.createdAt"),
      cell: (c) => <span className="nowrap mono">{formatJst(c.getValue())}</span>,
    }),
    col.accessor("event_type", {
      header: t("webhooks.delivery.event"),
      meta: { className: "cell-wrap" },
      cell: (c) => (
        <div>
          <div className="cell-main">{label(c.getValue())}</div>
          <div className="cell-sub mono" title={c.row.original.event_id}>
            {c.getValue()}
          </div>
        </div>
      ),
    }),
    col.accessor("state", {
      header: t("webhooks.delivery.state"),
      cell: (c) => (
        <Badge tone={DELIVERY_STATE_TONE[c.getValue()]} dot>
          {c.getValue() === "sending" ? <span className="spinner spinner-xs" aria-hidden="true" /> : null}
          {t(`webhooks.deliveryStates.${c.getValue()}`)}
        </Badge>
      ),
    }),
    col.accessor("attempts", { header: t("webhooks.delivery.attempts"), meta: { className: "col-num" } }),
    col.accessor((d) => d.last_status ?? -1, {
      id: "lastStatus",
      header: t("webhooks.delivery.lastStatus"),
      cell: (c) => {
        const d = c.row.original;
        if (d.last_status !== null) return <span className="mono nowrap">{t("webhooks.httpStatus", { status: d.last_status })}</span>;
        return d.attempts > 0 ? <span className="muted nowrap">{t("webhooks.delivery.noAnswer")}</span> : <span className="muted">—</span>;
      },
    }),
    col.accessor("last_error", {
      header: t("webhooks.delivery.lastError"),
      meta: { className: "cell-wrap" },
      cell: (c) => <span className="cell-sub delivery-error">{c.getValue() || "—"}</span>,
    }),
    col.accessor((d) => d.delivered_at ?? d.next_attempt_at ?? "", {
      id: "when",
      header: t("webhooks.delivery.when"),
      cell: (c) => {
        const d = c.row.original;
        const [time, label] = d.delivered_at
          ? [d.delivered_at, t("webhooks.delivery.deliveredAt")]
          : d.next_attempt_at && d.state !== "failed"
            ? [d.next_attempt_at, t("webhooks.delivery.nextAttempt")]
            : [null, ""];
        if (!time) return <span className="muted">—</span>;
        return (
          <div>
            <div className="nowrap">{formatJst(time)}</div>
            <div className="cell-sub">{label}</div>
          </div>
        );
      },
    }),
  ];

  return (
    <Card
      className="card-flush"
      title={t("webhooks.deliveries")}
      actions={
        live ? (
          <span className="live" role="status">
            <span className="live-dot" aria-hidden="true" />
            {t("device.live")}
          </span>
        ) : null
      }
    >
      <div className="toolbar" role="search" aria-label={t("webhooks.deliveryFilter")}>
        <Field label={t("webhooks.delivery.state")}>
          {(p) => (
            <Select {...p} value={state} onChange={(e) => setState(e.target.value as DeliveryState | "")}>
              <option value="">{t("common.all")}</option>
              {DELIVERY_STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`webhooks.deliveryStates.${s}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <p className="muted grow-text">{t("webhooks.deliveriesHint")}</p>
      </div>
      <ErrorBanner error={log.error} />
      {log.isLoading ? (
        <Spinner />
      ) : (
        <DataTable data={rows} columns={columns} getRowId={(d) => d.id} caption={t("webhooks.deliveries")} empty={t("webhooks.noDeliveries")} />
      )}
      <MorePager
        shown={rows.length}
        hasMore={log.hasNextPage}
        loadingMore={log.isFetchingNextPage}
        onMore={() => void log.fetchNextPage()}
        moreLabel={t("webhooks.more")}
      />
    </Card>
  );
}

export function WebhookDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const toast = useToast();
  const navigate = useNavigate();
  const webhook = useWebhook(id);
  const test = useSendTestEvent();
  const enable = useUpdateWebhook();
  const [editing, setEditing] = useState(false);
  const remove = useWebhookDeletion(() => navigate(PATHS.webhooks));

  if (webhook.isLoading) return <Spinner />;
  if (!webhook.data) return <ErrorBanner error={webhook.error} />;
  const w = webhook.data;
  const status = webhookStatus(w);
  const since = formatJst(w.failing_since, false);

  return (
    <div className="stack">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to={PATHS.webhooks}>{t("webhooks.back")}</Link>
        <Icon name="chevronRight" size={12} />
        <span>{w.name}</span>
      </nav>
      <PageHeader
        title={w.name}
        description={w.url}
        actions={
          <>
            <span title={w.enabled ? undefined : t("webhooks.testNeedsEnabled")}>
              <Button
                icon="play"
                busy={test.isPending}
                disabled={!w.enabled}
                onClick={() => test.mutate(w, { onSuccess: () => toast(t("webhooks.testSent")) })}
              >
                {t("webhooks.sendTest")}
              </Button>
            </span>
            <Button icon="edit" onClick={() => setEditing(true)}>
              {t("common.edit")}
            </Button>
            <Button variant="ghost" icon="trash" onClick={() => remove.ask(w)}>
              {t("common.delete")}
            </Button>
          </>
        }
      />
      <ErrorBanner error={test.error ?? enable.error} />
      {status === "stopped" ? (
        <Alert tone="danger">
          <p>{t("webhooks.stoppedAlert", { since })}</p>
          <div className="row">
            <Button
              className="btn-sm"
              variant="primary"
              icon="check"
              busy={enable.isPending}
              onClick={() => enable.mutate({ id: w.id, patch: { enabled: true } }, { onSuccess: () => toast(t("webhooks.enabledToast")) })}
            >
              {t("webhooks.enable")}
            </Button>
          </div>
        </Alert>
      ) : null}
      {status === "failing" ? <Alert tone="warning">{t("webhooks.failingAlert", { since })}</Alert> : null}
      <Card title={t("webhooks.settings")}>
        <KeyValue
          items={[
            [t("webhooks.url"), <span className="mono webhook-url">{w.url}</span>],
            [t("webhooks.events"), <EventTags events={w.events} />],
            [t("webhooks.state"), <WebhookStatusBadge webhook={w} />],
            [t("webhooks.lastDelivery"), <LastDeliveryCell webhook={w} />],
            [t("webhooks.createdAt"), t("webhooks.createdBy", { time: formatJst(w.created_at, false), login: w.created_by_login })],
          ]}
        />
      </Card>
      <DeliveryLog webhookId={w.id} />
      <p className="footnote">{t("common.timesInJst")}</p>
      {editing ? (
        <WebhookDialog
          webhook={w}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            toast(t("webhooks.saved"));
          }}
        />
      ) : null}
      {remove.dialog}
    </div>
  );
}
