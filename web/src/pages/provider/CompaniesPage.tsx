// Provider console: companies (会社ID) and their contracts, each company's first
// administrator account, the lab setting that lets a company's profiles accept
// unauthenticated devices, the company's access settings set when it asks (where its accounts
// may sign in from: SEC-4's IP address restriction; whether they need a second factor: SEC-9;
// whether its operators may issue remote logins to devices: DEV-5), and how far the deletion after a contract's end
// has gone (DATA-6): a company whose deletion has started can no longer be changed.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../../api/client";
import type { Company, CompanySettings } from "../../api/types";
import { bannerError, FormDialog, showFieldError, useErrorMessage, useZodForm } from "../../components/form";
import { message } from "../../i18n";
import { IP_RESTRICTION_FIELDS, IpRestrictionFields, RemoteLoginField, TotpRequiredField, useIpRestrictionForm } from "../../components/IpRestriction";
import { ListPage } from "../../components/ListPage";
import { useToast } from "../../components/Toast";
import { Alert, Badge, Button, Dialog, ErrorBanner, Field, Input, Select, Spinner, type Tone } from "../../components/ui";
import { contractEndState, type ContractEndState } from "../../lib/companies";
import { newAccount } from "../../lib/validation";
import { useCompanies, useCreateAdministrator, useCreateCompany, useUpdateCompany } from "../../resources/companies";
import { useCompanySettings } from "../../resources/companySettings";

const STATUS_TONE: Record<Company["status"], Tone> = { active: "success", suspended: "warning", ended: "neutral" };
// Each deletion stage: its badge and its words (what is deleted already).
const STAGES = {
  0: { tone: "warning", key: "nothing" },
  1: { tone: "danger", key: "accounts" },
  2: { tone: "danger", key: "configuration" },
} as const satisfies Record<ContractEndState["stage"], { tone: Tone; key: string }>;

// A 409 that is not about the code: the company's deletion after its contract's end has started.
function deletionInProgress(e: unknown): boolean {
  return e instanceof ApiError && e.status === 409 && e.code === "deletion_in_progress";
}

// The status column: what the company's status says, except that a contract whose end date
// has passed has ended whatever the status (its accounts no longer log in); below it, the
// deletion after the contract's end (DATA-6): when the contract ends, or, once it has, the step
// done and the next one with its time (JST).
function StatusCell({ company, state }: { company: Company; state: ContractEndState }) {
  const { t } = useTranslation();
  const endedByDate = state.ended && company.status !== "ended";
  return (
    <div className="stack-xs">
      <div className="row">
        {endedByDate ? (
          <span title={t("companies.contractEndedHint")}>
            <Badge tone="neutral" dot>
              {t("companies.contractEnded")}
            </Badge>
          </span>
        ) : (
          <Badge tone={STATUS_TONE[company.status]} dot>
            {t(`companyStatus.${company.status}`)}
          </Badge>
        )}
        {company.allow_unauthenticated_devices ? <Badge tone="warning">{t("companies.unauthenticatedAllowed")}</Badge> : null}
      </div>
      {!state.ended && state.endsAtJst ? <div className="cell-sub">{t("companies.deletion.endsAt", { time: state.endsAtJst })}</div> : null}
      {state.ended ? (
        <div>
          <Badge tone={STAGES[state.stage].tone}>{t(`companies.deletion.stages.${STAGES[state.stage].key}`)}</Badge>
          {state.stage >= 2 ? <div className="cell-sub">{t("companies.deletion.devicesDetached")}</div> : null}
          {state.next ? (
            <div className="cell-sub">
              {t("companies.deletion.next", { step: t(`companies.deletion.steps.${state.next.step}`), time: state.next.atJst })}
            </div>
          ) : null}
          {state.next?.due ? <div className="cell-sub">{t("companies.deletion.due")}</div> : null}
        </div>
      ) : null}
    </div>
  );
}

const companySchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, message("validation.code")),
  name: z.string().min(1, message("validation.required")).max(200, message("validation.tooLong")),
  contract_start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, message("validation.date")),
  contract_end: z.string(),
  status: z.enum(["active", "suspended", "ended"]),
  allow_unauthenticated_devices: z.boolean(),
});
type CompanyValues = z.infer<typeof companySchema>;
const COMPANY_FIELDS = ["code", "name", "contract_start", "contract_end"] as const;

const ADMIN_FIELDS = ["login", "name", "email", "password"] as const;

function todayJst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

function companyValues(company: Company | null): CompanyValues {
  if (!company) return { code: "", name: "", contract_start: todayJst(), contract_end: "", status: "active", allow_unauthenticated_devices: false };
  return {
    code: company.code,
    name: company.name,
    contract_start: company.contract_start,
    contract_end: company.contract_end ?? "",
    status: company.status,
    allow_unauthenticated_devices: company.allow_unauthenticated_devices,
  };
}

function CompanyDialog({ company, state, onClose }: { company: Company | null; state: ContractEndState | null; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const create = useCreateCompany();
  const update = useUpdateCompany();
  const save = company ? update : create;
  const form = useZodForm(companySchema, { defaultValues: companyValues(company) });
  const errors = form.formState.errors;
  const allowUnauthenticated = useWatch({ control: form.control, name: "allow_unauthenticated_devices" });
  const callbacks = {
    onSuccess: () => {
      toast(company ? t("companies.updated") : t("companies.created"));
      onClose();
    },
    onError: (e: Error) => {
      if (!showFieldError(form, e, COMPANY_FIELDS) && e instanceof ApiError && e.status === 409 && !deletionInProgress(e))
        form.setError("code", { message: message("errors.company_code_taken") });
    },
  };
  const submit = (v: CompanyValues) => {
    const contract_end = v.contract_end || null;
    if (!company) {
      create.mutate({ code: v.code, name: v.name, contract_start: v.contract_start, contract_end }, callbacks);
      return;
    }
    update.mutate(
      {
        company,
        body: {
          name: v.name,
          contract_start: v.contract_start,
          contract_end,
          status: v.status,
          // Sent only when changed: each change is recorded in the company's own history.
          ...(v.allow_unauthenticated_devices !== company.allow_unauthenticated_devices
            ? { allow_unauthenticated_devices: v.allow_unauthenticated_devices }
            : {}),
        },
      },
      callbacks,
    );
  };
  // A code already taken is shown on the code; a deletion in progress above the form.
  const conflict = save.error instanceof ApiError && save.error.status === 409 && !deletionInProgress(save.error);
  return (
    <FormDialog
      form={form}
      wide
      title={company ? `${t("companies.edit")}: ${company.code}` : t("companies.create")}
      submitLabel={company ? t("common.save") : t("common.create")}
      onSubmit={submit}
      onClose={onClose}
      busy={save.isPending}
      error={conflict ? null : bannerError(save.error, COMPANY_FIELDS)}
    >
      {state?.ended && !state.deleting && state.next && !deletionInProgress(save.error) ? (
        <div className="span-2">
          <Alert tone="warning">{t("companies.deletion.renewHint", { time: state.next.atJst })}</Alert>
        </div>
      ) : null}
      <Field label={t("companies.code")} required error={errorText(errors.code)} hint={t("validation.code")}>
        {(p) => <Input {...p} {...form.register("code")} disabled={company !== null} spellCheck={false} />}
      </Field>
      <Field label={t("companies.name")} required error={errorText(errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} />}
      </Field>
      <Field label={t("companies.contractStart")} required error={errorText(errors.contract_start)}>
        {(p) => <Input {...p} {...form.register("contract_start")} type="date" />}
      </Field>
      <Field label={t("companies.contractEnd")} error={errorText(errors.contract_end)}>
        {(p) => <Input {...p} {...form.register("contract_end")} type="date" />}
      </Field>
      {company ? (
        <Field label={t("companies.status")}>
          {(p) => (
            <Select {...p} {...form.register("status")}>
              {(["active", "suspended", "ended"] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`companyStatus.${s}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
      ) : null}
      {company ? (
        <div className="span-2 stack-sm">
          <label className="checkbox">
            <input type="checkbox" {...form.register("allow_unauthenticated_devices")} />
            <span>{t("companies.allowUnauthenticated")}</span>
          </label>
          <p className="field-hint">{t("companies.allowUnauthenticatedHint")}</p>
          {allowUnauthenticated ? <Alert tone="warning">{t("companies.allowUnauthenticatedWarning")}</Alert> : null}
        </div>
      ) : null}
    </FormDialog>
  );
}

function AdminDialog({ company, onClose }: { company: Company; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const create = useCreateAdministrator();
  const form = useZodForm(newAccount, { defaultValues: { login: "", name: "", email: "", password: "" } });
  const errors = form.formState.errors;
  return (
    <FormDialog
      form={form}
      wide
      title={t("companies.adminFor", { name: company.name })}
      submitLabel={t("common.create")}
      onSubmit={(body) =>
        create.mutate(
          { company, body },
          {
            onSuccess: () => {
              toast(t("companies.adminCreated"));
              onClose();
            },
            onError: (e) => showFieldError(form, e, ADMIN_FIELDS),
          },
        )
      }
      onClose={onClose}
      busy={create.isPending}
      error={create.error}
      errorFields={ADMIN_FIELDS}
    >
      <Field label={t("accounts.login")} required error={errorText(errors.login)}>
        {(p) => <Input {...p} {...form.register("login")} autoComplete="off" />}
      </Field>
      <Field label={t("accounts.name")} required error={errorText(errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} autoComplete="off" />}
      </Field>
      <Field label={t("accounts.email")} required error={errorText(errors.email)}>
        {(p) => <Input {...p} {...form.register("email")} type="email" autoComplete="off" />}
      </Field>
      <Field label={t("accounts.initialPassword")} required error={errorText(errors.password)} hint={t("accounts.initialPasswordHint")}>
        {(p) => <Input {...p} {...form.register("password")} type="password" autoComplete="new-password" />}
      </Field>
    </FormDialog>
  );
}

function AccessSettingsForm({ company, settings, onClose }: { company: Company; settings: CompanySettings; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { form, save, submit } = useIpRestrictionForm(settings, company.id, () => {
    toast(t("companies.accessSettingsSaved"));
    onClose();
  });
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={t("companies.accessSettingsFor", { code: company.code, name: company.name })}
      submitLabel={t("common.save")}
      onSubmit={submit}
      onClose={onClose}
      busy={save.isPending}
      error={save.error}
      errorFields={IP_RESTRICTION_FIELDS}
    >
      <p className="field-hint">{t("ipRestriction.providerNote")}</p>
      <fieldset className="stack-sm">
        <legend className="section-title">{t("ipRestriction.title")}</legend>
        <IpRestrictionFields form={form} />
      </fieldset>
      <TotpRequiredField form={form} />
      <RemoteLoginField form={form} />
    </FormDialog>
  );
}

// A company's access settings, read first (the provider sees no lock-out guard: its own
// address is not the company's).
function AccessSettingsDialog({ company, onClose }: { company: Company; onClose: () => void }) {
  const { t } = useTranslation();
  const settings = useCompanySettings(company.id);
  // Not a copy cached from an earlier opening: what the company has now.
  if (settings.data && settings.isFetchedAfterMount) return <AccessSettingsForm company={company} settings={settings.data} onClose={onClose} />;
  return (
    <Dialog open title={t("companies.accessSettingsFor", { code: company.code, name: company.name })} onClose={onClose}>
      {settings.error ? <ErrorBanner error={settings.error} /> : <Spinner />}
    </Dialog>
  );
}

export function CompaniesPage() {
  const { t } = useTranslation();
  const companies = useCompanies();
  const [editing, setEditing] = useState<Company | null | "new">(null);
  const [adminFor, setAdminFor] = useState<Company | null>(null);
  const [restricting, setRestricting] = useState<Company | null>(null);
  // The contract-end state as of when the list was read.
  const stateOf = (c: Company) => contractEndState(c, companies.dataUpdatedAt);

  const col = createColumnHelper<Company>();
  const columns = [
    col.accessor("code", { header: t("companies.code"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor("name", { header: t("companies.name") }),
    col.accessor("contract_start", { header: t("companies.contractStart"), cell: (c) => <span className="nowrap">{c.getValue()}</span> }),
    col.accessor("contract_end", { header: t("companies.contractEnd"), cell: (c) => <span className="nowrap">{c.getValue() ?? "—"}</span> }),
    col.accessor("status", {
      header: t("companies.status"),
      cell: (c) => <StatusCell company={c.row.original} state={stateOf(c.row.original)} />,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        // Deleted data cannot come back: once the deletion has started, the company stays as it is.
        const locked = stateOf(c.row.original).deleting;
        const title = locked ? t("errors.deletion_in_progress") : undefined;
        return (
          <div className="row">
            <Button
              className="btn-sm"
              variant="ghost"
              icon="edit"
              disabled={locked}
              title={title}
              onClick={() => setEditing(c.row.original)}
            >
              {t("common.edit")}
            </Button>
            <Button
              className="btn-sm"
              variant="ghost"
              icon="user"
              disabled={locked}
              title={title}
              onClick={() => setAdminFor(c.row.original)}
            >
              {t("companies.addAdmin")}
            </Button>
            <Button
              className="btn-sm"
              variant="ghost"
              icon="shield"
              disabled={locked}
              title={title}
              onClick={() => setRestricting(c.row.original)}
            >
              {t("companies.accessSettings")}
            </Button>
          </div>
        );
      },
    }),
  ];

  return (
    <ListPage
      title={t("companies.title")}
      description={t("companies.description")}
      actions={
        <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
          {t("companies.create")}
        </Button>
      }
      error={companies.error}
      rows={companies.data}
      loading={companies.isLoading}
      columns={columns}
      getRowId={(c) => c.id}
    >
      {editing ? (
        <CompanyDialog
          company={editing === "new" ? null : editing}
          state={editing === "new" ? null : stateOf(editing)}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {adminFor ? <AdminDialog company={adminFor} onClose={() => setAdminFor(null)} /> : null}
      {restricting ? <AccessSettingsDialog company={restricting} onClose={() => setRestricting(null)} /> : null}
    </ListPage>
  );
}
