// Accounts of the company: create, edit roles and mail language, disable/enable, reset a
// password (the temporary one is shown once), delete (administrators). Buttons show only with
// accounts.write; SEC-9: whether each uses a second factor, and switching it off for an account
// that lost its phone (administrators' only by administrators). Inactive accounts are flagged (SEC-7): reminded to log in, or locked for
// inactivity — a lock only the service provider lifts, so no unlock is offered for it.
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useWatch, type UseFormRegisterReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import type { Account, Role } from "../api/types";
import { useAuthed, useCan } from "../auth/session";
import { useConfirmedMutation } from "../components/Confirmation";
import { bannerError, FormDialog, showFieldError, useErrorMessage, useZodForm } from "../components/form";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, ConfirmDialog, Dialog, Field, Input, Select, type Tone } from "../components/ui";
import { isTranslationKey } from "../i18n";
import { draftKey, hasDraft } from "../lib/drafts";
import { deleteRefusal, lockedForInactivity, mayReactivate, remindedForInactivity, temporaryLockUntil } from "../lib/accounts";
import { formatJst } from "../lib/time";
import { email, newAccount, personName } from "../lib/validation";
import { useAccounts, useCreateAccount, useDeleteAccount, useResetPassword, useUpdateAccount } from "../resources/accounts";
import { useLabels, useRoles } from "../resources/roles";
import { useResetTotp } from "../resources/totp";

export const STATUS_TONE: Record<Account["status"], Tone> = { active: "success", locked: "warning", disabled: "neutral" };

const createSchema = newAccount.extend({ kind: z.enum(["admin", "general"]), roles: z.array(z.string()) });
type CreateValues = z.infer<typeof createSchema>;
const CREATE_FIELDS = ["login", "name", "email", "password"] as const;
// The only conflict creating an account meets is a login ID in use (until the server says
// login_taken itself).
const CREATE_ALIASES = { conflict: "login_taken" } as const;
// Issue 18: a half-filled new account survives a session that ended (not its password).
const CREATE_DRAFT = "accounts.create";

const editSchema = z.object({ name: personName, email, language: z.enum(["ja", "en"]), roles: z.array(z.string()) });

// One checkbox per role, all registered as the form's "roles" (the IDs of those checked).
function RoleCheckboxes({ roles, field }: { roles: Role[]; field: UseFormRegisterReturn<"roles"> }) {
  const { t } = useTranslation();
  const labels = useLabels();
  return (
    <fieldset>
      <legend>{t("accounts.roles")}</legend>
      <div className="checkbox-list">
        {roles.map((r) => (
          <label key={r.id} className="checkbox">
            <input type="checkbox" value={r.id} {...field} />
            <span>{labels.role(r)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CreateAccountDialog({ onClose, roles }: { onClose: () => void; roles: Role[] }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const create = useCreateAccount();
  const form = useZodForm(createSchema, {
    defaultValues: { login: "", name: "", email: "", kind: "general", password: "", roles: [] },
  });
  const errors = form.formState.errors;
  const kind = useWatch({ control: form.control, name: "kind" });
  const submit = (v: CreateValues) =>
    create.mutate(
      { ...v, roles: v.kind === "general" ? v.roles : [] },
      {
        onSuccess: () => {
          toast(t("accounts.created"));
          onClose();
        },
        onError: (e) => showFieldError(form, e, CREATE_FIELDS, CREATE_ALIASES),
      },
    );
  return (
    <FormDialog
      form={form}
      wide
      title={t("accounts.create")}
      submitLabel={t("common.create")}
      onSubmit={submit}
      onClose={onClose}
      busy={create.isPending}
      error={bannerError(create.error, CREATE_FIELDS, CREATE_ALIASES)}
      errorFields={CREATE_FIELDS}
      draft={CREATE_DRAFT}
    >
      <Field label={t("accounts.login")} required error={errorText(errors.login)}>
        {(p) => <Input {...p} {...form.register("login")} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label={t("accounts.name")} required error={errorText(errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} autoComplete="off" />}
      </Field>
      <Field label={t("accounts.email")} required error={errorText(errors.email)}>
        {(p) => <Input {...p} {...form.register("email")} type="email" autoComplete="off" />}
      </Field>
      <Field label={t("accounts.kind")} required>
        {(p) => (
          <Select {...p} {...form.register("kind")}>
            <option value="general">{t("accountKind.general")}</option>
            <option value="admin">{t("accountKind.admin")}</option>
          </Select>
        )}
      </Field>
      <div className="span-2">
        <Field label={t("accounts.initialPassword")} required hint={t("accounts.initialPasswordHint")} error={errorText(errors.password)}>
          {(p) => <Input {...p} {...form.register("password")} type="password" autoComplete="new-password" />}
        </Field>
      </div>
      <div className="span-2">
        {kind === "general" ? (
          <RoleCheckboxes roles={roles} field={form.register("roles")} />
        ) : (
          <Alert>{t("accounts.adminHasAll")}</Alert>
        )}
      </div>
    </FormDialog>
  );
}

function EditAccountDialog({ account, onClose, roles }: { account: Account; onClose: () => void; roles: Role[] }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const save = useUpdateAccount();
  const form = useZodForm(editSchema, {
    defaultValues: { name: account.name, email: account.email, language: account.language ?? "ja", roles: account.roles ?? [] },
  });
  const errors = form.formState.errors;
  return (
    <FormDialog
      form={form}
      wide
      title={`${t("accounts.edit")}: ${account.login}`}
      submitLabel={t("common.save")}
      onSubmit={(v) =>
        save.mutate(
          { account, body: account.kind === "general" ? v : { name: v.name, email: v.email, language: v.language } },
          {
            onSuccess: () => {
              toast(t("accounts.updated"));
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      busy={save.isPending}
      error={save.error}
    >
      <Field label={t("accounts.name")} required error={errorText(errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} />}
      </Field>
      <Field label={t("accounts.email")} required error={errorText(errors.email)}>
        {(p) => <Input {...p} {...form.register("email")} type="email" />}
      </Field>
      <Field label={t("accounts.language")} hint={t("accounts.languageHint")}>
        {(p) => (
          <Select {...p} {...form.register("language")}>
            <option value="ja">{t("accounts.languages.ja")}</option>
            <option value="en">{t("accounts.languages.en")}</option>
          </Select>
        )}
      </Field>
      <div />
      <div className="span-2">
        {account.kind === "general" ? <RoleCheckboxes roles={roles} field={form.register("roles")} /> : <Alert>{t("accounts.adminHasAll")}</Alert>}
      </div>
    </FormDialog>
  );
}

function TemporaryPasswordDialog({ login, password, onClose }: { login: string; password: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open
      title={t("accounts.temporaryPassword")}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t("common.close")}
        </Button>
      }
    >
      <p>{login}</p>
      <div className="secret" data-testid="temporary-password">
        {password}
      </div>
      <Alert tone="warning">{t("accounts.temporaryPasswordNote")}</Alert>
    </Dialog>
  );
}

// Deleting an account, asked first. A refusal (409: oneself, the company's last administrator)
// shows the server's own message with it.
function DeleteAccountDialog({ account, onClose }: { account: Account; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const remove = useDeleteAccount();
  const refusal = deleteRefusal(remove.error);
  const known = refusal ? `errors.${refusal.code}` : "";
  return (
    <ConfirmDialog
      open
      title={t("accounts.delete")}
      message={
        <>
          <p>{t("accounts.deleteConfirm", { login: account.login, name: account.name })}</p>
          {refusal ? (
            <Alert tone="danger">
              <strong>{refusal.code !== "conflict" && isTranslationKey(i18n, known) ? t(known) : t("accounts.deleteRefused")}</strong>
              {refusal.code === "conflict" && refusal.detail ? <p data-testid="delete-refusal">{refusal.detail}</p> : null}
            </Alert>
          ) : null}
        </>
      }
      confirmLabel={t("common.delete")}
      danger
      busy={remove.isPending}
      error={refusal ? null : remove.error}
      onConfirm={() =>
        remove.mutate(account, {
          onSuccess: () => {
            toast(t("accounts.deleted"));
            onClose();
          },
        })
      }
      onClose={onClose}
    />
  );
}

// The account's status; SEC-1: an active account locked for a while after failed logins says
// so, and until when (JST).
function AccountStatusBadge({ account }: { account: Account }) {
  const { t } = useTranslation();
  const until = temporaryLockUntil(account);
  if (until)
    return (
      <span className="stack-xs" data-testid="temporary-lock">
        <Badge tone="warning" dot>
          {t("accounts.temporarilyLocked")}
        </Badge>
        <span className="cell-sub">{t("accounts.lockedUntil", { time: formatJst(until, false) })}</span>
      </span>
    );
  return (
    <Badge tone={STATUS_TONE[account.status]} dot>
      {t(`accountStatus.${account.status}`)}
    </Badge>
  );
}

// Why an account is locked, or that it was reminded to log in (SEC-7).
function InactivityMarks({ account }: { account: Account }) {
  const { t } = useTranslation();
  if (lockedForInactivity(account))
    return (
      <span title={t("accounts.lockedInactivityHint")}>
        <Badge tone="danger">{t("accounts.lockedInactivity")}</Badge>
        <span className="cell-sub"> {t("accounts.lockedInactivityHint")}</span>
      </span>
    );
  return (
    <>
      {account.status === "locked" && account.lock_reason === "administrator" ? <Badge tone="neutral">{t("accounts.lockedAdministrator")}</Badge> : null}
      {remindedForInactivity(account) ? (
        <span title={t("accounts.remindedHint", { time: formatJst(account.inactivity_reminded_at, false) })}>
          <Badge tone="warning">{t("accounts.reminded")}</Badge>
        </span>
      ) : null}
    </>
  );
}

export function AccountsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useAuthed().account;
  const labels = useLabels();
  const writable = can("accounts.write");
  const accounts = useAccounts();
  const roles = useRoles(can("roles.read") || writable);
  const [creating, setCreating] = useState(() => hasDraft(draftKey(me.id, CREATE_DRAFT)));
  const [editing, setEditing] = useState<Account | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);
  // Only a company administrator deletes accounts (the server answers 403 administrator_required).
  const mayDelete = writable && me.kind === "admin";
  const [temporary, setTemporary] = useState<{ login: string; password: string } | null>(null);

  const update = useUpdateAccount();
  const reset = useConfirmedMutation(useResetPassword(), {
    title: t("accounts.resetPassword"),
    message: (a) => t("accounts.resetConfirm", { login: a.login }),
    confirmLabel: t("accounts.resetPassword"),
    onDone: (a, result) => setTemporary({ login: a.login, password: result.temporary_password }),
  });
  const resetTotp = useConfirmedMutation(useResetTotp(), {
    title: t("accounts.resetTotp"),
    message: (a) => t("accounts.resetTotpConfirm", { login: a.login }),
    confirmLabel: t("accounts.resetTotp"),
    done: t("accounts.totpReset"),
  });
  const disable = useConfirmedMutation(update, {
    title: t("accounts.disable"),
    message: ({ account }) => t("accounts.disableConfirm", { login: account.login }),
    confirmLabel: t("accounts.disable"),
    done: t("accounts.updated"),
  });
  const enable = useConfirmedMutation(update, {
    title: t("accounts.enable"),
    message: ({ account }) => account.login,
    confirmLabel: t("accounts.enable"),
    danger: false,
    done: t("accounts.updated"),
  });

  const roleName = useMemo(() => {
    const map = new Map((roles.data ?? []).map((r) => [r.id, labels.role(r)]));
    return (id: string) => map.get(id) ?? id;
  }, [roles.data, labels]);

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
          <AccountStatusBadge account={c.row.original} />
          {c.row.original.must_change_password ? <Badge tone="warning">{t("accounts.mustChange")}</Badge> : null}
          <InactivityMarks account={c.row.original} />
        </div>
      ),
    }),
    col.accessor("totp_enabled", {
      header: t("accounts.totp"),
      cell: (c) => (
        <Badge tone={c.getValue() ? "success" : "neutral"} dot>
          {c.getValue() ? t("accounts.totpOn") : t("accounts.totpOff")}
        </Badge>
      ),
    }),
    col.accessor("last_login_at", {
      header: t("accounts.lastLogin"),
      cell: (c) =>
        c.getValue() ? <span className="nowrap">{formatJst(c.getValue(), false)}</span> : <span className="muted">{t("accounts.neverLoggedIn")}</span>,
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
                  <Button className="btn-sm" variant="ghost" icon="key" onClick={() => reset.ask(a)} disabled={self}>
                    {t("accounts.resetPassword")}
                  </Button>
                  {a.totp_enabled && !self && (a.kind !== "admin" || me.kind === "admin") ? (
                    <Button className="btn-sm" variant="ghost" icon="shield" onClick={() => resetTotp.ask(a)}>
                      {t("accounts.resetTotp")}
                    </Button>
                  ) : null}
                  {a.status === "active" ? (
                    <Button
                      className="btn-sm"
                      variant="ghost"
                      icon="block"
                      onClick={() => disable.ask({ account: a, body: { status: "disabled" } })}
                      disabled={self}
                    >
                      {t("accounts.disable")}
                    </Button>
                  ) : mayReactivate(a) ? (
                    <Button className="btn-sm" variant="ghost" icon="check" onClick={() => enable.ask({ account: a, body: { status: "active" } })}>
                      {a.status === "locked" ? t("accounts.unlock") : t("accounts.enable")}
                    </Button>
                  ) : null}
                  {mayDelete ? (
                    <Button
                      className="btn-sm"
                      variant="ghost"
                      icon="trash"
                      onClick={() => setDeleting(a)}
                      disabled={self}
                      aria-label={`${t("common.delete")} ${a.login}`}
                    >
                      {t("common.delete")}
                    </Button>
                  ) : null}
                </div>
              );
            },
          }),
        ]
      : []),
  ];

  return (
    <ListPage
      title={t("accounts.title")}
      description={t("accounts.description")}
      actions={
        writable ? (
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            {t("accounts.create")}
          </Button>
        ) : null
      }
      error={accounts.error}
      rows={accounts.data}
      loading={accounts.isLoading}
      columns={columns}
      getRowId={(a) => a.id}
      jstFootnote
    >
      {creating ? <CreateAccountDialog onClose={() => setCreating(false)} roles={roles.data ?? []} /> : null}
      {editing ? <EditAccountDialog account={editing} onClose={() => setEditing(null)} roles={roles.data ?? []} /> : null}
      {reset.dialog}
      {resetTotp.dialog}
      {disable.dialog}
      {enable.dialog}
      {deleting ? <DeleteAccountDialog account={deleting} onClose={() => setDeleting(null)} /> : null}
      {temporary ? <TemporaryPasswordDialog {...temporary} onClose={() => setTemporary(null)} /> : null}
    </ListPage>
  );
}
