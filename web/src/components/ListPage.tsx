// The console's one list screen: a header (title, description, actions), the error or a
// notice, the list in a card (a toolbar above the table, a pager below), the JST footnote,
// and the screen's dialogs. ListCard is the card alone, for a list inside another screen.
// A filter the user applies with Search: useAppliedFilter and FilterToolbar; a list read a
// page at a time: MorePager.
import { useState, type ReactNode } from "react";
import type { DefaultValues, UseFormReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { DataTable, type DataTableProps } from "./DataTable";
import { submitWith, useZodForm } from "./form";
import { Button, Card, ErrorBanner, PageHeader, Spinner } from "./ui";

type TableProps<T> = Omit<DataTableProps<T>, "data" | "caption">;

export interface ListCardProps<T> extends TableProps<T> {
  rows: T[] | undefined;
  loading: boolean;
  caption: string;
  toolbar?: ReactNode;
  footer?: ReactNode;
}

export function ListCard<T>({ rows, loading, caption, toolbar, footer, ...table }: ListCardProps<T>) {
  return (
    <Card className="card-flush">
      {toolbar}
      {loading ? <Spinner /> : <DataTable data={rows ?? []} caption={caption} {...table} />}
      {footer}
    </Card>
  );
}

export interface ListPageProps<T> extends Omit<ListCardProps<T>, "caption"> {
  title: string;
  description?: string;
  actions?: ReactNode;
  error?: unknown;
  // Replaces the error banner (e.g. "not available yet" for a missing API).
  alert?: ReactNode;
  notice?: ReactNode;
  caption?: string;
  // "Times are JST" under the list.
  jstFootnote?: boolean;
  // After the list: the screen's dialogs, a second section.
  children?: ReactNode;
}

export function ListPage<T>({
  title,
  description,
  actions,
  error,
  alert,
  notice,
  caption,
  jstFootnote,
  children,
  ...card
}: ListPageProps<T>) {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <PageHeader title={title} description={description} actions={actions} />
      {alert ?? <ErrorBanner error={error} />}
      {notice}
      <ListCard caption={caption ?? title} {...card} />
      {jstFootnote ? <p className="footnote">{t("common.timesInJst")}</p> : null}
      {children}
    </div>
  );
}

// Below a list read a page at a time: how many rows are shown, and a button for more.
export function MorePager({
  shown,
  hasMore,
  loadingMore,
  onMore,
  moreLabel,
}: {
  shown: number;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
  moreLabel: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="pager">
      <span className="pager-summary">{t("common.showingRows", { count: shown })}</span>
      {hasMore ? (
        <Button className="btn-sm" busy={loadingMore} onClick={onMore}>
          {moreLabel}
        </Button>
      ) : null}
    </div>
  );
}

export interface AppliedFilter<F extends Record<string, string>> {
  form: UseFormReturn<F>;
  // What the list shows: the form's values when Search was last pressed.
  filter: F;
  apply: (filter: F) => void;
  clear: () => void;
}

// A list's filter: edited in a form, applied by Search, emptied by Clear.
export function useAppliedFilter<S extends z.ZodType<Record<string, string>>>(schema: S, empty: z.infer<S>): AppliedFilter<z.infer<S>> {
  const form = useZodForm(schema, { defaultValues: empty as DefaultValues<z.infer<S>> });
  const [filter, setFilter] = useState(empty);
  return {
    form,
    filter,
    apply: setFilter,
    clear: () => {
      form.reset(empty);
      setFilter(empty);
    },
  };
}

// The filter form above a list, with its Search and Clear buttons after the fields.
export function FilterToolbar<F extends Record<string, string>>({
  filter,
  label,
  children,
}: {
  filter: AppliedFilter<F>;
  label: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form className="toolbar" aria-label={label} onSubmit={submitWith(filter.form, filter.apply)}>
      {children}
      <div className="row">
        <Button type="submit" variant="primary" icon="search">
          {t("common.search")}
        </Button>
        <Button onClick={filter.clear}>{t("common.clear")}</Button>
      </div>
    </form>
  );
}
