// Tables of the console on TanStack Table: sortable headers (buttons, so the keyboard can
// sort), optional row selection, and a calm, dense layout. Sorting is client-side unless
// the caller passes `manualSorting` and handles `onSortingChange` (the device list sorts on
// the server).
import {
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type OnChangeFn,
  type RowData,
  type RowSelectionState,
  type SortingState,
} from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "./Icon";

declare module "@tanstack/react-table" {
  // A column's cells and header may carry a class (e.g. "col-num", "col-actions").
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the declaration merges with TanStack's, parameters and all
  interface ColumnMeta<TData extends RowData, TValue> {
    className?: string;
  }
}

// A column's header or cell: its text, or its function called with the context. Called, not
// mounted as a component as TanStack's flexRender does: the screens define their columns on each
// render, and a new component type each time would replace the cell's elements (a button that
// opened a dialog would be gone, and focus could not return to it).
function render<C>(content: ((context: C) => React.ReactNode) | React.ReactNode, context: C): React.ReactNode {
  return typeof content === "function" ? content(context) : content;
}

export interface DataTableProps<T> {
  data: T[];
  // Each column has its own value type; TanStack Table's own examples type the list with any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  getRowId: (row: T) => string;
  caption: string;
  sorting?: SortingState;
  onSortingChange?: OnChangeFn<SortingState>;
  manualSorting?: boolean;
  rowSelection?: RowSelectionState;
  onRowSelectionChange?: OnChangeFn<RowSelectionState>;
  empty?: React.ReactNode;
  rowClassName?: (row: T) => string | undefined;
}

export function DataTable<T>({
  data,
  columns,
  getRowId,
  caption,
  sorting: controlledSorting,
  onSortingChange,
  manualSorting,
  rowSelection,
  onRowSelectionChange,
  empty,
  rowClassName,
}: DataTableProps<T>) {
  const { t } = useTranslation();
  const [localSorting, setLocalSorting] = useState<SortingState>([]);
  const sorting = controlledSorting ?? localSorting;
  const table = useReactTable({
    data,
    columns,
    getRowId,
    state: { sorting, rowSelection: rowSelection ?? {} },
    onSortingChange: onSortingChange ?? setLocalSorting,
    onRowSelectionChange,
    enableRowSelection: Boolean(onRowSelectionChange),
    manualSorting,
    enableSortingRemoval: true,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: manualSorting ? undefined : getSortedRowModel(),
  });

  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const canSort = header.column.getCanSort();
                const content = header.isPlaceholder ? null : render(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={header.column.columnDef.meta?.className}
                  >
                    {canSort ? (
                      <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                        {content}
                        <span className={`sort-indicator${sorted ? " sorted" : ""}`} aria-hidden="true">
                          {sorted === "desc" ? "▼" : sorted === "asc" ? "▲" : "↕"}
                        </span>
                      </button>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={[row.getIsSelected() ? "selected" : "", rowClassName?.(row.original) ?? ""].join(" ").trim() || undefined}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.columnDef.meta?.className}>
                  {render(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data.length === 0 ? <div className="table-empty">{empty ?? t("common.noData")}</div> : null}
    </div>
  );
}

// The checkbox column for selectable tables.
export function selectionColumn<T>(labelAll: string, labelRow: (row: T) => string): ColumnDef<T, unknown> {
  return {
    id: "select",
    enableSorting: false,
    meta: { className: "col-select" },
    header: ({ table }) => (
      <input
        type="checkbox"
        aria-label={labelAll}
        checked={table.getIsAllRowsSelected()}
        ref={(el) => {
          if (el) el.indeterminate = table.getIsSomeRowsSelected();
        }}
        onChange={table.getToggleAllRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => (
      <input
        type="checkbox"
        aria-label={labelRow(row.original)}
        checked={row.getIsSelected()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
  };
}

export function Pager({
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  summary,
  page,
}: {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  summary?: string;
  // The page's number (1-based), when the list knows it.
  page?: number;
}) {
  const { t } = useTranslation();
  return (
    <nav className="pager" aria-label={t("common.pagination")}>
      <span className="pager-summary">{summary}</span>
      {page ? (
        <span className="pager-page" aria-current="page">
          {t("deviceList.page", { page })}
        </span>
      ) : null}
      <button type="button" className="btn btn-secondary btn-sm" disabled={!hasPrevious} onClick={onPrevious}>
        <Icon name="chevronRight" className="flip" size={14} />
        <span>{t("common.previous")}</span>
      </button>
      <button type="button" className="btn btn-secondary btn-sm" disabled={!hasNext} onClick={onNext}>
        <span>{t("common.next")}</span>
        <Icon name="chevronRight" size={14} />
      </button>
    </nav>
  );
}
