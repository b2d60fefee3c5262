// Provider console: the mail outbox (issue 12) — the mail the service sends (login reminders,
// lock notices, alarms), newest first, filtered by state; one mail with its text; and resending
// one that failed or was sent (with a confirmation; 409 mail_pending while it still waits).
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import type { Mail } from "../../api/types";
import { useConfirmedMutation } from "../../components/Confirmation";
import { FilterToolbar, ListPage, MorePager, useAppliedFilter } from "../../components/ListPage";
import { Badge, Button, Dialog, EmptyState, ErrorBanner, Field, KeyValue, Select, Spinner } from "../../components/ui";
import { isTranslationKey } from "../../i18n";
import { canResend, jstText, MAIL_STATE_TONE, MAIL_STATES } from "../../lib/operations";
import { useMailItem, useMailOutbox, useResendMail } from "../../resources/operations";

const filterSchema = z.object({ state: z.enum(["", "queued", "sending", "sent", "failed"]) });
type MailFilter = z.infer<typeof filterSchema>;
const NO_FILTER: MailFilter = { state: "" };

// A mail's kind ("account.inactivity_reminder") in the reader's language; one the console
// does not know as the server names it.
function useKindText(): (kind: string) => string {
  const { t, i18n } = useTranslation();
  return (kind) => {
    const k = `mail.kinds.${kind}`;
    return /^\w+\.\w+$/.test(kind) && isTranslationKey(i18n, k) ? t(k) : kind;
  };
}

function MailStateBadge({ mail }: { mail: Pick<Mail, "state"> }) {
  const { t } = useTranslation();
  return (
    <Badge tone={MAIL_STATE_TONE[mail.state]} dot>
      {t(`mail.states.${mail.state}`)}
    </Badge>
  );
}

function MailDialog({ mail, onClose, onResend }: { mail: Mail; onClose: () => void; onResend: (m: Mail) => void }) {
  const { t } = useTranslation();
  const kindText = useKindText();
  const full = useMailItem(mail.id);
  const m = full.data ?? mail;
  return (
    <Dialog
      open
      wide
      title={t("mail.detail")}
      onClose={onClose}
      footer={
        <>
          {canResend(m) ? (
            <Button icon="refresh" onClick={() => onResend(m)}>
              {t("mail.resend")}
            </Button>
          ) : null}
          <Button onClick={onClose}>{t("common.close")}</Button>
        </>
      }
    >
      <KeyValue
        items={[
          [t("mail.subject"), m.subject],
          [t("mail.recipient"), m.recipient],
          [t("mail.kind"), kindText(m.kind)],
          [t("mail.state"), <MailStateBadge mail={m} />],
          [t("mail.attempts"), String(m.attempts)],
          [t("mail.created"), jstText(m.created_at_jst, m.created_at)],
          [t("mail.nextAttempt"), m.next_attempt_at ? jstText(m.next_attempt_at_jst, m.next_attempt_at) : ""],
          [t("mail.sentAt"), m.sent_at ? jstText(m.sent_at_jst, m.sent_at) : ""],
          [t("mail.lastError"), m.last_error],
          [t("mail.messageId"), <span className="mono">{m.message_id}</span>],
        ]}
      />
      <div className="stack-sm">
        <h3 className="field-label">{t("mail.body")}</h3>
        <ErrorBanner error={full.error} />
        {full.isLoading ? (
          <Spinner />
        ) : (
          <pre className="code-sample mail-body" aria-label={t("mail.body")}>
            {full.data?.body ?? ""}
          </pre>
        )}
      </div>
    </Dialog>
  );
}

export function MailPage() {
  const { t } = useTranslation();
  const kindText = useKindText();
  const filters = useAppliedFilter(filterSchema, NO_FILTER);
  const filter = filters.filter;
  const [showing, setShowing] = useState<Mail | null>(null);

  const list = useMailOutbox(filter.state);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const resend = useConfirmedMutation(useResendMail(), {
    title: t("mail.resend"),
    message: (m) => t("mail.resendConfirm", { recipient: m.recipient, subject: m.subject }),
    confirmLabel: t("mail.resend"),
    danger: false,
    done: t("mail.resent"),
    onDone: () => setShowing(null),
  });

  const col = createColumnHelper<Mail>();
  const columns = [
    col.accessor((m) => jstText(m.created_at_jst, m.created_at), {
      id: "created",
      header: t("mail.created"),
      cell: (c) => <span className="nowrap mono">{c.getValue()}</span>,
    }),
    col.accessor("recipient", { header: t("mail.recipient"), cell: (c) => <span className="cell-main">{c.getValue()}</span> }),
    col.accessor((m) => kindText(m.kind), { id: "kind", header: t("mail.kind") }),
    col.accessor("subject", { header: t("mail.subject"), meta: { className: "wrap" } }),
    col.accessor("state", { header: t("mail.state"), cell: (c) => <MailStateBadge mail={c.row.original} /> }),
    col.accessor("attempts", { header: t("mail.attempts"), meta: { className: "col-num" } }),
    col.accessor("last_error", { header: t("mail.lastError"), cell: (c) => <span className="cell-sub">{c.getValue()}</span> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const m = c.row.original;
        return (
          <div className="row">
            <Button className="btn-sm" variant="ghost" icon="list" onClick={() => setShowing(m)} aria-label={`${t("common.details")}: ${m.subject}`}>
              {t("common.details")}
            </Button>
            {canResend(m) ? (
              <Button className="btn-sm" variant="ghost" icon="refresh" onClick={() => resend.ask(m)} aria-label={`${t("mail.resend")}: ${m.subject}`}>
                {t("mail.resend")}
              </Button>
            ) : null}
          </div>
        );
      },
    }),
  ];

  const toolbar = (
    <FilterToolbar filter={filters} label={t("mail.filters")}>
      <Field label={t("mail.state")}>
        {(p) => (
          <Select {...p} {...filters.form.register("state")}>
            <option value="">{t("common.all")}</option>
            {MAIL_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`mail.states.${s}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </FilterToolbar>
  );

  return (
    <ListPage
      title={t("mail.title")}
      description={t("mail.description")}
      error={list.error}
      toolbar={toolbar}
      rows={rows}
      loading={list.isLoading}
      columns={columns}
      getRowId={(m) => m.id}
      empty={<EmptyState icon="mail" title={t("mail.empty")} />}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
          moreLabel={t("mail.more")}
        />
      }
      jstFootnote
    >
      {showing ? <MailDialog mail={showing} onClose={() => setShowing(null)} onResend={resend.ask} /> : null}
      {resend.dialog}
    </ListPage>
  );
}
