// Roles as a permission matrix: one row per permission, one column per role. Built-in
// roles are shown for reference; custom roles are edited in place and saved together.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { api, ApiError } from "../api/client";
import { keys, useLabels, usePermissionCatalog, useRoles } from "../api/queries";
import type { Permission, Role } from "../api/types";
import { useCan } from "../auth/session";
import { useErrorMessage } from "../components/form";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, ConfirmDialog, Dialog, ErrorBanner, Field, Input, PageHeader, Spinner } from "../components/ui";
import { Icon } from "../components/Icon";
import { isTranslationKey } from "../i18n";

// Permissions grouped by their prefix ("devices.reboot" -> "devices"), in catalog order.
export function groupPermissions(perms: Permission[]): Array<[string, Permission[]]> {
  const groups = new Map<string, Permission[]>();
  for (const p of perms) {
    const g = p.name.split(".")[0] ?? p.name;
    groups.set(g, [...(groups.get(g) ?? []), p]);
  }
  return [...groups.entries()];
}

// The roles whose draft differs from what the server has.
export function changedRoles(roles: Role[], draft: Record<string, string[]>): Role[] {
  return roles.filter((r) => {
    const d = draft[r.id];
    if (!d) return false;
    const a = [...d].sort().join(",");
    const b = [...r.permissions].sort().join(",");
    return a !== b;
  });
}

// A permission group's name ("devices" -> 装置); an unknown group shows as it is.
function useGroupLabel(): (group: string) => string {
  const { t, i18n } = useTranslation();
  return (group) => {
    const key = `roles.group.${group}`;
    return isTranslationKey(i18n, key) ? t(key) : group;
  };
}

const createSchema = z.object({
  name: z.string().min(1, "validation.required").max(64, "validation.tooLong"),
  description: z.string().max(200, "validation.tooLong"),
  permissions: z.array(z.string()),
});
type CreateValues = z.infer<typeof createSchema>;

function CreateRoleDialog({ onClose, catalog }: { onClose: () => void; catalog: Permission[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const groupLabel = useGroupLabel();
  const errorText = useErrorMessage();
  const toast = useToast();
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<CreateValues>({ resolver: zodResolver(createSchema), defaultValues: { name: "", description: "", permissions: [] } });
  const create = useMutation({
    mutationFn: (v: CreateValues) => api<Role>("/roles", { method: "POST", body: v }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.roles });
      toast(t("roles.created"));
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.field === "name") setError("name", { message: e.detail || t("errors.conflict") });
    },
  });
  const submit = handleSubmit((v) => create.mutate(v));
  return (
    <Dialog
      open
      wide
      title={t("roles.create")}
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
      <ErrorBanner error={create.error instanceof ApiError && create.error.field === "name" ? null : create.error} />
      <form className="form-stack" onSubmit={submit} noValidate>
        <Field label={t("roles.name")} required error={errorText(errors.name)}>
          {(p) => <Input {...p} {...register("name")} />}
        </Field>
        <Field label={t("roles.roleDescription")}>{(p) => <Input {...p} {...register("description")} />}</Field>
        {groupPermissions(catalog).map(([group, perms]) => (
          <fieldset key={group}>
            <legend>{groupLabel(group)}</legend>
            <div className="checkbox-list">
              {perms.map((p) => (
                <label key={p.name} className="checkbox">
                  <input type="checkbox" value={p.name} {...register("permissions")} />
                  <span>{labels.permission(p)}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

export function RolesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const labels = useLabels();
  const groupLabel = useGroupLabel();
  const toast = useToast();
  const qc = useQueryClient();
  const writable = can("roles.write");
  const catalog = usePermissionCatalog();
  const roles = useRoles();
  const [draft, setDraft] = useState<Record<string, string[]>>({});
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Role | null>(null);

  const companyPerms = useMemo(() => (catalog.data ?? []).filter((p) => p.scope === "company"), [catalog.data]);
  const list = roles.data ?? [];
  const changed = changedRoles(list, draft);

  const save = useMutation({
    mutationFn: async () => {
      for (const r of changed) await api<Role>(`/roles/${r.id}`, { method: "PATCH", body: { permissions: draft[r.id] } });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.roles });
      setDraft({});
      toast(t("roles.saved"));
    },
  });
  const remove = useMutation({
    mutationFn: (r: Role) => api<void>(`/roles/${r.id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.roles });
      void qc.invalidateQueries({ queryKey: keys.accounts });
      setDeleting(null);
      toast(t("roles.deleted"));
    },
  });

  const toggle = (role: Role, perm: string) => {
    const current = draft[role.id] ?? role.permissions;
    const next = current.includes(perm) ? current.filter((p) => p !== perm) : [...current, perm];
    setDraft({ ...draft, [role.id]: next });
  };

  if (catalog.isLoading || roles.isLoading) return <Spinner />;

  return (
    <div className="stack">
      <PageHeader
        title={t("roles.title")}
        description={t("roles.description")}
        actions={
          writable ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              {t("roles.create")}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={catalog.error ?? roles.error ?? save.error} />
      <Card
        className="card-flush"
        title={t("roles.matrix")}
        actions={
          writable && changed.length > 0 ? (
            <div className="row">
              <span className="muted">{t("roles.unsaved")}</span>
              <Button onClick={() => setDraft({})}>{t("roles.discard")}</Button>
              <Button variant="primary" busy={save.isPending} onClick={() => save.mutate()}>
                {t("roles.saveChanges")}
              </Button>
            </div>
          ) : null
        }
      >
        {writable ? (
          <div className="card-section">
            <Alert>{t("roles.matrixHint")}</Alert>
          </div>
        ) : null}
        <div className="table-wrap">
          <table className="table matrix">
            <caption className="sr-only">{t("roles.matrix")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("roles.permission")}</th>
                {list.map((r) => (
                  <th key={r.id} scope="col" className="role-col">
                    <div className="stack-tight">
                      <div>{labels.role(r)}</div>
                      <div className="row row-center">
                        <Badge tone={r.builtin ? "neutral" : "info"}>{r.builtin ? t("roles.builtin") : t("roles.custom")}</Badge>
                        {writable && !r.builtin ? (
                          <button
                            type="button"
                            className="icon-button icon-button-sm"
                            aria-label={`${t("common.delete")}: ${labels.role(r)}`}
                            onClick={() => setDeleting(r)}
                          >
                            <Icon name="trash" size={14} />
                          </button>
                        ) : null}
                      </div>
                    </div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groupPermissions(companyPerms).map(([group, perms]) => [
                <tr key={group} className="group-row">
                  <td colSpan={list.length + 1}>{groupLabel(group)}</td>
                </tr>,
                ...perms.map((p) => (
                  <tr key={p.name}>
                    <th scope="row" className="perm-cell">
                      {labels.permission(p)}
                      <span className="perm-name">{p.name}</span>
                    </th>
                    {list.map((r) => {
                      const on = (draft[r.id] ?? r.permissions).includes(p.name);
                      return (
                        <td key={r.id} className="cell-check">
                          <input
                            type="checkbox"
                            checked={on}
                            disabled={!writable || r.builtin}
                            aria-label={`${labels.role(r)}: ${labels.permission(p)}`}
                            onChange={() => toggle(r, p.name)}
                          />
                        </td>
                      );
                    })}
                  </tr>
                )),
              ])}
            </tbody>
          </table>
        </div>
      </Card>
      {creating ? <CreateRoleDialog catalog={companyPerms} onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t("common.delete")}
        message={deleting ? t("roles.deleteConfirm", { name: labels.role(deleting) }) : ""}
        confirmLabel={t("common.delete")}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </div>
  );
}
