// Accounts of the company: create, edit roles, disable/enable, reset a password (the
// temporary one is shown once). Buttons show only with accounts.write.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { api, ApiError, fetchAll } from "../api/client";
import { keys, useLabels, useRoles } from "../api/queries";
import type { Account, Role } from "../api/types";
import { useAuthed, useCan } from "../auth/session";
import { DataTable } from "../components/DataTable";
import { useToast } from "../components/Toast";
import { useErrorMessage } from "../components/form";
import {
  Alert,
  Badge,
  Button,
  Card,
  ConfirmDialog,
  Dialog,
  ErrorBanner,
  Field,
  Input,
  PageHeader,
  Select,
  Spinner,
  type Tone,
} from "../components/ui";
import { formatJst } from "../lib/time";

export const STATUS_TONE: Record<Account["status"], Tone> = { active: "success", locked: "warning", disabled: "neutral" };

const createSchema = z.object({
  login: z.string().min(1, "validation.required").max(64, "validation.tooLong"),
  name: z.string().min(1, "validation.required").max(100, "validation.tooLong"),
  email: z.string().email("validation.email"),
  kind: z.enum(["admin", "general"]),
  password: z.string().min(8, "validation.passwordLength").max(128, "validation.passwordLength"),
  roles: z.array(z.string()),
});
type CreateValues = z.infer<typeof createSchema>;

const editSchema = z.object({
  name: z.string().min(1, "validation.required").max(100, "validation.tooLong"),
  email: z.string().email("validation.email"),
  roles: z.array(z.string()),
});
type EditValues = z.infer<typeof editSchema>;

function RoleCheckboxes({ roles, register }: { roles: Role[]; register: ReturnType<typeof useForm<any>>["register"] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  return (
    <fieldset>
      <legend>{t("accounts.roles")}</legend>
      <div className="checkbox-list">
        {roles.map((r) => (
          <label key={r.id} className="checkbox">
            <input type="checkbox" value={r.id} {...register("roles")} />
            <span>{labels.role(r)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CreateAccountDialog({ open, onClose, roles }: { open: boolean; onClose: () => void; roles: Role[] }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const toast = useToast();
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    watch,
    reset,
    setError,
    formState: { errors },
  } = useForm<CreateValues>({
    resolver: zodResolver(createSchema),
    defaultValues: { login: "", name: "", email: "", kind: "general", password: "", roles: [] },
  });
  const create = useMutation({
    mutationFn: (v: CreateValues) =>
      api<Account>("/accounts", { method: "POST", body: { ...v, roles: v.kind === "general" ? v.roles : [] } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.accounts });
      toast(t("accounts.created"));
      reset();
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.field && ["login", "name", "email", "password"].includes(e.field))
        setError(e.field as keyof CreateValues, { message: e.detail });
    },
  });
  const kind = watch("kind");
  const fieldError = create.error instanceof ApiError && create.error.field ? null : create.error;
  return (
    <Dialog
      open={open}
      title={t("accounts.create")}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={create.isPending} onClick={handleSubmit((v) => create.mutate(v))}>
            {t("common.create")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={fieldError} />
      <form className="form-grid" onSubmit={handleSubmit((v) => create.mutate(v))} noValidate>
        <Field label={t("accounts.login")} required error={errorText(errors.login)}>
          {(p) => <Input {...p} {...register("login")} autoComplete="off" spellCheck={false} />}
        </Field>
        <Field label={t("accounts.name")} required error={errorText(errors.name)}>
          {(p) => <Input {...p} {...register("name")} autoComplete="off" />}
        </Field>
        <Field label={t("accounts.email")} required error={errorText(errors.email)}>
          {(p) => <Input {...p} {...register("email")} type="email" autoComplete="off" />}
        </Field>
        <Field label={t("accounts.kind")} required>
          {(p) => (
            <Select {...p} {...register("kind")}>
              <option value="general">{t("accountKind.general")}</option>
              <option value="admin">{t("accountKind.admin")}</option>
            </Select>
          )}
        </Field>
        <div className="span-2">
          <Field label={t("accounts.initialPassword")} required hint={t("accounts.initialPasswordHint")} error={errorText(errors.password)}>
            {(p) => <Input {...p} {...register("password")} type="password" autoComplete="new-password" />}
          </Field>
        </div>
        <div className="span-2">
          {kind === "general" ? <RoleCheckboxes roles={roles} register={register} /> : <Alert>{t("accounts.adminHasAll")}</Alert>}
        </div>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

function EditAccountDialog({ account, onClose, roles }: { account: Account; onClose: () => void; roles: Role[] }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const toast = useToast();
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<EditValues>({
    resolver: zodResolver(editSchema),
    defaultValues: { name: account.name, email: account.email, roles: account.roles ?? [] },
  });
  const save = useMutation({
    mutationFn: (v: EditValues) =>
      api<Account>(`/accounts/${account.id}`, {
        method: "PATCH",
        body: account.kind === "general" ? v : { name: v.name, email: v.email },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.accounts });
      toast(t("accounts.updated"));
      onClose();
    },
  });
  return (
    <Dialog
      open
      title={`${t("accounts.edit")}: ${account.login}`}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={save.isPending} onClick={handleSubmit((v) => save.mutate(v))}>
            {t("common.save")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={save.error} />
      <form className="form-grid" onSubmit={handleSubmit((v) => save.mutate(v))} noValidate>
        <Field label={t("accounts.name")} required error={errorText(errors.name)}>
          {(p) => <Input {...p} {...register("name")} />}
        </Field>
        <Field label={t("accounts.email")} required error={errorText(errors.email)}>
          {(p) => <Input {...p} {...register("email")} type="email" />}
        </Field>
        <div className="span-2">
          {account.kind === "general" ? <RoleCheckboxes roles={roles} register={register} /> : <Alert>{t("accounts.adminHasAll")}</Alert>}
        </div>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

type Pending = { kind: "reset" | "disable" | "enable"; account: Account } | null;

export function AccountsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useAuthed().account;
  const toast = useToast();
  const qc = useQueryClient();
  const labels = useLabels();
  const writable = can("accounts.write");
  const accounts = useQuery({ queryKey: keys.accounts, queryFn: () => fetchAll<Account>("/accounts") });
  const roles = useRoles(can("roles.read") || writable);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [temporary, setTemporary] = useState<{ login: string; password: string } | null>(null);

  const roleName = useMemo(() => {
    const map = new Map((roles.data ?? []).map((r) => [r.id, labels.role(r)]));
    return (id: string) => map.get(id) ?? id;
  }, [roles.data, labels]);

  const act = useMutation({
    mutationFn: async (p: NonNullable<Pending>) => {
      if (p.kind === "reset")
        return api<{ temporary_password: string }>(`/accounts/${p.account.id}/password-reset`, { method: "POST" });
      return api<Account>(`/accounts/${p.account.id}`, {
        method: "PATCH",
        body: { status: p.kind === "disable" ? "disabled" : "active" },
      });
    },
    onSuccess: (result, p) => {
      void qc.invalidateQueries({ queryKey: keys.accounts });
      setPending(null);
      if (p.kind === "reset") setTemporary({ login: p.account.login, password: (result as { temporary_password: string }).temporary_password });
      else toast(t("accounts.updated"));
    },
  });

  const col = createColumnHelper<Account>();
  const columns = [
    col.accessor("name", {
      header: t("accounts.name"),
      cell: (c) => (
        <div>
          <div className="cell-main">{c.getValue()}</div>
          <div className="cell-sub">{c.row.original.login}</div>
        </div>
      ),
    }),
    col.accessor("email", { header: t("accounts.email") }),
    col.accessor("kind", {
      header: t("accounts.kind"),
      cell: (c) => <Badge tone={c.getValue() === "admin" ? "info" : "neutral"}>{t(`accountKind.${c.getValue()}`)}</Badge>,
    }),
    col.accessor((a) => (a.roles ?? []).map(roleName).join(", "), {
      id: "roles",
      header: t("accounts.roles"),
      cell: (c) =>
        c.row.original.kind === "admin" ? (
          <span className="muted">—</span>
        ) : c.getValue() ? (
          <div className="tags">
            {(c.row.original.roles ?? []).map((r) => (
              <span className="tag" key={r}>
                {roleName(r)}
              </span>
            ))}
          </div>
        ) : (
          <span className="muted">{t("accounts.noRoles")}</span>
        ),
    }),
    col.accessor("status", {
      header: t("accounts.status"),
      cell: (c) => (
        <div className="row">
          <Badge tone={STATUS_TONE[c.getValue()]} dot>
            {t(`accountStatus.${c.getValue()}`)}
          </Badge>
          {c.row.original.must_change_password ? <Badge tone="warning">{t("accounts.mustChange")}</Badge> : null}
        </div>
      ),
    }),
    col.accessor("last_login_at", {
      header: t("accounts.lastLogin"),
      cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span>,
      sortingFn: "alphanumeric",
    }),
    ...(writable
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">{t("common.actions")}</span>,
            meta: { className: "col-actions" },
            cell: (c) => {
              const a = c.row.original;
              const self = a.id === me.id;
              return (
                <div className="row">
                  <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(a)} aria-label={`${t("common.edit")} ${a.login}`}>
                    {t("common.edit")}
                  </Button>
                  <Button className="btn-sm" variant="ghost" icon="key" onClick={() => setPending({ kind: "reset", account: a })} disabled={self}>
                    {t("accounts.resetPassword")}
                  </Button>
                  {a.status === "active" ? (
                    <Button className="btn-sm" variant="ghost" icon="block" onClick={() => setPending({ kind: "disable", account: a })} disabled={self}>
                      {t("accounts.disable")}
                    </Button>
                  ) : (
                    <Button className="btn-sm" variant="ghost" icon="check" onClick={() => setPending({ kind: "enable", account: a })}>
                      {a.status === "locked" ? t("accounts.unlock") : t("accounts.enable")}
                    </Button>
                  )}
                </div>
              );
            },
          }),
        ]
      : []),
  ];

  return (
    <div className="stack">
      <PageHeader
        title={t("accounts.title")}
        description={t("accounts.description")}
        actions={
          writable ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              {t("accounts.create")}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={accounts.error} />
      <Card className="card-flush">
        {accounts.isLoading ? (
          <Spinner />
        ) : (
          <DataTable data={accounts.data ?? []} columns={columns} getRowId={(a) => a.id} caption={t("accounts.title")} />
        )}
      </Card>
      <p className="footnote">{t("common.timesInJst")}</p>
      {creating ? <CreateAccountDialog open onClose={() => setCreating(false)} roles={roles.data ?? []} /> : null}
      {editing ? <EditAccountDialog account={editing} onClose={() => setEditing(null)} roles={roles.data ?? []} /> : null}
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === "reset" ? t("accounts.resetPassword") : pending?.kind === "disable" ? t("accounts.disable") : t("accounts.enable")
        }
        message={
          pending?.kind === "reset"
            ? t("accounts.resetConfirm", { login: pending.account.login })
            : pending?.kind === "disable"
              ? t("accounts.disableConfirm", { login: pending.account.login })
              : pending?.account.login
        }
        confirmLabel={pending?.kind === "reset" ? t("accounts.resetPassword") : pending?.kind === "disable" ? t("accounts.disable") : t("accounts.enable")}
        danger={pending?.kind !== "enable"}
        busy={act.isPending}
        error={act.error}
        onConfirm={() => pending && act.mutate(pending)}
        onClose={() => {
          setPending(null);
          act.reset();
        }}
      />
      <Dialog
        open={temporary !== null}
        title={t("accounts.temporaryPassword")}
        onClose={() => setTemporary(null)}
        footer={
          <Button variant="primary" onClick={() => setTemporary(null)}>
            {t("common.close")}
          </Button>
        }
      >
        <p>{temporary?.login}</p>
        <div className="secret" data-testid="temporary-password">
          {temporary?.password}
        </div>
        <Alert tone="warning">{t("accounts.temporaryPasswordNote")}</Alert>
      </Dialog>
    </div>
  );
}
