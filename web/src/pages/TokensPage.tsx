// API tokens (SEC-9) for integrations: the company's (tokens.write), or, for a site
// administrator, the provider's (provider.tokens) — one screen on two paths, as the API serves
// both on the same routes. A token holds some of its creator's own permissions until it
// expires (at most a year) or is revoked; its secret is shown once, right after creation.
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../api/client";
import type { ApiToken, IssuedApiToken, Permission } from "../api/types";
import { useAuthed } from "../auth/session";
import { useMessageText } from "../components/Allocations";
import { useConfirmedMutation } from "../components/Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "../components/form";
import { ListPage } from "../components/ListPage";
import { SecretField } from "../components/SecretField";
import { Alert, Badge, Button, Dialog, EmptyState, Field, Input } from "../components/ui";
import { message, type TranslationKey } from "../i18n";
import { formatJst } from "../lib/time";
import { dateBounds, DEFAULT_EXPIRY, EXPIRY_PRESETS, expiryOf, grantablePermissions, tokenNameProblem, type ExpiryChoice } from "../lib/tokens";
import { useLabels, usePermissionCatalog } from "../resources/roles";
import { useCreateToken, useRevokeToken, useTokens } from "../resources/tokens";

const EXPIRY_CHOICES: ExpiryChoice[] = [...EXPIRY_PRESETS, "date"];

const createSchema = z.object({
  name: z.string().superRefine((name, ctx) => {
    const problem = tokenNameProblem(name);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: message(problem) });
  }),
  permissions: z.array(z.string()).min(1, message("tokens.errors.permissions")),
  expiry: z.enum(["30", "90", "365", "date"]),
  date: z.string(),
});
type CreateValues = z.infer<typeof createSchema>;

// The server's refusals about one field, in the reader's language.
const SERVER_ERRORS: Record<string, { field: "name" | "permissions" | "expiry"; key: TranslationKey }> = {
  name: { field: "name", key: "tokens.serverErrors.name" },
  permissions: { field: "permissions", key: "tokens.serverErrors.permissions" },
  expires_at: { field: "expiry", key: "tokens.serverErrors.expires_at" },
};

// The field a refusal is about: the server's "field", or, for a grant beyond the creator's
// own permissions (a role changed since the screen was read), the permissions.
function refusedField(e: unknown): string | null {
  if (!(e instanceof ApiError)) return null;
  if (e.code === "grant_exceeds_own_permissions") return "permissions";
  return e.field && e.field in SERVER_ERRORS ? e.field : null;
}

function CreateTokenDialog({ grantable, onClose, onCreated }: { grantable: Permission[]; onClose: () => void; onCreated: (t: IssuedApiToken) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const text = useMessageText();
  const errorText = useErrorMessage();
  const create = useCreateToken();
  const [bounds] = useState(() => dateBounds());
  const form = useZodForm(createSchema, { defaultValues: { name: "", permissions: [], expiry: DEFAULT_EXPIRY, date: "" } });
  const errors = form.formState.errors;
  const [expiry, date] = useWatch({ control: form.control, name: ["expiry", "date"] });
  const preview = expiryOf({ expiry, date });
  const submit = (v: CreateValues) => {
    const expires = expiryOf(v);
    if (!expires.ok) {
      form.setError("expiry", { message: text(expires.error) });
      return;
    }
    create.mutate(
      { name: v.name.trim(), permissions: v.permissions, expires_at: expires.expiresAt },
      {
        onSuccess: onCreated,
        onError: (e) => {
          const field = refusedField(e);
          const known = field ? SERVER_ERRORS[field] : undefined;
          if (!known) return;
          const own = e instanceof ApiError && e.code === "grant_exceeds_own_permissions";
          form.setError(known.field, { message: own ? message("errors.grant_exceeds_own_permissions") : message(known.key) });
        },
      },
    );
  };
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={t("tokens.create")}
      submitLabel={t("common.create")}
      onSubmit={submit}
      onClose={onClose}
      busy={create.isPending}
      error={refusedField(create.error) ? null : create.error}
    >
      <Field label={t("tokens.name")} required error={errorText(errors.name)} hint={t("tokens.nameHint")}>
        {(p) => <Input {...p} autoComplete="off" {...form.register("name")} />}
      </Field>
      <fieldset>
        <legend>{t("tokens.permissions")}</legend>
        {grantable.length === 0 ? (
          <p className="muted">{t("tokens.noPermissions")}</p>
        ) : (
          <div className="checkbox-list">
            {grantable.map((p) => (
              <label key={p.name} className="checkbox">
                <input type="checkbox" value={p.name} {...form.register("permissions")} />
                <span>{labels.permission(p)}</span>
              </label>
            ))}
          </div>
        )}
        <p className={errors.permissions ? "field-error" : "field-hint"}>{errorText(errors.permissions) ?? t("tokens.permissionsHint")}</p>
      </fieldset>
      <fieldset>
        <legend>{t("tokens.expiry")}</legend>
        <div className="choice-list">
          {EXPIRY_CHOICES.map((choice) => (
            <label key={choice} className="checkbox">
              <input type="radio" value={choice} {...form.register("expiry", { onChange: () => form.clearErrors("expiry") })} />
              <span>{t(`tokens.presets.${choice}`)}</span>
            </label>
          ))}
        </div>
        {expiry === "date" ? (
          <div className="expiry-date">
            <Field label={t("tokens.expiryDate")} hint={t("tokens.dateHint")}>
              {(p) => <Input {...p} type="date" min={bounds.min} max={bounds.max} {...form.register("date", { onChange: () => form.clearErrors("expiry") })} />}
            </Field>
          </div>
        ) : null}
        {errors.expiry ? (
          <p className="field-error">{errorText(errors.expiry)}</p>
        ) : preview.ok ? (
          <p className="field-hint" data-testid="token-expiry-preview">
            {t("tokens.expiresPreview", { time: formatJst(preview.expiresAt, false) })}
          </p>
        ) : null}
      </fieldset>
    </FormDialog>
  );
}

// The new token's secret, shown this once, with a copy button.
function IssuedTokenDialog({ issued, onClose }: { issued: IssuedApiToken; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open
      wide
      title={t("tokens.issuedTitle")}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t("common.close")}
        </Button>
      }
    >
      <div className="stack-sm">
        <Alert tone="warning">
          <strong>{t("tokens.issuedOnce")}</strong>
          <p>{t("tokens.issuedWarning")}</p>
        </Alert>
        <p>
          <span className="cell-main">{issued.name}</span>
          <span className="muted"> · {t("tokens.expiresPreview", { time: formatJst(issued.expires_at, false) })}</span>
        </p>
        <SecretField value={issued.token} testId="issued-token" />
        <p className="field-hint">{t("tokens.issuedUsage")}</p>
        <pre className="code-sample">Authorization: Bearer kanri_…</pre>
      </div>
    </Dialog>
  );
}

export function TokensPage() {
  const { t } = useTranslation();
  const session = useAuthed();
  const provider = session.account.kind === "site_admin";
  const labels = useLabels();
  const tokens = useTokens();
  const catalog = usePermissionCatalog();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedApiToken | null>(null);
  const grantable = useMemo(() => grantablePermissions(catalog.data ?? [], session.permissions, provider), [catalog.data, session.permissions, provider]);
  const permissionLabel = useMemo(() => {
    const map = new Map((catalog.data ?? []).map((p) => [p.name, labels.permission(p)]));
    return (name: string) => map.get(name) ?? name;
  }, [catalog.data, labels]);

  const revoke = useConfirmedMutation(useRevokeToken(), {
    title: t("tokens.revokeTitle"),
    message: (token) => t("tokens.revokeConfirm", { name: token.name }),
    confirmLabel: t("tokens.revoke"),
    done: t("tokens.revoked"),
  });
  // An expired token works no more: removing it only tidies the list.
  const remove = useConfirmedMutation(useRevokeToken(), {
    title: t("tokens.removeTitle"),
    message: (token) => t("tokens.removeConfirm", { name: token.name }),
    confirmLabel: t("common.delete"),
    done: t("tokens.removed"),
  });

  const col = createColumnHelper<ApiToken>();
  const columns = [
    col.accessor("name", { header: t("tokens.name"), cell: (c) => <span className="cell-main">{c.getValue()}</span> }),
    col.accessor((tk) => tk.permissions.map(permissionLabel).join(", "), {
      id: "permissions",
      header: t("tokens.permissions"),
      enableSorting: false,
      cell: (c) => (
        <div className="tags">
          {c.row.original.permissions.map((p) => (
            <span className="tag" key={p} title={p}>
              {permissionLabel(p)}
            </span>
          ))}
        </div>
      ),
    }),
    col.accessor("created_at", {
      header: t("tokens.createdAt"),
      cell: (c) => (
        <div>
          <div className="nowrap">{formatJst(c.getValue(), false)}</div>
          <div className="cell-sub">{c.row.original.created_by.login}</div>
        </div>
      ),
    }),
    col.accessor("expires_at", {
      header: t("tokens.expiresAt"),
      cell: (c) => (
        <div className="stack-xs">
          <span className="nowrap">{formatJst(c.getValue(), false)}</span>
          {c.row.original.expired ? <Badge tone="danger">{t("tokens.expired")}</Badge> : null}
        </div>
      ),
    }),
    col.accessor((tk) => tk.last_used_at ?? "", {
      id: "lastUsed",
      header: t("tokens.lastUsed"),
      cell: (c) =>
        c.row.original.last_used_at ? (
          <div>
            <div className="nowrap">{formatJst(c.row.original.last_used_at, false)}</div>
            <div className="cell-sub mono">{c.row.original.last_used_ip ?? ""}</div>
          </div>
        ) : (
          <span className="muted">{t("tokens.neverUsed")}</span>
        ),
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const token = c.row.original;
        return token.expired ? (
          <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => remove.ask(token)} aria-label={`${t("common.delete")} ${token.name}`}>
            {t("common.delete")}
          </Button>
        ) : (
          <Button className="btn-sm" variant="ghost" icon="block" onClick={() => revoke.ask(token)} aria-label={`${t("tokens.revoke")} ${token.name}`}>
            {t("tokens.revoke")}
          </Button>
        );
      },
    }),
  ];

  return (
    <ListPage
      title={t("tokens.title")}
      description={provider ? t("tokens.providerDescription") : t("tokens.description")}
      actions={
        <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
          {t("tokens.create")}
        </Button>
      }
      error={tokens.error ?? catalog.error}
      rows={tokens.data}
      loading={tokens.isLoading}
      columns={columns}
      getRowId={(tk) => tk.id}
      empty={<EmptyState icon="key" title={t("tokens.empty")} />}
      jstFootnote
    >
      {creating ? (
        <CreateTokenDialog
          grantable={grantable}
          onClose={() => setCreating(false)}
          onCreated={(tk) => {
            setCreating(false);
            setIssued(tk);
          }}
        />
      ) : null}
      {issued ? <IssuedTokenDialog issued={issued} onClose={() => setIssued(null)} /> : null}
      {revoke.dialog}
      {remove.dialog}
    </ListPage>
  );
}
