// Provider console: companies (会社ID) and their contracts, each company's first
// administrator account, and the lab setting that lets a company's profiles accept
// unauthenticated devices.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { api, ApiError, fetchAll } from "../../api/client";
import { keys } from "../../api/queries";
import type { Account, Company } from "../../api/types";
import { DataTable } from "../../components/DataTable";
import { useToast } from "../../components/Toast";
import { useErrorMessage } from "../../components/form";
import { Alert, Badge, Button, Card, Dialog, ErrorBanner, Field, Input, PageHeader, Select, Spinner, type Tone } from "../../components/ui";

const STATUS_TONE: Record<Company["status"], Tone> = { active: "success", suspended: "warning", ended: "neutral" };

const companySchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "validation.code"),
  name: z.string().min(1, "validation.required").max(200, "validation.tooLong"),
  contract_start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date"),
  contract_end: z.string(),
  status: z.enum(["active", "suspended", "ended"]),
  allow_unauthenticated_devices: z.boolean(),
});
type CompanyValues = z.infer<typeof companySchema>;

const adminSchema = z.object({
  login: z.string().min(1, "validation.required"),
  name: z.string().min(1, "validation.required"),
  email: z.string().email("validation.email"),
  password: z.string().min(8, "validation.passwordLength").max(128, "validation.passwordLength"),
});
type AdminValues = z.infer<typeof adminSchema>;

function todayJst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

function CompanyDialog({ company, onClose }: { company: Company | null; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const toast = useToast();
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors },
  } = useForm<CompanyValues>({
    resolver: zodResolver(companySchema),
    defaultValues: company
      ? {
          code: company.code,
          name: company.name,
          contract_start: company.contract_start,
          contract_end: company.contract_end ?? "",
          status: company.status,
          allow_unauthenticated_devices: company.allow_unauthenticated_devices ?? false,
        }
      : { code: "", name: "", contract_start: todayJst(), contract_end: "", status: "active", allow_unauthenticated_devices: false },
  });
  const allowUnauthenticated = watch("allow_unauthenticated_devices");
  const save = useMutation({
    mutationFn: (v: CompanyValues) =>
      company
        ? api<Company>(`/companies/${company.id}`, {
            method: "PATCH",
            body: {
              name: v.name,
              contract_start: v.contract_start,
              contract_end: v.contract_end || null,
              status: v.status,
              // Sent only when changed: each change is recorded in the company's own history.
              ...(v.allow_unauthenticated_devices !== (company.allow_unauthenticated_devices ?? false)
                ? { allow_unauthenticated_devices: v.allow_unauthenticated_devices }
                : {}),
            },
          })
        : api<Company>("/companies", {
            method: "POST",
            body: { code: v.code, name: v.name, contract_start: v.contract_start, contract_end: v.contract_end || null },
          }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.companies });
      toast(company ? t("companies.updated") : t("companies.created"));
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.field && ["code", "name", "contract_start", "contract_end"].includes(e.field))
        setError(e.field as keyof CompanyValues, { message: e.detail });
      else if (e instanceof ApiError && e.status === 409) setError("code", { message: t("errors.conflict") });
    },
  });
  const submit = handleSubmit((v) => save.mutate(v));
  return (
    <Dialog
      open
      wide
      title={company ? `${t("companies.edit")}: ${company.code}` : t("companies.create")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={save.isPending} onClick={submit}>
            {company ? t("common.save") : t("common.create")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={save.error instanceof ApiError && (save.error.field || save.error.status === 409) ? null : save.error} />
      <form className="form-grid" onSubmit={submit} noValidate>
        <Field label={t("companies.code")} required error={errorText(errors.code)} hint={t("validation.code")}>
          {(p) => <Input {...p} {...register("code")} disabled={company !== null} spellCheck={false} />}
        </Field>
        <Field label={t("companies.name")} required error={errorText(errors.name)}>
          {(p) => <Input {...p} {...register("name")} />}
        </Field>
        <Field label={t("companies.contractStart")} required error={errorText(errors.contract_start)}>
          {(p) => <Input {...p} {...register("contract_start")} type="date" />}
        </Field>
        <Field label={t("companies.contractEnd")} error={errorText(errors.contract_end)}>
          {(p) => <Input {...p} {...register("contract_end")} type="date" />}
        </Field>
        {company ? (
          <Field label={t("companies.status")}>
            {(p) => (
              <Select {...p} {...register("status")}>
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
              <input type="checkbox" {...register("allow_unauthenticated_devices")} />
              <span>{t("companies.allowUnauthenticated")}</span>
            </label>
            <p className="field-hint">{t("companies.allowUnauthenticatedHint")}</p>
            {allowUnauthenticated ? <Alert tone="warning">{t("companies.allowUnauthenticatedWarning")}</Alert> : null}
          </div>
        ) : null}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

function AdminDialog({ company, onClose }: { company: Company; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const toast = useToast();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<AdminValues>({ resolver: zodResolver(adminSchema), defaultValues: { login: "", name: "", email: "", password: "" } });
  const create = useMutation({
    mutationFn: (v: AdminValues) => api<Account>(`/companies/${company.id}/administrators`, { method: "POST", body: v }),
    onSuccess: () => {
      toast(t("companies.adminCreated"));
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.field && ["login", "name", "email", "password"].includes(e.field))
        setError(e.field as keyof AdminValues, { message: e.detail });
    },
  });
  const submit = handleSubmit((v) => create.mutate(v));
  return (
    <Dialog
      open
      wide
      title={t("companies.adminFor", { name: company.name })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={create.isPending} onClick={submit}>
            {t("common.create")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={create.error instanceof ApiError && create.error.field ? null : create.error} />
      <form className="form-grid" onSubmit={submit} noValidate>
        <Field label={t("accounts.login")} required error={errorText(errors.login)}>
          {(p) => <Input {...p} {...register("login")} autoComplete="off" />}
        </Field>
        <Field label={t("accounts.name")} required error={errorText(errors.name)}>
          {(p) => <Input {...p} {...register("name")} autoComplete="off" />}
        </Field>
        <Field label={t("accounts.email")} required error={errorText(errors.email)}>
          {(p) => <Input {...p} {...register("email")} type="email" autoComplete="off" />}
        </Field>
        <Field label={t("accounts.initialPassword")} required error={errorText(errors.password)} hint={t("accounts.initialPasswordHint")}>
          {(p) => <Input {...p} {...register("password")} type="password" autoComplete="new-password" />}
        </Field>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

export function CompaniesPage() {
  const { t } = useTranslation();
  const companies = useQuery({ queryKey: keys.companies, queryFn: () => fetchAll<Company>("/companies") });
  const [editing, setEditing] = useState<Company | null | "new">(null);
  const [adminFor, setAdminFor] = useState<Company | null>(null);

  const col = createColumnHelper<Company>();
  const columns = [
    col.accessor("code", { header: t("companies.code"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor("name", { header: t("companies.name") }),
    col.accessor("contract_start", { header: t("companies.contractStart"), cell: (c) => <span className="nowrap">{c.getValue()}</span> }),
    col.accessor("contract_end", { header: t("companies.contractEnd"), cell: (c) => <span className="nowrap">{c.getValue() ?? "—"}</span> }),
    col.accessor("status", {
      header: t("companies.status"),
      cell: (c) => (
        <div className="row">
          <Badge tone={STATUS_TONE[c.getValue()]} dot>
            {t(`companyStatus.${c.getValue()}`)}
          </Badge>
          {c.row.original.allow_unauthenticated_devices ? <Badge tone="warning">{t("companies.unauthenticatedAllowed")}</Badge> : null}
        </div>
      ),
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => (
        <div className="row">
          <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(c.row.original)}>
            {t("common.edit")}
          </Button>
          <Button className="btn-sm" variant="ghost" icon="user" onClick={() => setAdminFor(c.row.original)}>
            {t("companies.addAdmin")}
          </Button>
        </div>
      ),
    }),
  ];

  return (
    <div className="stack">
      <PageHeader
        title={t("companies.title")}
        description={t("companies.description")}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
            {t("companies.create")}
          </Button>
        }
      />
      <ErrorBanner error={companies.error} />
      <Card className="card-flush">
        {companies.isLoading ? (
          <Spinner />
        ) : (
          <DataTable data={companies.data ?? []} columns={columns} getRowId={(c) => c.id} caption={t("companies.title")} />
        )}
      </Card>
      {editing ? <CompanyDialog company={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      {adminFor ? <AdminDialog company={adminFor} onClose={() => setAdminFor(null)} /> : null}
    </div>
  );
}
