// The device inventory (DEV-2): the list a page at a time, one device, its parameters, its
// tags, the counts for the dashboard, the devices onboarding refused and the devices of deleted
// companies (for the provider).
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { call, listAll } from "../api/call";
import { keys, polled, type Polling } from "../api/keys";
import { chunks } from "../lib/paging";
import type { Device, QueryOf, RequestBody } from "../api/types";

const LIST_POLL_MS = 15_000;
const DEVICE_POLL_MS = 15_000;

export type DeviceQuery = Omit<QueryOf<"devices.list">, "limit" | "cursor" | "format">;

// One page of the list, refreshed every 15 s as a background request (it keeps nobody logged
// in); a fetch the user asked for (opening the page, searching, paging, `searchAgain`) is an
// operation.
export function useDevicePage(query: DeviceQuery, cursor: string | null, pageSize: number, enabled = true) {
  const userFetch = useRef(false);
  const lastKey = useRef("");
  const page = useQuery({
    queryKey: [...keys.devices, query, cursor, pageSize],
    queryFn: ({ queryKey }) => {
      const key = JSON.stringify(queryKey);
      const background = key === lastKey.current && !userFetch.current;
      lastKey.current = key;
      userFetch.current = false;
      return call("get", "/devices", { query: { ...query, limit: pageSize, cursor: cursor ?? undefined }, background });
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_POLL_MS,
    enabled,
  });
  // The same search again asks the server again (devices come and go), as the user's fetch.
  const searchAgain = () => {
    userFetch.current = true;
    void page.refetch();
  };
  return { page, searchAgain };
}

// How many devices the list's filter selects (the list's total; "select all N matching").
export function useDeviceCount(query: DeviceQuery) {
  const filter = { ...query, sort: undefined };
  return useQuery({
    queryKey: [...keys.devices, "count", filter],
    queryFn: async () => (await call("get", "/devices/count", { query: filter, background: true })).total,
    placeholderData: keepPreviousData,
    refetchInterval: LIST_POLL_MS,
  });
}

// Issue 18: the device's name and note.
export function useUpdateDevice(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"devices.update">) => call("patch", "/devices/{id}", { path: { id }, body }),
    onSuccess: (device) => {
      qc.setQueryData(keys.device(id), device);
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
  });
}

// Read and refreshed every 15 s in the background.
export function useDevice(id: string) {
  return useQuery({
    queryKey: keys.device(id),
    queryFn: () => call("get", "/devices/{id}", { path: { id }, background: true }),
    refetchInterval: DEVICE_POLL_MS,
  });
}

export function useDeviceSummary({ enabled = true, refetchInterval }: Omit<Polling, "background"> = {}) {
  return useQuery({
    queryKey: keys.deviceSummary,
    queryFn: () => call("get", "/devices/summary", { background: true }),
    enabled,
    refetchInterval,
  });
}

// The parameter tree as the device last reported it.
export function useDeviceParameters(id: string) {
  return useQuery({
    queryKey: keys.deviceParameters(id),
    queryFn: async () => (await call("get", "/devices/{id}/parameters", { path: { id } })).items,
  });
}

export function useDeleteDevice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (device: Device) => call("delete", "/devices/{id}", { path: { id: device.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.devices }),
  });
}

// Issue 18: deletes the device and revokes its credential: it is refused (reason retired) if it
// comes back with it. (A deleted device keeps its last credential, sealed, and comes back as new.)
export function useRetireDevice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (device: Device) => call("post", "/devices/{id}/retire", { path: { id: device.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.devices }),
  });
}

// Issue 18: the company's own devices refused at onboarding, latest refusal first, a page at a
// time, refreshed every 30 s in the background.
export function useOwnRefusedDevices() {
  const loaded = useRef(false);
  return useInfiniteQuery({
    queryKey: keys.ownRefusedDevices,
    queryFn: async ({ pageParam }) => {
      const page = await call("get", "/devices/refused", { query: { limit: 50, cursor: pageParam }, background: loaded.current && pageParam === undefined });
      loaded.current = true;
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 30_000,
  });
}

// Adds or removes one tag of one device; the device's page shows the answer at once.
export function useDeviceTag(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ tag, add }: { tag: string; add: boolean }) =>
      call(add ? "put" : "delete", "/devices/{id}/tags/{tag}", { path: { id, tag } }),
    onSuccess: (device) => qc.setQueryData(keys.device(id), device),
  });
}

// Adds a tag to each device, one after the other.
export function useTagDevices() {
  const qc = useQueryClient();
  return useMutation({
    // Resolves with how many got the tag and the failures; fails when none did.
    mutationFn: async ({ deviceIds, tag }: { deviceIds: string[]; tag: string }) => {
      let done = 0;
      const errors: unknown[] = [];
      for (const id of deviceIds) {
        try {
          await call("put", "/devices/{id}/tags/{tag}", { path: { id, tag } });
          done++;
        } catch (e) {
          errors.push(e);
        }
      }
      if (done === 0 && errors.length > 0) throw errors[0];
      return { done, errors };
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.devices }),
  });
}

// Devices that contacted the service but were not attached (the provider's list).
export function useRefusedDevices({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.refusedDevices, background),
    queryFn: () => listAll("/refused-devices", { background }),
    enabled,
    refetchInterval,
  });
}

// DATA-6: devices of companies deleted after their contract ended (the provider's list), most
// recent contact first.
export function useUnassignedDevices({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.unassignedDevices, background),
    queryFn: () => listAll("/unassigned-devices", { background }),
    enabled,
    refetchInterval,
  });
}

// Issue 18: the cursor of a page of the device list opened from its URL alone (?page=N from a
// shared link or a new tab): the devices before it read in requests of up to 200 (the API's
// limit). `known` is the cursor the history state kept (null for the first page); then nothing
// is read. `beyondEnd`: the list has fewer pages now.
const MAX_LIMIT = 200;
export function usePageCursor(query: DeviceQuery, page: number, pageSize: number, known: string | null | undefined) {
  const found = useQuery({
    queryKey: [...keys.devices, "page-cursor", query, page, pageSize],
    queryFn: async () => {
      let cursor: string | null = null;
      for (const limit of chunks((page - 1) * pageSize, MAX_LIMIT)) {
        const next: string | null = (await call("get", "/devices", { query: { ...query, limit, cursor: cursor ?? undefined } })).next_cursor;
        if (!next) return { cursor: null, beyondEnd: true };
        cursor = next;
      }
      return { cursor, beyondEnd: false };
    },
    enabled: known === undefined,
    staleTime: Infinity,
  });
  if (known !== undefined) return { cursor: known, ready: true, beyondEnd: false, error: null };
  return { cursor: found.data?.cursor ?? null, ready: found.isSuccess, beyondEnd: found.data?.beyondEnd ?? false, error: found.error };
}
