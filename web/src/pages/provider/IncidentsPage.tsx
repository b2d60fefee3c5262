// Provider console (provider.operations): OPS-2 incidents. Drafts come first and are marked as
// such (the health monitor opens one for a failure that lasts 3 minutes); a draft detected more
// than 45 minutes ago is flagged red, since an incident is to be announced within the hour.
// Each incident shows how long it took from detection to publication (or how long its draft
// has waited). Opening one (a draft, or published at once), editing it (a draft's scope and
// severity too), publishing a draft (after a confirmation: it mails the companies'
// administrators), adding an update, resolving it, and discarding a draft (a false alarm).
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../../api/client";
import type { Incident } from "../../api/types";
import { useMessageText } from "../../components/Allocations";
import { useConfirmedDelete, useConfirmedMutation } from "../../components/Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "../../components/form";
import { ListPage } from "../../components/ListPage";
import { checkNoticeFields, NoticeTextFields, noticeFieldsSchema, ScopeFields, scopeFields } from "../../components/NoticeForm";
import { IncidentStateBadge, IncidentUpdates, SeverityBadge, useNoticeText } from "../../components/ServiceNotices";
import { useToast } from "../../components/Toast";
import { Badge, Button, Dialog, EmptyState, Field, Input, KeyValue, Select, useErrorText } from "../../components/ui";
import { message } from "../../i18n";
import { bodyProblem, detectedProblem, incidentPatchOf, publicationMessage, scopeOf, SEVERITIES, sortIncidents } from "../../lib/serviceNotices";
import { formatJst, jstLocalToUtc } from "../../lib/time";
import {
  useAddIncidentUpdate,
  useChangeIncident,
  useDiscardIncident,
  useIncidents,
  useOpenIncident,
  usePublishIncident,
} from "../../resources/serviceNotices";
import { ScopeCell } from "./MaintenancePage";

const incidentSchema = noticeFieldsSchema
  .extend({ severity: z.enum(["minor", "major", "critical"]), detected: z.string(), publish: z.boolean() })
  .superRefine((v, ctx) => {
    checkNoticeFields(v, ctx);
    const problem = detectedProblem(v.detected);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["detected"], message: message(problem) });
  });
type IncidentValues = z.infer<typeof incidentSchema>;

const SERVER_FIELDS = { scope: "companies", severity: "severity", detected_at: "detected", title_ja: "title_ja", title_en: "title_en", body_ja: "body_ja", body_en: "body_en" } as const;

function IncidentDialog({ incident, onClose, onDone }: { incident?: Incident; onClose: () => void; onDone: (i: Incident, published: boolean) => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const errorText = useErrorText();
  const open = useOpenIncident();
  const change = useChangeIncident();
  const mutation = incident ? change : open;
  const form = useZodForm(incidentSchema, {
    defaultValues: {
      severity: incident?.severity ?? "major",
      detected: "",
      publish: false,
      ...scopeFields(incident?.scope ?? "all"),
      title_ja: incident?.title_ja ?? "",
      title_en: incident?.title_en ?? "",
      body_ja: incident?.body_ja ?? "",
      body_en: incident?.body_en ?? "",
    },
  });
  const errors = form.formState.errors;
  const [scope, companies, publish] = useWatch({ control: form.control, name: ["scope", "companies", "publish"] });
  const fixed = incident !== undefined && incident.state !== "draft";

  const explain = (e: unknown) => {
    if (!(e instanceof ApiError) || !e.field) return;
    const field = SERVER_FIELDS[e.field as keyof typeof SERVER_FIELDS];
    if (field) form.setError(field, { message: errorText(e) });
  };
  const submit = (v: IncidentValues) => {
    const values = {
      scope: scopeOf(v.scope === "all", v.companies) ?? "all",
      severity: v.severity,
      title_ja: v.title_ja.trim(),
      title_en: v.title_en.trim(),
      body_ja: v.body_ja,
      body_en: v.body_en,
    };
    if (incident) {
      change.mutate({ id: incident.id, patch: incidentPatchOf(incident, values) }, { onSuccess: (i) => onDone(i, false), onError: explain });
      return;
    }
    const detected = jstLocalToUtc(v.detected);
    open.mutate({ ...values, ...(detected ? { detected_at: detected } : {}), publish: v.publish }, { onSuccess: (i) => onDone(i, v.publish), onError: explain });
  };

  return (
    <FormDialog
      form={form}
      wide
      title={incident ? t("incidents.edit") : t("incidents.open")}
      submitLabel={incident ? t("common.save") : publish ? t("incidents.openAndPublish") : t("incidents.saveDraft")}
      submitDisabled={incident ? !form.formState.isDirty : false}
      onSubmit={submit}
      onClose={onClose}
      busy={mutation.isPending}
      error={mutation.error}
      errorFields={Object.keys(SERVER_FIELDS)}
    >
      <Field label={t("incidents.severity")} required error={errorMessage(errors.severity)} hint={fixed ? t("incidents.fixedAfterPublication") : t("incidents.severityHint")}>
        {(p) => (
          <Select {...p} disabled={fixed} {...form.register("severity")}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`incidents.severities.${s}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {incident ? (
        <div className="field">
          <span className="field-label">{t("incidents.detected")}</span>
          <span className="mono">{formatJst(incident.detected_at)}</span>
        </div>
      ) : (
        <Field label={t("incidents.detectedAt")} error={errorMessage(errors.detected)} hint={t("incidents.detectedHint")}>
          {(p) => <Input {...p} type="datetime-local" {...form.register("detected")} />}
        </Field>
      )}
      <ScopeFields
        all={scope === "all"}
        onAll={(all) => form.setValue("scope", all ? "all" : "companies", { shouldDirty: true })}
        chosen={companies}
        onChosen={(ids) => form.setValue("companies", ids, { shouldDirty: true, shouldValidate: form.formState.isSubmitted })}
        error={errorMessage(errors.companies)}
        disabled={fixed}
        hint={fixed ? t("incidents.fixedAfterPublication") : t("incidents.scopeHint")}
      />
      <NoticeTextFields
        register={(name) => form.register(name)}
        errors={{
          title_ja: errorMessage(errors.title_ja),
          title_en: errorMessage(errors.title_en),
          body_ja: errorMessage(errors.body_ja),
          body_en: errorMessage(errors.body_en),
        }}
      />
      {incident ? null : (
        <div className="span-2 stack-xs">
          <label className="checkbox">
            <input type="checkbox" {...form.register("publish")} />
            <span>{t("incidents.publishNow")}</span>
          </label>
          <p className="field-hint">{publish ? t("incidents.publishNowHint") : t("incidents.draftHint")}</p>
        </div>
      )}
    </FormDialog>
  );
}

const updateSchema = z
  .object({ body_ja: z.string(), body_en: z.string(), resolve: z.boolean() })
  .superRefine((v, ctx) => {
    for (const path of ["body_ja", "body_en"] as const) {
      const problem = bodyProblem(v[path], true);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: message(problem) });
    }
  });

function UpdateDialog({ incident, resolve, onClose, onDone }: { incident: Incident; resolve: boolean; onClose: () => void; onDone: (resolved: boolean) => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const text = useNoticeText();
  const add = useAddIncidentUpdate();
  const form = useZodForm(updateSchema, { defaultValues: { body_ja: "", body_en: "", resolve } });
  const errors = form.formState.errors;
  const resolving = useWatch({ control: form.control, name: "resolve" });
  return (
    <FormDialog
      form={form}
      wide
      title={resolve ? t("incidents.resolveTitle", { title: text(incident).title }) : t("incidents.addUpdateTitle", { title: text(incident).title })}
      submitLabel={resolving ? t("incidents.resolveSubmit") : t("incidents.addUpdate")}
      onSubmit={(v) => add.mutate({ id: incident.id, body: v }, { onSuccess: () => onDone(v.resolve) })}
      onClose={onClose}
      busy={add.isPending}
      error={add.error}
    >
      <Field label={t("incidents.updateJa")} required error={errorMessage(errors.body_ja)}>
        {(p) => <textarea {...p} lang="ja" className="input input-prose" rows={4} {...form.register("body_ja")} />}
      </Field>
      <Field label={t("incidents.updateEn")} required error={errorMessage(errors.body_en)}>
        {(p) => <textarea {...p} lang="en" className="input input-prose" rows={4} {...form.register("body_en")} />}
      </Field>
      <div className="span-2 stack-xs">
        <label className="checkbox">
          <input type="checkbox" {...form.register("resolve")} />
          <span>{t("incidents.resolveCheckbox")}</span>
        </label>
        <p className="field-hint">{incident.state === "draft" ? t("incidents.updateDraftHint") : t("incidents.updateMailedHint")}</p>
      </div>
    </FormDialog>
  );
}

function IncidentDetail({ incident: i, onClose }: { incident: Incident; onClose: () => void }) {
  const { t } = useTranslation();
  const messageText = useMessageText();
  const text = useNoticeText();
  return (
    <Dialog open wide title={text(i).title} onClose={onClose}>
      <div className="stack">
        <div className="row">
          <IncidentStateBadge state={i.state} />
          <SeverityBadge severity={i.severity} />
          {i.overdue ? <Badge tone="danger">{t("incidents.overdue")}</Badge> : null}
        </div>
        <KeyValue
          items={[
            [t("serviceNotices.scope"), <ScopeCell key="scope" scope={i} />],
            [t("incidents.detected"), formatJst(i.detected_at)],
            [t("incidents.published"), i.published_at ? formatJst(i.published_at) : "—"],
            [t("incidents.resolved"), i.resolved_at ? formatJst(i.resolved_at) : "—"],
            [t("incidents.publication"), messageText(publicationMessage(i))],
            [t("incidents.openedBy"), i.check_name ? t("incidents.byMonitor", { check: i.check_name }) : i.created_by_login],
          ]}
        />
        <div className="grid-2">
          <div lang="ja" className="stack-xs">
            <h3 className="section-title">{i.title_ja}</h3>
            <p className="prose">{i.body_ja || "—"}</p>
          </div>
          <div lang="en" className="stack-xs">
            <h3 className="section-title">{i.title_en}</h3>
            <p className="prose">{i.body_en || "—"}</p>
          </div>
        </div>
        <div>
          <h3 className="section-title">{t("incidents.updates")}</h3>
          {i.updates.length === 0 ? <p className="muted">{t("incidents.noUpdates")}</p> : <IncidentUpdates updates={i.updates} />}
        </div>
      </div>
    </Dialog>
  );
}

export function IncidentsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const text = useNoticeText();
  const messageText = useMessageText();
  const incidents = useIncidents();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Incident | null>(null);
  const [showing, setShowing] = useState<Incident | null>(null);
  const [updating, setUpdating] = useState<{ incident: Incident; resolve: boolean } | null>(null);
  const publish = useConfirmedMutation(usePublishIncident(), {
    title: t("incidents.publishTitle"),
    confirmLabel: t("incidents.publish"),
    danger: false,
    message: (i: Incident) => (
      <div className="stack-sm">
        <p>{t("incidents.publishConfirm", { title: text(i).title })}</p>
        <p>{i.scope === "all" ? t("incidents.publishConfirmAll") : t("incidents.publishConfirmCompanies", { companies: i.scope_companies.map((c) => c.name).join("、") })}</p>
      </div>
    ),
    done: t("incidents.publishedToast"),
  });
  const discard = useConfirmedDelete(useDiscardIncident(), {
    title: t("incidents.discard"),
    message: (i: Incident) => t("incidents.discardConfirm", { title: text(i).title }),
    done: t("incidents.discarded"),
  });
  const rows = incidents.data ? sortIncidents(incidents.data) : undefined;
  const drafts = rows?.filter((i) => i.state === "draft") ?? [];
  const late = drafts.filter((i) => i.overdue).length;

  const col = createColumnHelper<Incident>();
  const columns = [
    col.accessor((i) => text(i).title, {
      id: "title",
      header: t("incidents.titleColumn"),
      enableSorting: false,
      meta: { className: "wrap col-title" },
      cell: (c) => {
        const i = c.row.original;
        return (
          <div className="stack-xs">
            <button type="button" className="btn-link cell-main" onClick={() => setShowing(i)}>
              {c.getValue()}
            </button>
            <span className="row">
              {i.state === "draft" ? <Badge tone="warning">{t("incidents.draftMark")}</Badge> : null}
              {i.overdue ? (
                <Badge tone="danger" dot>
                  {t("incidents.overdue")}
                </Badge>
              ) : null}
              {i.check_name ? <span className="cell-sub">{t("incidents.byMonitor", { check: i.check_name })}</span> : null}
            </span>
          </div>
        );
      },
    }),
    col.accessor("state", {
      header: t("incidents.stateAndSeverity"),
      enableSorting: false,
      cell: (c) => (
        <div className="stack-xs">
          <IncidentStateBadge state={c.getValue()} />
          <SeverityBadge severity={c.row.original.severity} />
        </div>
      ),
    }),
    col.display({ id: "scope", header: t("serviceNotices.scope"), meta: { className: "wrap" }, cell: (c) => <ScopeCell scope={c.row.original} /> }),
    col.accessor("detected_at", {
      header: t("incidents.detected"),
      enableSorting: false,
      cell: (c) => <span className="nowrap mono">{formatJst(c.getValue(), false)}</span>,
    }),
    col.display({
      id: "publication",
      header: t("incidents.publication"),
      meta: { className: "wrap" },
      cell: (c) => {
        const i = c.row.original;
        return (
          <div className="stack-xs">
            <span className={i.overdue ? "text-danger" : undefined} data-testid="publication-time">
              {messageText(publicationMessage(i))}
            </span>
            {i.published_at ? <span className="cell-sub mono">{formatJst(i.published_at, false)}</span> : null}
            {i.updates.length > 0 ? <span className="cell-sub">{t("incidents.updateCount", { count: i.updates.length })}</span> : null}
          </div>
        );
      },
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const i = c.row.original;
        const title = text(i).title;
        if (i.state === "resolved") return null;
        return (
          <div className="row">
            {i.state === "draft" ? (
              <Button className="btn-sm" variant="primary" icon="globe" onClick={() => publish.ask(i)} aria-label={`${t("incidents.publish")} ${title}`}>
                {t("incidents.publish")}
              </Button>
            ) : (
              <>
                <Button className="btn-sm" variant="ghost" icon="plus" onClick={() => setUpdating({ incident: i, resolve: false })} aria-label={`${t("incidents.addUpdate")} ${title}`}>
                  {t("incidents.addUpdate")}
                </Button>
                <Button className="btn-sm" variant="ghost" icon="check" onClick={() => setUpdating({ incident: i, resolve: true })} aria-label={`${t("incidents.resolve")} ${title}`}>
                  {t("incidents.resolve")}
                </Button>
              </>
            )}
            <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(i)} aria-label={`${t("common.edit")} ${title}`}>
              {t("common.edit")}
            </Button>
            {i.state === "draft" ? (
              <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => discard.ask(i)} aria-label={`${t("incidents.discard")} ${title}`}>
                {t("incidents.discard")}
              </Button>
            ) : null}
          </div>
        );
      },
    }),
  ];

  return (
    <ListPage
      title={t("incidents.title")}
      description={t("incidents.description")}
      actions={
        <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
          {t("incidents.open")}
        </Button>
      }
      error={incidents.error}
      notice={
        late > 0 ? (
          <div className="alert alert-danger" role="alert">
            <strong>{t("incidents.lateDrafts", { count: late })}</strong>
          </div>
        ) : drafts.length > 0 ? (
          <div className="alert alert-warning" role="status">
            <strong>{t("incidents.drafts", { count: drafts.length })}</strong>
          </div>
        ) : null
      }
      rows={rows}
      loading={incidents.isLoading}
      columns={columns}
      getRowId={(i) => i.id}
      rowClassName={(i) => (i.overdue ? "row-danger" : i.state === "draft" ? "row-draft" : i.state === "resolved" ? "row-muted" : undefined)}
      empty={<EmptyState icon="check" title={t("incidents.empty")} />}
      jstFootnote
    >
      {creating ? (
        <IncidentDialog
          onClose={() => setCreating(false)}
          onDone={(_, published) => {
            setCreating(false);
            toast(published ? t("incidents.publishedToast") : t("incidents.draftSaved"));
          }}
        />
      ) : null}
      {editing ? (
        <IncidentDialog
          incident={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            toast(t("incidents.saved"));
          }}
        />
      ) : null}
      {updating ? (
        <UpdateDialog
          incident={updating.incident}
          resolve={updating.resolve}
          onClose={() => setUpdating(null)}
          onDone={(resolved) => {
            setUpdating(null);
            toast(resolved ? t("incidents.resolvedToast") : t("incidents.updateAdded"));
          }}
        />
      ) : null}
      {showing ? <IncidentDetail incident={showing} onClose={() => setShowing(null)} /> : null}
      {publish.dialog}
      {discard.dialog}
    </ListPage>
  );
}

