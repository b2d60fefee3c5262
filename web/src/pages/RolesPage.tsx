// Roles as a permission matrix: one row per permission, one column per role. Built-in
// roles are shown for reference; custom roles are edited in place and saved together.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import type { Permission, Role } from "../api/types";
import { useCan } from "../auth/session";
import { useConfirmedDelete } from "../components/Confirmation";
import { FormDialog, showFieldError, useErrorMessage, useZodForm } from "../components/form";
import { Icon } from "../components/Icon";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, ErrorBanner, Field, Input, PageHeader, Spinner } from "../components/ui";
import { isTranslationKey, message } from "../i18n";
import { useCreateRole, useDeleteRole, useLabels, usePermissionCatalog, useRoles, useSaveRolePermissions } from "../resources/roles";

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
  name: z.string().min(1, message("validation.required")).max(64, message("validation.tooLong")),
  description: z.string().max(200, message("validation.tooLong")),
  permissions: z.array(z.string()),
});

function CreateRoleDialog({ onClose, catalog }: { onClose: () => void; catalog: Permission[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const groupLabel = useGroupLabel();
  const toast = useToast();
  const errorText = useErrorMessage();
  const create = useCreateRole();
  const form = useZodForm(createSchema, { defaultValues: { name: "", description: "", permissions: [] } });
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={t("roles.create")}
      submitLabel={t("common.create")}
      onSubmit={(v) =>
        create.mutate(v, {
          onSuccess: () => {
            toast(t("roles.created"));
            onClose();
          },
          onError: (e) => {
            showFieldError(form, e, ["name"], { conflict: "role_name_taken" });
          },
        })
      }
      onClose={onClose}
      busy={create.isPending}
      error={create.error}
      errorFields={["name"]}
    >
      <Field label={t("roles.name")} required error={errorText(form.formState.errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} />}
      </Field>
      <Field label={t("roles.roleDescription")} error={errorText(form.formState.errors.description)}>
        {(p) => <Input {...p} {...form.register("description")} />}
      </Field>
      {groupPermissions(catalog).map(([group, perms]) => (
        <fieldset key={group}>
          <legend>{groupLabel(group)}</legend>
          <div className="checkbox-list">
            {perms.map((p) => (
              <label key={p.name} className="checkbox">
                <input type="checkbox" value={p.name} {...form.register("permissions")} />
                <span>{labels.permission(p)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </FormDialog>
  );
}

export function RolesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const labels = useLabels();
  const groupLabel = useGroupLabel();
  const toast = useToast();
  const writable = can("roles.write");
  const catalog = usePermissionCatalog();
  const roles = useRoles();
  const [draft, setDraft] = useState<Record<string, string[]>>({});
  const [creating, setCreating] = useState(false);

  const companyPerms = useMemo(() => (catalog.data ?? []).filter((p) => p.scope === "company"), [catalog.data]);
  const list = roles.data ?? [];
  const changed = changedRoles(list, draft);

  const save = useSaveRolePermissions();
  const remove = useConfirmedDelete(useDeleteRole(), {
    message: (r) => t("roles.deleteConfirm", { name: labels.role(r) }),
    done: t("roles.deleted"),
  });
  const saveChanges = () =>
    save.mutate(
      changed.map((r) => ({ id: r.id, permissions: draft[r.id] ?? r.permissions })),
      {
        onSuccess: () => {
          setDraft({});
          toast(t("roles.saved"));
        },
      },
    );

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
        className="card-flush roles-matrix"
        title={t("roles.matrix")}
        actions={
          writable && changed.length > 0 ? (
            <div className="row">
              <span className="muted">{t("roles.unsaved")}</span>
              <Button onClick={() => setDraft({})}>{t("roles.discard")}</Button>
              <Button variant="primary" busy={save.isPending} onClick={saveChanges}>
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
                            onClick={() => remove.ask(r)}
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
      {remove.dialog}
    </div>
  );
}
