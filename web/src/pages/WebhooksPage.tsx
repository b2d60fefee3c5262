// Webhooks (SEC-9, tokens.write): the company's endpoints that hear about events, with their
// state (enabled, failing since when, disabled, or stopped by Kanri after 24 hours of failures)
// and last delivery; creating one (its signing secret shown once, right after), editing and
// deleting it. Each one's page (WebhookDetailPage) has its delivery log and the test event.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { IssuedWebhook, Webhook } from "../api/types";
import { pathTo } from "../app/paths";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Button, EmptyState } from "../components/ui";
import { EventTags, IssuedWebhookDialog, LastDeliveryCell, useWebhookDeletion, WebhookDialog, WebhookStatusBadge } from "../components/Webhook";
import { MAX_WEBHOOKS } from "../lib/webhooks";
import { useWebhooks } from "../resources/webhooks";

export function WebhooksPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const webhooks = useWebhooks();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [issued, setIssued] = useState<IssuedWebhook | null>(null);
  const remove = useWebhookDeletion();
  const full = (webhooks.data?.length ?? 0) >= MAX_WEBHOOKS;

  const col = createColumnHelper<Webhook>();
  const columns = [
    col.accessor("name", {
      header: t("webhooks.name"),
      cell: (c) => (
        <div className="stack-xs">
          <Link className="cell-main" to={pathTo("webhook", { id: c.row.original.id })} title={t("webhooks.showDeliveries")}>
            {c.getValue()}
          </Link>
          <span className="cell-sub mono webhook-url" title={c.row.original.url}>
            {c.row.original.url}
          </span>
        </div>
      ),
    }),
    col.accessor((w) => w.events.join(" "), {
      id: "events",
      header: t("webhooks.events"),
      enableSorting: false,
      cell: (c) => <EventTags events={c.row.original.events} />,
    }),
    col.accessor((w) => (w.enabled ? (w.failing_since ? 1 : 0) : 2), {
      id: "state",
      header: t("webhooks.state"),
      cell: (c) => <WebhookStatusBadge webhook={c.row.original} />,
    }),
    col.accessor((w) => w.last_delivery?.at ?? "", {
      id: "lastDelivery",
      header: t("webhooks.lastDelivery"),
      cell: (c) => <LastDeliveryCell webhook={c.row.original} />,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const w = c.row.original;
        return (
          <div className="row">
            <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(w)} aria-label={`${t("common.edit")} ${w.name}`}>
              {t("common.edit")}
            </Button>
            <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => remove.ask(w)} aria-label={`${t("common.delete")} ${w.name}`}>
              {t("common.delete")}
            </Button>
          </div>
        );
      },
    }),
  ];

  return (
    <ListPage
      title={t("webhooks.title")}
      description={t("webhooks.description")}
      actions={
        <Button variant="primary" icon="plus" disabled={full} onClick={() => setCreating(true)}>
          {t("webhooks.create")}
        </Button>
      }
      error={webhooks.error}
      notice={full ? <Alert>{t("webhooks.limitReached", { max: MAX_WEBHOOKS })}</Alert> : null}
      rows={webhooks.data}
      loading={webhooks.isLoading}
      columns={columns}
      getRowId={(w) => w.id}
      empty={<EmptyState icon="webhook" title={t("webhooks.empty")} />}
      jstFootnote
    >
      {creating ? (
        <WebhookDialog
          onClose={() => setCreating(false)}
          onCreated={(w) => {
            setCreating(false);
            setIssued(w);
          }}
        />
      ) : null}
      {editing ? (
        <WebhookDialog
          webhook={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            toast(t("webhooks.saved"));
          }}
        />
      ) : null}
      {issued ? <IssuedWebhookDialog issued={issued} onClose={() => setIssued(null)} /> : null}
      {remove.dialog}
    </ListPage>
  );
}
