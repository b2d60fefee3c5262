// The device inventory (DEV-2): search, filters, server-side sort and cursor pagination,
// CSV export, and operations on a selection (DEV-3). The filter lives in the URL, so a
// filtered list can be bookmarked or shared.
import { createColumnHelper, type RowSelectionState, type SortingState } from "@tanstack/react-table";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { z } from "zod";
import { downloadList } from "../api/call";
import { ApiError } from "../api/client";
import type { Device, DeviceFilter } from "../api/types";
import { pathTo } from "../app/paths";
import { useCan } from "../auth/session";
import { Icon } from "../components/Icon";
import { Pager, selectionColumn } from "../components/DataTable";
import { DeviceActionDialog, type DeviceAction } from "../components/DeviceActionDialog";
import { FormDialog, submitWith, useErrorMessage, useZodForm } from "../components/form";
import { RemoteLoginBadge } from "../components/RemoteLogin";
import { message } from "../i18n";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, ErrorBanner, Field, Input, SearchField, Select, useErrorText } from "../components/ui";
import { filterSearch } from "../lib/deviceFilter";
import { knownCursor, pageFromParam, searchForPage, withCursor } from "../lib/paging";
import { formatJst, formatRelative } from "../lib/time";
import { useDeviceGroups, useGroupDevices } from "../resources/deviceGroups";
import { useDeviceCount, useDevicePage, usePageCursor, useTagDevices, type DeviceQuery } from "../resources/devices";
import type { FromList } from "./DeviceDetailPage";
import { useProfiles } from "../resources/profiles";
import { ComplianceBadge } from "../components/DeviceCompliance";
import { COMPLIANCE_STATES, complianceParam } from "../lib/desiredState";

const PAGE_SIZE = 50;
const SORTABLE = ["serial_number", "model", "software_version", "last_contact_at"] as const;

const QUERY_KEYS = ["q", "online", "profile_id", "group_id", "model", "software_version", "tag", "compliance", "sort"] as const;

// The API's query for the URL's search parameters.
export function deviceQuery(params: URLSearchParams): DeviceQuery {
  const q: DeviceQuery = {};
  for (const key of QUERY_KEYS) {
    const v = params.get(key);
    if (v) q[key] = v;
  }
  return q;
}

export function sortingFromParam(sort: string | null): SortingState {
  if (!sort) return [];
  const desc = sort.startsWith("-");
  return [{ id: desc ? sort.slice(1) : sort, desc }];
}

export function sortParam(sorting: SortingState): string {
  const s = sorting[0];
  if (!s) return "";
  return (s.desc ? "-" : "") + s.id;
}

const tagSchema = z.object({ tag: z.string().trim().min(1, message("validation.required")) });

function TagDialog({ deviceIds, onClose, onDone }: { deviceIds: string[]; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const problemText = useErrorText();
  const tagDevices = useTagDevices();
  const form = useZodForm(tagSchema, { defaultValues: { tag: "" } });
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={t("devices.addTag")}
      submitLabel={t("common.apply")}
      onSubmit={({ tag }) =>
        tagDevices.mutate(
          { deviceIds, tag },
          {
            // Issue 18: like every bulk action: what was done to how many, and the selection cleared.
            onSuccess: (r) => {
              toast(t("deviceList.tagged", { tag, count: r.done }));
              if (r.errors.length > 0) toast(t("deviceList.failed", { count: r.errors.length, reason: problemText(r.errors[0]) }), "danger");
              onDone();
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      busy={tagDevices.isPending}
    >
      <Field label={t("devices.tagName")} required error={errorText(form.formState.errors.tag)}>
        {(p) => <Input {...p} {...form.register("tag")} autoFocus />}
      </Field>
      <p className="muted">{t("common.selected", { count: deviceIds.length })}</p>
      <ErrorBanner error={tagDevices.error} />
    </FormDialog>
  );
}

// The list's query as the filter a job or a group change takes ("select all N matching").
export function filterOf(query: DeviceQuery): DeviceFilter {
  const filter: DeviceFilter = {};
  for (const key of ["q", "profile_id", "group_id", "model", "software_version", "tag"] as const) {
    const v = query[key];
    if (v) filter[key] = v;
  }
  if (query.online) filter.online = query.online === "true";
  const compliance = complianceParam(query.compliance ?? null);
  if (compliance) filter.compliance = compliance;
  return filter;
}

const addToGroupSchema = z.object({ group_id: z.string().min(1, message("validation.required")) });

// Issue 18: the selected devices (or every device matching the filter) into a static group.
function AddToGroupDialog({ deviceIds, matching, onClose, onDone }: { deviceIds: string[]; matching?: { filter: DeviceFilter; count: number }; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const groups = useDeviceGroups();
  const add = useGroupDevices();
  const form = useZodForm(addToGroupSchema, { defaultValues: { group_id: "" } });
  const staticGroups = (groups.data ?? []).filter((g) => g.kind === "static");
  const count = matching ? matching.count : deviceIds.length;
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={t("devices.addToGroup")}
      submitLabel={t("devices.addToGroup")}
      onSubmit={({ group_id }) =>
        add.mutate(
          { id: group_id, body: matching ? { filter: matching.filter } : { device_ids: deviceIds } },
          {
            onSuccess: (g) => {
              toast(t("devices.addedToGroup", { count, name: g.name }));
              onDone();
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      busy={add.isPending}
    >
      <Field label={t("devices.group")} required error={errorText(form.formState.errors.group_id)} hint={staticGroups.length === 0 ? t("devices.noStaticGroups") : undefined}>
        {(p) => (
          <Select {...p} {...form.register("group_id")}>
            <option value="">—</option>
            {staticGroups.map((g) => (
              <option key={g.id} value={g.id}>
                {`${g.name} (${g.device_count})`}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <p className="muted">{t("common.selected", { count })}</p>
      <ErrorBanner error={add.error} />
    </FormDialog>
  );
}

const searchSchema = z.object({ q: z.string() });

export function DevicesPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const [selection, setSelectionState] = useState<RowSelectionState>({});
  // Issue 18: "select all N matching": the bulk actions then run on the filter, as a job.
  const [allMatching, setAllMatching] = useState(false);
  const setSelection: typeof setSelectionState = (next) => {
    setAllMatching(false);
    setSelectionState(next);
  };
  const [action, setAction] = useState<DeviceAction | "tag" | "group" | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const search = useZodForm(searchSchema, { defaultValues: { q: params.get("q") ?? "" } });

  const query = deviceQuery(params);
  // Issue 18: the page is in the URL (?page=N); the cursors of pages seen in the history state.
  const location = useLocation();
  const navigate = useNavigate();
  const pageNo = pageFromParam(params.get("page"));
  const pageCursor = usePageCursor(query, pageNo, PAGE_SIZE, knownCursor(location.state, pageNo));
  const cursor = pageCursor.cursor;
  const { page: devices, searchAgain } = useDevicePage(query, cursor, PAGE_SIZE, pageCursor.ready);
  const goToPage = (n: number, cursorOfN: string | null | undefined) =>
    navigate({ search: searchForPage(params, n) }, { state: withCursor(withCursor(location.state, pageNo, cursor), n, cursorOfN) });
  // A page past the end (the list shrank since the link was made): the first page instead.
  const beyondEnd = pageCursor.beyondEnd;
  useEffect(() => {
    if (beyondEnd) navigate({ search: searchForPage(params, 1) }, { replace: true });
  }, [beyondEnd, navigate, params]);
  // The selection belongs to the page and filter shown: another one (the pager, Back, a filter)
  // starts with none.
  const listKey = params.toString();
  const [selectionKey, setSelectionKey] = useState(listKey);
  if (selectionKey !== listKey) {
    setSelectionKey(listKey);
    setSelection({});
  }
  // Back or Forward to another search: the search box shows it.
  const qParam = params.get("q") ?? "";
  const resetSearch = search.reset;
  useEffect(() => resetSearch({ q: qParam }), [qParam, resetSearch]);
  const countQuery = useDeviceCount(query);
  const total = countQuery.data;
  const profiles = useProfiles(can("profiles.read"));
  const groups = useDeviceGroups();

  const update = (changes: Partial<Record<(typeof QUERY_KEYS)[number], string | null>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    next.delete("page");
    setParams(next, { replace: true });
    setSelection({});
  };

  const rows = devices.data?.items ?? [];
  const selectedIds = Object.keys(selection).filter((k) => selection[k]);
  // The count read again when a job on the filter finds another number of devices (409 selection_changed).
  const recount = async () => (await countQuery.refetch()).data;
  const matching = allMatching && total !== undefined ? { filter: filterOf(query), count: total, recount } : undefined;
  const pageAllSelected = rows.length > 0 && rows.every((d) => selection[d.id]);
  const sorting = sortingFromParam(params.get("sort"));
  const canAct = can(["devices.reboot", "devices.factory_reset", "devices.firmware", "devices.configure"]);

  const col = createColumnHelper<Device>();
  const columns = [
    ...(canAct ? [selectionColumn<Device>(t("common.all"), (d) => d.serial_number)] : []),
    col.accessor("serial_number", {
      header: t("devices.serial"),
      cell: (c) => (
        <div>
          <Link
            className="cell-main mono"
            to={pathTo("device", { id: c.row.original.id })}
            state={{ fromList: { search: location.search, state: location.state as unknown } } satisfies FromList}
          >
            {c.getValue()}
          </Link>
          {c.row.original.name ? <div>{c.row.original.name}</div> : null}
          <div className="cell-sub">
            {c.row.original.oui}-{c.row.original.product_class}
          </div>
        </div>
      ),
    }),
    col.accessor("online", {
      header: t("devices.status"),
      enableSorting: false,
      cell: (c) => (
        <div className="row">
          <Badge tone={c.getValue() ? "success" : "neutral"} dot>
            {c.getValue() ? t("devices.online") : t("devices.offline")}
          </Badge>
          {c.row.original.insecure ? (
            <span title={t("devices.insecureHint")}>
              <Badge tone="warning">{t("devices.insecure")}</Badge>
            </span>
          ) : null}
          <RemoteLoginBadge device={c.row.original} />
        </div>
      ),
    }),
    // DEV-7: against the desired configuration of its profile and overrides.
    col.accessor((d) => d.compliance ?? null, {
      id: "compliance",
      header: t("desired.compliance"),
      enableSorting: false,
      cell: (c) => <ComplianceBadge state={c.getValue()} />,
    }),
    col.accessor("model", {
      header: t("devices.model"),
      cell: (c) => (
        <div>
          <div>{c.getValue()}</div>
          <div className="cell-sub">{c.row.original.manufacturer}</div>
        </div>
      ),
    }),
    col.accessor("software_version", { header: t("devices.firmware"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("wan_ip", { header: t("devices.wanIp"), enableSorting: false, cell: (c) => <span className="mono">{c.getValue() || "—"}</span> }),
    col.accessor("last_contact_at", {
      header: t("devices.lastContact"),
      cell: (c) => (
        <span className="nowrap" title={formatJst(c.getValue())}>
          {formatRelative(c.getValue(), i18n.language)}
        </span>
      ),
    }),
    col.accessor("tags", {
      header: t("devices.tags"),
      enableSorting: false,
      cell: (c) => (
        <div className="tags">
          {c.getValue().map((tag) => (
            <button type="button" key={tag} className="tag tag-button" onClick={() => update({ tag })}>
              {tag}
            </button>
          ))}
        </div>
      ),
    }),
  ];

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadList("/devices", { ...query, lang: i18n.language === "en" ? "en" : "ja" }, "devices.csv");
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  const unavailable = devices.error instanceof ApiError && devices.error.status === 404 && devices.error.code === "not_found";
  const activeFilters = (["online", "profile_id", "group_id", "tag", "model", "software_version", "compliance"] as const).filter((k) => params.get(k));
  const clearAll = () => {
    search.reset({ q: "" });
    update({ q: null, online: null, profile_id: null, group_id: null, tag: null, model: null, software_version: null, compliance: null });
  };

  const toolbar = (
    <>
      <form
        className="toolbar"
        role="search"
        onSubmit={submitWith(search, ({ q }) => {
          const text = q.trim() || null;
          // The same search again asks the server again (devices come and go).
          if (text === (params.get("q") || null)) searchAgain();
          else update({ q: text });
        })}
      >
        <SearchField id="device-search" label={t("common.search")} placeholder={t("devices.searchPlaceholder")} {...search.register("q")} />
        {/* The filters apply at once: the URL is their state. */}
        <Field label={t("devices.status")}>
          {(p) => (
            <Select {...p} value={params.get("online") ?? ""} onChange={(e) => update({ online: e.target.value || null })}>
              <option value="">{t("devices.anyStatus")}</option>
              <option value="true">{t("devices.online")}</option>
              <option value="false">{t("devices.offline")}</option>
            </Select>
          )}
        </Field>
        {can("profiles.read") ? (
          <Field label={t("devices.profile")}>
            {(p) => (
              <Select {...p} value={params.get("profile_id") ?? ""} onChange={(e) => update({ profile_id: e.target.value || null })}>
                <option value="">{t("devices.anyProfile")}</option>
                {(profiles.data ?? []).map((pr) => (
                  <option key={pr.id} value={pr.id}>
                    {pr.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : null}
        <Field label={t("devices.group")}>
          {(p) => (
            <Select {...p} value={params.get("group_id") ?? ""} onChange={(e) => update({ group_id: e.target.value || null })}>
              <option value="">{t("devices.anyGroup")}</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={t("desired.compliance")}>
          {(p) => (
            <Select {...p} value={params.get("compliance") ?? ""} onChange={(e) => update({ compliance: e.target.value || null })}>
              <option value="">{t("desired.anyCompliance")}</option>
              {COMPLIANCE_STATES.map((state) => (
                <option key={state} value={state}>
                  {t(`desired.state.${state}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" variant="primary" icon="search">
          {t("common.search")}
        </Button>
        {activeFilters.length > 0 || params.get("q") ? (
          <Button variant="ghost" onClick={clearAll}>
            {t("common.clear")}
          </Button>
        ) : null}
      </form>
      {params.get("tag") ? (
        <div className="bulkbar">
          <span>
            {t("devices.tags")}: <span className="tag">{params.get("tag")}</span>
          </span>
          <button type="button" className="btn-link" onClick={() => update({ tag: null })}>
            {t("common.clear")}
          </button>
        </div>
      ) : null}
      {selectedIds.length > 0 ? (
        <div className="bulkbar" role="region" aria-label={t("devices.bulk")}>
          <strong>{matching ? t("devices.allMatchingSelected", { count: matching.count }) : t("common.selected", { count: selectedIds.length })}</strong>
          {pageAllSelected && !matching && total !== undefined && total > selectedIds.length ? (
            <button type="button" className="btn-link" onClick={() => setAllMatching(true)}>
              {t("devices.selectAllMatching", { count: total })}
            </button>
          ) : null}
          {matching ? (
            <button type="button" className="btn-link" onClick={() => setSelection({})}>
              {t("devices.clearSelection")}
            </button>
          ) : null}
          {can("devices.reboot") ? (
            <Button className="btn-sm" icon="power" onClick={() => setAction("reboot")}>
              {t("devices.reboot")}
            </Button>
          ) : null}
          {can("devices.firmware") ? (
            <Button className="btn-sm" icon="firmware" onClick={() => setAction("download")}>
              {t("devices.firmwareUpdate")}
            </Button>
          ) : null}
          {/* DEV-6: every device the filter selects, updated wave after wave. */}
          {can("devices.firmware") && matching ? (
            <Link className="btn btn-secondary btn-sm" to={`${pathTo("campaigns")}?new=1${filterSearch(matching.filter) ? "&" + filterSearch(matching.filter) : ""}`}>
              <Icon name="campaign" size={16} />
              <span>{t("campaigns.fromList")}</span>
            </Link>
          ) : null}
          {can("devices.configure") && !matching ? (
            <Button className="btn-sm" icon="tag" onClick={() => setAction("tag")}>
              {t("devices.addTag")}
            </Button>
          ) : null}
          {can("devices.configure") ? (
            <Button className="btn-sm" icon="plus" onClick={() => setAction("group")}>
              {t("devices.addToGroup")}
            </Button>
          ) : null}
          {can("devices.factory_reset") ? (
            <Button className="btn-sm" variant="danger" icon="alert" onClick={() => setAction("factoryReset")}>
              {t("devices.factoryReset")}
            </Button>
          ) : null}
        </div>
      ) : null}
    </>
  );

  return (
    <ListPage
      title={t("devices.title")}
      description={t("devices.description")}
      actions={
        <Button icon="download" busy={exporting} onClick={() => void exportCsv()}>
          {exporting ? t("common.exporting") : t("common.exportCsv")}
        </Button>
      }
      alert={unavailable ? <Alert>{t("devices.unavailable")}</Alert> : undefined}
      error={devices.error ?? exportError}
      toolbar={toolbar}
      rows={rows}
      loading={devices.isLoading}
      columns={columns}
      getRowId={(d) => d.id}
      manualSorting
      sorting={sorting}
      onSortingChange={(updater) => {
        const next = typeof updater === "function" ? updater(sorting) : updater;
        const first = next[0];
        update({ sort: first && (SORTABLE as readonly string[]).includes(first.id) ? sortParam(next) : null });
      }}
      rowSelection={selection}
      onRowSelectionChange={canAct ? setSelection : undefined}
      footer={
        <Pager
          page={pageNo}
          hasPrevious={pageNo > 1}
          hasNext={Boolean(devices.data?.next_cursor)}
          onPrevious={() => goToPage(pageNo - 1, knownCursor(location.state, pageNo - 1))}
          onNext={() => goToPage(pageNo + 1, devices.data?.next_cursor)}
          summary={total !== undefined ? t("devices.matchingTotal", { count: total, shown: rows.length }) : t("common.showingRows", { count: rows.length })}
        />
      }
      jstFootnote
    >
      {action && action !== "tag" && action !== "group" ? (
        <DeviceActionDialog
          action={action}
          deviceIds={selectedIds}
          serials={rows.filter((d) => selection[d.id]).map((d) => d.serial_number)}
          matching={matching}
          onClose={() => setAction(null)}
          onDone={() => setSelection({})}
        />
      ) : null}
      {action === "tag" ? <TagDialog deviceIds={selectedIds} onClose={() => setAction(null)} onDone={() => setSelection({})} /> : null}
      {action === "group" ? <AddToGroupDialog deviceIds={selectedIds} matching={matching} onClose={() => setAction(null)} onDone={() => setSelection({})} /> : null}
    </ListPage>
  );
}
