// The pieces both webhook screens (SEC-9) use: an event type's label, a webhook's state badge,
// the form that creates or edits one (with the server's refusals shown on their fields, in the
// reader's language), the secret shown once after creation, and the deletion's confirmation.
import { useTranslation } from "react-i18next";
import { useWatch } from "react-hook-form";
import { z } from "zod";
import type { IssuedWebhook, Webhook, WebhookPatch } from "../api/types";
import { isTranslationKey, message } from "../i18n";
import { formatJst } from "../lib/time";
import {
  DELIVERY_STATE_TONE,
  isDeliveryState,
  subscribableEvents,
  WEBHOOK_EVENTS,
  WEBHOOK_STATUS_TONE,
  orderedEvents,
  webhookNameProblem,
  webhookRefusal,
  webhookSecretProblem,
  webhookStatus,
  webhookUrlProblem,
} from "../lib/webhooks";
import { useCreateWebhook, useDeleteWebhook, useUpdateWebhook } from "../resources/webhooks";
import { useConfirmedDelete, type Confirmation } from "./Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "./form";
import { SecretField } from "./SecretField";
import { Alert, Badge, Button, Dialog, Field, Input } from "./ui";

// An event type ("task.done") in the reader's language; one this console does not know as the
// server names it.
export function useEventLabel(): (type: string) => string {
  const { t, i18n } = useTranslation();
  return (type) => {
    const key = `webhooks.eventTypes.${type}`;
    return /^\w+\.\w+$/.test(type) && isTranslationKey(i18n, key) ? t(key) : type;
  };
}

export function EventTags({ events }: { events: readonly string[] }) {
  const label = useEventLabel();
  return (
    <div className="tags">
      {orderedEvents(events).map((e) => (
        <span className="tag" key={e} title={e}>
          {label(e)}
        </span>
      ))}
    </div>
  );
}

// The last delivery's time, state and the receiver's HTTP status.
export function LastDeliveryCell({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  const last = webhook.last_delivery;
  if (!last) return <span className="muted">{t("webhooks.noDelivery")}</span>;
  return (
    <div className="stack-xs">
      <span className="nowrap">{formatJst(last.at)}</span>
      <span className="row">
        {isDeliveryState(last.state) ? <Badge tone={DELIVERY_STATE_TONE[last.state]}>{t(`webhooks.deliveryStates.${last.state}`)}</Badge> : null}
        {last.status !== null ? <span className="cell-sub mono">{t("webhooks.httpStatus", { status: last.status })}</span> : null}
      </span>
    </div>
  );
}

// Enabled, failing (since when), disabled, or stopped by Kanri for its failures (since when).
export function WebhookStatusBadge({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  const status = webhookStatus(webhook);
  const since = status === "failing" || status === "stopped" ? webhook.failing_since : null;
  return (
    <div className="stack-xs">
      <Badge tone={WEBHOOK_STATUS_TONE[status]} dot>
        {t(`webhooks.status.${status}`)}
      </Badge>
      {since ? <span className="cell-sub nowrap">{t("webhooks.since", { time: formatJst(since, false) })}</span> : null}
    </div>
  );
}

const formSchema = z
  .object({
    name: z.string(),
    url: z.string(),
    events: z.array(z.string()).min(1, message("webhooks.errors.events")),
    ownSecret: z.boolean(),
    secret: z.string(),
    enabled: z.boolean(),
  })
  .superRefine((v, ctx) => {
    const problems = [
      ["name", webhookNameProblem(v.name)],
      ["url", webhookUrlProblem(v.url)],
      ["secret", v.ownSecret ? (v.secret.trim() ? webhookSecretProblem(v.secret) : "validation.required") : null],
    ] as const;
    for (const [path, problem] of problems) if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: message(problem) });
  });
type FormValues = z.infer<typeof formSchema>;

// The fields that changed, for PATCH.
function patchOf(webhook: Webhook, v: FormValues): WebhookPatch {
  const patch: WebhookPatch = {};
  if (v.name.trim() !== webhook.name) patch.name = v.name.trim();
  if (v.url.trim() !== webhook.url) patch.url = v.url.trim();
  const events = subscribableEvents(v.events);
  if (events.join(" ") !== orderedEvents(webhook.events).join(" ")) patch.events = events;
  if (v.enabled !== webhook.enabled) patch.enabled = v.enabled;
  return patch;
}

// Creates a webhook (`webhook` absent; `onCreated` gets the answer with its secret) or edits one.
export function WebhookDialog({
  webhook,
  onClose,
  onCreated,
  onSaved,
}: {
  webhook?: Webhook;
  onClose: () => void;
  onCreated?: (w: IssuedWebhook) => void;
  onSaved?: (w: Webhook) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const label = useEventLabel();
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const mutation = webhook ? update : create;
  const form = useZodForm(formSchema, {
    defaultValues: {
      name: webhook?.name ?? "",
      url: webhook?.url ?? "",
      events: subscribableEvents(webhook?.events ?? []),
      ownSecret: false,
      secret: "",
      enabled: webhook?.enabled ?? true,
    },
  });
  const errors = form.formState.errors;
  const [ownSecret, enabled] = useWatch({ control: form.control, name: ["ownSecret", "enabled"] });
  const refusal = webhookRefusal(mutation.error);
  const explain = (e: unknown) => {
    const r = webhookRefusal(e);
    if (r?.field) form.setError(r.field, { message: message(r.key) });
  };
  const submit = (v: FormValues) => {
    if (webhook) {
      update.mutate({ id: webhook.id, patch: patchOf(webhook, v) }, { onSuccess: (saved) => onSaved?.(saved), onError: explain });
      return;
    }
    const body = { name: v.name.trim(), url: v.url.trim(), events: subscribableEvents(v.events), ...(v.ownSecret ? { secret: v.secret.trim() } : {}) };
    create.mutate(body, { onSuccess: (issued) => onCreated?.(issued), onError: explain });
  };
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={webhook ? t("webhooks.edit") : t("webhooks.create")}
      submitLabel={webhook ? t("common.save") : t("common.create")}
      submitDisabled={webhook ? !form.formState.isDirty : false}
      onSubmit={submit}
      onClose={onClose}
      busy={mutation.isPending}
      error={refusal ? null : mutation.error}
      banner={refusal && !refusal.field ? <Alert tone="danger">{t(refusal.key)}</Alert> : undefined}
    >
      <Field label={t("webhooks.name")} required error={errorText(errors.name)} hint={t("webhooks.nameHint")}>
        {(p) => <Input {...p} autoComplete="off" {...form.register("name")} />}
      </Field>
      <Field label={t("webhooks.url")} required error={errorText(errors.url)} hint={t("webhooks.urlHint")}>
        {(p) => <Input {...p} type="url" inputMode="url" autoComplete="off" placeholder="https://example.com/kanri-events" className="mono" {...form.register("url")} />}
      </Field>
      <fieldset>
        <legend>{t("webhooks.events")}</legend>
        <div className="checkbox-list">
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="checkbox">
              <input type="checkbox" value={e} {...form.register("events")} />
              <span>{label(e)}</span>
              <span className="cell-sub mono">{e}</span>
            </label>
          ))}
        </div>
        <p className={errors.events ? "field-error" : "field-hint"}>{errorText(errors.events) ?? t("webhooks.eventsHint")}</p>
      </fieldset>
      {webhook ? (
        <div className="stack-xs">
          <label className="switch-row">
            <input type="checkbox" role="switch" className="switch" {...form.register("enabled")} />
            <span>{t("webhooks.enabled")}</span>
          </label>
          <p className="field-hint">
            {enabled && !webhook.enabled && webhook.disabled_reason === "failing" ? t("webhooks.enableStoppedHint") : t("webhooks.enabledHint")}
          </p>
        </div>
      ) : (
        <div className="stack-sm">
          <label className="checkbox">
            <input type="checkbox" {...form.register("ownSecret", { onChange: () => form.clearErrors("secret") })} />
            <span>{t("webhooks.ownSecret")}</span>
          </label>
          {ownSecret ? (
            <Field label={t("webhooks.secret")} required error={errorText(errors.secret)} hint={t("webhooks.secretHint")}>
              {(p) => <Input {...p} autoComplete="off" spellCheck={false} className="mono" placeholder="whsec_…" {...form.register("secret")} />}
            </Field>
          ) : null}
        </div>
      )}
    </FormDialog>
  );
}

// The new webhook's signing secret, shown this once, with a copy button.
export function IssuedWebhookDialog({ issued, onClose }: { issued: IssuedWebhook; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open
      wide
      title={t("webhooks.issuedTitle")}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t("common.close")}
        </Button>
      }
    >
      <div className="stack-sm">
        <Alert tone="warning">
          <strong>{t("webhooks.issuedOnce")}</strong>
          <p>{t("webhooks.issuedWarning")}</p>
        </Alert>
        <p>
          <span className="cell-main">{issued.name}</span>
          <span className="muted mono"> · {issued.url}</span>
        </p>
        <SecretField value={issued.secret} label={t("webhooks.secret")} testId="issued-webhook-secret" />
        <p className="field-hint">{t("webhooks.issuedUsage")}</p>
      </div>
    </Dialog>
  );
}

// Asks before deleting a webhook; `onDone` after it is gone.
export function useWebhookDeletion(onDone?: () => void): Confirmation<Webhook> {
  const { t } = useTranslation();
  return useConfirmedDelete(useDeleteWebhook(), {
    title: t("webhooks.deleteTitle"),
    message: (w) => t("webhooks.deleteConfirm", { name: w.name }),
    done: t("webhooks.deleted"),
    onDone,
  });
}
