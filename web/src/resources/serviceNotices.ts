// Running the service for customers (issue 15). For the provider's site administrators
// (provider.operations): OPS-1 maintenance windows and the business-day calendar, OPS-2
// incidents, OPS-3 availability and this node's health. For every logged-in account: the
// notices of the banner and DATA-7's "Security and data"; for anyone, the public status.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll } from "../api/call";
import { keys } from "../api/keys";
import type {
  Incident,
  IncidentCreate,
  IncidentPatch,
  IncidentUpdateBody,
  MaintenanceCreate,
  MaintenancePatch,
  MaintenanceState,
  MaintenanceWindow,
} from "../api/types";

// The banner's notices are read again this often, in the background (SEC-3: an open console
// keeps nobody logged in).
const NOTICES_POLL_MS = 60_000;
const HEALTH_POLL_MS = 30_000;

// ---- OPS-1: maintenance ----

// Windows, latest start first; "" for every state.
export function useMaintenanceWindows(state: MaintenanceState | "") {
  return useQuery({
    queryKey: [...keys.maintenance, "list", state],
    queryFn: () => listAll("/maintenance", { query: { state: state || undefined } }),
  });
}

// The business days from `from` (YYYY-MM-DD, JST) for `days` days, and the earliest start a
// planned window may have now.
export function useMaintenanceCalendar(from: string, days: number) {
  return useQuery({
    queryKey: keys.maintenanceCalendar(from, days),
    queryFn: () => call("get", "/maintenance/calendar", { query: { from, days: String(days) } }),
  });
}

// Only the earliest start a planned window may have now (the form's hint).
export function useEarliestStart() {
  return useQuery({
    queryKey: keys.maintenanceCalendar("", 1),
    queryFn: () => call("get", "/maintenance/calendar", { query: { days: "1" } }),
    select: (c) => ({ utc: c.earliest_start, jst: c.earliest_start_jst, businessDays: c.notice_business_days }),
  });
}

// Announces a window; 422 notice_too_short (with earliest_start) when a planned one starts too soon.
export function useAnnounceMaintenance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MaintenanceCreate) => call("post", "/maintenance", { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.maintenance });
      void qc.invalidateQueries({ queryKey: keys.notices });
    },
  });
}

export function useChangeMaintenance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: MaintenancePatch }) => call("patch", "/maintenance/{id}", { path: { id }, body: patch }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.maintenance });
      void qc.invalidateQueries({ queryKey: keys.notices });
    },
  });
}

export function useCancelMaintenance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (w: MaintenanceWindow) => call("post", "/maintenance/{id}/cancel", { path: { id: w.id } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.maintenance });
      void qc.invalidateQueries({ queryKey: keys.notices });
    },
  });
}

// ---- OPS-2: incidents ----

export function useIncidents() {
  return useQuery({ queryKey: keys.incidents, queryFn: () => listAll("/incidents") });
}

// Every change of an incident answers it as it now is; the list (and the banner) read again.
function useIncidentMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.incidents });
      void qc.invalidateQueries({ queryKey: keys.notices });
    },
  });
}

// A draft, or published at once (`publish`).
export function useOpenIncident() {
  return useIncidentMutation((body: IncidentCreate) => call("post", "/incidents", { body }));
}

export function useChangeIncident() {
  return useIncidentMutation(({ id, patch }: { id: string; patch: IncidentPatch }) => call("patch", "/incidents/{id}", { path: { id }, body: patch }));
}

// Publishing mails the administrators of the companies in its scope.
export function usePublishIncident() {
  return useIncidentMutation((i: Incident) => call("post", "/incidents/{id}/publish", { path: { id: i.id } }));
}

// An update (mailed when the incident is published); `resolve` ends the incident.
export function useAddIncidentUpdate() {
  return useIncidentMutation(({ id, body }: { id: string; body: IncidentUpdateBody }) => call("post", "/incidents/{id}/updates", { path: { id }, body }));
}

// Only a draft never published (a false alarm) is discarded.
export function useDiscardIncident() {
  return useIncidentMutation((i: Incident) => call("delete", "/incidents/{id}", { path: { id: i.id } }));
}

// ---- OPS-3 and the monitor ----

// The last 12 months, oldest first.
export function useAvailability() {
  return useQuery({
    queryKey: keys.availability,
    queryFn: async () => (await call("get", "/availability/months")).items,
  });
}

// This node's checks as last run; read again in the background while shown.
export function useHealth() {
  return useQuery({
    queryKey: keys.health,
    queryFn: () => call("get", "/operations/health", { background: true }),
    refetchInterval: HEALTH_POLL_MS,
  });
}

// ---- everyone ----

// What concerns the caller's company (or, for the provider, every company): maintenance to come
// or in progress, incidents of the last 90 days. Read in the background.
export function useNotices({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: keys.notices,
    queryFn: () => call("get", "/notices", { background: true }),
    enabled,
    refetchInterval: NOTICES_POLL_MS,
  });
}

// The public status page's data (no login; the server computes it at most every 30 s).
export function useServiceStatus() {
  return useQuery({ queryKey: keys.status, queryFn: () => call("get", "/status", { background: true }), refetchInterval: NOTICES_POLL_MS });
}

export function useSecurityData() {
  return useQuery({ queryKey: keys.securityData, queryFn: () => call("get", "/security-data") });
}
