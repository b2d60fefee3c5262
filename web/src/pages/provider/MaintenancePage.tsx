// Provider console (provider.operations): OPS-1 maintenance windows. The list (by state), with
// each window's time in JST, audience, state and whether its reminder went; announcing one
// (times entered in JST, sent as UTC; every company or chosen ones; texts in Japanese and
// English; an emergency skips the 3 business days' notice, and the form says so plainly), editing
// and cancelling it (its audience is mailed each time). The earliest start a planned window may
// have is shown by the form and by the business-day calendar below the list; when the server
// refuses a start as too soon (422 notice_too_short) the form shows the earliest start it names.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../../api/client";
import type { MaintenanceState, MaintenanceWindow } from "../../api/types";
import { BusinessCalendar } from "../../components/BusinessCalendar";
import { useConfirmedMutation } from "../../components/Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "../../components/form";
import { ListPage } from "../../components/ListPage";
import { checkNoticeFields, NoticeTextFields, noticeFieldsSchema, ScopeFields, scopeFields } from "../../components/NoticeForm";
import { MaintenanceStateBadge, useNoticeText } from "../../components/ServiceNotices";
import { useToast } from "../../components/Toast";
import { Alert, Badge, Button, EmptyState, Field, Input, Select, useErrorText } from "../../components/ui";
import { message } from "../../i18n";
import { earliestStartOf, formatWindow, isOpenWindow, MAINTENANCE_STATES, maintenancePatchOf, scopeOf, windowProblems } from "../../lib/serviceNotices";
import { formatJst, jstLocalToUtc, utcToJstLocal } from "../../lib/time";
import { useAnnounceMaintenance, useCancelMaintenance, useChangeMaintenance, useEarliestStart, useMaintenanceWindows } from "../../resources/serviceNotices";

const schema = noticeFieldsSchema
  .extend({ starts: z.string(), ends: z.string(), emergency: z.boolean() })
  .superRefine((v, ctx) => {
    checkNoticeFields(v, ctx);
    const problems = windowProblems(v.starts, v.ends, Date.now());
    for (const path of ["starts", "ends"] as const) {
      const problem = problems[path];
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: message(problem) });
    }
  });
type FormValues = z.infer<typeof schema>;

// The server's field names, and the form's field that shows a refusal of each.
const SERVER_FIELDS = { starts_at: "starts", ends_at: "ends", scope: "companies", title_ja: "title_ja", title_en: "title_en", body_ja: "body_ja", body_en: "body_en" } as const;

function MaintenanceDialog({ window: w, onClose, onDone }: { window?: MaintenanceWindow; onClose: () => void; onDone: (w: MaintenanceWindow) => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const errorText = useErrorText();
  const announce = useAnnounceMaintenance();
  const change = useChangeMaintenance();
  const mutation = w ? change : announce;
  const earliest = useEarliestStart();
  const form = useZodForm(schema, {
    defaultValues: {
      starts: utcToJstLocal(w?.starts_at),
      ends: utcToJstLocal(w?.ends_at),
      emergency: w?.emergency ?? false,
      ...scopeFields(w?.scope ?? "all"),
      title_ja: w?.title_ja ?? "",
      title_en: w?.title_en ?? "",
      body_ja: w?.body_ja ?? "",
      body_en: w?.body_en ?? "",
    },
  });
  const errors = form.formState.errors;
  const [scope, companies, emergency] = useWatch({ control: form.control, name: ["scope", "companies", "emergency"] });
  const refusal = earliestStartOf(mutation.error);
  const started = w?.state === "in_progress";

  const explain = (e: unknown) => {
    if (!(e instanceof ApiError) || !e.field) return;
    const field = SERVER_FIELDS[e.field as keyof typeof SERVER_FIELDS];
    if (!field) return;
    form.setError(field, { message: e.code === "notice_too_short" ? t("maintenance.noticeTooShort") : errorText(e) });
  };
  const submit = (v: FormValues) => {
    const scopeValue = scopeOf(v.scope === "all", v.companies) ?? "all";
    const values = {
      starts_at: jstLocalToUtc(v.starts) ?? "",
      ends_at: jstLocalToUtc(v.ends) ?? "",
      scope: scopeValue,
      title_ja: v.title_ja.trim(),
      title_en: v.title_en.trim(),
      body_ja: v.body_ja,
      body_en: v.body_en,
    };
    if (w) change.mutate({ id: w.id, patch: maintenancePatchOf(w, values) }, { onSuccess: onDone, onError: explain });
    else announce.mutate({ ...values, emergency: v.emergency }, { onSuccess: onDone, onError: explain });
  };
  const applyEarliest = () => {
    if (!refusal?.utc) return;
    form.setValue("starts", utcToJstLocal(refusal.utc), { shouldDirty: true });
    form.clearErrors("starts");
    mutation.reset();
    form.setFocus("starts");
  };

  const startHint = emergency
    ? t("maintenance.emergencyNoNotice")
    : earliest.data
      ? t("maintenance.earliestHint", { time: earliest.data.jst, count: earliest.data.businessDays })
      : undefined;

  return (
    <FormDialog
      form={form}
      wide
      title={w ? t("maintenance.edit") : t("maintenance.announce")}
      submitLabel={w ? t("common.save") : t("maintenance.announceSubmit")}
      submitVariant={emergency && !w ? "danger" : "primary"}
      submitDisabled={w ? !form.formState.isDirty : false}
      onSubmit={submit}
      onClose={onClose}
      busy={mutation.isPending}
      error={mutation.error}
      errorFields={Object.keys(SERVER_FIELDS)}
    >
      {w ? null : (
        <div className="span-2 stack-xs">
          <label className="checkbox">
            <input type="checkbox" {...form.register("emergency")} />
            <span>{t("maintenance.emergencyLabel")}</span>
          </label>
          {emergency ? (
            <Alert tone="danger">
              <strong>{t("maintenance.emergencyWarningTitle")}</strong>
              <p>{t("maintenance.emergencyWarning")}</p>
            </Alert>
          ) : (
            <p className="field-hint">{t("maintenance.emergencyHint")}</p>
          )}
        </div>
      )}
      {w?.emergency ? (
        <div className="span-2">
          <Badge tone="danger">{t("maintenance.emergency")}</Badge>
        </div>
      ) : null}
      <div className="stack-xs maintenance-start">
        <Field label={t("maintenance.startsAt")} required error={errorMessage(errors.starts)} hint={started ? t("maintenance.startedHint") : startHint}>
          {(p) => <Input {...p} type="datetime-local" disabled={started} {...form.register("starts")} />}
        </Field>
        {refusal ? (
          <div className="earliest-refusal" role="alert" data-testid="earliest-start">
            <span>
              {t("maintenance.earliestRefusal")} <strong>{refusal.jst || formatJst(refusal.utc)}</strong>
            </span>
            {refusal.utc ? (
              <Button className="btn-sm" onClick={applyEarliest}>
                {t("maintenance.useEarliest")}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      <Field label={t("maintenance.endsAt")} required error={errorMessage(errors.ends)} hint={t("maintenance.endsHint")}>
        {(p) => <Input {...p} type="datetime-local" {...form.register("ends")} />}
      </Field>
      <ScopeFields
        all={scope === "all"}
        onAll={(all) => form.setValue("scope", all ? "all" : "companies", { shouldDirty: true })}
        chosen={companies}
        onChosen={(ids) => form.setValue("companies", ids, { shouldDirty: true, shouldValidate: form.formState.isSubmitted })}
        error={errorMessage(errors.companies)}
        hint={t("maintenance.scopeHint")}
      />
      <NoticeTextFields
        register={(name) => form.register(name)}
        errors={{
          title_ja: errorMessage(errors.title_ja),
          title_en: errorMessage(errors.title_en),
          body_ja: errorMessage(errors.body_ja),
          body_en: errorMessage(errors.body_en),
        }}
        bodyHint={t("maintenance.bodyHint")}
      />
    </FormDialog>
  );
}

export function MaintenancePage() {
  const { t } = useTranslation();
  const toast = useToast();
  const text = useNoticeText();
  const [state, setState] = useState<MaintenanceState | "">("");
  const windows = useMaintenanceWindows(state);
  // The calendar marks every window to come, whatever the list's filter.
  const all = useMaintenanceWindows("");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<MaintenanceWindow | null>(null);
  const cancel = useConfirmedMutation(useCancelMaintenance(), {
    title: t("maintenance.cancelTitle"),
    confirmLabel: t("maintenance.cancelConfirmButton"),
    message: (w: MaintenanceWindow) => t("maintenance.cancelConfirm", { title: text(w).title, window: formatWindow(w.starts_at, w.ends_at) }),
    done: t("maintenance.cancelled"),
  });

  const col = createColumnHelper<MaintenanceWindow>();
  const columns = [
    col.accessor("starts_at", {
      header: t("maintenance.window"),
      cell: (c) => <span className="nowrap mono">{formatWindow(c.row.original.starts_at, c.row.original.ends_at)}</span>,
    }),
    col.accessor((w) => text(w).title, {
      id: "title",
      header: t("maintenance.titleColumn"),
      meta: { className: "wrap col-title" },
      cell: (c) => (
        <div className="stack-xs">
          <span className="cell-main">{c.getValue()}</span>
          {c.row.original.emergency ? <Badge tone="danger">{t("maintenance.emergency")}</Badge> : null}
        </div>
      ),
    }),
    col.accessor((w) => (w.scope === "all" ? "" : w.scope_companies.map((s) => s.name).join(" ")), {
      id: "scope",
      header: t("serviceNotices.scope"),
      meta: { className: "wrap" },
      cell: (c) => <ScopeCell scope={c.row.original} />,
    }),
    col.accessor("state", { header: t("maintenance.state"), cell: (c) => <MaintenanceStateBadge state={c.getValue()} /> }),
    col.accessor("announced_at", {
      header: t("maintenance.announcedColumn"),
      cell: (c) => {
        const w = c.row.original;
        return (
          <div className="stack-xs">
            <span className="nowrap mono">{formatJst(w.announced_at, false)}</span>
            <span className="cell-sub">
              {w.reminded_at
                ? t("maintenance.reminded", { time: formatJst(w.reminded_at, false) })
                : w.remind_at
                  ? t("maintenance.remindAt", { time: formatJst(w.remind_at, false) })
                  : w.cancelled_at
                    ? t("maintenance.cancelledAt", { time: formatJst(w.cancelled_at, false) })
                    : w.emergency
                      ? t("maintenance.noReminder")
                      : ""}
            </span>
          </div>
        );
      },
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const w = c.row.original;
        if (!isOpenWindow(w.state)) return null;
        const title = text(w).title;
        return (
          <div className="row">
            <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(w)} aria-label={`${t("common.edit")} ${title}`}>
              {t("common.edit")}
            </Button>
            <Button className="btn-sm" variant="ghost" icon="x" onClick={() => cancel.ask(w)} aria-label={`${t("maintenance.cancel")} ${title}`}>
              {t("maintenance.cancel")}
            </Button>
          </div>
        );
      },
    }),
  ];

  return (
    <ListPage
      title={t("maintenance.title")}
      description={t("maintenance.description")}
      actions={
        <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
          {t("maintenance.announce")}
        </Button>
      }
      error={windows.error}
      toolbar={
        <div className="toolbar">
          <Field label={t("maintenance.state")}>
            {(p) => (
              <Select {...p} value={state} onChange={(e) => setState(e.target.value as MaintenanceState | "")}>
                <option value="">{t("common.all")}</option>
                {MAINTENANCE_STATES.map((s) => (
                  <option key={s} value={s}>
                    {t(`maintenance.states.${s}`)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
      }
      rows={windows.data}
      loading={windows.isLoading}
      columns={columns}
      getRowId={(w) => w.id}
      rowClassName={(w) => (w.state === "in_progress" ? "row-warning" : w.state === "cancelled" || w.state === "ended" ? "row-muted" : undefined)}
      empty={<EmptyState icon="calendar" title={state ? t("maintenance.emptyState") : t("maintenance.empty")} />}
      jstFootnote
    >
      <BusinessCalendar windows={(all.data ?? []).filter((w) => isOpenWindow(w.state))} />
      {creating ? (
        <MaintenanceDialog
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            toast(t("maintenance.announcedToast"));
          }}
        />
      ) : null}
      {editing ? (
        <MaintenanceDialog
          window={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            toast(t("maintenance.saved"));
          }}
        />
      ) : null}
      {cancel.dialog}
    </ListPage>
  );
}

// "All companies", or the companies' names.
export function ScopeCell({ scope }: { scope: Pick<MaintenanceWindow, "scope" | "scope_companies"> }) {
  const { t } = useTranslation();
  if (scope.scope === "all") return <span>{t("serviceNotices.scopeAll")}</span>;
  return (
    <div className="tags">
      {scope.scope_companies.map((c) => (
        <span className="tag" key={c.id} title={c.code}>
          {c.name}
        </span>
      ))}
    </div>
  );
}
